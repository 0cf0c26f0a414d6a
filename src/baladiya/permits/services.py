"""Permit write use-cases: apply, the engineer's decision (with every breach of
the zone rules), fees raised in revenue, payment, issue, site inspections and the
refund of an excavation's restoration deposit.

The states and who may move a permit are the workflow engine's business (see
``data/processes/permit.yaml``); this module adds what is particular to a
permit: the parcel and its zone, the proposal, fees, the permit number and its
verification token, inspections and deposits.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pyproj import Geod
from shapely.errors import ShapelyError
from shapely.geometry import LineString, shape

from baladiya.core import api as core
from baladiya.core.api import AccessDenied, Party, User
from baladiya.finance import api as finance
from baladiya.gis import api as gis
from baladiya.permits import selectors, zoning
from baladiya.permits.models import (
    DepositRefund,
    InspectionResult,
    Permit,
    PermitKind,
    SiteInspection,
    Stage,
    Use,
)
from baladiya.revenue import api as revenue
from baladiya.workflow import api as workflow

PROCESS = Path(__file__).resolve().parent / "data" / "processes" / "permit.yaml"
SERVICE_KEYS = {kind.value: f"{kind.value}-permit" for kind in PermitKind}
KIND_OF_SERVICE = {key: kind for kind, key in SERVICE_KEYS.items()}
NAMES = {
    "building": ("رخصة بناء", "Building permit"),
    "demolition": ("رخصة هدم", "Demolition permit"),
    "restoration": ("رخصة ترميم", "Restoration permit"),
    "fencing": ("رخصة تسوير", "Fencing permit"),
    "excavation": ("رخصة حفريات", "Excavation permit"),
}
PREFIXES = {
    "building": "BP",
    "demolition": "DP",
    "restoration": "RP",
    "fencing": "FP",
    "excavation": "EX",
}
VALID_YEARS = {"building": 3, "demolition": 1, "restoration": 1, "fencing": 1}
FEES_DUE_DAYS = 30
GEOD = Geod(ellps="WGS84")

# Revenue heads: code, Arabic, English, ledger account. The deposit is a
# liability (refundable), not revenue.
HEADS = {
    "PRM-BUILD": ("رسوم رخصة بناء", "Building permit fee", "4102"),
    "PRM-DEMOL": ("رسوم رخصة هدم", "Demolition permit fee", "4102"),
    "PRM-RESTO": ("رسوم رخصة ترميم", "Restoration permit fee", "4102"),
    "PRM-FENCE": ("رسوم رخصة تسوير", "Fencing permit fee", "4102"),
    "PRM-EXCAV": ("رسوم رخصة حفريات", "Excavation permit fee", "4102"),
    "PRM-DEPOSIT": ("تأمين إعادة الشيء لأصله", "Road restoration deposit", "2102"),
}
# Fee schedules: head → list of (zone, method, rate, unit, minimum). Building fees
# are per square metre of built area and depend on the zone.
SCHEDULES: dict[str, list[tuple[str, str, str, str, str]]] = {
    "PRM-BUILD": [
        ("", "per-unit", "3.000", "m2", "300"),
        ("res-a", "per-unit", "4.000", "m2", "300"),
        ("res-b", "per-unit", "3.500", "m2", "300"),
        ("commercial", "per-unit", "6.000", "m2", "500"),
        ("old-town", "per-unit", "5.000", "m2", "300"),
        ("agricultural", "per-unit", "2.000", "m2", "200"),
    ],
    "PRM-DEMOL": [("", "fixed", "200", "item", "0")],
    "PRM-RESTO": [("", "fixed", "150", "item", "0")],
    "PRM-FENCE": [("", "per-unit", "5.000", "m", "100")],
    "PRM-EXCAV": [("", "per-unit", "10.000", "m", "200")],
    "PRM-DEPOSIT": [("", "per-unit", "50.000", "m", "1000")],
}
FEE_HEAD = {
    "building": "PRM-BUILD",
    "demolition": "PRM-DEMOL",
    "restoration": "PRM-RESTO",
    "fencing": "PRM-FENCE",
    "excavation": "PRM-EXCAV",
}


# --- Set-up ------------------------------------------------------------------------


def process_spec(kind: str) -> dict[str, Any]:
    spec: dict[str, Any] = yaml.safe_load(PROCESS.read_text(encoding="utf-8"))
    name_ar, name_en = NAMES[kind]
    return {**spec, "key": SERVICE_KEYS[kind], "name_ar": name_ar, "name_en": name_en}


@transaction.atomic
def install_processes(*, actor: User | None) -> int:
    """Install the permit process for each permit service (idempotent: unchanged
    definitions keep their version)."""
    for kind in SERVICE_KEYS:
        workflow.install_definition(actor=actor, spec=process_spec(kind))
    return len(SERVICE_KEYS)


@transaction.atomic
def install_fees(*, actor: User | None) -> int:
    """The permits' revenue heads and fee schedules (idempotent); returns heads added."""
    added = 0
    for code, (name_ar, name_en, account) in HEADS.items():
        if revenue.head_by_code(code) is not None:
            continue
        head = revenue.create_revenue_head(
            actor=actor,
            code=code,
            name_ar=name_ar,
            name_en=name_en,
            account_code=account,
            priority=5 if code == "PRM-DEPOSIT" else 30,
            service_key=SERVICE_KEYS["excavation"] if code == "PRM-DEPOSIT" else "",
        )
        for zone, method, rate, unit, minimum in SCHEDULES[code]:
            revenue.add_fee_schedule(
                actor=actor,
                head=head,
                effective_from=dt.date(2020, 1, 1),
                method=method,
                rate=rate,
                unit=unit,
                minimum=minimum,
                zone=zone,
            )
        added += 1
    return added


