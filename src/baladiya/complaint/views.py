"""Complaint pages: file a report with a map pin and photos; follow, rate or
reopen it; staff assign, resolve and merge duplicates."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from baladiya.complaint import selectors, services
from baladiya.complaint.forms import ComplaintForm, RateForm, ReasonForm, ResolveForm
from baladiya.complaint.models import Complaint
from baladiya.core import api as core
from baladiya.onestop import api as onestop
from baladiya.workflow import api as workflow


def _categories() -> list[tuple[str, str]]:
    return [(s.code, s.name) for s in onestop.subcategories(services.SERVICE_KEY)]


def _map_context() -> dict[str, Any]:
    return core.map_settings()


def _attach_errors(form: ComplaintForm, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _complaint_or_404(request: HttpRequest, reference: str) -> Complaint:
    try:
        return selectors.complaint_for(request.user, reference)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


@login_required
def new(request: HttpRequest) -> HttpResponse:
    form = ComplaintForm(request.POST or None, request.FILES or None, categories=_categories())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            complaint = services.file_complaint(
                actor=request.user,
                category=data["category"],
                description=data["description"],
                latitude=data["latitude"],
                longitude=data["longitude"],
                address=data["address"],
                photos=data["photos"],
                idempotency_key=request.POST.get("idempotency_key") or None,
            )
        except ValidationError as exc:
            _attach_errors(form, exc)
        else:
            return redirect("complaint:filed", reference=complaint.case.reference)
    return render(
        request,
        "complaint/new.html",
        {
            "form": form,
            "idempotency_key": request.POST.get("idempotency_key") or uuid.uuid4().hex,
            **_map_context(),
        },
    )


@login_required
def filed(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _complaint_or_404(request, reference)
    return render(request, "complaint/filed.html", {"complaint": complaint})


@login_required
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    """The citizen's page of his report."""
    complaint = _complaint_or_404(request, reference)
    case = complaint.case
    if not workflow.is_applicant(request.user, case):
        return redirect("complaint:staff-detail", reference=reference)
    rate_form = RateForm(request.POST if request.POST.get("op") == "rate" else None)
    reopen_form = ReasonForm(request.POST if request.POST.get("op") == "reopen" else None)
    reply_error = None
    if request.method == "POST":
        try:
            op = request.POST.get("op")
            if op == "rate" and rate_form.is_valid():
                services.rate(
                    actor=request.user,
                    complaint_id=complaint.pk,
                    stars=rate_form.cleaned_data["stars"],
                    comment=rate_form.cleaned_data["comment"],
                )
                messages.success(request, _("Thank you for your rating."))
                return redirect("complaint:detail", reference=reference)
            if op == "reopen" and reopen_form.is_valid():
                services.reopen(
                    actor=request.user,
                    complaint_id=complaint.pk,
                    reason=reopen_form.cleaned_data["reason"],
                )
                messages.success(request, _("Your report is open again."))
                return redirect("complaint:detail", reference=reference)
            if op == "reply":
                workflow.take_action(
                    actor=request.user,
                    case_id=case.pk,
                    action_key="reply",
                    comment=request.POST.get("comment", ""),
                )
                messages.success(request, _("Your reply was sent."))
                return redirect("complaint:detail", reference=reference)
        except ValidationError as exc:
            reply_error = "; ".join(exc.messages)
    return render(
        request,
        "complaint/detail.html",
        {
            "complaint": complaint,
            "case": case,
            "history": workflow.history(case, public_only=True),
            "photos": selectors.photos(complaint),
            "resolution_photos": selectors.photos(complaint, "resolution"),
            "rate_form": rate_form,
            "reopen_form": reopen_form,
            "reply_error": reply_error,
            "can_reopen": selectors.can_reopen(complaint),
            **_map_context(),
        },
    )


@login_required
def staff_detail(request: HttpRequest, reference: str) -> HttpResponse:
    core.require(request.user, "core.view_staff_area")
    complaint = _complaint_or_404(request, reference)
    case = complaint.case
    resolve_form = ResolveForm(
        request.POST if request.POST.get("op") == "resolve" else None, request.FILES or None
    )
    if request.method == "POST":
        op = request.POST.get("op")
        try:
            if op == "assign":
                user = core.user_by_username(request.POST.get("assignee", ""))
                workflow.assign(
                    actor=request.user,
                    case_id=case.pk,
                    assignee=user if request.POST.get("assignee") else None,
                )
                messages.success(request, _("Assignment saved."))
            elif op == "resolve":
                if not resolve_form.is_valid():
                    raise ValidationError(_("Write what was done."))
                services.resolve(
                    actor=request.user,
                    complaint_id=complaint.pk,
                    note=resolve_form.cleaned_data["note"],
                    photo=resolve_form.cleaned_data["photo"],
                )
                messages.success(request, _("Marked resolved; the citizen has been told."))
            elif op == "merge":
                services.merge_duplicate(
                    actor=request.user,
                    complaint_id=complaint.pk,
                    into_id=int(request.POST.get("into", "0")),
                )
                messages.success(request, _("Merged as a duplicate."))
            elif op == "action":
                workflow.take_action(
                    actor=request.user,
                    case_id=case.pk,
                    action_key=request.POST.get("action", ""),
                    comment=request.POST.get("comment", ""),
                )
                messages.success(request, _("Done."))
            return redirect("complaint:staff-detail", reference=reference)
        except (ValidationError, core.AccessDenied, ObjectDoesNotExist) as exc:
            messages.error(request, "; ".join(getattr(exc, "messages", None) or [str(exc)]))
    actions = [
        a
        for a in workflow.available_actions(request.user, case)
        if a.key not in ("resolve", "duplicate")
    ]
    can_resolve = any(a.key == "resolve" for a in workflow.available_actions(request.user, case))
    return render(
        request,
        "complaint/staff_detail.html",
        {
            "complaint": complaint,
            "case": case,
            "history": workflow.history(case),
            "photos": selectors.photos(complaint),
            "resolution_photos": selectors.photos(complaint, "resolution"),
            "duplicates": selectors.nearby_duplicates(complaint) if case.state.key == "new" else [],
            "actions": actions,
            "can_resolve": can_resolve,
            "resolve_form": resolve_form,
            "colleagues": selectors.colleagues(case),
            **_map_context(),
        },
    )
