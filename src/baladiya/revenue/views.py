"""Thin revenue pages: the cashier desk, shifts (X/Z reports), receipts and their
PDFs, approvals, the citizen's statement, clearance, online payment through the
sandbox gateway and the public verification pages."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from baladiya.core import api as core
from baladiya.revenue import selectors, services
from baladiya.revenue.gateways import CallbackData, gateway
from baladiya.revenue.models import (
    AmendmentKind,
    CancellationRequest,
    Demand,
    DemandStatus,
    ReceiptStatus,
    Tender,
)
from baladiya.workflow import api as workflow


def _staff(request: HttpRequest, capability: str) -> None:
    if not request.user.is_authenticated:
        raise core.AccessDenied(_("Please sign in."))
    core.require(request.user, capability)


def _amount(value: str | None) -> Decimal | None:
    """A typed amount (see ``core.parse_number``: a comma is refused, the cashier
    retypes)."""
    return core.parse_number(value or "")


def _language(request: HttpRequest) -> str:
    lang = request.GET.get("lang") or translation.get_language() or "ar"
    return "en" if lang.startswith("en") else "ar"


def _pdf_response(pdf: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


# --- Cashier desk -------------------------------------------------------------------


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    _staff(request, "revenue.collect")
    user = request.user
    shift = selectors.open_shift_of(user)
    if request.method == "POST" and request.POST.get("action") == "open":
        branch = core.branch_by_code(request.POST.get("branch", "")) or user.home_branch
        amount = _amount(request.POST.get("float") or "0")
        if branch is None or amount is None:
            messages.error(request, _("Choose a branch and enter the float."))
        else:
            try:
                services.open_shift(actor=user, branch=branch, opening_float=amount)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Your shift is open."))
        return redirect("revenue:desk")
    national_id = core.normalize_digits(request.GET.get("q", "").strip())
    party = bill = None
    if national_id.upper().startswith("B-"):
        bill = selectors.bill_by_number(national_id.upper())
        if bill is None:
            messages.warning(request, _("No bill has this number."))
        else:
            party = bill.party
    elif national_id:
        party = core.party_by_national_id(national_id) or core.party_by_commercial_registration(
            national_id
        )
        if party is None:
            messages.warning(request, _("No citizen or establishment has this number."))
    context: dict[str, Any] = {
        "shift": shift,
        "party": party,
        "query": national_id,
        "branches": core.service_points(),
        "tenders": Tender.choices,
        "idempotency_key": uuid.uuid4().hex,
    }
    if party is not None:
        context["statement"] = selectors.statement(user=user, party=party)
    if bill is not None:
        context["bill"] = bill
        context["bill_demands"] = {d.pk for d in bill.demands.all()}
        context["bill_owed"] = selectors.bill_outstanding(bill)
        context["bill_expired"] = (
            bill.expires_on is not None and bill.expires_on < timezone.localdate()
        )
    return render(request, "revenue/desk.html", context)


@login_required
@require_POST
def take_payment(request: HttpRequest) -> HttpResponse:
    _staff(request, "revenue.collect")
    user = request.user
    shift = selectors.open_shift_of(user)
    party = core.party_by_national_id(
        request.POST.get("party", "")
    ) or core.party_by_commercial_registration(request.POST.get("party", ""))
    amount = _amount(request.POST.get("amount"))
    back = reverse("revenue:desk") + f"?q={request.POST.get('party', '')}"
    if party is None or amount is None:
        messages.error(request, _("Enter the amount received."))
        return redirect(back)
    demand_ids = [int(d) for d in request.POST.getlist("demand") if d.isdigit()]
    demands = list(Demand.objects.filter(pk__in=demand_ids, party=party)) if demand_ids else None
    bill = selectors.bill_by_number(request.POST["bill"]) if request.POST.get("bill") else None
    try:
        payment = services.take_payment(
            actor=user,
            party=party,
            amount=amount,
            tender=request.POST.get("tender", "cash"),
            idempotency_key=request.POST.get("idempotency_key") or uuid.uuid4().hex,
            shift=shift,
            demands=demands,
            reference=request.POST.get("reference", ""),
            allow_advance=bool(request.POST.get("advance")),
            bill=bill,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    messages.success(
        request, _("Payment received. Receipt %(number)s.") % {"number": payment.receipt.number}
    )
    return redirect("revenue:receipt", pk=payment.receipt.pk)


@login_required
def receipt_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request, "revenue.view_statement")
    receipt = selectors.receipt_for_user(user=request.user, pk=pk)
    if receipt is None:
        raise Http404
    if request.method == "POST":
        try:
            services.request_receipt_cancellation(
                actor=request.user, receipt=receipt, reason=request.POST.get("reason", "")
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The cancellation request was sent for approval."))
        return redirect("revenue:receipt", pk=pk)
    return render(
        request,
        "revenue/receipt.html",
        {
            "receipt": receipt,
            "payment": receipt.payment,
            "pending": receipt.cancellations.filter(status="pending").first(),
        },
    )


def _receipt_context(receipt: Any, *, copy: bool) -> dict[str, Any]:
    verify = core.absolute_url(reverse("revenue:verify-receipt", args=[receipt.token]))
    return {
        "receipt": receipt,
        "payment": receipt.payment,
        "allocations": list(receipt.payment.allocations.all()),
        "organisation": core.organisation(),
        "copy": copy,
        "cancelled": receipt.status == ReceiptStatus.CANCELLED,
        "verify_url": verify,
        "qr": core.qr_data_uri(verify),
    }


@login_required
def receipt_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The receipt as a PDF; every print after the first is marked as a copy."""
    receipt = selectors.receipt_for_user(user=request.user, pk=pk)
    if receipt is None:
        raise Http404
    copy = services.mark_receipt_printed(actor=request.user, receipt=receipt)
    pdf = core.render_pdf(
        "revenue/receipt_pdf.html",
        _receipt_context(receipt, copy=copy),
        language=_language(request),
    )
    return _pdf_response(pdf, f"receipt-{receipt.number}.pdf")


