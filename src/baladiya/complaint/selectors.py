"""Complaint reads: one complaint for a user who may see it, nearby duplicates."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baladiya.complaint.models import REOPEN_DAYS, Complaint
from baladiya.core import api as core
from baladiya.gis import api as gis
from baladiya.workflow import api as workflow

EARTH_RADIUS_M = 6_371_000


def complaint_for(user: Any, reference: str) -> Complaint:
    """The complaint behind ``reference`` if ``user`` may see its case."""
    case = workflow.case_for(user, reference=reference)
    return Complaint.objects.select_related("case", "case__state", "duplicate_of__case").get(
        case=case
    )


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine) in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def nearby_duplicates(
    complaint: Complaint, *, radius_m: int = 150, days: int = 30
) -> list[tuple[Complaint, int]]:
    """Open complaints of the same category within ``radius_m`` filed in the last
    ``days`` days, nearest first, for staff to merge."""
    if complaint.latitude is None or complaint.longitude is None:
        return []
    lat, lon = float(complaint.latitude), float(complaint.longitude)
    dlat = radius_m / 111_320
    dlon = radius_m / (111_320 * max(math.cos(math.radians(lat)), 0.01))
    candidates = (
        Complaint.objects.filter(
            category=complaint.category,
            case__closed_at__isnull=True,
            case__submitted_at__gte=timezone.now() - dt.timedelta(days=days),
            latitude__range=(Decimal(str(lat - dlat)), Decimal(str(lat + dlat))),
            longitude__range=(Decimal(str(lon - dlon)), Decimal(str(lon + dlon))),
        )
        .exclude(pk=complaint.pk)
        .select_related("case", "case__state")
    )
    found = []
    for other in candidates:
        assert other.latitude is not None and other.longitude is not None
        metres = distance_m(lat, lon, float(other.latitude), float(other.longitude))
        if metres <= radius_m:
            found.append((other, round(metres)))
    return sorted(found, key=lambda item: item[1])


def photos(complaint: Complaint, kind: str = "photo") -> QuerySet[Any]:
    return complaint.case.attachments.filter(kind=kind)


def can_reopen(complaint: Complaint) -> bool:
    return (
        complaint.case.state.key == "resolved"
        and complaint.resolved_at is not None
        and timezone.now() <= complaint.resolved_at + dt.timedelta(days=REOPEN_DAYS)
    )


def colleagues(case: Any) -> list[Any]:
    """Staff who could act on the case in its current state (for the assign list)."""
    actions = list(case.state.actions.all())
    roles = {r for a in actions for r in a.roles if r != "applicant"}
    return [
        u
        for u in core.users_with_roles(roles)
        if any(workflow.may_act(u, case, a) for a in actions)
    ]


def search(
    *,
    references: list[str] | None = None,
    categories: list[str] | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    status: str = "",
    limit: int = 1000,
) -> list[Complaint]:
    """Complaints for public feeds (Open311): no permission needed, the caller shows
    only public fields."""
    qs = Complaint.objects.select_related("case", "case__state", "case__department")
    if references:
        return list(qs.filter(case__reference__in=references))
    if start is not None:
        qs = qs.filter(case__submitted_at__gte=start)
    if end is not None:
        qs = qs.filter(case__submitted_at__lte=end)
    if categories:
        qs = qs.filter(category__in=categories)
    if status == "open":
        qs = qs.filter(case__closed_at__isnull=True)
    elif status == "closed":
        qs = qs.filter(case__closed_at__isnull=False)
    return list(qs.order_by("-case__submitted_at", "-pk")[:limit])


def by_idempotency_key(key: str) -> Complaint | None:
    return Complaint.objects.select_related("case").filter(case__idempotency_key=key).first()


def map_features(bbox: tuple[float, float, float, float]) -> list[dict[str, Any]]:
    """Open and recent complaints inside ``bbox`` as GeoJSON points (the GIS map)."""
    min_lon, min_lat, max_lon, max_lat = bbox
    found = Complaint.objects.filter(
        latitude__range=(Decimal(str(min_lat)), Decimal(str(max_lat))),
        longitude__range=(Decimal(str(min_lon)), Decimal(str(max_lon))),
        case__submitted_at__gte=timezone.now() - dt.timedelta(days=365),
    ).select_related("case", "case__state")[:2000]
    return [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [float(c.longitude), float(c.latitude)]},
            "properties": {
                "reference": c.case.reference,
                "category": c.category,
                "status": c.case.state.name,
                "title": c.case.title,
            },
        }
        for c in found
        if c.latitude is not None and c.longitude is not None
    ]


def linked_to_parcel(parcel: Any, user: Any) -> list[Any]:
    """Complaints pinned inside a parcel (for the parcel's card on the map)."""
    from django.urls import reverse

    return [
        gis.LinkedRecord(
            kind=_("Complaint"),
            reference=c.case.reference,
            title=c.case.title,
            url=reverse("complaint:staff-detail", args=[c.case.reference]),
            status=c.case.state.name,
        )
        for c in Complaint.objects.filter(parcel=parcel).select_related("case", "case__state")[:50]
    ]