# --- Applying ----------------------------------------------------------------------


@dataclass(frozen=True)
class PermitApplication:
    """What an applicant states, as typed (numbers may use Arabic-Indic digits);
    :func:`apply` checks every field and reports all problems at once."""

    kind: str
    parcel_block: str = ""
    parcel_number: str = ""
    parcel_id: int | None = None
    use: str = ""
    floors: object = None
    height_m: object = None
    footprint_m2: object = None
    built_area_m2: object = None
    setback_front_m: object = None
    setback_side_m: object = None
    setback_rear_m: object = None
    fence_length_m: object = None
    works: str = ""
    supervising_engineer: str = ""
    route: object = None
    trench_length_m: object = None
    purpose: str = ""
    start_date: object = None
    end_date: object = None


def _decimal(
    value: object,
    field: str,
    errors: dict[str, list[str]],
    *,
    required: bool,
    low: Decimal = Decimal(0),
    high: Decimal = Decimal("1000000"),
) -> Decimal | None:
    if value in (None, ""):
        if required:
            errors[field] = [_("This field is required.")]
        return None
    number = core.parse_number(value)
    if number is None:
        errors[field] = [_("Enter a number.")]
        return None
    if not (low <= number <= high):
        errors[field] = [_("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high}]
        return None
    return number.quantize(Decimal("0.01"))


def _date(value: object, field: str, errors: dict[str, list[str]]) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if value in (None, ""):
        errors[field] = [_("This field is required.")]
        return None
    try:
        return dt.date.fromisoformat(core.normalize_digits(str(value)).strip())
    except ValueError:
        errors[field] = [_("Enter a valid date.")]
        return None


def parse_route(value: object) -> LineString:
    """A GeoJSON LineString (or a Feature holding one) in WGS84."""
    try:
        data = json.loads(value) if isinstance(value, str) else value
        if isinstance(data, dict) and data.get("type") == "Feature":
            data = data.get("geometry")
        line = shape(data)
    except (TypeError, ValueError, KeyError, AttributeError, ShapelyError) as exc:
        raise ValidationError({"route": [_("Draw the route of the trench on the map.")]}) from exc
    if not isinstance(line, LineString) or len(line.coords) < 2 or line.length == 0:
        raise ValidationError(
            {"route": [_("The route needs at least two different points on the map.")]}
        )
    for lon, lat, *_rest in line.coords:
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ValidationError({"route": [_("The route has a point off the map.")]})
    return line


def route_length_m(line: LineString) -> Decimal:
    """The geodesic length of a route on the WGS84 ellipsoid, in metres."""
    return Decimal(str(GEOD.geometry_length(line))).quantize(Decimal("0.01"))


def _parcel(application: PermitApplication, errors: dict[str, list[str]]) -> Any:
    if application.parcel_id:
        parcel = gis.parcel_by_id(application.parcel_id)
    else:
        block = core.normalize_digits(application.parcel_block or "").strip()
        number = core.normalize_digits(application.parcel_number or "").strip()
        if not number:
            errors["parcel_number"] = [_("Enter the basin and parcel number.")]
            return None
        parcel = gis.parcel_by_number(block, number)
    if parcel is None:
        errors["parcel_number"] = [_("No parcel has this number; check the basin and number.")]
    return parcel


def _holder(actor: User | None, holder: Party | None) -> Party:
    if actor is not None and actor.is_authenticated and not actor.is_staff:
        if holder is not None and holder.pk != actor.party_id:
            raise AccessDenied(_("You can only apply for yourself."))
        if actor.party is None:
            raise AccessDenied(_("Your account is not linked to a person."))
        return actor.party
    if holder is None:
        raise ValidationError({"holder": [_("Choose the applicant.")]})
    return holder


def _clean(application: PermitApplication) -> tuple[dict[str, Any], Any]:
    """The proposal's values and parcel, or every problem at once."""
    kind = application.kind
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    parcel = None
    if kind == PermitKind.EXCAVATION:
        route = None
        if application.route not in (None, ""):
            try:
                route = parse_route(application.route)
            except ValidationError as exc:
                errors.update(exc.message_dict)
        length = _decimal(
            application.trench_length_m,
            "trench_length_m",
            errors,
            required=route is None,
            low=Decimal(1),
            high=Decimal(100000),
        )
        values["route"] = None
        if route is not None:
            length = route_length_m(route)
            values["route"] = {"type": "LineString", "coordinates": [list(c) for c in route.coords]}
        values["trench_length_m"] = length
        start = _date(application.start_date, "start_date", errors)
        end = _date(application.end_date, "end_date", errors)
        if start and end and end < start:
            errors["end_date"] = [_("The works cannot end before they start.")]
        if start and start < timezone.localdate():
            errors["start_date"] = [_("The works cannot start in the past.")]
        values.update(start_date=start, end_date=end, purpose=application.purpose.strip()[:200])
        if not values["purpose"]:
            errors["purpose"] = [_("Say what the excavation is for.")]
    else:
        parcel = _parcel(application, errors)
        if kind == PermitKind.BUILDING:
            if application.use not in Use.values:
                errors["use"] = [_("Choose the use of the building.")]
            floors = _decimal(
                application.floors,
                "floors",
                errors,
                required=True,
                low=Decimal(1),
                high=Decimal(60),
            )
            values.update(
                use=application.use,
                floors=int(floors) if floors is not None else None,
                supervising_engineer=application.supervising_engineer.strip()[:150],
            )
            for field in (
                "height_m",
                "footprint_m2",
                "built_area_m2",
                "setback_front_m",
                "setback_side_m",
                "setback_rear_m",
            ):
                low = Decimal(0) if field.startswith("setback") else Decimal(1)
                values[field] = _decimal(
                    getattr(application, field), field, errors, required=True, low=low
                )
            footprint, built = values["footprint_m2"], values["built_area_m2"]
            if footprint and built and footprint > built:
                errors["footprint_m2"] = [
                    _("The ground footprint cannot be larger than the total built area.")
                ]
            if floors is not None and floors != floors.to_integral_value():
                errors["floors"] = [_("Enter a whole number of floors.")]
        elif kind == PermitKind.FENCING:
            values["fence_length_m"] = _decimal(
                application.fence_length_m,
                "fence_length_m",
                errors,
                required=True,
                low=Decimal(1),
                high=Decimal(10000),
            )
        values["works"] = application.works.strip()
        if kind in (PermitKind.DEMOLITION, PermitKind.RESTORATION) and not values["works"]:
            errors["works"] = [_("Describe the works.")]
    if errors:
        raise ValidationError(errors)
    return values, parcel


@transaction.atomic
def apply(
    *,
    actor: User | None,
    application: PermitApplication,
    holder: Party | None = None,
    channel: str = "portal",
    idempotency_key: str | None = None,
) -> Permit:
    """Apply for a permit; every problem in what was typed is reported together."""
    if application.kind not in SERVICE_KEYS:
        raise ValidationError({"kind": [_("Choose the kind of permit.")]})
    party = _holder(actor, holder)
    kind = application.kind
    if kind == PermitKind.EXCAVATION:
        is_contractor = core.has_role(actor, "contractor")
        if actor is not None and not actor.is_staff and not is_contractor:
            raise AccessDenied(_("Excavation permits are issued to registered contractors."))
    values, parcel = _clean(application)
    name_ar, _name_en = NAMES[kind]
    case = workflow.open_case(
        actor=actor if actor is not None and actor.is_authenticated else None,
        service_key=SERVICE_KEYS[kind],
        applicant=party,
        title=f"{name_ar} {parcel.label}" if parcel is not None else name_ar,
        data={"kind": kind, "parcel": parcel.label if parcel is not None else ""},
        channel=channel,
        idempotency_key=idempotency_key,
    )
    existing = Permit.objects.filter(case=case).first()
    if existing is not None:  # a retried submission
        return existing
    permit = Permit.objects.create(
        case=case,
        kind=kind,
        holder=party,
        parcel=parcel,
        zone_code=parcel.zone.code if parcel is not None and parcel.zone else "",
        **values,
    )
    core.record_audit(
        actor=actor,
        action="permits.apply",
        obj=permit,
        after={"kind": kind, "case": case.reference, "parcel": parcel.pk if parcel else None},
    )
    return permit


@transaction.atomic
def amend(
    *, actor: User, permit_id: int, application: PermitApplication, comment: str = ""
) -> Permit:
    """The applicant amends a returned application and sends it back: the
    proposal is checked again like a new one, the breaches of the last review
    are kept in the history, and the case goes back to the front desk."""
    permit = _lock(permit_id)
    if not workflow.is_applicant(actor, permit.case):
        raise Permit.DoesNotExist
    if permit.case.state.key != "with-applicant":
        raise ValidationError(_("The application can be amended only when it was returned to you."))
    values, parcel = _clean(replace(application, kind=permit.kind))
    before = {field: str(getattr(permit, field)) for field in values}
    for field, value in values.items():
        setattr(permit, field, value)
    permit.parcel = parcel
    permit.zone_code = parcel.zone.code if parcel is not None and parcel.zone else ""
    permit.save()
    workflow.take_action(
        actor=actor,
        case_id=permit.case_id,
        action_key="resubmit",
        comment=comment.strip() or _("The proposal was amended."),
    )
    core.record_audit(
        actor=actor,
        action="permits.amend",
        obj=permit,
        before=before,
        after={field: str(value) for field, value in values.items()},
    )
    return permit


def _answer_number(data: dict[str, Any], key: str) -> Decimal | None:
    errors: dict[str, list[str]] = {}
    return _decimal(data.get(key), key, errors, required=False)


@transaction.atomic
def adopt_case(*, case_id: int) -> Permit | None:
    """A permit for a case opened by the one-stop journey (its answers become the
    proposal; what the journey does not ask, the engineer asks for on review)."""
    if Permit.objects.filter(case_id=case_id).exists():
        return None
    case = selectors.case_row(case_id)
    kind = KIND_OF_SERVICE.get(case.service_key)
    if kind is None or case.applicant is None:
        return None
    data = case.data or {}
    parcel = None
    label = core.normalize_digits(str(data.get("parcel", ""))).strip()
    if label:
        block, _sep, number = label.replace("-", "/").rpartition("/")
        parcel = gis.parcel_by_number(block.strip(), number.strip())
    values: dict[str, Any] = {}
    if kind == PermitKind.BUILDING:
        floors = _answer_number(data, "floors")
        values.update(
            floors=int(floors) if floors is not None else None,
            built_area_m2=_answer_number(data, "built-area"),
            use=data.get("use", "") if data.get("use") in Use.values else "",
            supervising_engineer=str(data.get("engineer", ""))[:150],
        )
    elif kind == PermitKind.FENCING:
        values["fence_length_m"] = _answer_number(data, "fence-length")
    elif kind == PermitKind.EXCAVATION:
        values.update(
            trench_length_m=_answer_number(data, "trench-length"),
            purpose=str(data.get("route", ""))[:200],
        )
        for field, key in (("start_date", "start-date"), ("end_date", "end-date")):
            try:
                values[field] = dt.date.fromisoformat(str(data.get(key, "")))
            except ValueError:
                values[field] = None
    values["works"] = str(data.get("works", ""))
    permit = Permit.objects.create(
        case=case,
        kind=kind,
        holder=case.applicant,
        parcel=parcel,
        zone_code=parcel.zone.code if parcel is not None and parcel.zone else "",
        **values,
    )
    core.record_audit(actor=None, action="permits.adopt", obj=permit, after={"case": case.pk})
    return permit


# --- Review, fees, payment, issue ----------------------------------------------------


def _lock(permit_id: int) -> Permit:
    return (
        Permit.objects.select_for_update(of=("self",))
        .select_related("case", "case__state", "case__department", "case__branch", "holder")
        .get(pk=permit_id)
    )


DECISIONS = ("approve", "return", "reject")


@transaction.atomic
def decide(*, actor: User, permit_id: int, decision: str, comment: str = "") -> Permit:
    """The engineer's decision on the review. The proposal is checked against the
    zone rules of its parcel; every breach is recorded on the permit (the
    applicant reads them in his language). A proposal with breaches cannot be
    approved: the engineer returns it for amendment or rejects it."""
    permit = _lock(permit_id)
    workflow.case_for(actor, case_id=permit.case_id)
    core.require(actor, "permits.review", department=permit.case.department)
    if decision not in DECISIONS:
        raise ValidationError(_("Choose approve, return or reject."))
    found = selectors.review(permit).breaches
    if decision == "approve" and found:
        raise ValidationError(
            _(
                "The proposal breaches %(count)s zone rule(s) and cannot be approved; "
                "return it to the applicant for amendment or reject it."
            )
            % {"count": len(found)}
        )
    text = comment.strip()
    if decision != "approve" and found:
        listed = "\n".join(f"- {b.message}" for b in found)
        text = f"{text}\n{listed}" if text else listed
    before = permit.breaches
    permit.breaches = [b.as_dict() for b in found]
    permit.zone_code = permit.parcel.zone.code if permit.parcel and permit.parcel.zone else ""
    permit.reviewed_by = actor
    permit.reviewed_at = timezone.now()
    permit.save(update_fields=["breaches", "zone_code", "reviewed_by", "reviewed_at"])
    workflow.take_action(actor=actor, case_id=permit.case_id, action_key=decision, comment=text)
    core.record_audit(
        actor=actor,
        action=f"permits.review.{decision}",
        obj=permit,
        before={"breaches": before},
        after={"breaches": permit.breaches},
    )
    return permit


def fee_lines(permit: Permit) -> list[revenue.DemandLineSpec]:
    """The demand lines of a permit: its fee by m², metre or item (and zone), and
    for an excavation the restoration deposit on its own head."""
    kind = permit.kind
    head = FEE_HEAD[kind]
    if kind == PermitKind.BUILDING:
        quantity = permit.built_area_m2 or Decimal(0)
    elif kind == PermitKind.FENCING:
        quantity = permit.fence_length_m or Decimal(0)
    elif kind == PermitKind.EXCAVATION:
        quantity = permit.trench_length_m or Decimal(0)
    else:
        quantity = Decimal(1)
    if quantity <= 0:
        raise ValidationError(_("The permit has no measure to price its fee."))
    label = permit.number or permit.case.reference
    lines = [
        revenue.DemandLineSpec(
            head=head,
            quantity=quantity,
            zone=permit.zone_code,
            description=f"{NAMES[kind][0]} {label}",
        )
    ]
    if kind == PermitKind.EXCAVATION:
        lines.append(
            revenue.DemandLineSpec(
                head="PRM-DEPOSIT",
                amount=deposit_for(quantity),
                description=f"{HEADS['PRM-DEPOSIT'][0]} {label}",
            )
        )
    return lines


def deposit_for(trench_length_m: Decimal) -> Decimal:
    head = revenue.head_by_code("PRM-DEPOSIT")
    if head is None:
        raise ValidationError(_("The restoration deposit has no fee schedule yet."))
    return Decimal(
        revenue.calculate_fee(head=head, on=timezone.localdate(), quantity=trench_length_m)
    )


@transaction.atomic
def raise_fees(*, permit_id: int) -> Any:
    """Raise the permit's fees in revenue when the engineer approves (idempotent:
    a second call returns the same demand)."""
    install_fees(actor=None)
    permit = _lock(permit_id)
    if permit.fee_demand_id:
        return revenue.demand(permit.fee_demand_id)
    lines = fee_lines(permit)
    demand = revenue.create_demand(
        actor=None,
        party=permit.holder,
        lines=lines,
        due_date=timezone.localdate() + dt.timedelta(days=FEES_DUE_DAYS),
        description=f"{NAMES[permit.kind][0]} {permit.case.reference}",
        source_type=selectors.SOURCE_TYPE,
        source_id=str(permit.pk),
        idempotency_key=f"permits:{permit.pk}:fees",
    )
    permit.fee_demand_id = demand.pk
    permit.deposit_amount = sum(
        (line.amount for line in demand.lines.all() if line.head.code == "PRM-DEPOSIT"),
        Decimal(0),
    )
    permit.save(update_fields=["fee_demand_id", "deposit_amount"])
    core.record_audit(
        actor=None,
        action="permits.fees.raise",
        obj=permit,
        after={"demand": demand.number, "total": demand.total},
    )
    return demand


@transaction.atomic
def record_payment(*, actor: User | None, permit_id: int) -> Permit:
    """Note that the fees are paid and move the case on. Called when revenue
    reports the demand settled: the step is then taken in the name of the
    engineer whose approval waited for the payment. Staff may call it by hand;
    it is refused while anything is still owed."""
    permit = _lock(permit_id)
    demand = selectors.fee_demand(permit)
    if demand is None or demand.status != revenue.DemandStatus.PAID:
        raise ValidationError(_("The fees of this permit are not paid yet."))
    if permit.fees_paid_at is None:
        permit.fees_paid_at = timezone.now()
        permit.save(update_fields=["fees_paid_at"])
    if permit.case.state.key == "fees-due":
        by = actor or permit.reviewed_by
        if by is None:
            raise ValidationError(_("Nobody approved this permit."))
        workflow.take_action(
            actor=by,
            case_id=permit.case_id,
            action_key="record-payment",
            comment=_("Fees paid (demand %(number)s).") % {"number": demand.number},
        )
    return permit


def _permit_number(kind: str) -> str:
    year = timezone.localdate().year
    prefix = PREFIXES[kind]
    return f"{prefix}-{year}-{core.next_number(key=f'permits:{prefix}:{year}'):06d}"


@transaction.atomic
def issue(*, actor: User, permit_id: int) -> Permit:
    """Issue a paid permit: its number, validity and verification token."""
    permit = _lock(permit_id)
    workflow.case_for(actor, case_id=permit.case_id)
    core.require(actor, "permits.issue", department=permit.case.department)
    if permit.fees_paid_at is None:
        raise ValidationError(_("The fees of this permit are not paid yet."))
    workflow.take_action(actor=actor, case_id=permit.case_id, action_key="issue")
    today = timezone.localdate()
    permit.number = _permit_number(permit.kind)
    permit.issued_at = timezone.now()
    permit.token = secrets.token_urlsafe(24)
    if permit.kind == PermitKind.EXCAVATION:
        permit.valid_until = permit.end_date
    else:
        permit.valid_until = today.replace(year=today.year + VALID_YEARS[permit.kind])
    permit.save(update_fields=["number", "issued_at", "token", "valid_until"])
    core.record_audit(
        actor=actor, action="permits.issue", obj=permit, after={"number": permit.number}
    )
    return permit


# --- Site inspections and the deposit ----------------------------------------------


@transaction.atomic
def record_inspection(
    *,
    actor: User,
    permit_id: int,
    stage: str,
    result: str,
    notes: str = "",
    idempotency_key: str | None = None,
) -> SiteInspection:
    """Record a site visit at a stage of the works. Stages follow each other (the
    frame after the foundations); passing the last stage completes the permit."""
    if idempotency_key:
        found = SiteInspection.objects.filter(idempotency_key=idempotency_key).first()
        if found is not None:
            return found
    permit = _lock(permit_id)
    workflow.case_for(actor, case_id=permit.case_id)
    core.require(actor, "permits.inspect", department=permit.case.department)
    if permit.case.state.key != "issued":
        raise ValidationError(_("Site inspections are recorded while the works go on."))
    stages = selectors.stages_for(permit)
    if stage not in stages:
        raise ValidationError({"stage": [_("This stage does not apply to this permit.")]})
    if result not in InspectionResult.values:
        raise ValidationError({"result": [_("Choose passed or failed.")]})
    if result == InspectionResult.FAILED and not notes.strip():
        raise ValidationError({"notes": [_("Write what must be corrected.")]})
    position = stages.index(stage)
    if position > 0 and selectors.passed(permit, stages[position - 1]) is None:
        raise ValidationError(
            {
                "stage": [
                    _("The stage “%(stage)s” must pass first.")
                    % {"stage": Stage(stages[position - 1]).label}
                ]
            }
        )
    inspection = SiteInspection(
        permit=permit,
        stage=stage,
        result=result,
        notes=notes.strip(),
        inspector=actor,
        inspected_at=timezone.now(),
        idempotency_key=idempotency_key or None,
    )
    try:
        with transaction.atomic():
            inspection.save()
    except IntegrityError:
        if idempotency_key:
            return SiteInspection.objects.get(idempotency_key=idempotency_key)
        raise
    core.record_audit(
        actor=actor,
        action="permits.inspect",
        obj=permit,
        after={"stage": stage, "result": result},
    )
    if result == InspectionResult.PASSED and position == len(stages) - 1:
        workflow.take_action(
            actor=actor,
            case_id=permit.case_id,
            action_key="complete",
            comment=_("Final inspection passed: %(stage)s.") % {"stage": Stage(stage).label},
        )
        permit.completed_at = timezone.now()
        permit.save(update_fields=["completed_at"])
    return inspection


@transaction.atomic
def refund_deposit(*, actor: User, permit_id: int) -> DepositRefund:
    """Refund an excavation's restoration deposit, only after its road
    reinstatement passed inspection. The refund is a record of its own with a
    number and a ledger entry (the deposit leaves the refundable-deposits
    account); nothing is deleted. A second call returns the same refund."""
    core.require(actor, "permits.refund_deposit")
    permit = _lock(permit_id)
    existing = DepositRefund.objects.filter(permit=permit).first()
    if existing is not None:
        return existing
    if permit.kind != PermitKind.EXCAVATION or permit.deposit_amount <= 0:
        raise ValidationError(_("This permit has no restoration deposit."))
    if permit.fees_paid_at is None:
        raise ValidationError(_("The deposit was never paid, so there is nothing to refund."))
    inspection = selectors.passed(permit, Stage.REINSTATEMENT)
    if inspection is None:
        raise ValidationError(
            _("The deposit is refunded only after the road reinstatement passed its inspection.")
        )
    org = core.organisation()
    year = timezone.localdate().year
    refund = DepositRefund.objects.create(
        permit=permit,
        number=f"RF-{year}-{core.next_number(key=f'permits:refund:{year}'):06d}",
        amount=permit.deposit_amount,
        currency=org.currency if org else "ILS",
        inspection=inspection,
        approved_by=actor,
        approved_at=timezone.now(),
    )
    entry = finance.post_entry(
        actor=actor,
        date=timezone.localdate(),
        lines=[
            finance.LineSpec(
                account=HEADS["PRM-DEPOSIT"][2],
                debit=refund.amount,
                party_id=permit.holder_id,
                analysis="PRM-DEPOSIT",
            ),
            finance.LineSpec(
                account=finance.account_for_rule("tender:transfer", "tender:cash"),
                credit=refund.amount,
                party_id=permit.holder_id,
            ),
        ],
        memo=_("Refund of the restoration deposit of %(number)s")
        % {"number": permit.number or permit.case.reference},
        source="permits.refund",
        source_ref=str(refund.pk),
        idempotency_key=f"permits:refund:{refund.pk}",
        automatic=True,
    )
    refund.journal_entry_id = entry.pk
    refund.save(update_fields=["journal_entry_id"])
    core.record_audit(
        actor=actor,
        action="permits.deposit.refund",
        obj=permit,
        after={"refund": refund.number, "amount": refund.amount},
    )
    core.notify(
        event_key=f"permits.deposit-refunded:{permit.pk}",
        party=permit.holder,
        subject=gettext_lazy("Your deposit is being refunded"),
        body=gettext_lazy(
            "The restoration deposit of permit %(number)s (%(amount)s) is being refunded."
        ),
        params={"number": permit.number or permit.case.reference, "amount": str(refund.amount)},
    )
    return refund


def breach_messages(permit: Permit) -> list[str]:
    return [zoning.describe(b) for b in permit.breaches or []]
