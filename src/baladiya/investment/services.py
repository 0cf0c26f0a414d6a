"""Investment write use-cases: opportunities and their publication, sealed
offers, opening after the deadline, scoring, award with a contract and its rent
schedule, and the rent demands raised in revenue (once per instalment)."""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baladiya.core import api as core
from baladiya.core.api import AccessDenied, User
from baladiya.gis import api as gis
from baladiya.investment import sealing
from baladiya.investment.models import (
    Contract,
    Frequency,
    Instalment,
    Offer,
    OfferStatus,
    Opportunity,
    OpportunityStatus,
    Score,
)
from baladiya.revenue import api as revenue

RENT_HEAD = "investment-rent"
RENT_ACCOUNT = "4402"  # Miscellaneous revenue, in the municipal chart
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
RAISE_AHEAD_DAYS = 30
HUNDRED = Decimal(100)


class SealedOffers(AccessDenied):
    """The offers are sealed until the deadline, for everyone."""


def _decimal(value: object, field: str, message: str) -> Decimal:
    try:
        number = Decimal(core.normalize_digits(str(value)).strip().replace(",", ""))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field: [message]}) from exc
    if not number.is_finite():
        raise ValidationError({field: [message]})
    return number


def _currency() -> str:
    org = core.organisation()
    return org.currency if org is not None else "ILS"


# --- Opportunities -----------------------------------------------------------------


def _clean_criteria(criteria: list[dict[str, Any]], price_weight: int) -> list[dict[str, Any]]:
    cleaned: list[dict[str, Any]] = []
    total = price_weight
    for item in criteria:
        key = str(item.get("key", "")).strip()
        weight = int(item.get("weight", 0))
        total += weight
        if not key or weight <= 0:
            raise ValidationError({"criteria": [_("Every criterion needs a key and a weight.")]})
        cleaned.append(
            {
                "key": key,
                "name_ar": str(item.get("name_ar", key)),
                "name_en": str(item.get("name_en", key)),
                "weight": weight,
            }
        )
    if total != 100:
        raise ValidationError(
            {"criteria": [_("The price's weight and the criteria's weights must add up to 100.")]}
        )
    return cleaned


