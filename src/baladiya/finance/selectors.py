"""Ledger reads: the chart, periods and the reports. Every report reads the
per-period balance table where it can, so its cost follows the number of
accounts and periods, not the number of journal lines."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baladiya.core.api import User, organisation, quantize, require
from baladiya.finance.models import (
    Account,
    AccountBalance,
    AccountKind,
    EntryStatus,
    FiscalPeriod,
    FiscalYear,
    JournalEntry,
    JournalLine,
    PeriodStatus,
)

ZERO = Decimal("0")


def accounts() -> QuerySet[Account]:
    return Account.objects.select_related("parent").order_by("code")


def account_by_code(code: str) -> Account | None:
    return Account.objects.filter(code=code).first()


def fiscal_years() -> QuerySet[FiscalYear]:
    return FiscalYear.objects.order_by("-start")


def fiscal_year(code: str) -> FiscalYear | None:
    return FiscalYear.objects.filter(code=code).first()


def periods(*, year: FiscalYear | None = None) -> QuerySet[FiscalPeriod]:
    qs = FiscalPeriod.objects.select_related("year", "closed_by").order_by("start")
    return qs.filter(year=year) if year is not None else qs


def period_for(date: dt.date) -> FiscalPeriod | None:
    return FiscalPeriod.objects.filter(start__lte=date, end__gte=date).first()


def is_period_open(date: dt.date) -> bool:
    return FiscalPeriod.objects.filter(
        start__lte=date, end__gte=date, status=PeriodStatus.OPEN
    ).exists()


def entry(pk: int) -> JournalEntry | None:
    return (
        JournalEntry.objects.select_related("period__year", "reverses", "created_by", "approved_by")
        .prefetch_related("lines__account")
        .filter(pk=pk)
        .first()
    )


def entries(
    *, user: User, status: str = "", source: str = "", query: str = ""
) -> QuerySet[JournalEntry]:
    require(user, "finance.view_reports")
    qs = JournalEntry.objects.select_related("period__year", "created_by", "approved_by").order_by(
        "-pk"
    )
    if status:
        qs = qs.filter(status=status)
    if source:
        qs = qs.filter(source=source)
    if query.strip():
        qs = qs.filter(Q(number__iexact=query.strip()) | Q(memo__icontains=query.strip()))
    return qs


def postable_accounts() -> QuerySet[Account]:
    return Account.objects.filter(is_postable=True, is_active=True).order_by("code")


def entries_by_source(source: str, source_ref: str) -> QuerySet[JournalEntry]:
    return JournalEntry.objects.filter(source=source, source_ref=source_ref).order_by("pk")


def ledger_totals() -> dict[str, Decimal]:
    """Sums over all posted lines and over the balance table (they must agree)."""
    lines = JournalLine.objects.filter(entry__status=EntryStatus.POSTED).aggregate(
        debit=Sum("debit"), credit=Sum("credit")
    )
    balances = AccountBalance.objects.aggregate(debit=Sum("debit"), credit=Sum("credit"))
    return {
        "line_debit": lines["debit"] or ZERO,
        "line_credit": lines["credit"] or ZERO,
        "balance_debit": balances["debit"] or ZERO,
        "balance_credit": balances["credit"] or ZERO,
    }


# --- Reports ----------------------------------------------------------------------


@dataclass
class Report:
    """A report as plain data: title, column keys and labels, rows, totals.
    Rendered as HTML, exported to Excel and served as JSON from the same object."""

    key: str
    title: str
    columns: list[tuple[str, str]]
    rows: list[dict[str, Any]] = field(default_factory=list)
    totals: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        org = organisation()
        currency = org.currency if org is not None else "ILS"

        def plain(value: Any) -> Any:
            if isinstance(value, Decimal):
                return str(quantize(value, currency))
            if isinstance(value, dt.date):
                return value.isoformat()
            return value

        data = asdict(self)
        return {
            "key": self.key,
            "title": self.title,
            "columns": [{"key": k, "label": str(label)} for k, label in self.columns],
            "rows": [{k: plain(v) for k, v in row.items()} for row in data["rows"]],
            "totals": {k: plain(v) for k, v in self.totals.items()},
            "meta": {k: plain(v) for k, v in self.meta.items()},
            "currency": currency,
        }


def _labels(key: str) -> dict[str, str]:
    common = {
        "code": _("Code"),
        "name": _("Account"),
        "account": _("Account"),
        "debit": _("Debit"),
        "credit": _("Credit"),
        "date": _("Date"),
        "number": _("Entry"),
        "memo": _("Description"),
        "balance": _("Balance"),
        "total": _("Total"),
        "amount": _("Amount"),
    }
    titles = {
        "trial-balance": _("Trial balance"),
        "general-ledger": _("General ledger"),
        "cash-book": _("Cash book"),
        "revenue-by-head": _("Revenue by head and month"),
        "ipsas-cash": _("Statement of cash receipts and payments"),
    }
    return common | {
        "title": titles[key],
        "opening_debit": _("Opening debit"),
        "opening_credit": _("Opening credit"),
        "closing_debit": _("Closing debit"),
        "closing_credit": _("Closing credit"),
        "head": _("Revenue head"),
        "receipts": _("Receipts"),
        "payments": _("Payments"),
        "total_receipts": _("Total receipts"),
        "total_payments": _("Total payments"),
        "net": _("Increase (decrease) in cash"),
        "other": _("Other movements in cash"),
        "opening": _("Cash at the beginning of the year"),
        "closing": _("Cash at the end of the year"),
        "section": _("Section"),
        "line_label": _("Item"),
        "receipts:fees": _("Fees and licences"),
        "receipts:services": _("Sales of services"),
        "receipts:taxes": _("Local taxes"),
        "receipts:fines": _("Fines and penalties"),
        "receipts:transfers": _("Grants and transfers"),
        "receipts:advances": _("Advances received"),
        "receipts:deposits": _("Deposits received"),
        "receipts:other": _("Other receipts"),
        "payments:staff": _("Salaries and wages"),
        "payments:suppliers": _("Suppliers and services"),
        "payments:capital": _("Capital projects"),
        "payments:other": _("Other payments"),
    }


def trial_balance(*, user: User | None, year: FiscalYear) -> Report:
    """Opening balance, the year's debits and credits and the closing balance of
    every account with activity, from the balance table."""
    labels = _labels("trial-balance")
    if user is not None:
        require(user, "finance.view_reports")
    opening = {
        row[0]: (row[1] or ZERO, row[2] or ZERO)
        for row in AccountBalance.objects.filter(period__end__lt=year.start)
        .values("account")
        .annotate(d=Sum("debit"), c=Sum("credit"))
        .values_list("account", "d", "c")
    }
    movement = {
        row[0]: (row[1] or ZERO, row[2] or ZERO)
        for row in AccountBalance.objects.filter(period__year=year)
        .values("account")
        .annotate(d=Sum("debit"), c=Sum("credit"))
        .values_list("account", "d", "c")
    }
    rows = []
    totals = dict.fromkeys(("opening_debit", "opening_credit", "debit", "credit"), ZERO)
    totals |= {"closing_debit": ZERO, "closing_credit": ZERO}
    for account in Account.objects.filter(pk__in=set(opening) | set(movement)).order_by("code"):
        od, oc = opening.get(account.pk, (ZERO, ZERO))
        md, mc = movement.get(account.pk, (ZERO, ZERO))
        open_net = od - oc
        close_net = open_net + md - mc
        row: dict[str, Any] = {
            "code": account.code,
            "name": account.name,
            "kind": account.kind,
            "opening_debit": open_net if open_net > 0 else ZERO,
            "opening_credit": -open_net if open_net < 0 else ZERO,
            "debit": md,
            "credit": mc,
            "closing_debit": close_net if close_net > 0 else ZERO,
            "closing_credit": -close_net if close_net < 0 else ZERO,
        }
        for key in totals:
            totals[key] += row[key]
        rows.append(row)
    return Report(
        key="trial-balance",
        title=labels["title"],
        columns=[
            ("code", labels["code"]),
            ("name", labels["name"]),
            ("opening_debit", labels["opening_debit"]),
            ("opening_credit", labels["opening_credit"]),
            ("debit", labels["debit"]),
            ("credit", labels["credit"]),
            ("closing_debit", labels["closing_debit"]),
            ("closing_credit", labels["closing_credit"]),
        ],
        rows=rows,
        totals=totals,
        meta={"year": year.code, "balanced": totals["debit"] == totals["credit"]},
    )


def _opening_before(account_ids: list[int], date: dt.date) -> tuple[Decimal, Decimal]:
    """Debit and credit totals of ``account_ids`` strictly before ``date``: whole
    periods from the balance table, the rest of the current period from lines."""
    whole = AccountBalance.objects.filter(
        account_id__in=account_ids, period__end__lt=date
    ).aggregate(d=Sum("debit"), c=Sum("credit"))
    partial = JournalLine.objects.filter(
        account_id__in=account_ids,
        entry__status=EntryStatus.POSTED,
        period__start__lte=date,
        period__end__gte=date,
        entry__date__lt=date,
    ).aggregate(d=Sum("debit"), c=Sum("credit"))
    return (whole["d"] or ZERO) + (partial["d"] or ZERO), (whole["c"] or ZERO) + (
        partial["c"] or ZERO
    )


def _ledger(
    account_list: list[Account],
    date_from: dt.date,
    date_to: dt.date,
    key: str,
    limit: int,
) -> Report:
    labels = _labels(key)
    ids = [a.pk for a in account_list]
    debit_normal = all(a.debit_normal for a in account_list)
    od, oc = _opening_before(ids, date_from)
    running = od - oc if debit_normal else oc - od
    opening = running
    rows = []
    totals = {"debit": ZERO, "credit": ZERO}
    lines = (
        JournalLine.objects.filter(
            account_id__in=ids,
            entry__status=EntryStatus.POSTED,
            entry__date__gte=date_from,
            entry__date__lte=date_to,
        )
        .select_related("entry", "account")
        .order_by("entry__date", "entry_id", "pk")
    )
    truncated = False
    for index, line in enumerate(lines.iterator(chunk_size=2000)):
        running += line.debit - line.credit if debit_normal else line.credit - line.debit
        totals["debit"] += line.debit
        totals["credit"] += line.credit
        if index < limit:
            rows.append(
                {
                    "date": line.entry.date,
                    "number": line.entry.number,
                    "account": line.account.code,
                    "memo": line.memo or line.entry.memo,
                    "debit": line.debit,
                    "credit": line.credit,
                    "balance": running,
                }
            )
        else:
            truncated = True
    return Report(
        key=key,
        title=labels["title"],
        columns=[
            ("date", labels["date"]),
            ("number", labels["number"]),
            ("account", labels["account"]),
            ("memo", labels["memo"]),
            ("debit", labels["debit"]),
            ("credit", labels["credit"]),
            ("balance", labels["balance"]),
        ],
        rows=rows,
        totals={**totals, "balance": running},
        meta={
            "from": date_from,
            "to": date_to,
            "opening": opening,
            "closing": running,
            "truncated": truncated,
        },
    )


def general_ledger(
    *,
    user: User | None,
    account: Account,
    date_from: dt.date,
    date_to: dt.date,
    limit: int = 5000,
) -> Report:
    if user is not None:
        require(user, "finance.view_reports")
    accounts_in = [account] if account.is_postable else list(_leaves(account))
    return _ledger(accounts_in, date_from, date_to, "general-ledger", limit)


def _leaves(account: Account) -> list[Account]:
    everything = list(Account.objects.all())
    children: dict[int | None, list[Account]] = defaultdict(list)
    for a in everything:
        children[a.parent_id].append(a)
    out: list[Account] = []
    stack = [account]
    while stack:
        node = stack.pop()
        if node.is_postable:
            out.append(node)
        stack.extend(children.get(node.pk, []))
    return out


def cash_book(
    *,
    user: User | None,
    date_from: dt.date,
    date_to: dt.date,
    limit: int = 5000,
) -> Report:
    if user is not None:
        require(user, "finance.view_reports")
    cash = list(Account.objects.filter(is_cash=True, is_postable=True))
    return _ledger(cash, date_from, date_to, "cash-book", limit)


def revenue_by_head_and_month(*, user: User | None, year: FiscalYear) -> Report:
    """Net revenue per revenue head (the lines' analysis code, else the account)
    and period of ``year``."""
    labels = _labels("revenue-by-head")
    if user is not None:
        require(user, "finance.view_reports")
    grid: dict[str, dict[int, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    names: dict[str, str] = {}
    qs = (
        JournalLine.objects.filter(
            period__year=year,
            account__kind=AccountKind.REVENUE,
            entry__status=EntryStatus.POSTED,
        )
        .values("analysis", "account__code", "period__number")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    )
    account_names = {a.code: a.name for a in Account.objects.filter(kind=AccountKind.REVENUE)}
    for item in qs:
        head = item["analysis"] or item["account__code"]
        names.setdefault(head, account_names.get(item["account__code"], head))
        grid[head][item["period__number"]] += (item["c"] or ZERO) - (item["d"] or ZERO)
    months = list(range(1, 13))
    rows: list[dict[str, Any]] = []
    totals: dict[str, Any] = {f"m{m}": ZERO for m in months} | {"total": ZERO}
    for head in sorted(grid):
        row: dict[str, Any] = {"head": head, "account": names[head]}
        for m in months:
            row[f"m{m}"] = grid[head][m]
            totals[f"m{m}"] += grid[head][m]
        row["total"] = sum((grid[head][m] for m in months), ZERO)
        totals["total"] += row["total"]
        rows.append(row)
    return Report(
        key="revenue-by-head",
        title=labels["title"],
        columns=[("head", labels["head"]), ("account", labels["account"])]
        + [(f"m{m}", str(m)) for m in months]
        + [("total", labels["total"])],
        rows=rows,
        totals=totals,
        meta={"year": year.code},
    )


def ipsas_cash_statement(*, user: User | None, year: FiscalYear) -> Report:
    """IPSAS cash basis: the statement of cash receipts and payments.

    Receipts and payments are the year's movements of the accounts carrying an
    IPSAS line (``receipts:…`` / ``payments:…``); opening and closing cash come
    from the cash and bank accounts.
    """
    labels = _labels("ipsas-cash")
    if user is not None:
        require(user, "finance.view_reports")
    movement = (
        AccountBalance.objects.filter(period__year=year)
        .exclude(account__ipsas_line="")
        .values("account__ipsas_line")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    )
    receipts: dict[str, Decimal] = defaultdict(lambda: ZERO)
    payments: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for row in movement:
        line = row["account__ipsas_line"]
        d, c = row["d"] or ZERO, row["c"] or ZERO
        if line.startswith("receipts:"):
            receipts[line] += c - d
        elif line.startswith("payments:"):
            payments[line] += d - c
    cash_q = Q(account__is_cash=True)
    opening_agg = AccountBalance.objects.filter(cash_q, period__end__lt=year.start).aggregate(
        d=Sum("debit"), c=Sum("credit")
    )
    year_agg = AccountBalance.objects.filter(cash_q, period__year=year).aggregate(
        d=Sum("debit"), c=Sum("credit")
    )
    opening = (opening_agg["d"] or ZERO) - (opening_agg["c"] or ZERO)
    closing = opening + (year_agg["d"] or ZERO) - (year_agg["c"] or ZERO)
    rows: list[dict[str, Any]] = []
    total_receipts = sum(receipts.values(), ZERO)
    total_payments = sum(payments.values(), ZERO)
    for line in sorted(receipts):
        rows.append(
            {
                "section": labels["receipts"],
                "line": labels.get(line, line),
                "amount": receipts[line],
            }
        )
    rows.append(
        {"section": labels["receipts"], "line": labels["total_receipts"], "amount": total_receipts}
    )
    for line in sorted(payments):
        rows.append(
            {
                "section": labels["payments"],
                "line": labels.get(line, line),
                "amount": payments[line],
            }
        )
    rows.append(
        {"section": labels["payments"], "line": labels["total_payments"], "amount": total_payments}
    )
    net = total_receipts - total_payments
    other = closing - opening - net
    rows.append({"section": "", "line": labels["net"], "amount": net})
    if other:
        rows.append({"section": "", "line": labels["other"], "amount": other})
    rows.append({"section": "", "line": labels["opening"], "amount": opening})
    rows.append({"section": "", "line": labels["closing"], "amount": closing})
    return Report(
        key="ipsas-cash",
        title=labels["title"],
        columns=[
            ("section", labels["section"]),
            ("line", labels["line_label"]),
            ("amount", labels["amount"]),
        ],
        rows=rows,
        totals={"receipts": total_receipts, "payments": total_payments, "closing": closing},
        meta={"year": year.code, "opening": opening, "closing": closing},
    )


REPORTS = {
    "trial-balance": gettext_lazy("Trial balance"),
    "general-ledger": gettext_lazy("General ledger"),
    "cash-book": gettext_lazy("Cash book"),
    "revenue-by-head": gettext_lazy("Revenue by head and month"),
    "ipsas-cash": gettext_lazy("Statement of cash receipts and payments"),
}


def _date(value: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default


def report(*, user: User | None, key: str, params: Any) -> Report:
    """The report ``key`` for query parameters ``year``, ``account``, ``from`` and
    ``to`` (pages, Excel and the API share this). LookupError: no such report,
    year or account."""
    year = fiscal_year(params.get("year", "")) or fiscal_years().first()
    if key not in REPORTS or year is None:
        raise LookupError(_("No such report or fiscal year."))
    date_from = _date(params.get("from"), year.start)
    date_to = _date(params.get("to"), year.end)
    if key == "trial-balance":
        return trial_balance(user=user, year=year)
    if key == "general-ledger":
        account = account_by_code(params.get("account", "") or "1101")
        if account is None:
            raise LookupError(_("No such account."))
        return general_ledger(user=user, account=account, date_from=date_from, date_to=date_to)
    if key == "cash-book":
        return cash_book(user=user, date_from=date_from, date_to=date_to)
    if key == "revenue-by-head":
        return revenue_by_head_and_month(user=user, year=year)
    return ipsas_cash_statement(user=user, year=year)