@login_required
@require_POST
def issue_bill(request: HttpRequest) -> HttpResponse:
    """A bill of what a payer owes now: staff for any payer (``party`` is his ID
    or registration number), a citizen for himself."""
    user = request.user
    if request.POST.get("party"):
        _staff(request, "revenue.view_statement")
        number = request.POST["party"]
        party = core.party_by_national_id(number) or core.party_by_commercial_registration(number)
        back = reverse("revenue:desk") + f"?q={number}"
    else:
        party = _citizen_party(request)
        back = ""
    if party is None:
        raise Http404
    try:
        bill = services.issue_bill(actor=user, party=party)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back) if back else _back_to_statement(party, request)
    return redirect("revenue:bill-pdf", pk=bill.pk)


@login_required
def bill_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    bill = selectors.bill_for_user(user=request.user, pk=pk)
    if bill is None:
        raise Http404
    verify = core.absolute_url(reverse("revenue:verify-bill", args=[bill.token]))
    pdf = core.render_pdf(
        "revenue/bill_pdf.html",
        {
            "bill": bill,
            "demands": bill.demands.order_by("due_date", "pk"),
            "organisation": core.organisation(),
            "verify_url": verify,
            "qr": core.qr_data_uri(verify),
        },
        language=_language(request),
    )
    return _pdf_response(pdf, f"bill-{bill.number}.pdf")


def verify_bill(request: HttpRequest, token: str) -> HttpResponse:
    bill = selectors.bill_by_token(token)
    return render(
        request,
        "revenue/verify_bill.html",
        {
            "bill": bill,
            "owed": selectors.bill_outstanding(bill) if bill else None,
            "expired": bill is not None and bill.is_expired,
        },
    )


def _tender_rows(shift: Any, report: Any) -> list[tuple[str, Decimal, Decimal | None]]:
    rows = []
    for value, label in Tender.choices:
        expected = report.expected.get(value, Decimal(0))
        counted = shift.counted.get(value)
        if expected or counted:
            rows.append((str(label), expected, Decimal(counted) if counted is not None else None))
    return rows


