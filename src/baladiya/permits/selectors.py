"""Permit reads: one permit for a user who may see it, a holder's permits, the
staff list, the zone check of a proposal, deposits, the map layer."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from baladiya.core import api as core
from baladiya.gis import api as gis
from baladiya.permits import zoning
from baladiya.permits.models import (
    DepositRefund,
    InspectionResult,
    Permit,
    PermitKind,
    SiteInspection,
    Stage,
)
from baladiya.revenue import api as revenue
from baladiya.workflow import api as workflow

SOURCE_TYPE = "permits.permit"
STAGES = {
    PermitKind.BUILDING: (Stage.FOUNDATION, Stage.FRAME, Stage.COMPLETION),
    PermitKind.DEMOLITION: (Stage.COMPLETION,),
    PermitKind.RESTORATION: (Stage.COMPLETION,),
    PermitKind.FENCING: (Stage.COMPLETION,),
    PermitKind.EXCAVATION: (Stage.REINSTATEMENT,),
}


def _related(qs: QuerySet[Permit]) -> QuerySet[Permit]:
    return qs.select_related(
        "case", "case__state", "case__department", "holder", "parcel", "parcel__zone"
    )


def permit_for(user: Any, reference: str) -> Permit:
    """The permit of case ``reference`` (or with that permit number) if ``user`` may
    see it; raises ``DoesNotExist`` otherwise, so an id never leaks."""
    found = Permit.objects.filter(Q(case__reference=reference) | Q(number=reference)).first()
    if found is None:
        raise Permit.DoesNotExist
    try:
        case = workflow.case_for(user, case_id=found.case_id)
    except ObjectDoesNotExist as exc:
        raise Permit.DoesNotExist from exc
    return _related(Permit.objects.filter(case=case)).get()


def permit_by_token(token: str) -> Permit | None:
    if not token:
        return None
    return _related(Permit.objects.filter(token=token, issued_at__isnull=False)).first()


def permits_of(user: Any) -> list[Permit]:
    """The signed-in person's own permits (his establishments' are his too when he
    is their registered login)."""
    party_id = getattr(user, "party_id", None)
    if not party_id:
        return []
    return list(
        _related(Permit.objects.filter(holder_id=party_id)).prefetch_related(
            "inspections", "refund"
        )
    )


def has_permits(user: Any) -> bool:
    party_id = getattr(user, "party_id", None)
    return bool(party_id) and Permit.objects.filter(holder_id=party_id).exists()


def staff_permits(
    user: Any, *, kind: str = "", state: str = "", query: str = "", limit: int = 200
) -> list[Permit]:
    core.require(user, "permits.view_permits")
    qs = _related(Permit.objects.all())
    if kind:
        qs = qs.filter(kind=kind)
    if state:
        qs = qs.filter(case__state__key=state)
    if query:
        query = core.normalize_digits(query).strip()
        qs = qs.filter(
            Q(case__reference__iexact=query)
            | Q(number__iexact=query)
            | Q(holder__national_id=query)
            | Q(holder__name_ar__icontains=query)
            | Q(holder__name_en__icontains=query)
        )
    return list(qs.order_by("-case__submitted_at", "-pk")[:limit])


def proposal_of(permit: Permit) -> zoning.Proposal:
    return zoning.Proposal(
        use=permit.use,
        floors=permit.floors,
        height_m=permit.height_m,
        footprint_m2=permit.footprint_m2,
        built_area_m2=permit.built_area_m2,
        setback_front_m=permit.setback_front_m,
        setback_side_m=permit.setback_side_m,
        setback_rear_m=permit.setback_rear_m,
    )


@dataclass(frozen=True)
class Review:
    """The zone check of a building proposal (``rules`` is None when the parcel has
    no zone, which the engineer must then settle by hand)."""

    rules: gis.ZoneRules | None
    checks: list[zoning.Check]

    @property
    def breaches(self) -> list[zoning.Check]:
        return [c for c in self.checks if not c.ok]


def review(permit: Permit) -> Review:
    if permit.kind != PermitKind.BUILDING or permit.parcel_id is None:
        return Review(None, [])
    rules = gis.zone_rules_for_parcel(permit.parcel_id)
    if rules is None:
        return Review(None, [])
    return Review(rules, zoning.check(proposal_of(permit), rules))


def stored_breaches(permit: Permit) -> list[str]:
    """The breaches the engineer's decision recorded, in the reader's language."""
    return [zoning.describe(b) for b in permit.breaches or []]


def inspections(permit: Permit) -> list[SiteInspection]:
    return list(permit.inspections.select_related("inspector").order_by("inspected_at", "pk"))


def stages_for(permit: Permit) -> tuple[str, ...]:
    return tuple(STAGES[PermitKind(permit.kind)])


def passed(permit: Permit, stage: str) -> SiteInspection | None:
    """The latest inspection of ``stage``, if it passed (a later failure undoes an
    earlier pass)."""
    latest = permit.inspections.filter(stage=stage).order_by("-inspected_at", "-pk").first()
    return latest if latest is not None and latest.result == InspectionResult.PASSED else None


def fee_demand(permit: Permit) -> Any:
    return revenue.demand(permit.fee_demand_id) if permit.fee_demand_id else None


def deposit_line_paid(permit: Permit) -> bool:
    demand = fee_demand(permit)
    return bool(demand is not None and demand.status == revenue.DemandStatus.PAID)


def refund_of(permit: Permit) -> DepositRefund | None:
    return DepositRefund.objects.filter(permit=permit).first()


def deposits_of(user: Any) -> list[dict[str, Any]]:
    """The holder's excavation deposits: amount, paid, refunded (portal view)."""
    rows = []
    for permit in permits_of(user):
        if permit.kind != PermitKind.EXCAVATION or permit.deposit_amount <= 0:
            continue
        rows.append(
            {
                "permit": permit,
                "amount": permit.deposit_amount,
                "paid": permit.fees_paid_at is not None,
                "refund": refund_of(permit),
            }
        )
    return rows


