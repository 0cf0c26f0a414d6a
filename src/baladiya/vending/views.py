"""Thin vending pages: the vend desk at a charging point, the sale with its
token and receipt PDF, and the citizen's meters page with online top-up."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from baladiya.core import api as core
from baladiya.revenue import api as revenue
from baladiya.utilities import api as utilities
from baladiya.utilities import sts
from baladiya.vending import selectors, services


def _staff(request: HttpRequest, capability: str) -> None:
    if not request.user.is_authenticated:
        raise core.AccessDenied(_("Please sign in."))
    core.require(request.user, capability)


def _amount(value: str | None) -> Decimal | None:
    """A typed amount; Arabic-Indic digits and the Arabic decimal mark are read."""
    amount = core.parse_number(value or "")
    return amount if amount is not None and amount > 0 else None


def _number(value: str) -> Decimal | None:
    """A typed non-negative number (Arabic-Indic digits and decimal mark read)."""
    number = core.parse_number(value)
    return number if number is not None and number >= 0 else None


def _language(request: HttpRequest) -> str:
    lang = request.GET.get("lang") or translation.get_language() or "ar"
    return "en" if lang.startswith("en") else "ar"


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _find(query: str) -> tuple[Any, list[Any]]:
    """A customer and his prepaid meters, from a meter serial or an ID number."""
    query = core.normalize_digits(query.strip())
    if not query:
        return None, []
    meter = utilities.meter_by_serial(query)
    if meter is not None:
        return meter.connection.party, [meter] if meter.is_prepaid else []
    party = core.party_by_national_id(query) or core.party_by_commercial_registration(query)
    if party is None:
        return None, []
    return party, [m for m in utilities.meters_of(party) if m.is_prepaid]


# --- The vend desk --------------------------------------------------------------------


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    _staff(request, "vending.sell")
    user = request.user
    if request.method == "POST":
        return _open_shift(request)
    shift = revenue.open_shift_of(user)
    query = request.GET.get("q", "").strip()
    party, meters = _find(query)
    if query and party is None:
        messages.warning(request, _("No prepaid meter or customer has this number."))
    elif party is not None and not meters:
        messages.warning(request, _("This customer has no prepaid meter."))
    return _render_desk(request, shift=shift, query=query, party=party, meters=meters)


def _render_desk(
    request: HttpRequest,
    *,
    shift: Any,
    query: str = "",
    party: Any = None,
    meters: list[Any] | None = None,
    typed: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    rows = [
        {"meter": m, "recent": selectors.vends_of_meter(user=request.user, meter=m, limit=5)}
        for m in meters or []
    ]
    points = list(core.charging_points())
    home = request.user.home_branch
    context = {
        "shift": shift,
        "sales": selectors.shift_sales(shift) if shift is not None else None,
        "query": query,
        "party": party,
        "rows": rows,
        "points": points,
        "default_point": home.code if home in points else "",
        "tenders": revenue.Tender.choices,
        "typed": typed or {},
        "idempotency_key": (typed or {}).get("idempotency_key") or uuid.uuid4().hex,
        "policy": selectors.current_policy(),
    }
    return render(request, "vending/desk.html", context, status=status)


def _open_shift(request: HttpRequest) -> HttpResponse:
    point = core.branch_by_code(request.POST.get("point", ""))
    amount = _amount(request.POST.get("float") or "0") if request.POST.get("float") else Decimal(0)
    if point is None or point.kind != "charging-point" or amount is None:
        messages.error(request, _("Choose your charging point and enter the float."))
        return redirect("vending:desk")
    try:
        revenue.open_shift(actor=request.user, branch=point, opening_float=amount)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("Your shift is open."))
    return redirect("vending:desk")


@login_required
@require_POST
def sell(request: HttpRequest) -> HttpResponse:
    _staff(request, "vending.sell")
    typed = {
        "meter": request.POST.get("meter", ""),
        "amount": request.POST.get("amount", ""),
        "tender": request.POST.get("tender", "cash"),
        "idempotency_key": request.POST.get("idempotency_key", ""),
    }
    query = request.POST.get("q", "") or typed["meter"]
    party, meters = _find(query)
    shift = revenue.open_shift_of(request.user)
    meter = utilities.meter_by_serial(typed["meter"])
    amount = _amount(typed["amount"])
    error = None
    if meter is None:
        error = _("Choose the meter.")
    elif amount is None:
        error = _("Enter the amount received, for example 50 or 50.5.")
    else:
        try:
            vend = services.sell(
                actor=request.user,
                meter=meter,
                amount=amount,
                idempotency_key=typed["idempotency_key"] or uuid.uuid4().hex,
                tender=typed["tender"],
            )
        except ValidationError as exc:
            error = _errors(exc)
        else:
            messages.success(request, _("Token issued. Sale %(number)s.") % {"number": vend.number})
            return redirect("vending:vend", number=vend.number)
    messages.error(request, error)
    return _render_desk(
        request, shift=shift, query=query, party=party, meters=meters, typed=typed, status=400
    )


@login_required
def vend_detail(request: HttpRequest, number: str) -> HttpResponse:
    _staff(request, "vending.view")
    vend = selectors.vend_for_user(user=request.user, number=number)
    if vend is None:
        raise Http404
    return render(
        request, "vending/vend.html", {"vend": vend, "grouped": sts.group_digits(vend.token)}
    )


def _receipt(request: HttpRequest, vend: Any) -> HttpResponse:
    copy = services.record_print(actor=request.user, vend=vend)
    verify = ""
    receipt = revenue.receipts(party=vend.party).filter(payment=vend.payment).first()
    if receipt is not None:
        verify = core.absolute_url(reverse("revenue:verify-receipt", args=[receipt.token]))
    pdf = core.render_pdf(
        "vending/receipt_pdf.html",
        {
            "vend": vend,
            "grouped": sts.group_digits(vend.token),
            "receipt": receipt,
            "organisation": core.organisation(),
            "copy": copy,
            "verify_url": verify,
            "qr": core.qr_data_uri(verify) if verify else "",
        },
        language=_language(request),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="token-{vend.number}.pdf"'
    return response


@login_required
def vend_pdf(request: HttpRequest, number: str) -> HttpResponse:
    """The receipt with the token in groups of four; a reprint is marked as a copy
    and shows the same token."""
    _staff(request, "vending.view")
    vend = selectors.vend_for_user(user=request.user, number=number)
    if vend is None or not vend.token:
        raise Http404
    return _receipt(request, vend)


@login_required
def policy(request: HttpRequest) -> HttpResponse:
    _staff(request, "vending.manage")
    current = selectors.current_policy()
    values = {
        "arrears_percent": current.arrears_percent,
        "minimum_amount": current.minimum_amount,
        "maximum_amount": current.maximum_amount,
    }
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = {name: request.POST.get(name, "") for name in values}
        numbers = {name: _number(str(value)) for name, value in values.items()}
        for name, number in numbers.items():
            if number is None:
                errors[name] = [_("Enter a number, for example 25 or 12.5.")]
        if not errors:
            try:
                services.set_policy(actor=request.user, **numbers)  # type: ignore[arg-type]
            except ValidationError as exc:
                errors = exc.message_dict
            else:
                messages.success(request, _("The vending policy was saved."))
                return redirect("vending:policy")
    return render(
        request,
        "vending/policy.html",
        {"values": values, "errors": errors},
        status=400 if errors else 200,
    )


# --- The citizen's meters -------------------------------------------------------------


def _citizen_party(request: HttpRequest) -> Any:
    party = getattr(request.user, "party", None)
    if party is None:
        raise Http404(_("Your account is not linked to a citizen record."))
    return party


@login_required
def my_meters(request: HttpRequest) -> HttpResponse:
    party = _citizen_party(request)
    meters = []
    for meter in utilities.meters_of(party):
        meters.append(
            {
                "meter": meter,
                "months": selectors.monthly_units(user=request.user, meter=meter),
                "vends": selectors.vends_of_meter(user=request.user, meter=meter, limit=10),
            }
        )
    bills = [
        d
        for d in revenue.open_demands(user=request.user, party=party)
        if d.source_type.startswith("utilities.")
    ]
    return render(
        request,
        "vending/my_meters.html",
        {
            "meters": meters,
            "bills": bills,
            "idempotency_key": uuid.uuid4().hex,
            "policy": selectors.current_policy(),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def top_up(request: HttpRequest, serial: str) -> HttpResponse:
    party = _citizen_party(request)
    meter = next((m for m in utilities.meters_of(party) if m.serial == serial), None)
    if meter is None:
        raise Http404
    amount = _amount(request.POST.get("amount"))
    if amount is None:
        messages.error(request, _("Enter the amount to top up, for example 50."))
        return redirect("vending:my-meters")
    key = request.POST.get("idempotency_key") or uuid.uuid4().hex
    try:
        _vend, online = services.start_online_topup(
            actor=request.user,
            meter=meter,
            amount=amount,
            idempotency_key=f"web:{request.user.pk}:{key}",
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect("vending:my-meters")
    return redirect(reverse("revenue:sandbox-gateway", args=[online.token]))


@login_required
def my_vend_pdf(request: HttpRequest, number: str) -> HttpResponse:
    _citizen_party(request)
    vend = selectors.vend_for_user(user=request.user, number=number)
    if vend is None or vend.party_id != request.user.party_id or not vend.token:
        raise Http404
    return _receipt(request, vend)