@transaction.atomic
def create_opportunity(
    *,
    actor: User | None,
    name_ar: str,
    name_en: str,
    site_ar: str,
    area_m2: object,
    activity_ar: str,
    terms_ar: str,
    min_annual_rent: object,
    term_years: int,
    deadline: dt.datetime,
    frequency: str = Frequency.YEARLY,
    price_weight: int = 60,
    criteria: list[dict[str, Any]] | None = None,
    site_en: str = "",
    activity_en: str = "",
    terms_en: str = "",
    parcel_id: int | None = None,
) -> Opportunity:
    """A draft opportunity (published separately)."""
    if actor is not None:
        core.require(actor, "investment.manage")
    errors: dict[str, list[str]] = {}
    area = min_rent = Decimal(0)
    try:
        area = _decimal(area_m2, "area_m2", _("Enter the area in square metres."))
        min_rent = _decimal(min_annual_rent, "min_annual_rent", _("Enter the minimum rent."))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if area <= 0:
        errors.setdefault("area_m2", [_("Enter the area in square metres.")])
    if min_rent <= 0:
        errors.setdefault("min_annual_rent", [_("Enter the minimum rent.")])
    for field, value in (("name_ar", name_ar), ("site_ar", site_ar), ("activity_ar", activity_ar)):
        if not value.strip():
            errors[field] = [_("This field is required.")]
    if not terms_ar.strip():
        errors["terms_ar"] = [_("Write the terms of the opportunity.")]
    if frequency not in Frequency.values:
        errors["frequency"] = [_("Choose how the rent is paid.")]
    if not 1 <= term_years <= 50:
        errors["term_years"] = [_("The contract runs for 1 to 50 years.")]
    parcel = gis.parcel_by_id(parcel_id) if parcel_id else None
    if parcel_id and parcel is None:
        errors["parcel"] = [_("No such parcel.")]
    try:
        cleaned = _clean_criteria(
            criteria if criteria is not None else DEFAULT_CRITERIA, price_weight
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
        cleaned = []
    if errors:
        raise ValidationError(errors)
    year = timezone.localdate().year
    opportunity = Opportunity.objects.create(
        reference=f"INV-{year}-{core.next_number(key=f'investment:{year}'):04d}",
        name_ar=name_ar.strip(),
        name_en=name_en.strip(),
        site_ar=site_ar.strip(),
        site_en=site_en.strip(),
        area_m2=area,
        activity_ar=activity_ar.strip(),
        activity_en=activity_en.strip(),
        terms_ar=terms_ar.strip(),
        terms_en=terms_en.strip(),
        min_annual_rent=core.quantize(min_rent, _currency()),
        term_years=term_years,
        frequency=frequency,
        deadline=deadline,
        price_weight=price_weight,
        criteria=cleaned,
        parcel=parcel,
    )
    core.record_audit(
        actor=actor,
        action="investment.opportunity.create",
        obj=opportunity,
        after={"reference": opportunity.reference, "deadline": deadline},
    )
    return opportunity


DEFAULT_CRITERIA = [
    {"key": "experience", "name_ar": "الخبرة السابقة", "name_en": "Experience", "weight": 20},
    {"key": "plan", "name_ar": "خطة المشروع", "name_en": "Project plan", "weight": 20},
]


@transaction.atomic
def publish(*, actor: User | None, opportunity_id: int) -> Opportunity:
    if actor is not None:
        core.require(actor, "investment.manage")
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity_id)
    if opportunity.status != OpportunityStatus.DRAFT:
        raise ValidationError(_("Only a draft can be published."))
    if opportunity.deadline <= timezone.now():
        raise ValidationError(_("The deadline has passed; set a later one before publishing."))
    opportunity.status = OpportunityStatus.PUBLISHED
    opportunity.published_at = timezone.now()
    opportunity.save(update_fields=["status", "published_at"])
    core.record_audit(actor=actor, action="investment.opportunity.publish", obj=opportunity)
    return opportunity


# --- Sealed offers ------------------------------------------------------------------


@transaction.atomic
def submit_offer(
    *,
    actor: User,
    opportunity_id: int,
    annual_rent: object,
    notes: str = "",
    document: UploadedFile | None = None,
    idempotency_key: str | None = None,
) -> Offer:
    """An investor's sealed offer. The price, notes and document are encrypted
    before they reach the database or the file storage."""
    if not core.has_role(actor, "investor") or actor.party is None:
        raise AccessDenied(_("Only a registered investor can submit an offer."))
    if idempotency_key:
        found = Offer.objects.filter(idempotency_key=idempotency_key).first()
        if found is not None:
            return found
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity_id)
    now = timezone.now()
    if opportunity.status != OpportunityStatus.PUBLISHED or now >= opportunity.deadline:
        raise ValidationError(_("This opportunity is no longer taking offers."))
    rent = _decimal(annual_rent, "annual_rent", _("Enter the annual rent you offer."))
    rent = core.quantize(rent, _currency())
    if rent < opportunity.min_annual_rent:
        raise ValidationError(
            {
                "annual_rent": [
                    _("The offer must be at least the minimum annual rent (%(rent)s).")
                    % {"rent": core.format_money(opportunity.min_annual_rent, _currency())}
                ]
            }
        )
    content = b""
    if document is not None:
        if (document.size or 0) > MAX_DOCUMENT_BYTES:
            raise ValidationError({"document": [_("The document must be at most 10 MB.")]})
        content = document.read()
        if not content.startswith(b"%PDF"):
            raise ValidationError({"document": [_("The offer document must be a PDF.")]})
    if Offer.objects.filter(opportunity=opportunity, investor=actor.party).exists():
        raise ValidationError(_("You have already submitted an offer for this opportunity."))
    payload = {
        "annual_rent": str(rent),
        "notes": notes.strip(),
        "document_name": (document.name or "offer.pdf")[:200] if document is not None else "",
        "document_sha256": hashlib.sha256(content).hexdigest() if content else "",
    }
    offer = Offer(
        opportunity=opportunity,
        number=f"{opportunity.reference}-O{core.next_number(key=f'offer:{opportunity.pk}'):03d}",
        investor=actor.party,
        submitted_by=actor,
        submitted_at=now,
        sealed_terms=sealing.seal(opportunity.pk, opportunity.deadline, payload),
        document_size=len(content),
        idempotency_key=idempotency_key or None,
    )
    if content:
        offer.sealed_document.save(
            "sealed.bin",
            ContentFile(sealing.seal_bytes(opportunity.pk, opportunity.deadline, content)),
            save=False,
        )
    try:
        with transaction.atomic():
            offer.save()
    except IntegrityError as exc:
        raise ValidationError(
            _("You have already submitted an offer for this opportunity.")
        ) from exc
    core.record_audit(
        actor=actor,
        action="investment.offer.submit",
        obj=offer,
        after={"opportunity": opportunity.reference, "sealed": True},
    )
    return offer


