"""Permit pages: apply (with the parcel, or the trench route drawn on a map),
follow a permit and see every breach the engineer found; the engineer's review
with the zone check; payment, issue, site inspections and the deposit refund;
the permit PDF and its public verification page."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from baladiya.core import api as core
from baladiya.permits import selectors, services, zoning
from baladiya.permits.forms import FORMS, InspectionForm
from baladiya.permits.models import Permit, PermitKind
from baladiya.workflow import api as workflow

STAFF_ACTIONS = {"accept", "send-back"}  # the decisions with forms of their own are not here


def _permit_or_404(request: HttpRequest, reference: str) -> Permit:
    try:
        return selectors.permit_for(request.user, reference)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def _attach_errors(form: Any, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _messages_of(exc: Exception) -> str:
    return "; ".join(getattr(exc, "messages", None) or [str(exc)])


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The holder's portal view: his permits and their state, what he owes, the
    inspections of his works and his excavation deposits."""
    permits = selectors.permits_of(request.user)
    return render(
        request,
        "permits/mine.html",
        {
            "permits": permits,
            "deposits": selectors.deposits_of(request.user),
            "dues": [
                (p, selectors.amount_due(p)) for p in permits if p.case.state.key == "fees-due"
            ],
            "is_contractor": core.has_role(request.user, "contractor"),
            "kinds": [(k, label) for k, label in PermitKind.choices if k != PermitKind.EXCAVATION],
        },
    )


