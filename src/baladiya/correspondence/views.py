"""Correspondence pages: the register with filters and search, registering a
letter (or a reply), a letter's page (documents, thread, referrals), a
referral's page in the department's inbox, the registration slip PDF and its
public verification."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from baladiya.core import api as core
from baladiya.correspondence import selectors, services
from baladiya.correspondence.forms import (
    AttachForm,
    EntityForm,
    FilterForm,
    LetterForm,
    ReferForm,
)
from baladiya.correspondence.models import Direction, Letter
from baladiya.workflow import api as workflow

PAGE_SIZE = 25


def _departments() -> QuerySet[Any]:
    return core.departments()


def _attach_errors(form: Any, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _letter_or_404(request: HttpRequest, number: str) -> Letter:
    try:
        return selectors.letter_for(request.user, number)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def _error_text(exc: Exception) -> str:
    return "; ".join(getattr(exc, "messages", None) or [str(exc)])


@login_required
def register(request: HttpRequest, scope: str = "all") -> HttpResponse:
    """The register (the registry's view) or the letters of my department."""
    core.require(
        request.user, "correspondence.view_all" if scope == "all" else "correspondence.view"
    )
    form = FilterForm(
        request.GET or None,
        years=selectors.years(),
        entities=selectors.entities(),
        departments=_departments(),
    )
    filters = selectors.LetterFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.LetterFilters(
            direction=data["direction"],
            year=data["year"],
            entity_id=data["entity"].pk if data["entity"] else None,
            department_id=data["department"].pk if data["department"] else None,
            status=data["status"],
            overdue=data["overdue"],
            query=data["q"],
        )
    letters = selectors.with_referrals(selectors.register(request.user, filters))
    page = Paginator(letters, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "correspondence/register.html",
        {
            "form": form,
            "page_obj": page,
            "letters": page.object_list,
            "scope": scope,
            "can_manage_entities": core.has_capability(request.user, "correspondence.register"),
            "can_register": core.has_capability(request.user, "correspondence.register")
            or core.has_capability(request.user, "correspondence.write"),
        },
    )


@login_required
def department(request: HttpRequest) -> HttpResponse:
    return register(request, scope="department")


def _letter_from_form(request: HttpRequest, form: LetterForm) -> Letter:
    data = form.cleaned_data
    direction = data["direction"]
    entity = None
    if data["entity_name"].strip() and direction != Direction.INTERNAL:
        entity = services.ensure_entity(actor=request.user, name_ar=data["entity_name"])
    in_reply_to = None
    if data["in_reply_to"].strip():
        try:
            in_reply_to = selectors.letter_for(request.user, data["in_reply_to"])
        except Letter.DoesNotExist as exc:
            raise ValidationError(
                {"in_reply_to": [_("No letter with this number in the register.")]}
            ) from exc
    return services.register_letter(
        actor=request.user,
        direction=direction,
        subject=data["subject"],
        letter_date=data["letter_date"],
        entity=entity,
        summary=data["summary"],
        classification=data["classification"],
        priority=data["priority"],
        department=data["department"],
        to_department=data["to_department"],
        external_number=data["external_number"],
        in_reply_to=in_reply_to,
        scan=data["scan"],
        branch=getattr(request.user, "home_branch", None),
        idempotency_key=request.POST.get("idempotency_key") or None,
    )


@login_required
def new(request: HttpRequest) -> HttpResponse:
    core.require(request.user, "core.view_staff_area")
    initial: dict[str, Any] = {"priority": "normal", "classification": "internal"}
    reply_to = request.GET.get("reply_to", "")
    if reply_to:
        original = _letter_or_404(request, reply_to)
        initial.update(
            direction=Direction.OUTGOING
            if original.direction == Direction.INCOMING
            else Direction.INCOMING,
            in_reply_to=original.number,
            entity_name=original.entity.name_ar if original.entity else "",
            subject=_("Re: %(subject)s") % {"subject": original.subject},
            classification=original.classification,
        )
        mine = [
            r.department
            for r in selectors.open_referrals(original)
            if core.has_capability(request.user, "correspondence.write", department=r.department)
        ]
        if mine:
            initial["department"] = mine[0]
    form = LetterForm(
        request.POST or None, request.FILES or None, initial=initial, departments=_departments()
    )
    if request.method == "POST" and form.is_valid():
        try:
            letter = _letter_from_form(request, form)
        except ValidationError as exc:
            _attach_errors(form, exc)
        except core.AccessDenied as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("Registered as %(number)s.") % {"number": letter.number})
            return redirect("correspondence:detail", number=letter.number)
    return render(
        request,
        "correspondence/new.html",
        {
            "form": form,
            "entities": selectors.entities()[:500],
            "idempotency_key": request.POST.get("idempotency_key") or uuid.uuid4().hex,
        },
    )