def _refuse_before_deadline(opportunity: Opportunity, now: dt.datetime) -> None:
    if now < opportunity.deadline:
        raise SealedOffers(
            _("The offers are sealed until %(deadline)s; nobody can open them before.")
            % {"deadline": timezone.localtime(opportunity.deadline).strftime("%Y-%m-%d %H:%M")}
        )


@transaction.atomic
def open_offers(*, actor: User, opportunity_id: int) -> Opportunity:
    """The committee opens the offers after the deadline: each is decrypted,
    its price recorded and its financial score computed."""
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity_id)
    _refuse_before_deadline(opportunity, timezone.now())
    core.require(actor, "investment.open_offers")
    if opportunity.status != OpportunityStatus.PUBLISHED:
        raise ValidationError(_("The offers of this opportunity were already opened."))
    offers = list(Offer.objects.select_for_update().filter(opportunity=opportunity))
    for offer in offers:
        data = sealing.unseal(opportunity.pk, opportunity.deadline, offer.sealed_terms)
        offer.annual_rent = Decimal(data["annual_rent"])
        offer.notes = data.get("notes", "")
        offer.document_name = data.get("document_name", "")
        offer.status = (
            OfferStatus.OPENED
            if offer.annual_rent >= opportunity.min_annual_rent
            else OfferStatus.REJECTED
        )
    best = max((o.annual_rent or Decimal(0) for o in offers), default=Decimal(0))
    for offer in offers:
        if offer.status == OfferStatus.OPENED and best > 0:
            assert offer.annual_rent is not None
            offer.financial_score = (offer.annual_rent * HUNDRED / best).quantize(Decimal("0.01"))
        offer.save(
            update_fields=["annual_rent", "notes", "document_name", "status", "financial_score"]
        )
    opportunity.status = OpportunityStatus.OPENED
    opportunity.opened_at = timezone.now()
    opportunity.opened_by = actor
    opportunity.save(update_fields=["status", "opened_at", "opened_by"])
    core.record_audit(
        actor=actor,
        action="investment.offers.open",
        obj=opportunity,
        after={"offers": {o.number: str(o.annual_rent) for o in offers}},
    )
    return opportunity


def offer_document(*, actor: User, offer_id: int) -> tuple[str, bytes]:
    """The decrypted offer document (committee only, after the opening)."""
    offer = Offer.objects.select_related("opportunity").get(pk=offer_id)
    opportunity = offer.opportunity
    _refuse_before_deadline(opportunity, timezone.now())
    core.require(actor, "investment.open_offers")
    if opportunity.status == OpportunityStatus.PUBLISHED or not offer.sealed_document:
        raise ValidationError(_("Open the offers first."))
    with offer.sealed_document.open("rb") as handle:
        content = sealing.unseal_bytes(opportunity.pk, opportunity.deadline, handle.read())
    core.record_audit(actor=actor, action="investment.offer.document", obj=offer)
    return offer.document_name or f"{offer.number}.pdf", content


# --- Scoring and award -----------------------------------------------------------------


