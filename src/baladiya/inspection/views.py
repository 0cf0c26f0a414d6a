"""Inspection pages: the violation inquiry and objections on the portal; the
inspector's visit list, recording a violation with a map pin and photos, and
the objections committee's page in the back office."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from baladiya.core import api as core
from baladiya.gis import api as gis
from baladiya.inspection import selectors, services
from baladiya.inspection.forms import (
    ArticleForm,
    DecisionForm,
    ObjectionForm,
    ResultForm,
    ViolationForm,
    VisitForm,
)
from baladiya.inspection.models import Category, Decision, ViolationStatus
from baladiya.workflow import api as workflow


def _attach_errors(form: forms.Form, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _party(identifier: str) -> Any:
    value = core.normalize_digits(identifier or "").strip()
    if not value:
        return None
    return core.party_by_national_id(value) or core.party_by_commercial_registration(value)


def _violation_or_404(request: HttpRequest, number: str) -> Any:
    try:
        return selectors.violation_for(request.user, number)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


# --- Portal --------------------------------------------------------------------------


@login_required
def my_violations(request: HttpRequest) -> HttpResponse:
    """The violation inquiry: the person's and his establishments' violations."""
    return render(
        request,
        "inspection/my_violations.html",
        {"violations": selectors.violations_for(request.user)},
    )


@login_required
def violation(request: HttpRequest, number: str) -> HttpResponse:
    found = _violation_or_404(request, number)
    mine = found.party_id in selectors.party_ids_of(request.user)
    if not mine:
        return redirect("inspection:staff-violation", number=number)
    form = ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            objection = services.file_objection(
                actor=request.user,
                violation_number=number,
                grounds=form.cleaned_data["grounds"],
                idempotency_key=request.POST.get("idempotency_key") or None,
            )
        except (ValidationError, core.AccessDenied) as exc:
            if isinstance(exc, ValidationError):
                _attach_errors(form, exc)
            else:
                form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your objection was filed."))
            return redirect("inspection:objection", reference=objection.case.reference)
    return render(
        request,
        "inspection/violation.html",
        {
            "violation": found,
            "photos": selectors.photos(found),
            "form": form,
            "can_object": found.status == ViolationStatus.OPEN and not hasattr(found, "objection"),
            "idempotency_key": request.POST.get("idempotency_key") or uuid.uuid4().hex,
            **core.map_settings(),
        },
    )


@login_required
def notice_pdf(request: HttpRequest, number: str) -> HttpResponse:
    """The violation notice (PDF with a QR code to the violation's page), for
    the violator or staff."""
    found = _violation_or_404(request, number)
    url = core.absolute_url(reverse("inspection:violation", args=[found.number]))
    lang = request.GET.get("lang") or get_language() or "ar"
    pdf = core.render_pdf(
        "inspection/notice_pdf.html",
        {
            "violation": found,
            "qr": core.qr_data_uri(url),
            "url": url,
            "days": services.PAYMENT_DAYS,
            "organisation": core.organisation(),
        },
        language="en" if lang.startswith("en") else "ar",
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="violation-{found.number}.pdf"'
    return response


@login_required
def objection(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        found = selectors.objection_for(request.user, reference)
    except ObjectDoesNotExist:
        try:
            workflow.case_for(request.user, reference=reference)
        except ObjectDoesNotExist as exc:
            raise Http404 from exc
        return redirect("workflow:my-case", reference=reference)
    if not workflow.is_applicant(request.user, found.case):
        return redirect("inspection:objection-staff", reference=reference)
    return render(
        request,
        "inspection/objection.html",
        {
            "objection": found,
            "case": found.case,
            "violation": found.violation,
            "history": workflow.history(found.case, public_only=True),
        },
    )


# --- Back office -----------------------------------------------------------------------


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    violations = selectors.search(
        request.user,
        query=request.GET.get("q", ""),
        category=request.GET.get("category", ""),
        status=request.GET.get("status", ""),
    )
    return render(
        request,
        "inspection/staff_list.html",
        {
            "violations": violations,
            "categories": Category.choices,
            "statuses": ViolationStatus.choices,
            "q": request.GET.get("q", ""),
        },
    )


@login_required
def staff_new(request: HttpRequest) -> HttpResponse:
    core.require(request.user, "inspection.record_violations")
    choices = [(a.code, f"{a.code} — {a.name} ({a.amount})") for a in selectors.articles()]
    initial = {"party": request.GET.get("party", "")}
    form = ViolationForm(
        request.POST or None, request.FILES or None, articles=choices, initial=initial
    )
    visit_id = request.POST.get("visit") or request.GET.get("visit") or ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            recorded = services.record_violation(
                actor=request.user,
                party=_party(data["party"]),
                article_code=data["article"],
                description=data["description"],
                latitude=data["latitude"],
                longitude=data["longitude"],
                address=data["address"],
                visit_id=int(visit_id) if visit_id.isdigit() else None,
                photos=data["photos"],
                idempotency_key=request.POST.get("idempotency_key") or None,
            )
        except ValidationError as exc:
            _attach_errors(form, exc)
        else:
            messages.success(
                request,
                _("Violation %(number)s recorded; fine %(fine)s.")
                % {
                    "number": recorded.number,
                    "fine": core.format_money(
                        recorded.fine, recorded.demand.currency if recorded.demand else ""
                    ),
                },
            )
            return redirect("inspection:staff-violation", number=recorded.number)
    return render(
        request,
        "inspection/staff_new.html",
        {
            "form": form,
            "visit_id": visit_id,
            "idempotency_key": request.POST.get("idempotency_key") or uuid.uuid4().hex,
            **core.map_settings(),
        },
    )


@login_required
def staff_violation(request: HttpRequest, number: str) -> HttpResponse:
    core.require(request.user, "inspection.view_violations")
    found = _violation_or_404(request, number)
    return render(
        request,
        "inspection/staff_violation.html",
        {"violation": found, "photos": selectors.photos(found), **core.map_settings()},
    )


@login_required
def schedule(request: HttpRequest) -> HttpResponse:
    """The fine schedule; those who may edit it add or change an article."""
    core.require(request.user, "inspection.view_violations")
    can_edit = core.has_capability(request.user, "inspection.manage_schedule")
    form = ArticleForm(request.POST or None)
    if request.method == "POST" and can_edit and form.is_valid():
        data = form.cleaned_data
        try:
            services.set_article(
                actor=request.user,
                code=data["code"],
                category=data["category"],
                name_ar=data["name_ar"],
                name_en=data["name_en"],
                amount=core.normalize_digits(data["amount"]),
                repeat_factor=core.normalize_digits(data["repeat_factor"]),
                max_factor=core.normalize_digits(data["max_factor"]),
                is_active=data["is_active"],
            )
        except ValidationError as exc:
            _attach_errors(form, exc)
        else:
            messages.success(request, _("The fine schedule was saved."))
            return redirect("inspection:schedule")
    return render(
        request,
        "inspection/schedule.html",
        {"articles": selectors.schedule(), "form": form, "can_edit": can_edit},
    )


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(core.normalize_digits(value))
    except ValueError:
        return timezone.localdate()


@login_required
def visits(request: HttpRequest) -> HttpResponse:
    """The visit list for a day, and planning a new visit."""
    day = _day(request.GET.get("day", ""))
    inspectors = [
        (u.username, u.get_full_name() or u.username) for u in core.users_with_roles({"inspector"})
    ]
    form = VisitForm(
        request.POST or None, inspectors=inspectors, initial={"inspector": request.user.username}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        parcel_id = None
        block, _sep, number = data["parcel"].partition("/")
        if data["parcel"]:
            parcel = gis.parcel_by_number(block.strip(), number.strip())
            if parcel is None:
                form.add_error("parcel", _("No such parcel."))
            else:
                parcel_id = parcel.pk
        inspector = core.user_by_username(data["inspector"])
        if not form.errors and inspector is not None:
            try:
                services.plan_visit(
                    actor=request.user,
                    inspector=inspector,
                    day=_day(request.POST.get("day", "")),
                    purpose=data["purpose"],
                    category=data["category"],
                    party=_party(data["party"]),
                    parcel_id=parcel_id,
                )
            except ValidationError as exc:
                _attach_errors(form, exc)
            else:
                messages.success(request, _("Visit planned."))
                return redirect(f"{request.path}?day={request.POST.get('day', '')}")
    return render(
        request,
        "inspection/visits.html",
        {
            "day": day,
            "previous": day - dt.timedelta(days=1),
            "next": day + dt.timedelta(days=1),
            "visits": selectors.visits_of_day(request.user, day=day),
            "form": form,
        },
    )


@login_required
def visit(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        found = selectors.visit_for(request.user, pk)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    form = ResultForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_result(
                actor=request.user,
                visit_id=found.pk,
                result=form.cleaned_data["result"],
                notes=form.cleaned_data["notes"],
            )
        except (ValidationError, core.AccessDenied) as exc:
            form.add_error(None, "; ".join(getattr(exc, "messages", None) or [str(exc)]))
        else:
            messages.success(request, _("Result saved."))
            return redirect(f"{reverse('inspection:visits')}?day={found.day.isoformat()}")
    return render(request, "inspection/visit.html", {"visit": found, "form": form})


@login_required
def objection_staff(request: HttpRequest, reference: str) -> HttpResponse:
    """The committee's and the head of department's page of an objection."""
    core.require(request.user, "core.view_staff_area")
    try:
        found = selectors.objection_for(request.user, reference)
    except ObjectDoesNotExist:
        try:
            workflow.case_for(request.user, reference=reference)
        except ObjectDoesNotExist as exc:
            raise Http404 from exc
        return redirect("workflow:staff-case", reference=reference)
    case = found.case
    form = DecisionForm(request.POST if request.POST.get("op") == "decide" else None)
    if request.method == "POST":
        op = request.POST.get("op")
        try:
            if op == "decide":
                if not form.is_valid():
                    raise ValidationError(_("Choose a decision and write the reasons."))
                services.propose_decision(
                    actor=request.user,
                    objection_id=found.pk,
                    decision=form.cleaned_data["decision"],
                    comment=form.cleaned_data["comment"],
                    new_fine=form.cleaned_data["new_fine"],
                )
                messages.success(request, _("Decision recorded."))
            elif op == "approve":
                services.approve_decision(
                    actor=request.user,
                    objection_id=found.pk,
                    comment=request.POST.get("comment", ""),
                )
                messages.success(
                    request,
                    _(
                        "Decision endorsed; the fine changes once the finance manager "
                        "approves the amendment."
                    ),
                )
            elif op == "action":
                workflow.take_action(
                    actor=request.user,
                    case_id=case.pk,
                    action_key=request.POST.get("action", ""),
                    comment=request.POST.get("comment", ""),
                )
                messages.success(request, _("Done."))
            return redirect("inspection:objection-staff", reference=reference)
        except ValidationError as exc:
            if form.is_bound:
                _attach_errors(form, exc)
            else:
                messages.error(request, "; ".join(exc.messages))
        except (core.AccessDenied, ObjectDoesNotExist) as exc:
            messages.error(request, str(exc) or _("Not allowed."))
    available = {a.key for a in workflow.available_actions(request.user, case)}
    return render(
        request,
        "inspection/objection_staff.html",
        {
            "objection": found,
            "case": case,
            "violation": found.violation,
            "history": workflow.history(case),
            "can_start": "start-review" in available,
            "can_decide": bool(available & {"uphold", "propose-reduction"})
            and core.has_capability(request.user, "inspection.review_objections"),
            "can_approve": bool(available & {"approve-reduction", "approve-cancellation"})
            and core.has_capability(request.user, "inspection.decide_objections"),
            "form": form,
            "decisions": Decision,
        },
    )
