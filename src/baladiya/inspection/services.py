"""Inspection write use-cases: the fine schedule and its revenue heads, visit
planning and results, recording violations (the fine becomes a revenue demand)
and objections, whose reduction or cancellation is a revenue amendment proposed
by the committee and approved by the head of department."""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import filetype
import yaml
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baladiya.core import api as core
from baladiya.core.api import AccessDenied, Party, User
from baladiya.gis import api as gis
from baladiya.inspection import selectors
from baladiya.inspection.models import (
    Category,
    Decision,
    FineArticle,
    Objection,
    Violation,
    ViolationPhoto,
    ViolationStatus,
    Visit,
    VisitResult,
    VisitStatus,
)
from baladiya.revenue import api as revenue
from baladiya.workflow import api as workflow

SERVICE_KEY = "violation-objection"
DATA = Path(__file__).resolve().parent / "data"
MAX_PHOTOS = 6
MAX_PHOTO_BYTES = 10 * 1024 * 1024
PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp"}
FINE_ACCOUNT = "4401"  # Fines and late-payment interest, in the municipal chart
HEADS = {
    Category.HEALTH: ("fine-health", "غرامات المخالفات الصحية", "Health violation fines"),
    Category.BUILDING: ("fine-building", "غرامات مخالفات البناء", "Building violation fines"),
    Category.INVESTMENT: (
        "fine-investment",
        "غرامات المخالفات الاستثمارية",
        "Investment violation fines",
    ),
    Category.EXCAVATION: ("fine-excavation", "غرامات مخالفات الحفريات", "Excavation fines"),
}
PAYMENT_DAYS = 30
# The workflow's case table, reached through the foreign key (apps import each
# other's models only to declare foreign keys).
CaseModel: Any = Objection._meta.get_field("case").related_model


# --- The fine schedule and the process ------------------------------------------


def process_spec(key: str = SERVICE_KEY) -> dict[str, Any]:
    """The objection process definition (from the app's data file)."""
    return yaml.safe_load((DATA / "processes" / f"{key}.yaml").read_text(encoding="utf-8"))


def _install_process(actor: User | None = None) -> None:
    workflow.install_definition(actor=actor, spec=process_spec())


def _ensure_process() -> None:
    """Make the objection process the active one for the service if the one-stop
    shop's generic application process replaced it under the same key."""
    active = workflow.active_definition(SERVICE_KEY)
    if active is None or not active.states.filter(key="committee-review").exists():
        _install_process()


@transaction.atomic
def install(*, actor: User | None = None) -> int:
    """Install the objection process, the fine revenue heads and the fine
    schedule from the app's data files (idempotent); returns articles added."""
    _install_process(actor)
    for code, name_ar, name_en in HEADS.values():
        if revenue.head_by_code(code) is None:
            revenue.create_revenue_head(
                actor=None,
                code=code,
                name_ar=name_ar,
                name_en=name_en,
                account_code=FINE_ACCOUNT,
                priority=60,
            )
    rows = yaml.safe_load((DATA / "fine-schedule.yaml").read_text(encoding="utf-8"))
    existing = set(FineArticle.objects.values_list("code", flat=True))
    new = [
        FineArticle(
            code=row["code"],
            category=row["category"],
            amount=Decimal(str(row["amount"])),
            name_ar=row["ar"],
            name_en=row["en"],
        )
        for row in rows
        if row["code"] not in existing
    ]
    FineArticle.objects.bulk_create(new)
    if new:
        core.record_audit(
            actor=actor,
            action="inspection.schedule.install",
            after={"articles": [a.code for a in new]},
        )
    return len(new)


@transaction.atomic
def set_article(
    *,
    actor: User,
    code: str,
    category: str,
    name_ar: str,
    name_en: str,
    amount: Decimal | int | str,
    repeat_factor: Decimal | int | str = Decimal(2),
    max_factor: Decimal | int | str = Decimal(4),
    is_active: bool = True,
) -> FineArticle:
    """Add or change an article of the fine schedule (existing fines keep
    the amount they were raised with)."""
    core.require(actor, "inspection.manage_schedule")
    article = FineArticle.objects.select_for_update().filter(code=code).first()
    before = None
    if article is None:
        article = FineArticle(code=code)
    else:
        before = {"amount": article.amount, "active": article.is_active}
    article.category = category
    article.name_ar = name_ar
    article.name_en = name_en
    try:
        article.amount = Decimal(str(amount))
        article.repeat_factor = Decimal(str(repeat_factor))
        article.max_factor = Decimal(str(max_factor))
    except InvalidOperation as exc:
        raise ValidationError({"amount": [_("Enter an amount.")]}) from exc
    article.is_active = is_active
    article.full_clean()
    article.save()
    core.record_audit(
        actor=actor,
        action="inspection.article.set",
        obj=article,
        before=before,
        after={"amount": article.amount, "active": article.is_active},
    )
    return article