def _recompute(offer: Offer) -> None:
    opportunity = offer.opportunity
    weights = {c["key"]: Decimal(c["weight"]) for c in opportunity.criteria}
    scores = {s.criterion: s.score for s in offer.scores.all()}
    technical_weight = sum(weights.values(), Decimal(0))
    if technical_weight and set(weights) <= set(scores):
        offer.technical_score = (
            sum(weights[k] * scores[k] for k in weights) / technical_weight
        ).quantize(Decimal("0.01"))
    elif not technical_weight:
        offer.technical_score = Decimal(0)
    else:
        offer.technical_score = None
    if offer.technical_score is not None and offer.financial_score is not None:
        price = Decimal(opportunity.price_weight)
        offer.total_score = (
            (price * offer.financial_score + (HUNDRED - price) * offer.technical_score) / HUNDRED
        ).quantize(Decimal("0.01"))
    else:
        offer.total_score = None
    offer.save(update_fields=["technical_score", "total_score"])


@transaction.atomic
def score_offer(*, actor: User, offer_id: int, scores: dict[str, object]) -> Offer:
    """The committee's scores (0–100) of an opened offer on the technical criteria."""
    core.require(actor, "investment.score_offers")
    offer = Offer.objects.select_for_update().select_related("opportunity").get(pk=offer_id)
    if offer.opportunity.status != OpportunityStatus.OPENED:
        raise ValidationError(_("Offers are scored after they are opened and before the award."))
    if offer.status != OfferStatus.OPENED:
        raise ValidationError(_("This offer is out of the competition."))
    keys = {c["key"] for c in offer.opportunity.criteria}
    errors: dict[str, list[str]] = {}
    values: dict[str, Decimal] = {}
    for key in keys:
        try:
            value = _decimal(scores.get(key, ""), key, _("Enter a score from 0 to 100."))
        except ValidationError as exc:
            errors.update(exc.message_dict)
            continue
        if not 0 <= value <= 100:
            errors[key] = [_("Enter a score from 0 to 100.")]
        values[key] = value
    if errors:
        raise ValidationError(errors)
    for key, value in values.items():
        Score.objects.update_or_create(
            offer=offer, criterion=key, defaults={"score": value, "scored_by": actor}
        )
    _recompute(offer)
    core.record_audit(
        actor=actor, action="investment.offer.score", obj=offer, after={"scores": values}
    )
    return offer


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _schedule(contract: Contract) -> list[Instalment]:
    per_year = 4 if contract.frequency == Frequency.QUARTERLY else 1
    step = 12 // per_year
    years = contract.opportunity.term_years
    share = core.quantize(contract.annual_rent / per_year, _currency())
    rows = []
    for index in range(years * per_year):
        start = _add_months(contract.start_date, index * step)
        end = _add_months(contract.start_date, (index + 1) * step) - dt.timedelta(days=1)
        last_of_year = index % per_year == per_year - 1
        amount = contract.annual_rent - share * (per_year - 1) if last_of_year else share
        rows.append(
            Instalment(
                contract=contract,
                sequence=index + 1,
                period_from=start,
                period_to=end,
                due_date=start,
                amount=amount,
            )
        )
    return rows


