"""Investment pages: the public list and page of each opportunity with the
investor's sealed offer; the investor's offers, contracts and rent dues; the
back office's opportunities, opening, scoring and award."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from baladiya.core import api as core
from baladiya.gis import api as gis
from baladiya.investment import selectors, services
from baladiya.investment.forms import AwardForm, OfferForm, OpportunityForm, ScoreForm
from baladiya.investment.models import OfferStatus, OpportunityStatus


def _attach_errors(form: forms.Form, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _message(exc: Exception) -> str:
    return "; ".join(getattr(exc, "messages", None) or [str(exc)])


# --- Portal --------------------------------------------------------------------------


def opportunities(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "investment/list.html",
        {"opportunities": selectors.published(), "now": timezone.now()},
    )


def opportunity(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        found = selectors.public_opportunity(reference)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    user: Any = request.user
    mine = selectors.my_offer(user, found) if user.is_authenticated else None
    is_open = found.status == OpportunityStatus.PUBLISHED and timezone.now() < found.deadline
    form = OfferForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if form.is_valid():
            try:
                mine = services.submit_offer(
                    actor=user,
                    opportunity_id=found.pk,
                    annual_rent=form.cleaned_data["annual_rent"],
                    notes=form.cleaned_data["notes"],
                    document=form.cleaned_data["document"],
                    idempotency_key=request.POST.get("idempotency_key") or None,
                )
            except ValidationError as exc:
                _attach_errors(form, exc)
            except core.AccessDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("Your sealed offer %(number)s was received.") % {"number": mine.number},
                )
                return redirect("investment:opportunity", reference=reference)
    return render(
        request,
        "investment/detail.html",
        {
            "opportunity": found,
            "mine": mine,
            "is_open": is_open,
            "can_offer": is_open and mine is None and selectors.is_investor(user),
            "form": form,
            "idempotency_key": request.POST.get("idempotency_key") or uuid.uuid4().hex,
            "contract": selectors.contract_of(found)
            if found.status == OpportunityStatus.AWARDED
            else None,
        },
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The investor's offers, awards, contracts and rent dues."""
    return render(
        request,
        "investment/mine.html",
        {
            "offers": selectors.my_offers(request.user),
            "contracts": selectors.my_contracts(request.user),
        },
    )


@login_required
def contract_pdf(request: HttpRequest, number: str) -> HttpResponse:
    """The contract with its rent schedule (the investor's, or staff)."""
    try:
        contract = selectors.contract_for(request.user, number)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    url = core.absolute_url(request.path)
    lang = request.GET.get("lang") or get_language() or "ar"
    pdf = core.render_pdf(
        "investment/contract_pdf.html",
        {
            "contract": contract,
            "qr": core.qr_data_uri(url),
            "url": url,
            "organisation": core.organisation(),
        },
        language="en" if lang.startswith("en") else "ar",
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="contract-{contract.number}.pdf"'
    return response


# --- Back office -----------------------------------------------------------------------


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    found = selectors.staff_opportunities(request.user)
    can_manage = core.has_capability(request.user, "investment.manage")
    form = OpportunityForm(request.POST or None)
    if request.method == "POST" and can_manage and form.is_valid():
        data = form.cleaned_data
        parcel_id = None
        if data["parcel"]:
            block, _sep, number = data["parcel"].partition("/")
            parcel = gis.parcel_by_number(block.strip(), number.strip())
            if parcel is None:
                form.add_error("parcel", _("No such parcel."))
            else:
                parcel_id = parcel.pk
        if not form.errors:
            try:
                created = services.create_opportunity(
                    actor=request.user,
                    name_ar=data["name_ar"],
                    name_en=data["name_en"],
                    site_ar=data["site_ar"],
                    area_m2=data["area_m2"],
                    activity_ar=data["activity_ar"],
                    terms_ar=data["terms_ar"],
                    min_annual_rent=data["min_annual_rent"],
                    term_years=data["term_years"],
                    frequency=data["frequency"],
                    deadline=data["deadline"],
                    parcel_id=parcel_id,
                )
            except ValidationError as exc:
                _attach_errors(form, exc)
            else:
                return redirect("investment:staff-detail", reference=created.reference)
    return render(
        request,
        "investment/staff_list.html",
        {"opportunities": found, "form": form, "can_manage": can_manage},
    )


@login_required
def staff_detail(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        found = selectors.staff_opportunity(request.user, reference)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    award_form = AwardForm(request.POST if request.POST.get("op") == "award" else None)
    if request.method == "POST":
        op = request.POST.get("op")
        try:
            if op == "publish":
                services.publish(actor=request.user, opportunity_id=found.pk)
                messages.success(request, _("Published on the portal."))
            elif op == "open":
                services.open_offers(actor=request.user, opportunity_id=found.pk)
                messages.success(request, _("The offers were opened."))
            elif op == "score":
                services.score_offer(
                    actor=request.user,
                    offer_id=int(request.POST.get("offer", "0")),
                    scores={c["key"]: request.POST.get(c["key"], "") for c in found.criteria},
                )
                messages.success(request, _("Scores saved."))
            elif op == "award":
                if not award_form.is_valid():
                    raise ValidationError(_("Choose the contract's start date."))
                contract = services.award(
                    actor=request.user,
                    opportunity_id=found.pk,
                    offer_id=award_form.cleaned_data["offer"],
                    start_date=award_form.cleaned_data["start_date"],
                    note=award_form.cleaned_data["note"],
                )
                messages.success(
                    request, _("Awarded; contract %(number)s.") % {"number": contract.number}
                )
            return redirect("investment:staff-detail", reference=reference)
        except (ValidationError, core.AccessDenied, ObjectDoesNotExist) as exc:
            messages.error(request, _message(exc) or _("Not allowed."))
    offers = selectors.offers(request.user, found)
    lang = get_language() or "ar"
    score_forms = {
        o.pk: ScoreForm(
            criteria=found.criteria,
            lang=lang,
            prefix=None,
            initial={s.criterion: s.score for s in o.scores.all()},
        )
        for o in offers
        if o.status == OfferStatus.OPENED
    }
    return render(
        request,
        "investment/staff_detail.html",
        {
            "opportunity": found,
            "offers": [(o, score_forms.get(o.pk)) for o in offers],
            "sealed": found.status == OpportunityStatus.PUBLISHED,
            "past_deadline": timezone.now() >= found.deadline,
            "award_form": award_form,
            "contract": selectors.contract_of(found),
            "statuses": OpportunityStatus,
        },
    )


@login_required
def offer_document(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        _name, content = services.offer_document(actor=request.user, offer_id=pk)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    except ValidationError as exc:
        raise Http404(_message(exc)) from exc
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="offer-{pk}.pdf"'
    return response