# --- Visits -----------------------------------------------------------------------


@transaction.atomic
def plan_visit(
    *,
    actor: User | None,
    inspector: User,
    day: dt.date,
    purpose: str,
    category: str,
    party: Party | None = None,
    parcel_id: int | None = None,
    source_type: str = "",
    source_id: str = "",
    idempotency_key: str | None = None,
) -> Visit:
    """Put a visit on an inspector's list for ``day`` (other apps, such as a
    licence's site inspection, pass their record as source and a key)."""
    if actor is not None:
        core.require(actor, "inspection.plan_visits")
    if not core.has_capability(inspector, "inspection.record_violations"):
        raise ValidationError({"inspector": [_("Choose an inspector.")]})
    if idempotency_key:
        found = Visit.objects.filter(idempotency_key=idempotency_key).first()
        if found is not None:
            return found
    errors: dict[str, list[str]] = {}
    if category not in Category.values:
        errors["category"] = [_("Choose the kind of inspection.")]
    if not purpose.strip():
        errors["purpose"] = [_("Write the purpose of the visit.")]
    parcel = gis.parcel_by_id(parcel_id) if parcel_id else None
    if parcel_id and parcel is None:
        errors["parcel"] = [_("No such parcel.")]
    if party is None and parcel is None:
        errors["party"] = [_("Choose the establishment or the parcel to visit.")]
    if errors:
        raise ValidationError(errors)
    visit = Visit(
        inspector=inspector,
        day=day,
        party=party,
        parcel=parcel,
        category=category,
        purpose=purpose.strip()[:300],
        source_type=source_type,
        source_id=str(source_id),
        idempotency_key=idempotency_key or None,
    )
    try:
        with transaction.atomic():
            visit.save()
    except IntegrityError:
        if idempotency_key:
            return Visit.objects.get(idempotency_key=idempotency_key)
        raise
    core.record_audit(
        actor=actor,
        action="inspection.visit.plan",
        obj=visit,
        after={"inspector": inspector.pk, "day": day, "source": f"{source_type}:{source_id}"},
    )
    return visit


@transaction.atomic
def record_result(*, actor: User, visit_id: int, result: str, notes: str = "") -> Visit:
    """What the inspector found (a violation found is recorded with
    :func:`record_violation`, linked to the visit)."""
    core.require(actor, "inspection.record_violations")
    visit = Visit.objects.select_for_update().get(pk=visit_id)
    if visit.inspector_id != actor.pk and not core.has_capability(
        actor, "inspection.view_violations"
    ):
        raise AccessDenied(_("This visit is on another inspector's list."))
    if result not in VisitResult.values:
        raise ValidationError({"result": [_("Choose what you found.")]})
    if visit.status == VisitStatus.CANCELLED:
        raise ValidationError(_("This visit was cancelled."))
    before = {"status": visit.status, "result": visit.result}
    visit.status = VisitStatus.DONE
    visit.result = result
    visit.notes = notes.strip()
    visit.visited_at = visit.visited_at or timezone.now()
    visit.save(update_fields=["status", "result", "notes", "visited_at"])
    core.record_audit(
        actor=actor,
        action="inspection.visit.result",
        obj=visit,
        before=before,
        after={"status": visit.status, "result": result},
    )
    return visit


# --- Violations -------------------------------------------------------------------