@transaction.atomic
def award(
    *, actor: User, opportunity_id: int, offer_id: int, start_date: dt.date, note: str = ""
) -> Contract:
    """Award the opportunity to a scored offer: the contract and its rent
    schedule are created and the rent falling due soon is demanded."""
    core.require(actor, "investment.award")
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity_id)
    if opportunity.status != OpportunityStatus.OPENED:
        raise ValidationError(_("Open and score the offers before the award."))
    offer = Offer.objects.select_for_update().get(pk=offer_id, opportunity=opportunity)
    if offer.status != OfferStatus.OPENED or offer.total_score is None:
        raise ValidationError(_("Only a fully scored offer can win."))
    best = max(
        (o.total_score for o in opportunity.offers.all() if o.total_score is not None),
        default=None,
    )
    if best is not None and offer.total_score < best and not note.strip():
        raise ValidationError(
            {"note": [_("This offer is not the best scored one; write the committee's reason.")]}
        )
    assert offer.annual_rent is not None
    years = opportunity.term_years
    end = _add_months(start_date, 12 * years) - dt.timedelta(days=1)
    contract = Contract.objects.create(
        number=f"{opportunity.reference}-C",
        opportunity=opportunity,
        offer=offer,
        investor=offer.investor,
        annual_rent=offer.annual_rent,
        frequency=opportunity.frequency,
        start_date=start_date,
        end_date=end,
        awarded_by=actor,
        awarded_at=timezone.now(),
    )
    Instalment.objects.bulk_create(_schedule(contract))
    Offer.objects.filter(opportunity=opportunity).exclude(pk=offer.pk).exclude(
        status=OfferStatus.REJECTED
    ).update(status=OfferStatus.NOT_AWARDED)
    offer.status = OfferStatus.AWARDED
    offer.save(update_fields=["status"])
    opportunity.status = OpportunityStatus.AWARDED
    opportunity.save(update_fields=["status"])
    core.record_audit(
        actor=actor,
        action="investment.award",
        obj=opportunity,
        after={"offer": offer.number, "rent": offer.annual_rent, "note": note},
    )
    core.notify(
        event_key=f"investment.award:{contract.pk}",
        party=offer.investor,
        subject=gettext_lazy("Investment opportunity %(reference)s awarded to you"),
        body=gettext_lazy(
            "Your offer won the investment opportunity %(reference)s. Contract: "
            "%(contract)s. The rent instalments will appear on your account."
        ),
        params={"reference": opportunity.reference, "contract": contract.number},
    )
    raise_due_rent(contract_id=contract.pk)
    return contract


def _rent_head() -> None:
    if revenue.head_by_code(RENT_HEAD) is None:
        revenue.create_revenue_head(
            actor=None,
            code=RENT_HEAD,
            name_ar="إيجارات المواقع الاستثمارية",
            name_en="Investment site rent",
            account_code=RENT_ACCOUNT,
            priority=80,
            allows_part_payment=True,
        )


@transaction.atomic
def raise_due_rent(*, as_of: dt.date | None = None, contract_id: int | None = None) -> int:
    """Raise a revenue demand for every rent instalment due within the next
    month that has none yet; one demand per instalment, whatever the retries."""
    _rent_head()
    horizon = (as_of or timezone.localdate()) + dt.timedelta(days=RAISE_AHEAD_DAYS)
    due = Instalment.objects.select_for_update(of=("self",)).filter(
        demand__isnull=True, due_date__lte=horizon
    )
    if contract_id is not None:
        due = due.filter(contract_id=contract_id)
    raised = 0
    for instalment in due.select_related("contract__opportunity", "contract__investor"):
        contract = instalment.contract
        instalment.demand = revenue.create_demand(
            actor=None,
            party=contract.investor,
            lines=[
                revenue.DemandLineSpec(
                    head=RENT_HEAD,
                    amount=instalment.amount,
                    description=f"{contract.opportunity.name_ar} — {instalment.sequence}",
                )
            ],
            due_date=instalment.due_date,
            description=f"إيجار {contract.number} ({instalment.sequence})",
            source_type="investment.instalment",
            source_id=str(instalment.pk),
            period_from=instalment.period_from,
            period_to=instalment.period_to,
            idempotency_key=f"investment.instalment:{instalment.pk}",
        )
        instalment.save(update_fields=["demand"])
        raised += 1
    return raised


# --- Demo data -----------------------------------------------------------------------


def _demo_offer(
    opportunity: Opportunity, investor: Any, user: User, rent: Decimal, days_before: int
) -> Offer:
    """An offer as it was sealed before a deadline that has now passed."""
    found = Offer.objects.filter(opportunity=opportunity, investor=investor).first()
    if found is not None:
        return found
    payload = {"annual_rent": str(rent), "notes": "", "document_name": "", "document_sha256": ""}
    return Offer.objects.create(
        opportunity=opportunity,
        number=f"{opportunity.reference}-O{core.next_number(key=f'offer:{opportunity.pk}'):03d}",
        investor=investor,
        submitted_by=user,
        submitted_at=opportunity.deadline - dt.timedelta(days=days_before),
        sealed_terms=sealing.seal(opportunity.pk, opportunity.deadline, payload),
    )