@login_required
def shift_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request, "revenue.collect")
    shift = selectors.shift(pk)
    if shift is None:
        raise Http404
    report = selectors.shift_report(user=request.user, shift=shift)
    if request.method == "POST":
        counted = {t: _amount(request.POST.get(f"counted_{t}") or "0") for t in Tender.values}
        if any(v is None for v in counted.values()):
            messages.error(request, _("Enter the counted amounts as numbers."))
            return redirect("revenue:shift", pk=pk)
        try:
            closed = services.close_shift(
                actor=request.user,
                shift=shift,
                counted={k: v for k, v in counted.items() if v is not None},
                note=request.POST.get("note", ""),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if closed.variance:
                messages.warning(
                    request,
                    _("Shift closed with a variance of %(variance)s; a supervisor must approve it.")
                    % {"variance": closed.variance},
                )
            else:
                messages.success(request, _("Shift closed. The drawer balances."))
        return redirect("revenue:shift", pk=pk)
    return render(
        request,
        "revenue/shift.html",
        {
            "shift": shift,
            "report": report,
            "tenders": Tender.choices,
            "tender_rows": _tender_rows(shift, report),
            "receipts": selectors.receipts(shift=shift)[:200],
        },
    )


@login_required
def shift_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The Z report (or an X report while the shift is open) as a PDF."""
    _staff(request, "revenue.collect")
    shift = selectors.shift(pk)
    if shift is None:
        raise Http404
    report = selectors.shift_report(user=request.user, shift=shift)
    pdf = core.render_pdf(
        "revenue/shift_pdf.html",
        {
            "shift": shift,
            "report": report,
            "tender_rows": _tender_rows(shift, report),
            "organisation": core.organisation(),
            "receipts": list(selectors.receipts(shift=shift)),
        },
        language=_language(request),
    )
    return _pdf_response(pdf, f"shift-{shift.number}.pdf")


@login_required
def approvals(request: HttpRequest) -> HttpResponse:
    _staff(request, "revenue.approve_cancellation")
    user = request.user
    if request.method == "POST":
        kind, pk, decision = (
            request.POST.get("kind"),
            int(request.POST.get("pk", "0")),
            request.POST.get("decision"),
        )
        note = request.POST.get("note", "")
        try:
            if kind == "cancellation":
                cancel_request = CancellationRequest.objects.get(pk=pk)
                if decision == "approve":
                    services.approve_receipt_cancellation(
                        actor=user, request=cancel_request, note=note
                    )
                else:
                    services.reject_receipt_cancellation(
                        actor=user, request=cancel_request, note=note
                    )
            elif kind == "shift":
                found = selectors.shift(pk)
                if found is None:
                    raise Http404
                services.approve_shift(actor=user, shift=found, note=note)
            elif kind == "amendment":
                amendment = selectors.pending_amendments(user=user).get(pk=pk)
                if decision == "approve":
                    services.approve_amendment(actor=user, amendment=amendment, note=note)
                else:
                    services.reject_amendment(actor=user, amendment=amendment, note=note)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except CancellationRequest.DoesNotExist as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("Decision recorded."))
        return redirect("revenue:approvals")
    return render(
        request,
        "revenue/approvals.html",
        {
            "cancellations": selectors.pending_cancellations(user=user),
            "shifts": selectors.shifts_awaiting_approval(user=user)
            if core.has_capability(user, "revenue.approve_shift")
            else [],
            "amendments": selectors.pending_amendments(user=user)
            if core.has_capability(user, "revenue.approve_amendment")
            else [],
            "amendment_kinds": AmendmentKind.choices,
        },
    )


# --- Demands (finance staff) ---------------------------------------------------------


@login_required
def demands(request: HttpRequest) -> HttpResponse:
    _staff(request, "revenue.view_statement")
    query, status = request.GET.get("q", ""), request.GET.get("status", "")
    found = selectors.demands_for_staff(user=request.user, query=query, status=status)
    return render(
        request,
        "revenue/demands.html",
        {
            "page_obj": Paginator(found, 25).get_page(request.GET.get("page")),
            "query": query,
            "status": status,
            "statuses": DemandStatus.choices,
        },
    )


@login_required
def demand_detail(request: HttpRequest, number: str) -> HttpResponse:
    _staff(request, "revenue.view_statement")
    demand = selectors.demand_for_staff(user=request.user, number=number)
    if demand is None:
        raise Http404
    form = {"kind": "", "amount": "", "reason": ""}
    errors: list[str] = []
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in form}
        amount = _amount(form["amount"])
        if amount is None:
            errors.append(_("Enter the amount as a number, for example 12.500."))
        else:
            try:
                amendment = services.request_amendment(
                    actor=request.user,
                    demand=demand,
                    kind=form["kind"],
                    amount=amount,
                    reason=form["reason"],
                    documents=request.FILES.getlist("documents"),
                )
            except ValidationError as exc:
                errors += exc.messages
            else:
                messages.success(
                    request,
                    _("The amendment was sent for approval as case %(ref)s.")
                    % {"ref": amendment.case.reference if amendment.case else ""},
                )
                return redirect("revenue:demand", number=demand.number)
    return render(
        request,
        "revenue/demand.html",
        {
            "demand": demand,
            "payments": selectors.demand_payments(demand),
            "amendments": [
                (a, _staff_case_url(a.case) if a.case else "") for a in demand.amendments.all()
            ],
            "kinds": AmendmentKind.choices,
            "may_amend": core.has_capability(request.user, "revenue.request_amendment")
            and demand.outstanding > 0,
            "form": form,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


def _staff_case_url(case: Any) -> str:
    return workflow.staff_url(case.service_key, case.reference)


# --- The citizen's account ----------------------------------------------------------


def _citizen_party(request: HttpRequest) -> Any:
    """The signed-in person's own party, or (``party`` in the query or form) an
    establishment he owns; anything else is not found."""
    parties = core.parties_acted_for(request.user)
    if not parties:
        raise Http404(_("Your account is not linked to a citizen record."))
    wanted = request.POST.get("party_id") or request.GET.get("party")
    if not wanted:
        return parties[0]
    for party in parties:
        if str(party.pk) == wanted:
            return party
    raise Http404


def _back_to_statement(party: Any, request: HttpRequest) -> HttpResponse:
    url = reverse("revenue:statement")
    if party.pk != request.user.party_id:
        url += f"?party={party.pk}"
    return redirect(url)


@login_required
def statement(request: HttpRequest) -> HttpResponse:
    party = _citizen_party(request)
    return render(
        request,
        "revenue/statement.html",
        {
            "statement": selectors.statement(user=request.user, party=party),
            "parties": core.parties_acted_for(request.user),
            "party": party,
        },
    )


@login_required
def statement_pdf(request: HttpRequest) -> HttpResponse:
    """The payment inquiry as a PDF."""
    party = _citizen_party(request)
    pdf = core.render_pdf(
        "revenue/statement_pdf.html",
        {
            "statement": selectors.statement(user=request.user, party=party),
            "organisation": core.organisation(),
            "today": timezone.localdate(),
        },
        language=_language(request),
    )
    return _pdf_response(pdf, "statement.pdf")


@login_required
@require_POST
def clearance(request: HttpRequest) -> HttpResponse:
    party = _citizen_party(request)
    try:
        certificate = services.issue_clearance(actor=request.user, party=party)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back_to_statement(party, request)
    verify = core.absolute_url(reverse("revenue:verify-clearance", args=[certificate.token]))
    pdf = core.render_pdf(
        "revenue/clearance_pdf.html",
        {
            "certificate": certificate,
            "organisation": core.organisation(),
            "verify_url": verify,
            "qr": core.qr_data_uri(verify),
        },
        language=_language(request),
    )
    return _pdf_response(pdf, f"clearance-{certificate.number}.pdf", inline=False)


@login_required
@require_POST
def pay_online(request: HttpRequest) -> HttpResponse:
    party = _citizen_party(request)
    try:
        online = services.start_online_payment(actor=request.user, party=party)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back_to_statement(party, request)
    return redirect(gateway(online.gateway).hosted_page_url(online.token))


def sandbox_gateway(request: HttpRequest, token: str) -> HttpResponse:
    """The sandbox's hosted payment page: pay or decline, then a signed callback."""
    online = selectors.online_payment(token)
    if online is None:
        raise Http404
    if request.method == "POST":
        status = "paid" if request.POST.get("outcome") == "pay" else "failed"
        data = CallbackData(
            token=token,
            status=status,
            amount=online.amount,
            provider_ref=f"SBX-{uuid.uuid4().hex[:10].upper()}",
        )
        sandbox = gateway("sandbox")
        sandbox.record(data)  # type: ignore[attr-defined]
        try:
            result = services.complete_online_payment(
                token=token,
                status=data.status,
                amount=data.amount,
                provider_ref=data.provider_ref,
                signature=sandbox.sign(data),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if result.status == "paid":
                messages.success(request, _("Thank you. Your payment was received."))
            else:
                messages.error(request, _("The payment was declined."))
        return redirect("revenue:statement")
    return render(request, "revenue/sandbox_gateway.html", {"online": online})


@csrf_exempt
@require_POST
def gateway_callback(request: HttpRequest, key: str) -> HttpResponse:
    """Server-to-server confirmation from a gateway; refused unless signed."""
    if key not in ("sandbox",):
        raise Http404
    try:
        services.complete_online_payment(
            token=request.POST.get("token", ""),
            status=request.POST.get("status", ""),
            amount=request.POST.get("amount", "0"),
            provider_ref=request.POST.get("provider_ref", ""),
            signature=request.POST.get("signature", ""),
        )
    except ValidationError:
        return HttpResponse(status=400)
    return HttpResponse("OK")


# --- Public verification ----------------------------------------------------------


def verify_receipt(request: HttpRequest, token: str) -> HttpResponse:
    receipt = selectors.receipt_by_token(token)
    return render(
        request, "revenue/verify_receipt.html", {"receipt": receipt}, status=200 if receipt else 404
    )


def verify_clearance(request: HttpRequest, token: str) -> HttpResponse:
    certificate = selectors.clearance_by_token(token)
    return render(
        request,
        "revenue/verify_clearance.html",
        {
            "certificate": certificate,
            "valid": certificate is not None and certificate.valid_until >= timezone.localdate(),
        },
        status=200 if certificate else 404,
    )
