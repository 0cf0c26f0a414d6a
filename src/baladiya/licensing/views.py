"""Thin licensing pages: the business owner's portal (establishments, licences,
workers and certificates, billboards, dues), the licence and card PDFs, the
public verification pages and the staff lists."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from baladiya.core import api as core
from baladiya.licensing import forms, selectors, services
from baladiya.licensing.models import (
    Billboard,
    Establishment,
    HealthCertificate,
    Licence,
    LicenceStatus,
    TransferConsent,
    Worker,
)
from baladiya.revenue import api as revenue
from baladiya.workflow import api as workflow


def _language(request: HttpRequest) -> str:
    lang = request.GET.get("lang") or translation.get_language() or "ar"
    return "en" if lang.startswith("en") else "ar"


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _errors_into(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for key, errors in exc.message_dict.items():
            field = key.replace("-", "_")
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _get(model: type[Any], loader: Any, request: HttpRequest, pk: int) -> Any:
    try:
        return loader(request.user, pk)
    except model.DoesNotExist as exc:
        raise Http404 from exc


def _staff(request: HttpRequest, capability: str = "licensing.view") -> None:
    core.require(request.user, capability)


# --- The business owner's portal -----------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    establishments = list(selectors.establishments_of(request.user))
    licences = list(selectors.licences_of(request.user))
    by_establishment: dict[int, list[Licence]] = {}
    for licence in licences:
        by_establishment.setdefault(licence.establishment_id, []).append(licence)
    rows = [
        {
            "establishment": e,
            "licences": by_establishment.get(e.pk, []),
            "workers": selectors.workers_of(e).count(),
        }
        for e in establishments
    ]
    party = getattr(request.user, "party", None)
    return render(
        request,
        "licensing/home.html",
        {
            "rows": rows,
            "billboards": selectors.billboards_of(request.user),
            "transfers": selectors.transfers_waiting_for(request.user),
            "owed": revenue.amount_owed(party) if party is not None else None,
        },
    )


@login_required
def apply(request: HttpRequest) -> HttpResponse:
    activities = selectors.activities()
    form = forms.LicenceApplicationForm(
        request.POST or None, request.FILES or None, activities=activities
    )
    key = request.POST.get("idempotency_key") or uuid.uuid4().hex
    if request.method == "POST" and form.is_valid():
        answers, documents = form.split()
        try:
            licence = services.apply_for_licence(
                actor=request.user, idempotency_key=key, documents=documents, **answers
            )
        except ValidationError as exc:
            _errors_into(form, exc)
        except core.AccessDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Your application was received with reference %(ref)s.")
                % {"ref": licence.case.reference if licence.case else ""},
            )
            return redirect("licensing:licence", pk=licence.pk)
    return render(
        request,
        "licensing/apply.html",
        {"form": form, "idempotency_key": key, **core.map_settings()},
    )


@login_required
def licence(request: HttpRequest, pk: int) -> HttpResponse:
    item = _get(Licence, selectors.licence_for, request, pk)
    if item.holder_id != getattr(request.user, "party_id", None):
        return redirect("licensing:staff-licence", pk=item.pk)
    renewable = item.status in (LicenceStatus.ACTIVE, LicenceStatus.EXPIRED)
    return render(
        request,
        "licensing/licence.html",
        {
            "licence": item,
            "case_url": workflow.applicant_url(item.case.service_key, item.case.reference)
            if item.case
            else "",
            "demand": revenue.demand(item.demand_id) if item.demand_id else None,
            "blockers": services.renewal_blockers(item) if renewable else [],
            "renewable": renewable,
            "successor": Licence.objects.filter(previous=item).first(),
            "transfer_form": forms.TransferForm(),
            "cancel_form": forms.CancelForm(),
        },
    )


@login_required
@require_POST
def renew(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        renewal = services.apply_for_renewal(actor=request.user, licence_id=pk)
    except Licence.DoesNotExist as exc:
        raise Http404 from exc
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("licensing:licence", pk=pk)
    messages.success(
        request,
        _("Your renewal was received with reference %(ref)s.")
        % {"ref": renewal.case.reference if renewal.case else ""},
    )
    return redirect("licensing:licence", pk=renewal.pk)


@login_required
@require_POST
def transfer(request: HttpRequest, pk: int) -> HttpResponse:
    form = forms.TransferForm(request.POST)
    if form.is_valid():
        try:
            services.request_transfer(
                actor=request.user,
                licence_id=pk,
                new_owner_id_number=form.cleaned_data["new_owner"],
            )
        except Licence.DoesNotExist as exc:
            raise Http404 from exc
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("The new owner must now confirm the transfer from his account.")
            )
    else:
        messages.error(request, _("Enter the ID number of the new owner."))
    return redirect("licensing:licence", pk=pk)


@login_required
@require_POST
def consent(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        licence = services.consent_to_transfer(actor=request.user, transfer_id=pk)
    except TransferConsent.DoesNotExist as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("licensing:home")
    messages.success(request, _("The licence is now in your name: %(n)s.") % {"n": licence.number})
    return redirect("licensing:licence", pk=licence.pk)


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    form = forms.CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the closure date."))
        return redirect("licensing:licence", pk=pk)
    try:
        services.cancel_licence(actor=request.user, licence_id=pk, **form.cleaned_data)
    except Licence.DoesNotExist as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The licence was cancelled."))
    return redirect("licensing:licence", pk=pk)


def _verify_url(licence: Licence) -> str:
    return core.absolute_url(reverse("licensing:verify-number", args=[licence.number]))


@login_required
def licence_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    item = _get(Licence, selectors.licence_for, request, pk)
    if not item.number:
        raise Http404
    verify = _verify_url(item)
    pdf = core.render_pdf(
        "licensing/licence_pdf.html",
        {
            "licence": item,
            "organisation": core.organisation(),
            "verify_url": verify,
            "qr": core.qr_data_uri(verify),
        },
        language=_language(request),
    )
    return _pdf_response(pdf, f"{item.number}.pdf")


@login_required
def dues(request: HttpRequest, pk: int) -> HttpResponse:
    establishment = _get(Establishment, selectors.establishment_for, request, pk)
    rows = [
        {
            "party": party,
            "owed": revenue.amount_owed(party),
            "demands": list(revenue.open_demands(user=None, party=party)),
            "own": party.pk == getattr(request.user, "party_id", None),
        }
        for party in selectors.payers(establishment)
    ]
    return render(request, "licensing/dues.html", {"establishment": establishment, "rows": rows})


@login_required
def workers(request: HttpRequest, pk: int) -> HttpResponse:
    establishment = _get(Establishment, selectors.establishment_for, request, pk)
    own = establishment.owner_id == getattr(request.user, "party_id", None)
    pending = selectors.pending_certificate_requests(establishment)
    form = forms.WorkerForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and own and form.is_valid():
        try:
            services.add_worker(
                actor=request.user, establishment_id=establishment.pk, **form.cleaned_data
            )
        except ValidationError as exc:
            _errors_into(form, exc)
        else:
            messages.success(request, _("The worker was added to your list."))
            return redirect("licensing:workers", pk=establishment.pk)
    return render(
        request,
        "licensing/workers.html",
        {
            "establishment": establishment,
            "rows": [
                (worker, pending.get(worker.pk)) for worker in selectors.workers_of(establishment)
            ],
            "form": form,
            "own": own,
        },
    )


@login_required
@require_POST
def remove_worker(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        worker = services.remove_worker(actor=request.user, worker_id=pk)
    except (Worker.DoesNotExist, Establishment.DoesNotExist) as exc:
        raise Http404 from exc
    messages.success(request, _("%(name)s was removed from the list.") % {"name": worker.name})
    return redirect("licensing:workers", pk=worker.establishment_id)


@login_required
@require_POST
def apply_for_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        application = services.apply_for_certificate(actor=request.user, worker_id=pk)
    except (Worker.DoesNotExist, Establishment.DoesNotExist) as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("licensing:home")
    messages.success(
        request,
        _("Your application was received with reference %(ref)s.")
        % {"ref": application.case.reference},
    )
    return redirect("licensing:workers", pk=application.worker.establishment_id)


@login_required
def certificate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = _get(HealthCertificate, selectors.certificate_for, request, pk)
    verify = core.absolute_url(reverse("licensing:verify-certificate", args=[certificate.token]))
    pdf = core.render_pdf(
        "licensing/certificate_pdf.html",
        {
            "certificate": certificate,
            "organisation": core.organisation(),
            "verify_url": verify,
            "qr": core.qr_data_uri(verify),
        },
        language=_language(request),
    )
    return _pdf_response(pdf, f"{certificate.number}.pdf")


@login_required
def billboard_new(request: HttpRequest) -> HttpResponse:
    establishments = selectors.establishments_of(request.user)
    form = forms.BillboardForm(request.POST or None, establishments=establishments)
    key = request.POST.get("idempotency_key") or uuid.uuid4().hex
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        establishment = data.pop("establishment")
        try:
            billboard = services.apply_for_billboard(
                actor=request.user,
                establishment_id=int(establishment) if establishment else None,
                idempotency_key=key,
                **data,
            )
        except ValidationError as exc:
            _errors_into(form, exc)
        except core.AccessDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Your application was received with reference %(ref)s.")
                % {"ref": billboard.case.reference if billboard.case else ""},
            )
            return redirect("licensing:home")
    return render(
        request,
        "licensing/billboard_new.html",
        {"form": form, "idempotency_key": key, **core.map_settings()},
    )


@login_required
@require_POST
def billboard_renew(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.renew_billboard(actor=request.user, billboard_id=pk)
    except Billboard.DoesNotExist as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("The fee for another year was added to your account; pay it to renew.")
        )
    return redirect("licensing:home")


# --- Public verification -------------------------------------------------------------


def verify(request: HttpRequest) -> HttpResponse:
    form = forms.VerifyForm(request.GET or None)
    if form.is_valid():
        number = core.normalize_digits(form.cleaned_data["number"].strip()).upper()
        return redirect("licensing:verify-number", number=number)
    return render(request, "licensing/verify.html", {"form": form})


def verify_number(request: HttpRequest, number: str) -> HttpResponse:
    item = selectors.licence_by_number(number)
    return render(
        request,
        "licensing/verify.html",
        {"form": forms.VerifyForm(initial={"number": number}), "licence": item, "asked": number},
        status=200 if item else 404,
    )


def verify_certificate(request: HttpRequest, token: str) -> HttpResponse:
    certificate = selectors.certificate_by_token(token)
    return render(
        request,
        "licensing/verify_certificate.html",
        {"certificate": certificate},
        status=200 if certificate else 404,
    )


# --- Staff -------------------------------------------------------------------------------


@login_required
def staff_licences(request: HttpRequest) -> HttpResponse:
    _staff(request)
    query, status = request.GET.get("q", ""), request.GET.get("status", "")
    return render(
        request,
        "licensing/staff_licences.html",
        {
            "licences": selectors.staff_licences(user=request.user, query=query, status=status),
            "query": query,
            "status": status,
            "statuses": LicenceStatus.choices,
        },
    )


@login_required
def staff_licence(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    item = _get(Licence, selectors.licence_for, request, pk)
    return render(
        request,
        "licensing/staff_licence.html",
        {
            "licence": item,
            "case_url": workflow.staff_url(item.case.service_key, item.case.reference)
            if item.case
            else "",
            "workers": selectors.workers_of(item.establishment),
            "blockers": services.renewal_blockers(item),
        },
    )


@login_required
def staff_workers(request: HttpRequest) -> HttpResponse:
    _staff(request)
    query = request.GET.get("q", "")
    return render(
        request,
        "licensing/staff_workers.html",
        {
            "workers": selectors.staff_workers(user=request.user, query=query),
            "query": query,
            "form": forms.MedicalCheckForm(),
        },
    )


@login_required
@require_POST
def medical_check(request: HttpRequest, pk: int) -> HttpResponse:
    form = forms.MedicalCheckForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the result and the date of the check."))
        return redirect("licensing:staff-workers")
    try:
        certificate = services.record_medical_check(
            actor=request.user, worker_id=pk, **form.cleaned_data
        )
    except Worker.DoesNotExist as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Certificate %(number)s recorded.") % {"number": certificate.number}
        )
    return redirect(reverse("licensing:staff-workers") + f"?q={request.POST.get('q', '')}")


@login_required
def staff_billboards(request: HttpRequest) -> HttpResponse:
    _staff(request)
    return render(
        request,
        "licensing/staff_billboards.html",
        {
            "billboards": selectors.staff_billboards(user=request.user),
            "form": forms.RemovalForm(),
        },
    )


@login_required
@require_POST
def order_removal(request: HttpRequest, pk: int) -> HttpResponse:
    form = forms.RemovalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the reason for the removal order."))
        return redirect("licensing:staff-billboards")
    try:
        services.order_removal(actor=request.user, billboard_id=pk, **form.cleaned_data)
    except Billboard.DoesNotExist as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The removal order was sent to the owner."))
    return redirect("licensing:staff-billboards")
