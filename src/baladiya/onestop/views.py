"""The public service catalogue pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from baladiya.core.api import (
    AccessDenied,
    PDFUnavailable,
    absolute_url,
    map_settings,
    organisation,
    qr_data_uri,
    render_pdf,
    service_points,
)
from baladiya.onestop import selectors, services
from baladiya.onestop.answers import display
from baladiya.onestop.journey import ApplicationForm
from baladiya.onestop.models import Draft, ServiceCategory


def catalogue(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    category = request.GET.get("category", "")
    services = selectors.public_services(query=query, category=category)
    page_obj = Paginator(services, 24).get_page(request.GET.get("page"))
    context = {
        "page_obj": page_obj,
        "query": query,
        "category": category,
        "categories": ServiceCategory.objects.order_by("order"),
    }
    template = "onestop/_service_results.html" if request.htmx else "onestop/catalogue.html"
    return render(request, template, context)


def service_detail(request: HttpRequest, key: str) -> HttpResponse:
    service = selectors.service_by_key(key)
    if service is None or (not service.is_public and not request.user.is_staff):
        raise Http404
    return render(
        request,
        "onestop/service_detail.html",
        {
            "service": service,
            "offices": service_points(),
            "online": selectors.can_apply_online(service),
            "drafts": selectors.open_drafts(request.user).filter(service=service),
        },
    )


# --- Applying online: start → questions → check your answers → confirmation --------


def _parcel_hint() -> str:
    org = organisation()
    if org is not None and org.country == "SA":
        return _("Plan number / plot number, e.g. 123 / 45")
    return _("Basin / parcel, e.g. 12 / 45")


@login_required
def apply(request: HttpRequest, key: str) -> HttpResponse:
    service = selectors.service_by_key(key)
    if service is None or not selectors.can_apply_online(service):
        raise Http404
    if key == "complaint":
        return redirect("complaint:new")
    try:
        draft = services.start_draft(actor=request.user, service_key=key)
    except AccessDenied as exc:
        messages.error(request, str(exc))
        return redirect("onestop:service", key=key)
    return redirect("onestop:questions", draft_id=draft.pk)


def _draft_or_404(request: HttpRequest, draft_id: int) -> Draft:
    try:
        return selectors.draft_for(request.user, draft_id)
    except Draft.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def questions(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _draft_or_404(request, draft_id)
    if draft.case_reference:
        return redirect("onestop:done", draft_id=draft.pk)
    fields = selectors.form_fields(draft.service)
    uploaded = {f.field_key: f.original_name for f in draft.files.all()}
    if request.method == "POST":
        draft, problems = services.save_answers(
            actor=request.user,
            draft_id=draft.pk,
            answers=request.POST.dict(),
            uploads={k: v for k, v in request.FILES.items()},
        )
        uploaded = {f.field_key: f.original_name for f in draft.files.all()}
        form = ApplicationForm(
            request.POST, fields=fields, uploaded=uploaded, parcel_hint=_parcel_hint()
        )
        form.is_valid()
        if request.POST.get("go") == "save":
            messages.success(
                request, _("Your answers are saved. You can come back to them from “My requests”.")
            )
            return redirect("onestop:questions", draft_id=draft.pk)
        if not problems:
            return redirect("onestop:check", draft_id=draft.pk)
        for key, errors in problems.items():
            form.add_error(key if key in form.fields else None, errors)
    else:
        form = ApplicationForm(
            initial=draft.answers, fields=fields, uploaded=uploaded, parcel_hint=_parcel_hint()
        )
    return render(
        request,
        "onestop/questions.html",
        {
            "draft": draft,
            "service": draft.service,
            "form": form,
            **map_settings(),
        },
    )


@login_required
def check(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _draft_or_404(request, draft_id)
    if draft.case_reference:
        return redirect("onestop:done", draft_id=draft.pk)
    fields = selectors.form_fields(draft.service)
    error = None
    if request.method == "POST":
        try:
            services.submit_application(actor=request.user, draft_id=draft.pk)
        except ValidationError as exc:
            error = _("Some answers need attention: please go back and check them.")
            if hasattr(exc, "error_dict"):
                return redirect("onestop:questions", draft_id=draft.pk)
            error = "; ".join(exc.messages)
        else:
            return redirect("onestop:done", draft_id=draft.pk)
    uploaded = {f.field_key: f.original_name for f in draft.files.all()}
    rows = [
        {
            "label": f.label,
            "value": uploaded.get(f.key, "—")
            if f.kind == "file"
            else display(f, draft.answers.get(f.key)),
        }
        for f in fields
    ]
    return render(
        request,
        "onestop/check.html",
        {
            "draft": draft,
            "service": draft.service,
            "rows": rows,
            "error": error,
        },
    )


@login_required
def done(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _draft_or_404(request, draft_id)
    if not draft.case_reference:
        return redirect("onestop:questions", draft_id=draft.pk)
    return render(request, "onestop/done.html", {"draft": draft, "service": draft.service})


@login_required
def acknowledgement(request: HttpRequest, reference: str) -> HttpResponse:
    """The PDF acknowledgement of a submitted application (Arabic or English)."""
    from baladiya.workflow import api as workflow

    try:
        case = workflow.case_for(request.user, reference=reference)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    language = request.GET.get("lang") if request.GET.get("lang") in ("ar", "en") else None
    service = selectors.service_by_key(case.service_key)
    track_url = absolute_url(reverse("workflow:track")) + f"?reference={case.reference}"
    try:
        pdf = render_pdf(
            "onestop/acknowledgement_pdf.html",
            {
                "case": case,
                "service": service,
                "qr": qr_data_uri(track_url),
                "track_url": track_url,
                "organisation": organisation(),
            },
            language=language,
        )
    except PDFUnavailable as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{case.reference}.pdf"'
    return response