@login_required
def detail(request: HttpRequest, number: str) -> HttpResponse:
    core.require(request.user, "core.view_staff_area")
    letter = _letter_or_404(request, number)
    op = request.POST.get("op") if request.method == "POST" else None
    refer_form = ReferForm(request.POST if op == "refer" else None, departments=_departments())
    attach_form = AttachForm(
        request.POST if op == "attach" else None, request.FILES if op == "attach" else None
    )
    if op == "refer" and refer_form.is_valid():
        try:
            referral = services.refer(
                actor=request.user,
                letter_id=letter.pk,
                department=refer_form.cleaned_data["department"],
                due_date=refer_form.cleaned_data["due_date"],
                instructions=refer_form.cleaned_data["instructions"],
            )
        except ValidationError as exc:
            _attach_errors(refer_form, exc)
        except core.AccessDenied as exc:
            refer_form.add_error(None, _error_text(exc))
        else:
            messages.success(
                request,
                _("Referred to %(department)s.") % {"department": referral.department.name},
            )
            return redirect("correspondence:detail", number=letter.number)
    if op == "attach" and attach_form.is_valid():
        try:
            services.attach(
                actor=request.user,
                letter_id=letter.pk,
                upload=attach_form.cleaned_data["upload"],
                title=attach_form.cleaned_data["title"],
            )
        except ValidationError as exc:
            _attach_errors(attach_form, exc)
        except core.AccessDenied as exc:
            attach_form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("The document was added to the archive."))
            return redirect("correspondence:detail", number=letter.number)
    user = request.user
    return render(
        request,
        "correspondence/detail.html",
        {
            "letter": letter,
            "referrals": selectors.referrals_of(letter),
            "documents": selectors.documents(user, letter),
            "thread": selectors.thread(user, letter),
            "refer_form": refer_form,
            "attach_form": attach_form,
            "can_refer": core.has_capability(user, "correspondence.refer"),
            "can_register": core.has_capability(user, "correspondence.register"),
            "can_reply": letter.direction != Direction.INTERNAL
            and (
                core.has_capability(user, "correspondence.register")
                or core.has_capability(user, "correspondence.write")
            ),
            "today": timezone.localdate(),
        },
    )


def _slip_context(letter: Letter) -> dict[str, Any]:
    verify = core.absolute_url(reverse("correspondence:verify", args=[letter.token]))
    return {
        "letter": letter,
        "organisation": core.organisation(),
        "verify_url": verify,
        "qr": core.qr_data_uri(verify),
    }


@login_required
def slip_pdf(request: HttpRequest, number: str) -> HttpResponse:
    """The registration slip of an incoming letter, or the outgoing/internal
    letter itself, with a QR code to verify it."""
    letter = _letter_or_404(request, number)
    lang = request.GET.get("lang") or translation.get_language() or "ar"
    pdf = core.render_pdf(
        "correspondence/letter_pdf.html",
        _slip_context(letter),
        language="en" if lang.startswith("en") else "ar",
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{letter.number}.pdf"'
    return response


def verify(request: HttpRequest, token: str) -> HttpResponse:
    """Public: confirms that a letter with this number was registered (no content)."""
    letter = Letter.objects.filter(token=token).first()
    return render(
        request,
        "correspondence/verify.html",
        {"letter": letter},
        status=200 if letter else 404,
    )


@login_required
def referral(request: HttpRequest, reference: str) -> HttpResponse:
    """A referral as the department sees it: the letter, the due date, the steps."""
    core.require(request.user, "core.view_staff_area")
    try:
        item = selectors.referral_for(request.user, reference)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    if request.method == "POST":
        try:
            services.act(
                actor=request.user,
                referral_id=item.pk,
                action_key=request.POST.get("action", ""),
                comment=request.POST.get("comment", ""),
            )
        except (ValidationError, core.AccessDenied, ObjectDoesNotExist) as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("Done."))
            return redirect("correspondence:referral", reference=reference)
    case = item.case
    letter = item.letter
    return render(
        request,
        "correspondence/referral.html",
        {
            "referral": item,
            "letter": letter,
            "case": case,
            "overdue": selectors.is_overdue(item),
            "documents": selectors.documents(request.user, letter),
            "history": workflow.history(case),
            "actions": workflow.available_actions(request.user, case),
            "can_reply": core.has_capability(request.user, "correspondence.write")
            or core.has_capability(request.user, "correspondence.register"),
            "comment": request.POST.get("comment", ""),
        },
    )


@login_required
def entities(request: HttpRequest) -> HttpResponse:
    """The correspondents: who writes to the municipality and whom it writes to."""
    core.require(request.user, "correspondence.register")
    form = EntityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        number = core.normalize_digits(data["party_number"].strip())
        party = core.party_by_national_id(number) or core.party_by_commercial_registration(number)
        if number and party is None:
            form.add_error("party_number", _("No citizen or establishment has this number."))
        else:
            try:
                entity = services.ensure_entity(
                    actor=request.user,
                    name_ar=data["name_ar"],
                    name_en=data["name_en"],
                    kind=data["kind"],
                    party=party,
                )
            except ValidationError as exc:
                _attach_errors(form, exc)
            else:
                messages.success(request, _("Saved: %(name)s.") % {"name": entity.name})
                return redirect("correspondence:entities")
    query = request.GET.get("q", "")
    page = Paginator(selectors.entity_list(query), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "correspondence/entities.html",
        {"form": form, "page_obj": page, "entities": page.object_list, "q": query},
    )


@login_required
def my_letters(request: HttpRequest) -> HttpResponse:
    """The signed-in person's letters with the municipality and where they stand."""
    page = Paginator(selectors.letters_of_party(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "correspondence/my_letters.html", {"page_obj": page, "letters": page.object_list}
    )
