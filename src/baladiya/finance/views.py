"""Thin finance pages: the reports (HTML and Excel), the fiscal periods and the
journal (manual entries prepared by one user and approved by another, reversals)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from baladiya.core import api as core
from baladiya.finance import selectors, services
from baladiya.finance.excel import report_to_xlsx
from baladiya.finance.models import EntryStatus


def _staff(request: HttpRequest, capability: str) -> None:
    if not request.user.is_authenticated:
        raise core.AccessDenied(_("Please sign in."))
    core.require(request.user, capability)


def build_report(user: Any, key: str, params: Any) -> selectors.Report:
    try:
        return selectors.report(user=user, key=key, params=params)
    except LookupError as exc:
        raise Http404(str(exc)) from exc


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    _staff(request, "finance.view_reports")
    return render(
        request,
        "finance/reports.html",
        {"reports": selectors.REPORTS, "years": selectors.fiscal_years()},
    )


@login_required
def report(request: HttpRequest, key: str) -> HttpResponse:
    _staff(request, "finance.view_reports")
    if key not in selectors.REPORTS:
        raise Http404
    result = build_report(request.user, key, request.GET)
    if request.GET.get("format") == "xlsx":
        content = report_to_xlsx(result, right_to_left=bool(translation.get_language_bidi()))
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{key}.xlsx"'
        return response
    return render(
        request,
        "finance/report.html",
        {
            "report": result,
            "key": key,
            "years": selectors.fiscal_years(),
            "accounts": selectors.accounts().filter(is_postable=True),
            "params": request.GET,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def periods(request: HttpRequest) -> HttpResponse:
    _staff(request, "finance.close_period")
    if request.method == "POST":
        period = selectors.periods().filter(pk=request.POST.get("period")).first()
        if period is None:
            raise Http404
        try:
            if request.POST.get("action") == "close":
                services.close_period(actor=request.user, period=period)
            else:
                services.reopen_period(
                    actor=request.user, period=period, reason=request.POST.get("reason", "")
                )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Period %(period)s updated.") % {"period": period})
        return redirect("finance:periods")
    year = selectors.fiscal_year(request.GET.get("year", "")) or selectors.fiscal_years().first()
    return render(
        request,
        "finance/periods.html",
        {
            "year": year,
            "years": selectors.fiscal_years(),
            "periods": selectors.periods(year=year) if year else [],
            "today": timezone.localdate(),
        },
    )


# --- Journal --------------------------------------------------------------------------

JOURNAL_ROWS = 8


@login_required
def journal(request: HttpRequest) -> HttpResponse:
    _staff(request, "finance.view_reports")
    status, source, query = (request.GET.get(k, "") for k in ("status", "source", "q"))
    found = selectors.entries(user=request.user, status=status, source=source, query=query)
    return render(
        request,
        "finance/journal.html",
        {
            "page_obj": Paginator(found, 30).get_page(request.GET.get("page")),
            "statuses": EntryStatus.choices,
            "status": status,
            "source": source,
            "query": query,
            "may_prepare": core.has_capability(request.user, "finance.post_journal"),
        },
    )


def _amount(value: str) -> Decimal | None:
    """A line's debit or credit: empty is zero; negative or unreadable is None."""
    if not value.strip():
        return Decimal(0)
    amount = core.parse_number(value)
    return amount if amount is not None and amount >= 0 else None


@login_required
def new_entry(request: HttpRequest) -> HttpResponse:
    """A manual journal: date, memo and up to eight lines; empty lines are ignored.
    On any error every value typed comes back with the messages."""
    _staff(request, "finance.post_journal")
    rows = [{"account": "", "debit": "", "credit": "", "memo": ""} for _ in range(JOURNAL_ROWS)]
    form = {"date": timezone.localdate().isoformat(), "memo": ""}
    errors: list[str] = []
    if request.method == "POST":
        form = {"date": request.POST.get("date", ""), "memo": request.POST.get("memo", "")}
        rows = [
            {k: request.POST.get(f"{k}-{i}", "") for k in ("account", "debit", "credit", "memo")}
            for i in range(JOURNAL_ROWS)
        ]
        try:
            date = dt.date.fromisoformat(core.normalize_digits(form["date"].strip()))
        except ValueError:
            errors.append(_("Enter the date as YYYY-MM-DD."))
        lines = []
        for number, row in enumerate(rows, start=1):
            if not any(row[k].strip() for k in ("account", "debit", "credit")):
                continue
            debit, credit = _amount(row["debit"]), _amount(row["credit"])
            if debit is None or credit is None:
                errors.append(
                    _("Line %(n)s: enter amounts as numbers, for example 12.500.") % {"n": number}
                )
                continue
            lines.append(
                services.LineSpec(
                    account=row["account"].strip(), debit=debit, credit=credit, memo=row["memo"]
                )
            )
        if not errors:
            try:
                entry = services.create_manual_entry(
                    actor=request.user, date=date, lines=lines, memo=form["memo"]
                )
            except ValidationError as exc:
                errors += exc.messages
            else:
                messages.success(request, _("The entry was sent for approval."))
                return redirect("finance:entry", pk=entry.pk)
    return render(
        request,
        "finance/entry_form.html",
        {
            "form": form,
            "rows": rows,
            "errors": errors,
            "accounts": selectors.postable_accounts(),
        },
        status=400 if errors else 200,
    )


@login_required
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request, "finance.view_reports")
    entry = selectors.entry(pk)
    if entry is None:
        raise Http404
    if request.method == "POST":
        action, note = request.POST.get("action"), request.POST.get("note", "")
        try:
            if action == "approve":
                services.approve_manual_entry(actor=request.user, entry=entry)
            elif action == "reject":
                if not note.strip():
                    raise ValidationError(_("Give the reason for rejecting the entry."))
                services.reject_manual_entry(actor=request.user, entry=entry, reason=note)
            elif action == "reverse":
                core.require(request.user, "finance.post_journal")
                reversal = services.reverse_entry(
                    actor=request.user,
                    entry=entry,
                    memo=note,
                    idempotency_key=f"reverse:{entry.pk}",
                )
                messages.success(request, _("The reversing entry was posted."))
                return redirect("finance:entry", pk=reversal.pk)
            else:
                raise Http404
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Decision recorded."))
        return redirect("finance:entry", pk=entry.pk)
    user = request.user
    return render(
        request,
        "finance/entry.html",
        {
            "entry": entry,
            "may_decide": entry.status == EntryStatus.PENDING
            and core.has_capability(user, "finance.approve_journal")
            and entry.created_by_id != user.pk,
            "may_reverse": entry.status == EntryStatus.POSTED
            and core.has_capability(user, "finance.post_journal")
            and not hasattr(entry, "reversed_by"),
        },
    )
