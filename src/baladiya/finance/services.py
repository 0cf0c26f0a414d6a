"""Ledger write use-cases: the chart, fiscal periods, posting, reversal, approval.

Every posting runs in one transaction that writes the entry, its lines and the
per-period balance rows together, so ``AccountBalance`` always equals the sum
of posted lines. Posted entries are never edited: a correction is a reversing
entry linked to the original.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from baladiya.core.api import User, organisation, quantize, record_audit, require
from baladiya.core.api import next_number as core_next_number
from baladiya.finance.models import (
    BALANCE_SHARDS,
    Account,
    AccountBalance,
    AccountKind,
    EntryStatus,
    FiscalPeriod,
    FiscalYear,
    JournalEntry,
    JournalLine,
    PeriodStatus,
    PostingRule,
)

ZERO = Decimal("0")


class LedgerError(ValidationError):
    """A posting the ledger refuses (unbalanced, closed period, unknown account)."""


@dataclass(frozen=True)
class LineSpec:
    """One line to post: an account code and either a debit or a credit."""

    account: str
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    party_id: int | None = None
    analysis: str = ""
    memo: str = ""


@dataclass
class EntrySpec:
    date: dt.date
    lines: list[LineSpec]
    memo: str = ""
    source: str = "import"
    source_ref: str = ""
    idempotency_key: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _currency() -> str:
    org = organisation()
    return org.currency if org is not None else "ILS"


# --- Chart of accounts -------------------------------------------------------------

# code, parent, Arabic, English, kind, postable, cash, IPSAS line
MUNICIPAL_CHART: list[tuple[str, str, str, str, str, bool, bool, str]] = [
    ("1", "", "الأصول", "Assets", "asset", False, False, ""),
    ("11", "1", "النقدية وما في حكمها", "Cash and cash equivalents", "asset", False, False, ""),
    ("1101", "11", "الصندوق - النقد", "Cash on hand", "asset", True, True, ""),
    ("1102", "11", "شيكات برسم التحصيل", "Cheques for collection", "asset", True, True, ""),
    ("1103", "11", "البنك - الحساب الجاري", "Bank - current account", "asset", True, True, ""),
    ("1104", "11", "البنك - تحصيلات البطاقات", "Bank - card settlements", "asset", True, True, ""),
    ("1105", "11", "البنك - الدفع الإلكتروني", "Bank - online payments", "asset", True, True, ""),
    ("12", "1", "الذمم المدينة", "Receivables", "asset", False, False, ""),
    ("1201", "12", "ذمم المواطنين", "Citizen receivables", "asset", True, False, ""),
    ("2", "", "الخصوم", "Liabilities", "liability", False, False, ""),
    ("21", "2", "الخصوم المتداولة", "Current liabilities", "liability", False, False, ""),
    (
        "2101",
        "21",
        "دفعات مقدمة من المكلفين",
        "Advances received from payers",
        "liability",
        True,
        False,
        "receipts:advances",
    ),
    (
        "2102",
        "21",
        "تأمينات مستردة",
        "Refundable deposits",
        "liability",
        True,
        False,
        "receipts:deposits",
    ),
    ("2103", "21", "ذمم دائنة", "Payables", "liability", True, False, "payments:suppliers"),
    ("3", "", "صافي الأصول", "Net assets", "net-assets", False, False, ""),
    ("3101", "3", "الفائض المتراكم", "Accumulated surplus", "net-assets", True, False, ""),
    ("4", "", "الإيرادات", "Revenue", "revenue", False, False, ""),
    ("41", "4", "الرسوم والرخص", "Fees and licences", "revenue", False, False, ""),
    ("4101", "41", "رسوم الرخص والتراخيص", "Licence fees", "revenue", True, False, "receipts:fees"),
    (
        "4102",
        "41",
        "رسوم رخص البناء",
        "Building permit fees",
        "revenue",
        True,
        False,
        "receipts:fees",
    ),
    (
        "4103",
        "41",
        "رسوم الخدمات الإدارية",
        "Administrative service fees",
        "revenue",
        True,
        False,
        "receipts:fees",
    ),
    (
        "4104",
        "41",
        "رسوم الشهادات والمعاملات",
        "Certificate fees",
        "revenue",
        True,
        False,
        "receipts:fees",
    ),
    ("42", "4", "إيرادات الخدمات", "Service revenue", "revenue", False, False, ""),
    ("4201", "42", "مبيعات المياه", "Water sales", "revenue", True, False, "receipts:services"),
    (
        "4202",
        "42",
        "مبيعات الكهرباء",
        "Electricity sales",
        "revenue",
        True,
        False,
        "receipts:services",
    ),
    (
        "4203",
        "42",
        "رسوم النفايات",
        "Waste collection fees",
        "revenue",
        True,
        False,
        "receipts:services",
    ),
    ("43", "4", "الضرائب المحلية", "Local taxes", "revenue", False, False, ""),
    ("4301", "43", "ضريبة الأملاك", "Property tax", "revenue", True, False, "receipts:taxes"),
    (
        "4302",
        "43",
        "ضريبة الحرف والمهن",
        "Trade and profession tax",
        "revenue",
        True,
        False,
        "receipts:taxes",
    ),
    ("44", "4", "إيرادات أخرى", "Other revenue", "revenue", False, False, ""),
    (
        "4401",
        "44",
        "الغرامات وفوائد التأخير",
        "Fines and late-payment interest",
        "revenue",
        True,
        False,
        "receipts:fines",
    ),
    (
        "4402",
        "44",
        "إيرادات متنوعة",
        "Miscellaneous revenue",
        "revenue",
        True,
        False,
        "receipts:other",
    ),
    (
        "4403",
        "44",
        "المنح والتحويلات الحكومية",
        "Grants and transfers",
        "revenue",
        True,
        False,
        "receipts:transfers",
    ),
    ("5", "", "المصروفات", "Expenses", "expense", False, False, ""),
    (
        "5101",
        "5",
        "الرواتب والأجور",
        "Salaries and wages",
        "expense",
        True,
        False,
        "payments:staff",
    ),
    (
        "5102",
        "5",
        "الخدمات والمرافق",
        "Utilities and services",
        "expense",
        True,
        False,
        "payments:suppliers",
    ),
    ("5103", "5", "الصيانة", "Maintenance", "expense", True, False, "payments:suppliers"),
    (
        "5104",
        "5",
        "المشاريع الرأسمالية",
        "Capital projects",
        "expense",
        True,
        False,
        "payments:capital",
    ),
    (
        "5105",
        "5",
        "مصروفات إدارية",
        "Administrative expenses",
        "expense",
        True,
        False,
        "payments:other",
    ),
    ("5106", "5", "الديون المعدومة", "Bad debts written off", "expense", True, False, ""),
]

DEFAULT_POSTING_RULES = {
    "tender:cash": "1101",
    "tender:cheque": "1102",
    "tender:card": "1104",
    "tender:transfer": "1103",
    "tender:online": "1105",
    "advance": "2101",
    "receivable": "1201",
    "write-off": "5106",
    "default-revenue": "4402",
}


@transaction.atomic
def load_municipal_chart(*, actor: User | None) -> int:
    """Create the municipal template chart and the default posting rules (only the
    missing rows, so it can run again). Returns the number of accounts created."""
    if actor is not None:
        require(actor, "finance.manage_chart")
    existing = {a.code: a for a in Account.objects.all()}
    created = 0
    for code, parent, name_ar, name_en, kind, postable, cash, ipsas in MUNICIPAL_CHART:
        if code in existing:
            continue
        existing[code] = Account.objects.create(
            code=code,
            parent=existing.get(parent),
            name_ar=name_ar,
            name_en=name_en,
            kind=kind,
            is_postable=postable,
            is_cash=cash,
            ipsas_line=ipsas,
        )
        created += 1
    rules = set(PostingRule.objects.values_list("key", flat=True))
    PostingRule.objects.bulk_create(
        [
            PostingRule(key=key, account=existing[code])
            for key, code in DEFAULT_POSTING_RULES.items()
            if key not in rules and code in existing
        ]
    )
    if created:
        record_audit(actor=actor, action="finance.chart.load", after={"accounts": created})
    return created


@transaction.atomic
def create_account(
    *,
    actor: User | None,
    code: str,
    name_ar: str,
    name_en: str,
    kind: str,
    parent: Account | None = None,
    is_cash: bool = False,
    ipsas_line: str = "",
) -> Account:
    if actor is not None:
        require(actor, "finance.manage_chart")
    if kind not in AccountKind.values:
        raise LedgerError(_("Unknown account kind."))
    account = Account(
        code=code,
        name_ar=name_ar,
        name_en=name_en,
        kind=kind,
        parent=parent,
        is_cash=is_cash,
        ipsas_line=ipsas_line,
    )
    account.full_clean()
    account.save()
    if parent is not None and parent.is_postable:
        if JournalLine.objects.filter(account=parent).exists():
            raise LedgerError(_("An account with postings cannot become a parent account."))
        Account.objects.filter(pk=parent.pk).update(is_postable=False)
    record_audit(actor=actor, action="finance.account.create", obj=account, after={"code": code})
    return account


@transaction.atomic
def set_posting_rule(*, actor: User | None, key: str, account_code: str) -> PostingRule:
    if actor is not None:
        require(actor, "finance.manage_chart")
    account = _postable(account_code)
    rule, _created = PostingRule.objects.update_or_create(key=key, defaults={"account": account})
    record_audit(
        actor=actor, action="finance.posting_rule.set", obj=rule, after={"account": account_code}
    )
    return rule


def _postable(code: str) -> Account:
    account = Account.objects.filter(code=code).first()
    if account is None:
        raise LedgerError(_("There is no account %(code)s.") % {"code": code})
    if not account.is_postable or not account.is_active:
        raise LedgerError(_("Account %(code)s does not take postings.") % {"code": code})
    return account


def account_for_rule(key: str, fallback: str | None = None) -> str:
    """The account code a posting rule names (``tender:cash``, ``advance``…)."""
    code = PostingRule.objects.filter(key=key).values_list("account__code", flat=True).first()
    if code is None and fallback is not None:
        fallback_code = PostingRule.objects.filter(key=fallback).values_list(
            "account__code", flat=True
        )
        code = fallback_code.first()
    if code is None:
        raise LedgerError(_("No posting rule for %(key)s.") % {"key": key})
    return code


def accounts_for_rules(keys: Iterable[str]) -> dict[str, str]:
    """The account codes the posting rules ``keys`` name, in one query (keys
    without a rule are left out; see :func:`account_for_rule`)."""
    return dict(PostingRule.objects.filter(key__in=set(keys)).values_list("key", "account__code"))


# --- Fiscal years and periods ---------------------------------------------------


def _year_bounds(year: int) -> tuple[dt.date, dt.date]:
    org = organisation()
    month, day = (int(x) for x in (org.fiscal_year_start if org else "01-01").split("-"))
    start = dt.date(year, month, day)
    end = dt.date(year + 1, month, day) - dt.timedelta(days=1)
    return start, end


def fiscal_year_code_for(date: dt.date) -> str:
    """The fiscal year ``date`` falls in (as a code such as ``2026``)."""
    start, _end = _year_bounds(date.year)
    return str(date.year if date >= start else date.year - 1)


@transaction.atomic
def open_fiscal_year(*, actor: User | None, year: int) -> FiscalYear:
    """Create fiscal year ``year`` with twelve monthly periods (idempotent)."""
    if actor is not None:
        require(actor, "finance.close_period")
    existing = FiscalYear.objects.filter(code=str(year)).first()
    if existing is not None:
        return existing
    start, end = _year_bounds(year)
    fy = FiscalYear.objects.create(code=str(year), start=start, end=end)
    periods = []
    cursor = start
    for number in range(1, 13):
        last_day = calendar.monthrange(cursor.year, cursor.month)[1]
        period_end = min(cursor.replace(day=last_day), end) if number < 12 else end
        periods.append(FiscalPeriod(year=fy, number=number, start=cursor, end=period_end))
        cursor = period_end + dt.timedelta(days=1)
    FiscalPeriod.objects.bulk_create(periods)
    record_audit(actor=actor, action="finance.fiscal_year.open", obj=fy, after={"code": fy.code})
    return fy


@transaction.atomic
def close_period(*, actor: User | None, period: FiscalPeriod) -> FiscalPeriod:
    if actor is not None:
        require(actor, "finance.close_period")
    period = FiscalPeriod.objects.select_for_update().get(pk=period.pk)
    if period.status == PeriodStatus.CLOSED:
        return period
    if JournalEntry.objects.filter(period=period, status=EntryStatus.PENDING).exists():
        raise LedgerError(_("Approve or reject the pending journal entries of this period first."))
    period.status = PeriodStatus.CLOSED
    period.closed_at = timezone.now()
    period.closed_by = actor if actor is not None and actor.pk else None
    period.save(update_fields=["status", "closed_at", "closed_by"])
    record_audit(
        actor=actor,
        action="finance.period.close",
        obj=period,
        before={"status": "open"},
        after={"status": "closed"},
    )
    return period


@transaction.atomic
def reopen_period(*, actor: User | None, period: FiscalPeriod, reason: str) -> FiscalPeriod:
    """Reopen a closed period; needs ``finance.reopen_period`` and a reason."""
    if actor is not None:
        require(actor, "finance.reopen_period")
    if not reason.strip():
        raise LedgerError(_("Give the reason for reopening the period."))
    period = FiscalPeriod.objects.select_for_update().get(pk=period.pk)
    if period.status == PeriodStatus.OPEN:
        return period
    period.status = PeriodStatus.OPEN
    period.save(update_fields=["status"])
    record_audit(
        actor=actor,
        action="finance.period.reopen",
        obj=period,
        before={"status": "closed"},
        after={"status": "open", "reason": reason},
    )
    return period


def _open_period(date: dt.date) -> FiscalPeriod:
    """The open period covering ``date``, share-locked until the posting commits.

    On PostgreSQL the row is read ``FOR SHARE``: postings into a period run side by
    side, while :func:`close_period` (``FOR UPDATE``) waits for them to commit, and
    a posting that comes during a close waits for it and then sees the period
    closed. (SQLite runs one writing transaction at a time, so no lock is needed.)
    """
    if connection.vendor == "postgresql":
        period = _share_locked_period(date)
    else:
        period = (
            FiscalPeriod.objects.select_related("year")
            .filter(start__lte=date, end__gte=date)
            .first()
        )
    if period is None:
        raise LedgerError(_("No fiscal period covers %(date)s.") % {"date": date.isoformat()})
    if period.status != PeriodStatus.OPEN:
        raise LedgerError(
            _("The period %(period)s is closed; nothing can be posted into it.")
            % {"period": str(period)}
        )
    return period


def _share_locked_period(date: dt.date) -> FiscalPeriod | None:
    """PostgreSQL: the period covering ``date`` and its year's code, the period row
    read ``FOR SHARE`` in the same statement."""
    q = connection.ops.quote_name
    period_table, year_table = q(FiscalPeriod._meta.db_table), q(FiscalYear._meta.db_table)
    sql = (
        f"SELECT p.id, p.number, p.start, p.{q('end')}, p.status, "  # noqa: S608
        f"y.id, y.code, y.start, y.{q('end')}, y.status "
        f"FROM {period_table} p JOIN {year_table} y ON y.id = p.year_id "
        f"WHERE p.start <= %s AND p.{q('end')} >= %s ORDER BY p.start LIMIT 1 FOR SHARE OF p"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [date, date])
        row = cursor.fetchone()
    if row is None:
        return None
    year = FiscalYear(id=row[5], code=row[6], start=row[7], end=row[8], status=row[9])
    period = FiscalPeriod(
        id=row[0], year=year, number=row[1], start=row[2], end=row[3], status=row[4]
    )
    for instance in (year, period):
        instance._state.adding, instance._state.db = False, connection.alias
    return period


# --- Posting -----------------------------------------------------------------------


def _validated_lines(
    lines: Sequence[LineSpec], currency: str, accounts: dict[str, Account]
) -> list[LineSpec]:
    if len(lines) < 2:
        raise LedgerError(_("An entry needs at least two lines."))
    missing = {line.account for line in lines} - set(accounts)
    if len(missing) > 1:
        accounts.update({a.code: a for a in Account.objects.filter(code__in=missing)})
    clean: list[LineSpec] = []
    debit = credit = ZERO
    for line in lines:
        d = quantize(line.debit, currency)
        c = quantize(line.credit, currency)
        if d < 0 or c < 0 or (d and c) or not (d or c):
            raise LedgerError(_("Each line has either a debit or a credit, never both or none."))
        if line.account not in accounts:
            accounts[line.account] = _postable(line.account)
        elif not accounts[line.account].is_postable or not accounts[line.account].is_active:
            raise LedgerError(
                _("Account %(code)s does not take postings.") % {"code": line.account}
            )
        debit += d
        credit += c
        clean.append(
            LineSpec(line.account, d, c, line.party_id, line.analysis[:40], line.memo[:200])
        )
    if debit != credit:
        raise LedgerError(
            _("The entry does not balance: debits %(debit)s, credits %(credit)s.")
            % {"debit": debit, "credit": credit}
        )
    return clean


def _apply_balances(rows: Iterable[tuple[int, int, Decimal, Decimal]], shard: int = 0) -> None:
    """Add (account, period, debit, credit) movements to the balance table, on the
    rows of ``shard`` (see :class:`AccountBalance`)."""
    if not 0 <= shard < BALANCE_SHARDS:
        raise ValueError(f"a balance shard is from 0 to {BALANCE_SHARDS - 1}")
    totals: dict[tuple[int, int], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for account_id, period_id, debit, credit in rows:
        bucket = totals[(account_id, period_id)]
        bucket[0] += debit
        bucket[1] += credit
    # A fixed order keeps two concurrent postings from deadlocking on the rows.
    ordered = sorted(totals.items())
    if connection.vendor == "postgresql":
        # One statement: insert the rows or add to them (numeric sums are exact).
        q = connection.ops.quote_name
        table = q(AccountBalance._meta.db_table)
        values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(ordered))
        params: list[Any] = []
        for (account_id, period_id), (debit, credit) in ordered:
            params += [account_id, period_id, shard, debit, credit]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (account_id, period_id, shard, debit, credit) "  # noqa: S608
                f"VALUES {values} ON CONFLICT (account_id, period_id, shard) DO UPDATE "
                f"SET debit = {table}.debit + EXCLUDED.debit, "
                f"credit = {table}.credit + EXCLUDED.credit",
                params,
            )
        return
    # Elsewhere the row is locked and the sum made in Python: F() arithmetic would
    # run in floating point on SQLite.
    for (account_id, period_id), (debit, credit) in ordered:
        qs = AccountBalance.objects.select_for_update().filter(
            account_id=account_id, period_id=period_id, shard=shard
        )
        row = qs.first()
        if row is None:
            AccountBalance.objects.bulk_create(
                [AccountBalance(account_id=account_id, period_id=period_id, shard=shard)],
                ignore_conflicts=True,
            )
            row = qs.get()
        AccountBalance.objects.filter(pk=row.pk).update(
            debit=row.debit + debit, credit=row.credit + credit
        )


def balance_shard_for(key: int | None) -> int:
    """The balance shard of a posting source (a branch id, say); 0 without one."""
    return key % BALANCE_SHARDS if key else 0


def _number(entry: JournalEntry) -> str:
    code = entry.period.year.code
    return f"JE-{code}-{core_next_number(key=f'journal:{code}'):06d}"


def _write_lines(
    entry: JournalEntry, lines: Sequence[LineSpec], accounts: dict[str, Account]
) -> None:
    JournalLine.objects.bulk_create(
        [
            JournalLine(
                entry=entry,
                period_id=entry.period_id,
                account=accounts[line.account],
                debit=line.debit,
                credit=line.credit,
                party_id=line.party_id,
                analysis=line.analysis,
                memo=line.memo,
            )
            for line in lines
        ]
    )


def _post(
    entry: JournalEntry,
    lines: Sequence[LineSpec],
    accounts: dict[str, Account],
    shard: int = 0,
) -> None:
    _apply_balances(
        ((accounts[line.account].pk, entry.period_id, line.debit, line.credit) for line in lines),
        shard,
    )


def post_entry(
    *,
    actor: User | None,
    date: dt.date,
    lines: Sequence[LineSpec],
    memo: str = "",
    source: str = "manual",
    source_ref: str = "",
    idempotency_key: str | None = None,
    automatic: bool = False,
    balance_shard: int = 0,
) -> JournalEntry:
    """Post a balanced entry into the open period covering ``date``.

    ``automatic`` postings (receipts, cancellations) are made on behalf of a
    service that has already checked its own permission; anything else needs
    ``finance.post_journal``. With an ``idempotency_key`` a retry returns the
    entry already posted. ``balance_shard`` picks the balance rows the entry adds
    to (:func:`balance_shard_for`): concurrent postings from different counters
    then never wait for each other on the balance table.
    """
    with transaction.atomic():
        return post_prepared(
            prepare_entry(
                actor=actor,
                date=date,
                lines=lines,
                memo=memo,
                source=source,
                source_ref=source_ref,
                idempotency_key=idempotency_key,
                automatic=automatic,
                balance_shard=balance_shard,
            )
        )


@dataclass
class PreparedEntry:
    """An entry checked and ready to post (see :func:`prepare_entry`)."""

    entry: JournalEntry
    lines: list[LineSpec]
    accounts: dict[str, Account]
    actor: User | None
    balance_shard: int
    posted: bool = False  # the entry of this idempotency key was posted already
    new_key: bool = False  # no entry can have the key yet (see prepare_entry)


def prepare_entry(
    *,
    actor: User | None,
    date: dt.date,
    lines: Sequence[LineSpec],
    memo: str = "",
    source: str = "manual",
    source_ref: str = "",
    idempotency_key: str | None = None,
    automatic: bool = False,
    balance_shard: int = 0,
    new_key: bool = False,
) -> PreparedEntry:
    """The first half of :func:`post_entry`, inside the caller's transaction: the
    checks and reads (permission, idempotency, accounts, the open period, which
    stays share-locked until the transaction ends), but no number and no write.
    :func:`post_prepared` posts it. A service that writes other rows under shared
    locks in between (a sale's demand number) holds them for less time.

    ``new_key`` says the idempotency key names a row the caller created in this
    transaction (a receipt), so no entry can have it yet: it is not looked up,
    and a clash would be an error, not a retry."""
    if not connection.in_atomic_block:
        raise RuntimeError("prepare_entry() must be called inside transaction.atomic().")
    if actor is not None and not automatic:
        require(actor, "finance.post_journal")
    if not 0 <= balance_shard < BALANCE_SHARDS:
        raise ValueError(f"a balance shard is from 0 to {BALANCE_SHARDS - 1}")
    if idempotency_key and not new_key:
        found = JournalEntry.objects.filter(idempotency_key=idempotency_key).first()
        if found is not None:
            return PreparedEntry(found, [], {}, actor, balance_shard, posted=True)
    accounts: dict[str, Account] = {}
    clean = _validated_lines(lines, _currency(), accounts)
    period = _open_period(date)
    entry = JournalEntry(
        date=date,
        period=period,
        memo=memo[:300],
        source=source,
        source_ref=source_ref,
        idempotency_key=idempotency_key or None,
        total=sum((line.debit for line in clean), ZERO),
        created_by=actor if actor is not None and actor.pk else None,
        status=EntryStatus.POSTED,
        posted_at=timezone.now(),
    )
    return PreparedEntry(entry, clean, accounts, actor, balance_shard, new_key=new_key)


def post_prepared(prepared: PreparedEntry) -> JournalEntry:
    """Number and write a prepared entry, its lines and balances, audited (in the
    transaction that prepared it)."""
    entry = prepared.entry
    if prepared.posted:
        return entry
    if not connection.in_atomic_block:
        raise RuntimeError("post_prepared() must be called inside transaction.atomic().")
    entry.number = _number(entry)
    if prepared.new_key:
        entry.save()
    else:
        try:
            with transaction.atomic():
                entry.save()
        except IntegrityError:
            if entry.idempotency_key:
                return JournalEntry.objects.get(idempotency_key=entry.idempotency_key)
            raise
    prepared.posted = True
    _write_lines(entry, prepared.lines, prepared.accounts)
    _post(entry, prepared.lines, prepared.accounts, prepared.balance_shard)
    record_audit(
        actor=prepared.actor,
        action="finance.entry.post",
        obj=entry,
        after={"number": entry.number, "total": entry.total, "source": entry.source},
    )
    return entry


@transaction.atomic
def post_entries_bulk(*, actor: User | None, entries: Sequence[EntrySpec]) -> int:
    """Post many entries in one transaction (imports, migrations, the benchmark):
    the same checks as :func:`post_entry`, lines written in bulk and the balance
    table updated once per (account, period). Returns the number of lines."""
    if actor is not None:
        require(actor, "finance.post_journal")
    currency = _currency()
    accounts: dict[str, Account] = {}
    periods: dict[dt.date, FiscalPeriod] = {}
    prepared: list[tuple[JournalEntry, list[LineSpec]]] = []
    # One gap-free batch number per fiscal year; entries are numbered inside it.
    batches: dict[str, str] = {}
    for index, spec in enumerate(entries, start=1):
        clean = _validated_lines(spec.lines, currency, accounts)
        period = periods.get(spec.date)
        if period is None:
            period = periods[spec.date] = _open_period(spec.date)
        entry = JournalEntry(
            date=spec.date,
            period=period,
            memo=spec.memo[:300],
            source=spec.source,
            source_ref=spec.source_ref,
            idempotency_key=spec.idempotency_key,
            total=sum((line.debit for line in clean), ZERO),
            created_by=actor if actor is not None and actor.pk else None,
            posted_at=timezone.now(),
        )
        code = period.year.code
        if code not in batches:
            batches[code] = f"JB-{code}-{core_next_number(key=f'journal-batch:{code}'):06d}"
        entry.number = f"{batches[code]}/{index}"
        prepared.append((entry, clean))
    JournalEntry.objects.bulk_create([entry for entry, _lines in prepared], batch_size=2000)
    count = 0
    line_rows: list[JournalLine] = []
    movements: list[tuple[int, int, Decimal, Decimal]] = []
    for entry, clean in prepared:
        for line in clean:
            account = accounts[line.account]
            line_rows.append(
                JournalLine(
                    entry=entry,
                    period_id=entry.period_id,
                    account=account,
                    debit=line.debit,
                    credit=line.credit,
                    party_id=line.party_id,
                    analysis=line.analysis,
                    memo=line.memo,
                )
            )
            movements.append((account.pk, entry.period_id, line.debit, line.credit))
            count += 1
    JournalLine.objects.bulk_create(line_rows, batch_size=5000)
    _apply_balances(movements)
    record_audit(
        actor=actor,
        action="finance.entry.post_bulk",
        after={"entries": len(prepared), "lines": count},
    )
    return count


def reverse_entry(
    *,
    actor: User | None,
    entry: JournalEntry,
    date: dt.date | None = None,
    memo: str = "",
    automatic: bool = False,
    idempotency_key: str | None = None,
) -> JournalEntry:
    """Post the mirror image of ``entry`` (debits ↔ credits), linked to it.

    The reversal is dated ``date`` (default today) and goes into the period open
    then; the original stays untouched.
    """
    if actor is not None and not automatic:
        require(actor, "finance.post_journal")
    with transaction.atomic():
        original = JournalEntry.objects.select_for_update().get(pk=entry.pk)
        if original.status != EntryStatus.POSTED:
            raise LedgerError(_("Only a posted entry can be reversed."))
        existing = JournalEntry.objects.filter(reverses=original).first()
        if existing is not None:
            return existing
        lines = [
            LineSpec(
                account=line.account.code,
                debit=line.credit,
                credit=line.debit,
                party_id=line.party_id,
                analysis=line.analysis,
                memo=line.memo,
            )
            for line in original.lines.select_related("account")
        ]
        reversal = post_entry(
            actor=actor,
            date=date or timezone.localdate(),
            lines=lines,
            memo=memo or _("Reversal of %(number)s") % {"number": original.number},
            source=original.source,
            source_ref=original.source_ref,
            idempotency_key=idempotency_key,
            automatic=True,
        )
        JournalEntry.objects.filter(pk=reversal.pk).update(reverses=original)
        reversal.reverses = original
        record_audit(
            actor=actor,
            action="finance.entry.reverse",
            obj=original,
            after={"reversal": reversal.number},
        )
    return reversal


# --- Manual journals (maker-checker) ----------------------------------------------


@transaction.atomic
def create_manual_entry(
    *, actor: User, date: dt.date, lines: Sequence[LineSpec], memo: str
) -> JournalEntry:
    """A manual journal, waiting for approval by another user. Nothing reaches the
    balances until :func:`approve_manual_entry`."""
    require(actor, "finance.post_journal")
    currency = _currency()
    accounts: dict[str, Account] = {}
    clean = _validated_lines(lines, currency, accounts)
    period = _open_period(date)
    entry = JournalEntry.objects.create(
        date=date,
        period=period,
        memo=memo[:300],
        source="manual",
        status=EntryStatus.PENDING,
        total=sum((line.debit for line in clean), ZERO),
        created_by=actor,
    )
    _write_lines(entry, clean, accounts)
    record_audit(
        actor=actor, action="finance.entry.create", obj=entry, after={"total": entry.total}
    )
    return entry


@transaction.atomic
def approve_manual_entry(*, actor: User, entry: JournalEntry) -> JournalEntry:
    require(actor, "finance.approve_journal")
    entry = JournalEntry.objects.select_for_update().select_related("period__year").get(pk=entry.pk)
    if entry.status != EntryStatus.PENDING:
        raise LedgerError(_("This entry is not awaiting approval."))
    if entry.created_by_id == actor.pk:
        raise LedgerError(_("Another user must approve an entry you prepared."))
    period = _open_period(entry.date)
    lines = [
        LineSpec(line.account.code, line.debit, line.credit)
        for line in entry.lines.select_related("account")
    ]
    accounts = {line.account: _postable(line.account) for line in lines}
    entry.period = period
    entry.status = EntryStatus.POSTED
    entry.approved_by = actor
    entry.posted_at = timezone.now()
    entry.number = _number(entry)
    entry.save(update_fields=["period", "status", "approved_by", "posted_at", "number"])
    _post(entry, lines, accounts)
    record_audit(
        actor=actor,
        action="finance.entry.approve",
        obj=entry,
        before={"status": "pending"},
        after={"status": "posted", "number": entry.number},
    )
    return entry


@transaction.atomic
def reject_manual_entry(*, actor: User, entry: JournalEntry, reason: str) -> JournalEntry:
    require(actor, "finance.approve_journal")
    entry = JournalEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status != EntryStatus.PENDING:
        raise LedgerError(_("This entry is not awaiting approval."))
    entry.status = EntryStatus.REJECTED
    entry.approved_by = actor
    entry.save(update_fields=["status", "approved_by"])
    record_audit(
        actor=actor,
        action="finance.entry.reject",
        obj=entry,
        before={"status": "pending"},
        after={"status": "rejected", "reason": reason},
    )
    return entry
