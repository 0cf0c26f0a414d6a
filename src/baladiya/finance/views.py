"""Thin finance pages: the reports (HTML and Excel) and the fiscal periods."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from baladiya.core import api as core
from baladiya.finance import selectors, services
from baladiya.finance.excel import report_to_xlsx


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