def _coordinate(value: object, low: int, high: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(core.normalize_digits(str(value)).strip())
    except InvalidOperation as exc:
        raise ValidationError({"latitude": [_("Put the pin on the map again.")]}) from exc
    if not low <= number <= high:
        raise ValidationError({"latitude": [_("Put the pin on the map again.")]})
    return number.quantize(Decimal("0.000001"))


def _check_photos(photos: list[UploadedFile]) -> list[tuple[UploadedFile, str]]:
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": [_("At most %(n)s photos.") % {"n": MAX_PHOTOS}]})
    checked = []
    for photo in photos:
        head = photo.read(2048)
        photo.seek(0)
        kind = filetype.guess(head)
        if kind is None or kind.mime not in PHOTO_TYPES or (photo.size or 0) > MAX_PHOTO_BYTES:
            raise ValidationError(
                {"photos": [_("Photos must be JPEG, PNG or WebP images of at most 10 MB.")]}
            )
        checked.append((photo, kind.mime))
    return checked


@transaction.atomic
def record_violation(
    *,
    actor: User,
    party: Party | None,
    article_code: str,
    description: str,
    latitude: object = None,
    longitude: object = None,
    address: str = "",
    parcel_id: int | None = None,
    visit_id: int | None = None,
    photos: list[UploadedFile] | None = None,
    idempotency_key: str | None = None,
) -> Violation:
    """Record a violation and raise its fine as a revenue demand on the violator.
    A repeat offence under the same article within a year costs more."""
    core.require(actor, "inspection.record_violations")
    if idempotency_key:
        found = Violation.objects.filter(idempotency_key=idempotency_key).first()
        if found is not None:
            return found
    errors: dict[str, list[str]] = {}
    article = selectors.article_by_code(article_code)
    if article is None:
        errors["article"] = [_("Choose the article of the fine schedule.")]
    if party is None:
        errors["party"] = [_("Find the violator by national ID or commercial registration.")]
    if len(description.strip()) < 5:
        errors["description"] = [_("Describe what you found in a few words.")]
    try:
        lat = _coordinate(latitude, -90, 90)
        lon = _coordinate(longitude, -180, 180)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        lat = lon = None
    if (lat is None) != (lon is None):
        errors["latitude"] = [_("Put the pin on the map again.")]
    if lat is None and not address.strip():
        errors["address"] = [_("Put a pin on the map or write the address.")]
    parcel = gis.parcel_by_id(parcel_id) if parcel_id else None
    if parcel is None and lat is not None and lon is not None:
        parcel = gis.parcel_at_point(float(lon), float(lat))
    visit = Visit.objects.filter(pk=visit_id).first() if visit_id else None
    try:
        checked = _check_photos(photos or [])
    except ValidationError as exc:
        errors.update(exc.message_dict)
        checked = []
    if errors:
        raise ValidationError(errors)
    assert article is not None and party is not None
    now = timezone.now()
    offence, fine = selectors.offence_and_fine(article=article, party=party, at=now)
    year = timezone.localtime(now).year
    violation = Violation(
        number=f"V-{year}-{core.next_number(key=f'violation:{year}'):06d}",
        party=party,
        parcel=parcel,
        visit=visit,
        article=article,
        category=article.category,
        description=description.strip(),
        latitude=lat,
        longitude=lon,
        address=address.strip()[:300],
        offence_number=offence,
        fine=fine,
        recorded_by=actor,
        recorded_at=now,
        idempotency_key=idempotency_key or None,
    )
    violation.save()
    head = HEADS[Category(article.category)][0]
    violation.demand = revenue.create_demand(
        actor=None,  # the inspector's capability was checked above
        party=party,
        lines=[
            revenue.DemandLineSpec(
                head=head,
                amount=fine,
                description=f"{article.code} {article.name_ar}"[:300],
            )
        ],
        due_date=timezone.localdate() + dt.timedelta(days=PAYMENT_DAYS),
        description=f"{_('Violation')} {violation.number}",
        source_type="inspection.violation",
        source_id=str(violation.pk),
        idempotency_key=f"inspection.violation:{violation.pk}",
    )
    violation.save(update_fields=["demand"])
    for photo, mime in checked:
        ViolationPhoto.objects.create(violation=violation, image=photo, content_type=mime)
    if visit is not None and visit.status == VisitStatus.PLANNED:
        visit.status = VisitStatus.DONE
        visit.result = VisitResult.VIOLATION
        visit.visited_at = now
        visit.save(update_fields=["status", "result", "visited_at"])
    core.record_audit(
        actor=actor,
        action="inspection.violation.record",
        obj=violation,
        after={
            "party": party.pk,
            "article": article.code,
            "offence": offence,
            "fine": fine,
            "demand": violation.demand.number,
        },
    )
    core.notify(
        event_key=f"inspection.violation:{violation.pk}",
        party=party,
        subject=gettext_lazy("Violation %(number)s"),
        body=gettext_lazy(
            "A violation was recorded: %(article)s. Fine: %(fine)s. "
            "You may pay it or object within %(days)s days."
        ),
        params={
            "number": violation.number,
            "article": article.name_ar,
            "fine": core.format_money(fine, violation.demand.currency),
            "days": PAYMENT_DAYS,
        },
    )
    return violation


def mark_paid(*, violation_id: int) -> None:
    """The fine's demand was settled by payment (an event handler calls this)."""
    with transaction.atomic():
        violation = Violation.objects.select_for_update().get(pk=violation_id)
        if violation.status in (
            ViolationStatus.OPEN,
            ViolationStatus.OBJECTED,
            ViolationStatus.REDUCED,
        ):
            violation.status = ViolationStatus.PAID
            violation.save(update_fields=["status"])
            core.record_audit(actor=None, action="inspection.violation.paid", obj=violation)


# --- Objections -------------------------------------------------------------------


@transaction.atomic
def file_objection(
    *,
    actor: User,
    violation_number: str,
    grounds: str,
    idempotency_key: str | None = None,
) -> Objection:
    """The violator (or the owner of the violating establishment) objects to a
    violation; the committee's review runs on the workflow engine."""
    errors: dict[str, list[str]] = {}
    if len(grounds.strip()) < 10:
        errors["grounds"] = [_("Explain why you object, in a sentence or two.")]
    try:
        violation = selectors.violation_for(actor, violation_number.strip())
    except Violation.DoesNotExist:
        errors["violation_number"] = [_("No violation with this number is recorded against you.")]
        violation = None
    if errors:
        raise ValidationError(errors)
    assert violation is not None
    if violation.party_id not in selectors.party_ids_of(actor):
        raise AccessDenied(_("Only the violator can object to a violation."))
    violation = Violation.objects.select_for_update().get(pk=violation.pk)
    existing = Objection.objects.filter(violation=violation).select_related("case").first()
    if existing is not None:
        if idempotency_key and existing.case.idempotency_key == idempotency_key:
            return existing
        raise ValidationError(
            {"violation_number": [_("An objection to this violation was already filed.")]}
        )
    if violation.status != ViolationStatus.OPEN or violation.demand is None:
        raise ValidationError(
            {"violation_number": [_("This violation can no longer be objected to.")]}
        )
    _ensure_process()
    department = core.department_by_code(selectors.department_code(violation.category))
    case = workflow.open_case(
        actor=actor,
        service_key=SERVICE_KEY,
        applicant=actor.party,
        title=f"اعتراض على المخالفة {violation.number} / Objection to {violation.number}",
        data={"violation-number": violation.number, "grounds": grounds.strip()},
        department=department,
        idempotency_key=idempotency_key,
    )
    return _attach(violation, case, grounds, actor=actor)


def _attach(violation: Violation, case: Any, grounds: str, *, actor: User | None) -> Objection:
    objection = Objection.objects.create(
        violation=violation, case=case, grounds=grounds.strip(), original_fine=violation.fine
    )
    violation.status = ViolationStatus.OBJECTED
    violation.save(update_fields=["status"])
    core.record_audit(
        actor=actor,
        action="inspection.objection.file",
        obj=violation,
        after={"case": case.reference},
    )
    return objection


def link_journey_case(*, case_id: int) -> Objection | None:
    """An objection filed through the one-stop shop's form: link its case to the
    violation it names, if that violation is the applicant's (a handler calls this)."""
    with transaction.atomic():
        case = CaseModel.objects.select_related("applicant").get(pk=case_id)
        if case.applicant is None or selectors.objection_by_case(case_id) is not None:
            return None
        number = str(case.data.get("violation-number", "")).strip()
        violation = (
            Violation.objects.select_for_update()
            .filter(number=number, party_id__in=selectors.party_ids_for(case.applicant))
            .first()
        )
        if violation is None or violation.status != ViolationStatus.OPEN:
            return None
        if Objection.objects.filter(violation=violation).exists():
            return None
        return _attach(violation, case, str(case.data.get("grounds", "")), actor=None)


def _locked_objection(objection_id: int) -> Objection:
    return (
        Objection.objects.select_for_update(of=("self",))
        .select_related("violation", "case", "amendment")
        .get(pk=objection_id)
    )


def _amount(value: object, currency: str) -> Decimal:
    try:
        return core.quantize(core.normalize_digits(str(value)).strip(), currency)
    except (InvalidOperation, core.MoneyError) as exc:
        raise ValidationError({"new_fine": [_("Enter the reduced fine as a number.")]}) from exc


@transaction.atomic
def propose_decision(
    *,
    actor: User,
    objection_id: int,
    decision: str,
    comment: str,
    new_fine: object = None,
) -> Objection:
    """The committee's decision. Upholding closes the objection; reducing or
    cancelling asks revenue for an amendment that another user must approve."""
    core.require(actor, "inspection.review_objections")
    objection = _locked_objection(objection_id)
    violation = Violation.objects.select_for_update().get(pk=objection.violation_id)
    if decision not in Decision.values:
        raise ValidationError({"decision": [_("Choose a decision.")]})
    if not comment.strip():
        raise ValidationError({"comment": [_("Write the committee's reasons.")]})
    demand = revenue.demand(violation.demand_id) if violation.demand_id else None
    if decision == Decision.UPHOLD:
        workflow.take_action(
            actor=actor, case_id=objection.case_id, action_key="uphold", comment=comment
        )
        objection.decision = Decision.UPHOLD
        objection.decided_by = actor
        objection.decided_at = timezone.now()
        violation.status = (
            ViolationStatus.PAID
            if demand is not None and demand.outstanding <= 0
            else ViolationStatus.OPEN
        )
        violation.save(update_fields=["status"])
    else:
        if demand is None or demand.outstanding <= 0:
            raise ValidationError(_("The fine was already paid; it cannot be reduced now."))
        if decision == Decision.REDUCE:
            fine = _amount(new_fine, demand.currency)
            if not Decimal(0) < fine < violation.fine:
                raise ValidationError(
                    {
                        "new_fine": [
                            _("The reduced fine must be more than zero and less than %(fine)s.")
                            % {"fine": core.format_money(violation.fine, demand.currency)}
                        ]
                    }
                )
            reduction = min(violation.fine - fine, demand.outstanding)
            action_key, kind = "propose-reduction", revenue.AmendmentKind.CORRECTION
        else:
            fine = Decimal(0)
            reduction = demand.outstanding
            action_key, kind = "propose-cancellation", revenue.AmendmentKind.WRITE_OFF
        objection.amendment = revenue.request_amendment(
            actor=actor,
            demand=demand,
            kind=kind,
            amount=reduction,
            reason=_("Objection %(reference)s: %(comment)s")
            % {"reference": objection.case.reference, "comment": comment.strip()},
        )
        workflow.take_action(
            actor=actor, case_id=objection.case_id, action_key=action_key, comment=comment
        )
        objection.proposed_fine = fine
    objection.proposed = decision
    objection.proposed_by = actor
    objection.save()
    core.record_audit(
        actor=actor,
        action="inspection.objection.propose",
        obj=violation,
        after={"decision": decision, "fine": objection.proposed_fine},
    )
    return objection


@transaction.atomic
def approve_decision(*, actor: User, objection_id: int, comment: str = "") -> Objection:
    """The head of department endorses the committee's reduction or cancellation
    (another user than the one who proposed it); the fine changes when the
    finance manager approves the revenue amendment (:func:`amendment_decided`)."""
    core.require(actor, "inspection.decide_objections")
    objection = _locked_objection(objection_id)
    if objection.amendment is None or objection.proposed not in (Decision.REDUCE, Decision.CANCEL):
        raise ValidationError(_("There is no proposal to approve."))
    if objection.proposed_by_id == actor.pk:
        raise AccessDenied(_("Another user must approve a decision you proposed."))
    action_key = (
        "approve-reduction" if objection.proposed == Decision.REDUCE else "approve-cancellation"
    )
    workflow.take_action(
        actor=actor, case_id=objection.case_id, action_key=action_key, comment=comment
    )
    objection.decision = objection.proposed
    objection.decided_by = actor
    objection.decided_at = timezone.now()
    objection.save(update_fields=["decision", "decided_by", "decided_at"])
    core.record_audit(
        actor=actor,
        action="inspection.objection.approve",
        obj=objection.violation,
        after={"decision": objection.decision, "fine": objection.proposed_fine},
    )
    return objection


def amendment_decided(*, amendment_case_id: int, approved: bool) -> Objection | None:
    """Revenue decided the amendment an objection asked for (an event handler
    calls this): approved, the violation shows the new fine; rejected, the fine
    stands as it was."""
    with transaction.atomic():
        objection = (
            Objection.objects.select_for_update(of=("self",))
            .filter(amendment__case_id=amendment_case_id)
            .first()
        )
        if objection is None:
            return None
        violation = Violation.objects.select_for_update().get(pk=objection.violation_id)
        before = {"fine": violation.fine, "status": violation.status}
        if not approved:
            violation.status = ViolationStatus.OPEN
        elif objection.proposed == Decision.REDUCE and objection.proposed_fine is not None:
            violation.fine = objection.proposed_fine
            violation.status = ViolationStatus.REDUCED
        else:
            violation.status = ViolationStatus.CANCELLED
        violation.save(update_fields=["fine", "status"])
        core.record_audit(
            actor=None,
            action="inspection.violation.amended" if approved else "inspection.violation.kept",
            obj=violation,
            before=before,
            after={"fine": violation.fine, "status": violation.status},
        )
        return objection


# --- Demo data -----------------------------------------------------------------------

DEMO_FINDINGS = {
    "health": "وُجدت مواد غذائية منتهية الصلاحية على رفوف العرض",
    "building": "أعمال بناء دون ترخيص في الطابق الثاني",
    "investment": "استخدام الموقع المستثمر مستودعاً خلافاً للعقد",
    "excavation": "حفرية في الشارع دون تصريح ودون إشارات تحذير",
}


def load_demo_data(*, profile_key: str, persons: Any, establishments: Any) -> int:
    """The fine schedule, twenty violations (due, paid, objected, reduced,
    cancelled), today's visits and one objection by the demo citizen. Idempotent:
    violations carry idempotency keys."""
    install()
    inspector = core.user_by_username("inspector")
    head = core.user_by_username("department-head")
    citizen = core.user_by_username(persons[0].national_id) if persons else None
    if inspector is None or head is None or not establishments:
        return 0
    codes = list(FineArticle.objects.order_by("code").values_list("code", flat=True))
    branch = core.service_points().filter(kind="headquarters").first()
    made = 0
    today = timezone.localdate()
    for index in range(20):
        party = establishments[index * 5 % len(establishments)]
        code = codes[index % len(codes)]
        key = f"demo-violation-{profile_key}-{index}"
        if Violation.objects.filter(idempotency_key=key).exists():
            continue
        article = selectors.article_by_code(code)
        assert article is not None
        violation = record_violation(
            actor=inspector,
            party=party,
            article_code=code,
            description=DEMO_FINDINGS[article.category],
            address=party.address_ar or "وسط البلد",
            idempotency_key=key,
        )
        made += 1
        if index % 4 == 1 and branch is not None and violation.demand is not None:
            # A closed ledger period refuses the payment: the fine then stays due.
            with contextlib.suppress(revenue.RevenueError):
                revenue.take_payment(
                    actor=None,
                    party=party,
                    amount=violation.demand.outstanding,
                    tender=revenue.Tender.CASH,
                    channel=revenue.Channel.BANK,
                    branch=branch,
                    demands=[violation.demand],
                    idempotency_key=f"demo-fine-payment:{violation.pk}",
                )
    for index in range(5):
        party = establishments[(index * 7 + 3) % len(establishments)]
        plan_visit(
            actor=None,
            inspector=inspector,
            day=today,
            purpose=("تفتيش دوري", "متابعة شكوى", "التحقق من إزالة مخالفة")[index % 3],
            category=Category.HEALTH if index % 2 else Category.BUILDING,
            party=party,
            idempotency_key=f"demo-visit-{profile_key}-{today.isoformat()}-{index}",
        )
    if citizen is not None and citizen.party is not None:
        key = f"demo-violation-{profile_key}-citizen"
        if not Violation.objects.filter(idempotency_key=key).exists():
            violation = record_violation(
                actor=inspector,
                party=citizen.party,
                article_code="B-03",
                description="إشغال الرصيف بمواد البناء أمام المنزل",
                address=citizen.party.address_ar or "وسط البلد",
                idempotency_key=key,
            )
            objection = file_objection(
                actor=citizen,
                violation_number=violation.number,
                grounds="أزيلت مواد البناء في اليوم نفسه، وكان الإشغال لساعات فقط أثناء التفريغ.",
                idempotency_key=f"demo-objection-{profile_key}",
            )
            workflow.take_action(
                actor=inspector, case_id=objection.case_id, action_key="start-review"
            )
            propose_decision(
                actor=inspector,
                objection_id=objection.pk,
                decision=Decision.REDUCE,
                new_fine=violation.fine / 2,
                comment="ثبت أن الإشغال مؤقت؛ تخفض الغرامة إلى النصف.",
            )
            objection = approve_decision(actor=head, objection_id=objection.pk)
            finance_manager = core.user_by_username("finance-manager")
            if finance_manager is not None and objection.amendment is not None:
                revenue.approve_amendment(actor=finance_manager, amendment=objection.amendment)
            made += 1
    return made