def amount_due(permit: Permit) -> Decimal:
    demand = fee_demand(permit)
    if demand is None:
        return Decimal(0)
    return Decimal(demand.total - demand.paid - demand.adjusted)


def _point(permit: Permit) -> tuple[float, float] | None:
    if permit.route and permit.route.get("coordinates"):
        lon, lat = permit.route["coordinates"][0][:2]
        return float(lon), float(lat)
    if permit.parcel is not None:
        p = permit.parcel
        return (p.min_lon + p.max_lon) / 2, (p.min_lat + p.max_lat) / 2
    return None


def map_features(bbox: tuple[float, float, float, float]) -> list[dict[str, Any]]:
    """Permits in force or under way inside ``bbox`` (parcels as points at their
    centre, excavations as their route)."""
    min_lon, min_lat, max_lon, max_lat = bbox
    qs = _related(
        Permit.objects.filter(case__closed_at__isnull=True).filter(
            Q(
                parcel__min_lon__lte=max_lon,
                parcel__max_lon__gte=min_lon,
                parcel__min_lat__lte=max_lat,
                parcel__max_lat__gte=min_lat,
            )
            | Q(kind=PermitKind.EXCAVATION, route__isnull=False)
        )
    )[:2000]
    features = []
    for permit in qs:
        if permit.route:
            geometry = permit.route
        else:
            point = _point(permit)
            if point is None:
                continue
            geometry = {"type": "Point", "coordinates": list(point)}
        start = _point(permit)
        if start is None or not (min_lon <= start[0] <= max_lon and min_lat <= start[1] <= max_lat):
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "reference": permit.number or permit.case.reference,
                    "kind": permit.get_kind_display(),
                    "status": permit.case.state.name,
                    "title": permit.holder.name,
                },
            }
        )
    return features


def linked_to_parcel(parcel: Any, user: Any) -> list[Any]:
    return [
        gis.LinkedRecord(
            kind=_("Permit"),
            reference=p.number or p.case.reference,
            title=str(p.get_kind_display()),
            url=reverse("permits:staff-detail", args=[p.case.reference]),
            status=p.case.state.name,
        )
        for p in _related(Permit.objects.filter(parcel=parcel))[:50]
    ]


def case_row(case_id: int) -> Any:
    """The workflow case behind a permit-to-be, without a user (event handlers
    only), reached through the permit's own foreign key."""
    model = Permit._meta.get_field("case").related_model
    return model._default_manager.select_related("applicant").get(pk=case_id)


def permit_id_of_case(case_id: int) -> int | None:
    return Permit.objects.filter(case_id=case_id).values_list("pk", flat=True).first()


def shows_portal_link(user: Any) -> bool:
    """Contractors always see their permits page (they apply for excavations)."""
    return core.has_role(user, "contractor") or has_permits(user)
