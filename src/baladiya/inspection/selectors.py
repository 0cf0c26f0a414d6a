"""Inspection reads: the fine due for an offence, a party's violations (the
violation inquiry), one violation or objection for a user who may see it, and
an inspector's visits for a day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baladiya.core import api as core
from baladiya.gis import api as gis
from baladiya.inspection.models import (
    Category,
    FineArticle,
    Objection,
    Violation,
    ViolationStatus,
    Visit,
)
from baladiya.workflow import api as workflow

REPEAT_WINDOW_DAYS = 365
# The department that reviews objections to each category of violation.
DEPARTMENTS = {
    Category.HEALTH: "HLT",
    Category.BUILDING: "ENG",
    Category.INVESTMENT: "INV",
    Category.EXCAVATION: "ENG",
}


def _is_staff_viewer(user: Any) -> bool:
    return core.has_capability(user, "inspection.view_violations")


def party_ids_for(party: Any) -> list[int]:
    """A party and the establishments it owns."""
    return [party.pk, *party.establishments.values_list("pk", flat=True)]


def party_ids_of(user: Any) -> list[int]:
    """The parties a signed-in person answers for: himself and the
    establishments he owns."""
    party = getattr(user, "party", None)
    return party_ids_for(party) if party is not None else []


def articles(*, category: str = "") -> QuerySet[FineArticle]:
    qs = FineArticle.objects.filter(is_active=True)
    return qs.filter(category=category) if category else qs


def schedule() -> QuerySet[FineArticle]:
    """Every article, in force or not (the fine schedule page)."""
    return FineArticle.objects.order_by("category", "code")


def article_by_code(code: str) -> FineArticle | None:
    return FineArticle.objects.filter(code=code, is_active=True).first()


def offence_and_fine(
    *, article: FineArticle, party: Any, at: dt.datetime | None = None
) -> tuple[int, Decimal]:
    """Which offence this is for ``party`` under ``article`` within a year, and
    the fine it carries (the article's amount times the repeat multiplier)."""
    at = at or timezone.now()
    earlier = (
        Violation.objects.filter(
            party=party,
            article=article,
            recorded_at__gte=at - dt.timedelta(days=REPEAT_WINDOW_DAYS),
            recorded_at__lte=at,
        )
        .exclude(status=ViolationStatus.CANCELLED)
        .count()
    )
    factor = min(article.repeat_factor**earlier, article.max_factor)
    return earlier + 1, (article.amount * factor).quantize(Decimal("0.01"))


def _violations() -> QuerySet[Violation]:
    return Violation.objects.select_related(
        "party", "article", "demand", "parcel", "objection__case__state"
    )


def violations_of(party: Any) -> list[Violation]:
    """Every violation of ``party`` (for other apps: a licence renewal checks them)."""
    return list(_violations().filter(party=party))


def violations_for(user: Any) -> list[Violation]:
    """The violation inquiry: a person sees his own violations and those of the
    establishments he owns, never anyone else's."""
    ids = party_ids_of(user)
    if not ids:
        return []
    return list(_violations().filter(party_id__in=ids))


def violation_for(user: Any, number: str) -> Violation:
    """The violation, if ``user`` may see it; ``Violation.DoesNotExist`` otherwise."""
    violation = _violations().get(number=number)
    if violation.party_id in party_ids_of(user) or _is_staff_viewer(user):
        return violation
    raise Violation.DoesNotExist


def search(
    user: Any, *, query: str = "", category: str = "", status: str = "", limit: int = 200
) -> list[Violation]:
    """Violations for the back office (inspectors, heads, auditors)."""
    core.require(user, "inspection.view_violations")
    qs = _violations()
    if category:
        qs = qs.filter(category=category)
    if status:
        qs = qs.filter(status=status)
    if query:
        text = core.normalize_arabic(core.normalize_digits(query.strip()))
        qs = qs.filter(
            Q(number__iexact=query.strip())
            | Q(party__search_text__contains=text)
            | Q(party__commercial_registration=query.strip())
            | Q(party__national_id=query.strip())
        )
    return list(qs[:limit])


def objection_for(user: Any, reference: str) -> Objection:
    """The objection behind case ``reference`` if the user may see that case."""
    case = workflow.case_for(user, reference=reference)
    return Objection.objects.select_related(
        "violation__party", "violation__article", "violation__demand", "case__state", "amendment"
    ).get(case=case)


def objection_by_case(case_id: int) -> Objection | None:
    return Objection.objects.filter(case_id=case_id).select_related("violation").first()


def visits_of_day(user: Any, *, day: dt.date, inspector: Any = None) -> list[Visit]:
    """An inspector's visit list for a day (his own unless he may see everyone's)."""
    core.require(user, "inspection.plan_visits")
    qs = Visit.objects.select_related("party", "parcel", "inspector").filter(day=day)
    if inspector is not None:
        qs = qs.filter(inspector=inspector)
    elif not core.has_capability(user, "inspection.view_violations"):
        qs = qs.filter(inspector=user)
    return list(qs.prefetch_related("violations"))


def visit_for(user: Any, visit_id: int) -> Visit:
    core.require(user, "inspection.plan_visits")
    return Visit.objects.select_related("party", "parcel", "inspector").get(pk=visit_id)


def photos(violation: Violation) -> list[Any]:
    return list(violation.photos.all())


def department_code(category: str) -> str:
    return DEPARTMENTS.get(Category(category), "HLT")


def has_violations(user: Any) -> bool:
    """Whether the account page should show the violations card."""
    ids = party_ids_of(user)
    return bool(ids) and Violation.objects.filter(party_id__in=ids).exists()


def map_features(bbox: tuple[float, float, float, float]) -> list[dict[str, Any]]:
    """Violations of the last year inside ``bbox`` as GeoJSON points (the GIS map)."""
    min_lon, min_lat, max_lon, max_lat = bbox
    found = Violation.objects.filter(
        latitude__range=(Decimal(str(min_lat)), Decimal(str(max_lat))),
        longitude__range=(Decimal(str(min_lon)), Decimal(str(max_lon))),
        recorded_at__gte=timezone.now() - dt.timedelta(days=REPEAT_WINDOW_DAYS),
    ).select_related("party", "article")[:2000]
    return [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [float(v.longitude), float(v.latitude)]},
            "properties": {
                "reference": v.number,
                "category": v.category,
                "status": v.get_status_display(),
                "title": f"{v.article.code} {v.party.name}",
            },
        }
        for v in found
        if v.latitude is not None and v.longitude is not None
    ]


def linked_to_parcel(parcel: Any, user: Any) -> list[Any]:
    """Violations recorded on a parcel (for the parcel's card on the map)."""
    return [
        gis.LinkedRecord(
            kind=_("Violation"),
            reference=v.number,
            title=f"{v.article.code} {v.article.name}",
            url=reverse("inspection:staff-violation", args=[v.number]),
            status=v.get_status_display(),
        )
        for v in Violation.objects.filter(parcel=parcel).select_related("article")[:50]
    ]
