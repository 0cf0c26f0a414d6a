"""Pages: the staff inbox and case page, a citizen's cases, public tracking."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from baladiya.core import api as core
from baladiya.workflow import registry, selectors, services
from baladiya.workflow.forms import ActionForm, InboxFilterForm, TrackForm
from baladiya.workflow.models import Case, ProcessDefinition


def _case_or_404(request: HttpRequest, reference: str) -> Case:
    try:
        return selectors.case_for(request.user, reference=reference)
    except Case.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    core.require(request.user, "workflow.view_cases")
    services_choices = sorted(
        {(d.key, d.name) for d in ProcessDefinition.objects.filter(is_active=True)},
        key=lambda item: item[1],
    )
    form = InboxFilterForm(request.GET or None, services=services_choices)
    filters = selectors.InboxFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.InboxFilters(
            service_key=data["service"],
            assigned=data["assigned"],
            overdue=data["overdue"],
            query=data["q"],
        )
    page_obj = Paginator(selectors.inbox(request.user, filters), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "workflow/inbox.html",
        {
            "form": form,
            "page_obj": page_obj,
            "counts": selectors.inbox_counts(request.user),
        },
    )


@login_required
@require_POST
def bulk_assign(request: HttpRequest) -> HttpResponse:
    ids = [int(pk) for pk in request.POST.getlist("case") if pk.isdigit()]
    try:
        done = services.bulk_assign(actor=request.user, case_ids=ids, assignee=request.user)
    except (ValidationError, Case.DoesNotExist, core.AccessDenied) as exc:
        messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("%(count)s case(s) assigned to you.") % {"count": done})
    return redirect(request.POST.get("next") or "workflow:inbox")


@login_required
def staff_case(request: HttpRequest, reference: str) -> HttpResponse:
    core.require(request.user, "core.view_staff_area")
    case = _case_or_404(request, reference)
    if registry.has_own_pages(case.service_key):
        return redirect(registry.staff_url(case.service_key, case.reference))
    form = ActionForm(request.POST or None)
    if request.method == "POST":
        try:
            if request.POST.get("assign") == "me":
                services.assign(actor=request.user, case_id=case.pk, assignee=request.user)
                messages.success(request, _("The case is now assigned to you."))
            elif form.is_valid():
                case = services.take_action(
                    actor=request.user,
                    case_id=case.pk,
                    action_key=form.cleaned_data["action"],
                    comment=form.cleaned_data["comment"],
                )
                messages.success(
                    request, _("Done: the case is now “%(state)s”.") % {"state": case.state.name}
                )
            return redirect("workflow:staff-case", reference=case.reference)
        except ValidationError as exc:
            form.add_error(None, exc)
        except core.AccessDenied as exc:
            messages.error(request, str(exc))
    return render(
        request,
        "workflow/staff_case.html",
        {
            "case": case,
            "form": form,
            "history": selectors.history(case),
            "actions": selectors.available_actions(request.user, case),
            "attachments": case.attachments.all(),
        },
    )


@login_required
def my_cases(request: HttpRequest) -> HttpResponse:
    page_obj = Paginator(selectors.cases_of(request.user), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "workflow/my_cases.html",
        {
            "page_obj": page_obj,
            "waiting": selectors.waiting_for_applicant(request.user),
        },
    )


@login_required
def my_case(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case_or_404(request, reference)
    if not selectors.is_applicant(request.user, case):
        return redirect("workflow:staff-case", reference=case.reference)
    if registry.has_own_pages(case.service_key):
        return redirect(registry.applicant_url(case.service_key, case.reference))
    form = ActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.take_action(
                actor=request.user,
                case_id=case.pk,
                action_key=form.cleaned_data["action"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except core.AccessDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("Thank you. Your request is now “%(state)s”.") % {"state": case.state.name},
            )
            return redirect("workflow:my-case", reference=case.reference)
    return render(
        request,
        "workflow/my_case.html",
        {
            "case": case,
            "form": form,
            "history": selectors.history(case, public_only=True),
            "actions": selectors.available_actions(request.user, case),
        },
    )


def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.GET or None)
    result = None
    searched = False
    if form.is_valid():
        searched = True
        result = selectors.track(
            reference=form.cleaned_data["reference"], phone_last4=form.cleaned_data["phone_last4"]
        )
    return render(
        request,
        "workflow/track.html",
        {
            "form": form,
            "result": result,
            "searched": searched,
        },
    )


@login_required
def process_diagram(request: HttpRequest, key: str) -> HttpResponse:
    core.require(request.user, "core.view_staff_area")
    definition = selectors.active_definition(key)
    if definition is None:
        raise Http404
    return render(
        request,
        "workflow/process.html",
        {
            "definition": definition,
            "diagram": selectors.diagram(definition),
            "versions": ProcessDefinition.objects.filter(key=key).order_by("-version"),
        },
    )