DEMO = [
    (
        "مطعم ومقهى في الحديقة العامة",
        "Restaurant and café in the public park",
        "الحديقة العامة - المدخل الشمالي",
        "450",
        "مطعم ومقهى عائلي",
        "12000",
        5,
        Frequency.YEARLY,
    ),
    (
        "محلات تجارية في مجمع السوق البلدي",
        "Shops in the municipal market",
        "مجمع السوق البلدي - الطابق الأرضي",
        "180",
        "محلات تجزئة",
        "8000",
        3,
        Frequency.QUARTERLY,
    ),
    (
        "محطة غسيل سيارات على المدخل الجنوبي",
        "Car wash at the southern entrance",
        "المدخل الجنوبي للبلدة",
        "900",
        "غسيل وتشحيم السيارات",
        "15000",
        4,
        Frequency.QUARTERLY,
    ),
]
DEMO_TERMS = (
    "يلتزم المستثمر بالنشاط المحدد فقط، وبتجهيز الموقع خلال ستة أشهر من التسليم، "
    "وبدفع الأجرة في مواعيدها، وتعود المنشآت للبلدية عند انتهاء العقد."
)


def load_demo_data(*, profile_key: str, persons: Any) -> int:
    """Three opportunities: one open for offers, one past its deadline with sealed
    offers, one awarded with a quarterly rent schedule and its demands.
    Idempotent: opportunities are found by name."""
    admin = core.user_by_username("administrator")
    head = core.user_by_username("department-head")
    if admin is None or len(persons) < 5:
        return 0
    if head is not None:
        core.assign_role(actor=None, user=head, role_key="investment-committee")
    investors = []
    for person in persons[2:5]:
        # The demo investor signs in; the others handed their offers in at the
        # counter, where staff registered them.
        user = core.user_by_username(person.national_id) or admin
        investors.append((person, user))
    now = timezone.now()
    made = 0
    for index, (name_ar, name_en, site, area, activity, rent, years, frequency) in enumerate(DEMO):
        found = Opportunity.objects.filter(name_ar=name_ar).first()
        if found is not None:
            continue
        deadline = (
            now + dt.timedelta(days=30) if index == 0 else now - dt.timedelta(days=index * 20)
        )
        opportunity = create_opportunity(
            actor=None,
            name_ar=name_ar,
            name_en=name_en,
            site_ar=site,
            area_m2=area,
            activity_ar=activity,
            terms_ar=DEMO_TERMS,
            min_annual_rent=rent,
            term_years=years,
            frequency=frequency,
            deadline=deadline,
        )
        made += 1
        Opportunity.objects.filter(pk=opportunity.pk).update(
            status=OpportunityStatus.PUBLISHED, published_at=deadline - dt.timedelta(days=45)
        )
        opportunity.refresh_from_db()
        if index == 0:
            continue
        for step, (person, user) in enumerate(investors):
            bid = Decimal(rent) * (Decimal("1.05") + Decimal(step) / 10)
            _demo_offer(opportunity, person, user, bid.quantize(Decimal("1")), 10 - step)
        if index == 2:
            open_offers(actor=admin, opportunity_id=opportunity.pk)
            best = None
            for step, offer in enumerate(Offer.objects.filter(opportunity=opportunity)):
                scored = score_offer(
                    actor=admin,
                    offer_id=offer.pk,
                    scores={"experience": 70 + step * 5, "plan": 80 - step * 5},
                )
                if best is None or (scored.total_score or 0) > (best.total_score or 0):
                    best = scored
            assert best is not None
            award(
                actor=admin,
                opportunity_id=opportunity.pk,
                offer_id=best.pk,
                start_date=dt.date(timezone.localdate().year, 1, 1),
            )
    return made