@login_required
def apply(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in FORMS:
        raise Http404
    form = FORMS[kind](request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            permit = services.apply(
                actor=request.user,
                application=services.PermitApplication(kind=kind, **form.cleaned_data),
                idempotency_key=request.POST.get("idempotency_key") or None,
            )
        except ValidationError as exc:
            _attach_errors(form, exc)
        except core.AccessDenied as exc:
            form.add_error(None, _messages_of(exc))
        else:
            messages.success(
                request,
                _("Application received. Your reference number is %(reference)s.")
                % {"reference": permit.case.reference},
            )
            return redirect("permits:detail", reference=permit.case.reference)
    return render(
        request,
        "permits/apply.html",
        {
            "form": form,
            "kind": kind,
            "kind_label": PermitKind(kind).label,
            "idempotency_key": request.POST.get("idempotency_key") or uuid.uuid4().hex,
            **core.map_settings(),
        },
    )


def _context(permit: Permit) -> dict[str, Any]:
    return {
        "permit": permit,
        "case": permit.case,
        "breaches": selectors.stored_breaches(permit),
        "inspections": selectors.inspections(permit),
        "demand": selectors.fee_demand(permit),
        "refund": selectors.refund_of(permit),
    }


@login_required
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    """The applicant's page of his permit."""
    permit = _permit_or_404(request, reference)
    case = permit.case
    if not workflow.is_applicant(request.user, case):
        return redirect("permits:staff-detail", reference=case.reference)
    if request.method == "POST":
        try:
            workflow.take_action(
                actor=request.user,
                case_id=case.pk,
                action_key=request.POST.get("action", ""),
                comment=request.POST.get("comment", ""),
            )
        except (ValidationError, core.AccessDenied) as exc:
            messages.error(request, _messages_of(exc))
        else:
            messages.success(request, _("Done."))
            return redirect("permits:detail", reference=case.reference)
    return render(
        request,
        "permits/detail.html",
        {
            **_context(permit),
            "history": workflow.history(case, public_only=True),
            "actions": workflow.available_actions(request.user, case),
            **core.map_settings(),
        },
    )


FORM_FIELDS = (
    "parcel_block",
    "parcel_number",
    "use",
    "floors",
    "height_m",
    "footprint_m2",
    "built_area_m2",
    "setback_front_m",
    "setback_side_m",
    "setback_rear_m",
    "fence_length_m",
    "works",
    "supervising_engineer",
    "purpose",
    "trench_length_m",
    "start_date",
    "end_date",
)


def _initial(permit: Permit) -> dict[str, Any]:
    initial: dict[str, Any] = {
        name: getattr(permit, name) for name in FORM_FIELDS if hasattr(permit, name)
    }
    if permit.parcel is not None:
        initial.update(parcel_block=permit.parcel.block, parcel_number=permit.parcel.number)
    initial["route"] = permit.route_json
    return {k: ("" if v is None else v) for k, v in initial.items()}


@login_required
def amend(request: HttpRequest, reference: str) -> HttpResponse:
    """The applicant corrects a returned application and sends it back."""
    permit = _permit_or_404(request, reference)
    if not workflow.is_applicant(request.user, permit.case):
        raise Http404
    if permit.case.state.key != "with-applicant":
        return redirect("permits:detail", reference=permit.case.reference)
    form = FORMS[permit.kind](request.POST or None, initial=_initial(permit))
    if request.method == "POST" and form.is_valid():
        try:
            services.amend(
                actor=request.user,
                permit_id=permit.pk,
                application=services.PermitApplication(kind=permit.kind, **form.cleaned_data),
                comment=request.POST.get("comment", ""),
            )
        except ValidationError as exc:
            _attach_errors(form, exc)
        else:
            messages.success(request, _("Your amended application was sent."))
            return redirect("permits:detail", reference=permit.case.reference)
    return render(
        request,
        "permits/apply.html",
        {
            "form": form,
            "kind": permit.kind,
            "kind_label": permit.get_kind_display(),
            "permit": permit,
            "breaches": selectors.stored_breaches(permit),
            **core.map_settings(),
        },
    )


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    try:
        permits = selectors.staff_permits(
            request.user,
            kind=request.GET.get("kind", ""),
            state=request.GET.get("state", ""),
            query=request.GET.get("q", ""),
        )
    except core.AccessDenied as exc:
        raise Http404 from exc
    return render(
        request,
        "permits/staff_list.html",
        {"permits": permits, "kinds": PermitKind.choices, "filters": request.GET},
    )


def _staff_post(request: HttpRequest, permit: Permit) -> None:
    op = request.POST.get("op")
    user = request.user
    comment = request.POST.get("comment", "")
    if op == "decide":
        services.decide(
            actor=user,
            permit_id=permit.pk,
            decision=request.POST.get("decision", ""),
            comment=comment,
        )
    elif op == "action" and request.POST.get("action") in STAFF_ACTIONS:
        workflow.take_action(
            actor=user, case_id=permit.case_id, action_key=request.POST["action"], comment=comment
        )
    elif op == "record-payment":
        services.record_payment(actor=user, permit_id=permit.pk)
    elif op == "issue":
        services.issue(actor=user, permit_id=permit.pk)
    elif op == "inspect":
        form = InspectionForm(request.POST, stages=selectors.stages_for(permit))
        if not form.is_valid():
            raise ValidationError(_("Choose the stage and the result."))
        services.record_inspection(
            actor=user,
            permit_id=permit.pk,
            stage=form.cleaned_data["stage"],
            result=form.cleaned_data["result"],
            notes=form.cleaned_data["notes"],
            idempotency_key=request.POST.get("idempotency_key") or None,
        )
    elif op == "refund":
        services.refund_deposit(actor=user, permit_id=permit.pk)
    else:
        raise ValidationError(_("Unknown request."))


@login_required
def staff_detail(request: HttpRequest, reference: str) -> HttpResponse:
    core.require(request.user, "core.view_staff_area")
    permit = _permit_or_404(request, reference)
    if request.method == "POST":
        try:
            _staff_post(request, permit)
        except (ValidationError, core.AccessDenied, ObjectDoesNotExist) as exc:
            messages.error(request, _messages_of(exc))
        else:
            messages.success(request, _("Done."))
            return redirect("permits:staff-detail", reference=permit.case.reference)
        permit = _permit_or_404(request, reference)
    case = permit.case
    actions = {a.key: a for a in workflow.available_actions(request.user, case)}
    review = selectors.review(permit)
    return render(
        request,
        "permits/staff_detail.html",
        {
            **_context(permit),
            "history": workflow.history(case),
            "review": review,
            "check_rows": [(zoning.rule_label(c.rule), c) for c in review.checks],
            "may_decide": bool({"approve", "return", "reject"} & set(actions))
            and core.has_capability(request.user, "permits.review"),
            "generic_actions": [a for key, a in actions.items() if key in STAFF_ACTIONS],
            "may_record_payment": "record-payment" in actions,
            "may_issue": "issue" in actions,
            "may_inspect": case.state.key == "issued"
            and core.has_capability(request.user, "permits.inspect"),
            "may_refund": permit.kind == PermitKind.EXCAVATION
            and permit.deposit_amount > 0
            and core.has_capability(request.user, "permits.refund_deposit"),
            "inspection_form": InspectionForm(stages=selectors.stages_for(permit)),
            "inspection_key": uuid.uuid4().hex,
            **core.map_settings(),
        },
    )


def _pdf_context(permit: Permit) -> dict[str, Any]:
    url = core.absolute_url(f"/verify/permit/{permit.token}/")
    return {
        "permit": permit,
        "organisation": core.organisation(),
        "qr": core.qr_data_uri(url),
        "verify_url": url,
        "inspections": selectors.inspections(permit),
    }


@login_required
def pdf(request: HttpRequest, reference: str) -> HttpResponse:
    permit = _permit_or_404(request, reference)
    if permit.issued_at is None or not permit.token:
        raise Http404
    content = core.render_pdf(
        "permits/permit_pdf.html", _pdf_context(permit), language=get_language()
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="permit-{permit.number}.pdf"'
    return response


def verify(request: HttpRequest, token: str) -> HttpResponse:
    """Public: what the QR code on a permit points at."""
    permit = selectors.permit_by_token(token)
    return render(
        request,
        "permits/verify.html",
        {"permit": permit},
        status=200 if permit is not None else 404,
    )
