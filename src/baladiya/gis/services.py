"""Every write of the gis app: importing parcels (validated first, all or nothing),
zones and their rules, owners, splits and merges, numbering unplanned areas and
issuing site plans. Keyword-only, one transaction each, audited."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import shapely
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from baladiya.core import api as core
from baladiya.gis import selectors
from baladiya.gis.formats import (
    BLOCK_KEYS,
    NEIGHBOURHOOD_KEYS,
    NUMBER_KEYS,
    ZONE_KEYS,
    FeatureIn,
    pick,
)
from baladiya.gis.geometry import (
    areas_m2,
    from_wkb,
    looks_like_lonlat,
    problem_of,
    project,
    spatial_order,
    to_wkb,
    unproject,
)
from baladiya.gis.models import (
    BlockCounter,
    IndexVersion,
    LineageKind,
    NumberingRun,
    Parcel,
    ParcelLineage,
    ParcelOwner,
    ParcelStatus,
    SitePlan,
    Zone,
)

# Overlaps smaller than this (m²) are digitising noise along a shared edge.
OVERLAP_TOLERANCE_M2 = 0.5
# Holes in the imported fabric smaller than this (m²) are reported as gaps
# (slivers); larger holes are streets, squares or unregistered land.
GAP_MAX_M2 = 25.0
BATCH = 2000


def _allowed(actor: core.User | None, capability: str) -> None:
    """``actor=None`` is the system itself (demo loader, management commands)."""
    if actor is not None:
        core.require(actor, capability)


def _country() -> str:
    org = core.organisation()
    return org.country if org is not None else "PS"


def bump_index_version() -> None:
    """Tell every process that the parcels changed (they rebuild their index)."""
    IndexVersion.objects.bulk_create([IndexVersion(singleton=True)], ignore_conflicts=True)
    IndexVersion.objects.filter(singleton=True).update(version=F("version") + 1)


def _bbox(geom: BaseGeometry) -> dict[str, float]:
    minx, miny, maxx, maxy = geom.bounds
    return {"min_lon": minx, "min_lat": miny, "max_lon": maxx, "max_lat": maxy}


def _area(geom: BaseGeometry, country: str) -> Decimal:
    return Decimal(str(round(float(areas_m2(geom, country)), 2)))


def _as_polygonal(geom: BaseGeometry) -> BaseGeometry:
    if isinstance(geom, MultiPolygon) and len(geom.geoms) == 1:
        return geom.geoms[0]
    return geom


def _used_numbers(block: str) -> set[int]:
    return {
        int(n)
        for n in Parcel.objects.filter(block=block)
        .exclude(number="")
        .values_list("number", flat=True)
        if n.isdigit()
    }


def _take_numbers(block: str, count: int) -> list[int]:
    """``count`` new numbers in ``block``, never one given before (the counter
    only goes up, and numbers already present from an import are skipped)."""
    BlockCounter.objects.bulk_create([BlockCounter(block=block)], ignore_conflicts=True)
    counter = BlockCounter.objects.select_for_update().get(block=block)
    used = _used_numbers(block)
    numbers: list[int] = []
    candidate = counter.last_number
    while len(numbers) < count:
        candidate += 1
        if candidate not in used:
            numbers.append(candidate)
    counter.last_number = candidate
    counter.save(update_fields=["last_number"])
    return numbers


# -- import ------------------------------------------------------------------------
@dataclass
class Problem:
    position: int
    label: str
    kind: str  # invalid | overlap | gap | duplicate | attribute
    message: str
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass
class ImportReport:
    total: int = 0
    imported: int = 0
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "imported": self.imported,
            "ok": self.ok,
            "errors": [asdict(p) for p in self.errors],
            "warnings": [asdict(p) for p in self.warnings],
        }


def _label(block: str, number: str, position: int) -> str:
    if number:
        return f"{block}/{number}" if block else number
    return _("feature %(position)d") % {"position": position}


def validate_features(features: list[FeatureIn], *, country: str) -> tuple[ImportReport, list[int]]:
    """Check every feature; returns the report and the positions (0-based) of the
    features that may be written when the report has no errors."""
    report = ImportReport(total=len(features))
    keys = [(pick(f.attributes, BLOCK_KEYS), pick(f.attributes, NUMBER_KEYS)) for f in features]
    labels = [_label(b, n, f.position) for (b, n), f in zip(keys, features, strict=True)]

    def error(i: int, kind: str, message: str) -> None:
        report.errors.append(
            Problem(features[i].position, labels[i], kind, message, features[i].attributes)
        )

    valid: list[int] = []
    for i, feature in enumerate(features):
        if feature.read_error:
            error(i, "invalid", feature.read_error)
            continue
        geom = _as_polygonal(feature.geometry) if feature.geometry is not None else None
        problem = problem_of(geom)
        if not problem and geom is not None and not looks_like_lonlat(geom):
            problem = _(
                "The coordinates are not longitude/latitude; include the .prj file "
                "or convert the data to WGS84."
            )
        if problem:
            error(i, "invalid", problem)
            continue
        feature.geometry = geom
        valid.append(i)

    # Duplicates: the same number twice in the file or already registered, or the
    # same outline twice.
    seen: dict[tuple[str, str], int] = {}
    for i in range(len(features)):
        block, number = keys[i]
        if not number:
            continue
        if (block, number) in seen:
            error(
                i,
                "duplicate",
                _("The number %(label)s is given twice (also feature %(other)d).")
                % {"label": labels[i], "other": features[seen[(block, number)]].position},
            )
        else:
            seen[(block, number)] = i
    numbered = [k for k in seen if k[1]]
    existing: set[tuple[str, str]] = set()
    for start in range(0, len(numbered), 500):
        chunk = numbered[start : start + 500]
        blocks = {b for b, _n in chunk}
        existing |= set(
            Parcel.objects.filter(block__in=blocks, number__in={n for _b, n in chunk})
            .values_list("block", "number")
            .distinct()
        )
    for key in sorted(existing & set(numbered)):
        error(
            seen[key],
            "duplicate",
            _("The number %(label)s is already registered.") % {"label": labels[seen[key]]},
        )

    if not valid:
        return report, valid
    geoms = np.array([features[i].geometry for i in valid], dtype=object)
    projected = project(geoms, country)
    hashes = [hashlib.sha256(shapely.to_wkb(shapely.normalize(g))).hexdigest() for g in projected]
    first_of: dict[str, int] = {}
    duplicate_shape: set[int] = set()
    for k, digest in enumerate(hashes):
        if digest in first_of:
            duplicate_shape.add(k)
            error(
                valid[k],
                "duplicate",
                _("The outline is identical to feature %(other)d.")
                % {"other": features[valid[first_of[digest]]].position},
            )
        else:
            first_of[digest] = k

    # Overlaps inside the file.
    tree = shapely.STRtree(projected)
    pairs: set[tuple[int, int]] = set()
    for predicate in ("overlaps", "contains"):
        left, right = tree.query(projected, predicate=predicate)
        pairs |= {(int(a), int(b)) for a, b in zip(left, right, strict=True) if a != b}
    reported: set[tuple[int, int]] = set()
    for a, b in sorted(pairs):
        pair = (min(a, b), max(a, b))
        if pair in reported or a in duplicate_shape or b in duplicate_shape:
            continue
        reported.add(pair)
        overlap = float(shapely.area(shapely.intersection(projected[a], projected[b])))
        if overlap > OVERLAP_TOLERANCE_M2:
            error(
                valid[pair[1]],
                "overlap",
                _("The outline overlaps %(other)s by %(area).1f m².")
                % {"other": labels[valid[pair[0]]], "area": overlap},
            )

    # Overlaps with parcels already registered.
    index = selectors.spatial_index()
    if len(index):
        left, right = index.tree.query(geoms, predicate="intersects")
        if len(left):
            hit_ids = sorted({int(index.ids[r]) for r in right})
            names = dict(
                Parcel.objects.filter(pk__in=hit_ids).values_list("pk", "block").order_by()
            )
            numbers = dict(
                Parcel.objects.filter(pk__in=hit_ids).values_list("pk", "number").order_by()
            )
            mine = project(geoms[left], country)
            theirs = project(index.geoms[right], country)
            overlap_areas = shapely.area(shapely.intersection(mine, theirs))
            for k, r, overlap in zip(left, right, overlap_areas, strict=True):
                if overlap > OVERLAP_TOLERANCE_M2:
                    pid = int(index.ids[r])
                    other = _label(names.get(pid, ""), numbers.get(pid, ""), 0)
                    error(
                        valid[int(k)],
                        "overlap",
                        _("The outline overlaps the registered parcel %(other)s by %(area).1f m².")
                        % {"other": other, "area": float(overlap)},
                    )

    # Gaps: small holes in the union of the imported fabric.
    union = shapely.union_all(shapely.buffer(projected, 0.01, join_style="mitre"))
    parts = getattr(union, "geoms", [union])
    for part in parts:
        for ring in getattr(part, "interiors", []):
            hole = Polygon(ring)
            if hole.area < GAP_MAX_M2:
                where = unproject(hole.representative_point(), country)
                near = tree.query(hole.buffer(0.05), predicate="intersects")
                between = ", ".join(sorted({labels[valid[int(n)]] for n in near})[:6])
                report.warnings.append(
                    Problem(
                        0,
                        between,
                        "gap",
                        _("A gap of %(area).1f m² lies between %(parcels)s.")
                        % {"area": hole.area, "parcels": between},
                        {"lon": round(where.x, 7), "lat": round(where.y, 7)},
                    )
                )
    return report, valid


@transaction.atomic
def import_parcels(
    *,
    actor: core.User | None,
    features: list[FeatureIn],
    source: str = "import",
    dry_run: bool = False,
) -> ImportReport:
    """Validate ``features`` and, when nothing is wrong, register them all; when
    anything is wrong, nothing is written and the report says what and where."""
    _allowed(actor, "gis.manage_parcels")
    country = _country()
    report, writable = validate_features(features, country=country)
    zone_codes = {pick(f.attributes, ZONE_KEYS) for f in features} - {""}
    zone_ids = dict(Zone.objects.filter(code__in=zone_codes).values_list("code", "pk"))
    for feature in features:
        code = pick(feature.attributes, ZONE_KEYS)
        if code and code not in zone_ids:
            report.errors.append(
                Problem(
                    feature.position,
                    _label(
                        pick(feature.attributes, BLOCK_KEYS),
                        pick(feature.attributes, NUMBER_KEYS),
                        feature.position,
                    ),
                    "attribute",
                    _("The zone “%(code)s” does not exist.") % {"code": code},
                    feature.attributes,
                )
            )
    report.errors.sort(key=lambda p: (p.position, p.kind))
    report.dry_run = dry_run
    if report.errors or dry_run:
        return report
    geoms = np.array([features[i].geometry for i in writable], dtype=object)
    areas = areas_m2(geoms, country) if len(geoms) else np.array([])
    top: dict[str, int] = defaultdict(int)
    rows = []
    for k, i in enumerate(writable):
        feature = features[i]
        geom = geoms[k]
        block = pick(feature.attributes, BLOCK_KEYS)
        number = pick(feature.attributes, NUMBER_KEYS)
        if number.isdigit():
            top[block] = max(top[block], int(number))
        rows.append(
            Parcel(
                block=block,
                number=number,
                neighbourhood=pick(feature.attributes, NEIGHBOURHOOD_KEYS),
                status=ParcelStatus.ACTIVE if number else ParcelStatus.UNNUMBERED,
                zone_id=zone_ids.get(pick(feature.attributes, ZONE_KEYS)),
                geometry_wkb=to_wkb(geom),
                area_m2=Decimal(str(round(float(areas[k]), 2))),
                source=source[:40],
                attributes=feature.attributes,
                **_bbox(geom),
            )
        )
    Parcel.objects.bulk_create(rows, batch_size=BATCH)
    _raise_counters(top)
    bump_index_version()
    report.imported = len(rows)
    core.record_audit(
        actor=actor,
        action="gis.parcels.import",
        after={
            "source": source,
            "imported": len(rows),
            "warnings": len(report.warnings),
            "blocks": sorted({r.block for r in rows})[:50],
        },
    )
    return report


def _raise_counters(top: dict[str, int]) -> None:
    for block, highest in top.items():
        BlockCounter.objects.bulk_create([BlockCounter(block=block)], ignore_conflicts=True)
        BlockCounter.objects.filter(block=block, last_number__lt=highest).update(
            last_number=highest
        )


# -- zones -------------------------------------------------------------------------
ZONE_RULE_FIELDS = (
    "max_floors",
    "max_height_m",
    "max_coverage_pct",
    "max_far",
    "setback_front_m",
    "setback_side_m",
    "setback_rear_m",
    "min_parcel_area_m2",
    "permitted_uses",
    "colour",
    "name_ar",
    "name_en",
)


@transaction.atomic
def save_zone(
    *,
    actor: core.User | None,
    code: str,
    name_ar: str,
    name_en: str,
    geometry: BaseGeometry | None = None,
    **rules: Any,
) -> Zone:
    """Create a zone or change its rules (``max_floors``, ``max_coverage_pct``,
    ``max_far``, setbacks, ``permitted_uses`` …)."""
    _allowed(actor, "gis.manage_zones")
    unknown = set(rules) - set(ZONE_RULE_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown zone rule: %(names)s.") % {"names": ", ".join(unknown)})
    zone = Zone.objects.select_for_update().filter(code=code).first()
    before = {f: getattr(zone, f) for f in ZONE_RULE_FIELDS} if zone else None
    if zone is None:
        zone = Zone(code=code)
    zone.name_ar, zone.name_en = name_ar, name_en
    for name, value in rules.items():
        if value is not None and name not in ("permitted_uses", "colour", "max_floors"):
            value = Decimal(str(value))
        setattr(zone, name, value)
    if geometry is not None:
        problem = problem_of(geometry)
        if problem:
            raise ValidationError(problem)
        zone.geometry_wkb = to_wkb(geometry)
    zone.full_clean(exclude=["geometry_wkb"])
    zone.save()
    core.record_audit(
        actor=actor,
        action="gis.zone.save",
        obj=zone,
        before=before,
        after={f: getattr(zone, f) for f in ZONE_RULE_FIELDS},
    )
    return zone


@transaction.atomic
def assign_zone(*, actor: core.User | None, parcels: list[Parcel], zone: Zone | None) -> int:
    _allowed(actor, "gis.manage_parcels")
    ids = [p.pk for p in parcels]
    count = Parcel.objects.filter(pk__in=ids).update(zone=zone)
    core.record_audit(
        actor=actor,
        action="gis.parcels.zone",
        obj=zone,
        after={"parcels": ids[:200], "count": count},
    )
    return count


# -- owners ------------------------------------------------------------------------
@transaction.atomic
def set_owners(
    *, actor: core.User | None, parcel: Parcel, shares: list[tuple[Any, Decimal]]
) -> list[ParcelOwner]:
    """Replace the owners of ``parcel``: (party, share) pairs, shares in (0, 1],
    adding up to at most 1."""
    _allowed(actor, "gis.manage_parcels")
    total = sum((Decimal(str(s)) for _p, s in shares), Decimal(0))
    if total > 1:
        raise ValidationError(_("The shares add up to more than the whole parcel."))
    if len({p.pk for p, _s in shares}) != len(shares):
        raise ValidationError(_("An owner is listed twice."))
    before = list(parcel.owners.values_list("party_id", "share"))
    parcel.owners.all().delete()
    owners = ParcelOwner.objects.bulk_create(
        [ParcelOwner(parcel=parcel, party=p, share=Decimal(str(s))) for p, s in shares]
    )
    core.record_audit(
        actor=actor,
        action="gis.parcel.owners",
        obj=parcel,
        before={"owners": before},
        after={"owners": [(p.pk, s) for p, s in shares]},
    )
    return owners


# -- splits and merges -------------------------------------------------------------
def _new_parcel(
    *, template: Parcel, geom: BaseGeometry, number: str, country: str, source: str
) -> Parcel:
    return Parcel.objects.create(
        block=template.block,
        number=number,
        neighbourhood=template.neighbourhood,
        status=ParcelStatus.ACTIVE if number else ParcelStatus.UNNUMBERED,
        zone=template.zone,
        geometry_wkb=to_wkb(geom),
        area_m2=_area(geom, country),
        source=source,
        **_bbox(geom),
    )


def _live(parcel: Parcel) -> Parcel:
    locked = Parcel.objects.select_for_update().get(pk=parcel.pk)
    if locked.status == ParcelStatus.RETIRED:
        raise ValidationError(
            _("Parcel %(label)s is no longer in force.") % {"label": locked.label}
        )
    return locked


@transaction.atomic
def split_parcel(
    *, actor: core.User | None, parcel: Parcel, parts: list[BaseGeometry]
) -> list[Parcel]:
    """Split ``parcel`` into ``parts`` (which must cover it exactly, without
    overlapping); the parts get new numbers and the same owners."""
    _allowed(actor, "gis.manage_parcels")
    parent = _live(parcel)
    country = _country()
    if len(parts) < 2:
        raise ValidationError(_("A split needs at least two parts."))
    for part in parts:
        problem = problem_of(part)
        if problem:
            raise ValidationError(problem)
    whole = from_wkb(parent.geometry_wkb)
    p_parts = project(np.array(parts, dtype=object), country)
    p_whole = project(whole, country)
    overlap = float(shapely.area(shapely.union_all(p_parts))) - float(sum(shapely.area(p_parts)))
    if abs(overlap) > OVERLAP_TOLERANCE_M2:
        raise ValidationError(_("The parts overlap each other."))
    difference = float(shapely.symmetric_difference(shapely.union_all(p_parts), p_whole).area)
    if difference > max(1.0, 0.001 * p_whole.area):
        raise ValidationError(
            _("The parts do not cover the parcel exactly (%(area).1f m² differ).")
            % {"area": difference}
        )
    numbers = [str(n) for n in _take_numbers(parent.block, len(parts))] if parent.number else []
    children = []
    for k, part in enumerate(parts):
        child = _new_parcel(
            template=parent,
            geom=part,
            number=numbers[k] if numbers else "",
            country=country,
            source="split",
        )
        children.append(child)
        ParcelLineage.objects.create(
            parent=parent, child=child, kind=LineageKind.SPLIT, actor=actor
        )
        ParcelOwner.objects.bulk_create(
            [
                ParcelOwner(parcel=child, party_id=o.party_id, share=o.share)
                for o in parent.owners.all()
            ]
        )
    parent.status = ParcelStatus.RETIRED
    parent.save(update_fields=["status", "updated_at"])
    bump_index_version()
    core.record_audit(
        actor=actor,
        action="gis.parcel.split",
        obj=parent,
        after={"children": [c.label for c in children]},
    )
    return children


@transaction.atomic
def merge_parcels(*, actor: core.User | None, parcels: list[Parcel]) -> Parcel:
    """Merge adjoining parcels of one basin/plan into one with a new number. Owners
    carry over when every parcel has the same owners with the same shares."""
    _allowed(actor, "gis.manage_parcels")
    if len({p.pk for p in parcels}) < 2:
        raise ValidationError(_("A merge needs at least two parcels."))
    locked = [_live(p) for p in sorted(parcels, key=lambda p: p.pk)]
    if len({p.block for p in locked}) != 1:
        raise ValidationError(_("Only parcels of the same basin or plan can be merged."))
    country = _country()
    merged = shapely.union_all(
        shapely.buffer([from_wkb(p.geometry_wkb) for p in locked], 1e-7, join_style="mitre")
    ).buffer(-1e-7, join_style="mitre")
    merged = _as_polygonal(merged)
    if merged.geom_type != "Polygon":
        raise ValidationError(_("The parcels do not adjoin; they cannot become one parcel."))
    number = str(_take_numbers(locked[0].block, 1)[0]) if locked[0].number else ""
    child = _new_parcel(
        template=locked[0], geom=merged, number=number, country=country, source="merge"
    )
    ownerships = {frozenset((o.party_id, o.share) for o in p.owners.all()) for p in locked}
    if len(ownerships) == 1:
        ParcelOwner.objects.bulk_create(
            [ParcelOwner(parcel=child, party_id=pid, share=s) for pid, s in ownerships.pop()]
        )
    for parent in locked:
        ParcelLineage.objects.create(
            parent=parent, child=child, kind=LineageKind.MERGE, actor=actor
        )
        parent.status = ParcelStatus.RETIRED
        parent.save(update_fields=["status", "updated_at"])
    bump_index_version()
    core.record_audit(
        actor=actor,
        action="gis.parcel.merge",
        obj=child,
        after={"parents": [p.label for p in locked]},
    )
    return child


# -- numbering of unplanned areas ----------------------------------------------------
@transaction.atomic
def number_unplanned_area(
    *,
    actor: core.User | None,
    area: BaseGeometry,
    block: str,
    neighbourhood: str = "",
) -> NumberingRun:
    """Give every unnumbered parcel whose inside point lies in ``area`` the next
    numbers of ``block``, in serpentine order from the north-west; the run keeps
    a report of what was numbered (and what was already numbered)."""
    _allowed(actor, "gis.number_parcels")
    problem = problem_of(area)
    if problem:
        raise ValidationError(problem)
    if not block.strip():
        raise ValidationError(_("Give the basin or plan the numbers belong to."))
    block = block.strip()
    country = _country()
    candidates = list(
        Parcel.objects.select_for_update()
        .filter(pk__in=selectors.parcel_ids_in_polygon(area))
        .order_by("pk")
    )
    inside = []
    skipped = []
    for parcel in candidates:
        geom = from_wkb(parcel.geometry_wkb)
        if not area.contains(geom.representative_point()):
            continue
        if parcel.status == ParcelStatus.UNNUMBERED:
            inside.append((parcel, geom))
        else:
            skipped.append(parcel)
    points = np.array(
        [
            (p.x, p.y)
            for p in project(
                np.array([g.representative_point() for _p, g in inside], dtype=object), country
            )
        ]
    ).reshape(-1, 2)
    order = spatial_order(points)
    numbers = _take_numbers(block, len(order)) if order else []
    report: list[dict[str, Any]] = []
    changed = []
    for number, k in zip(numbers, order, strict=True):
        parcel, geom = inside[k]
        parcel.block = block
        parcel.number = str(number)
        parcel.status = ParcelStatus.ACTIVE
        if neighbourhood:
            parcel.neighbourhood = neighbourhood
        changed.append(parcel)
        point = geom.representative_point()
        report.append(
            {
                "parcel": parcel.pk,
                "number": number,
                "area_m2": float(parcel.area_m2),
                "lon": round(point.x, 7),
                "lat": round(point.y, 7),
            }
        )
    Parcel.objects.bulk_update(
        changed, ["block", "number", "status", "neighbourhood"], batch_size=BATCH
    )
    run = NumberingRun.objects.create(
        block=block,
        neighbourhood=neighbourhood,
        area_wkb=to_wkb(area),
        first_number=numbers[0] if numbers else None,
        last_number=numbers[-1] if numbers else None,
        count=len(numbers),
        report=report + [{"parcel": p.pk, "skipped": p.label} for p in skipped],
        actor=actor if actor is not None and actor.pk else None,
    )
    core.record_audit(
        actor=actor,
        action="gis.parcels.number",
        obj=run,
        after={
            "block": block,
            "count": len(numbers),
            "first": run.first_number,
            "last": run.last_number,
            "skipped": len(skipped),
        },
    )
    return run


# -- site plans --------------------------------------------------------------------
def geometry_hash(parcel: Parcel) -> str:
    return hashlib.sha256(bytes(parcel.geometry_wkb)).hexdigest()


@transaction.atomic
def issue_site_plan(*, actor: core.User | None, parcel: Parcel) -> SitePlan:
    """Register a site-plan extract (its reference goes on the PDF and its QR code)."""
    _allowed(actor, "gis.issue_site_plans")
    if parcel.status == ParcelStatus.RETIRED:
        raise ValidationError(
            _("Parcel %(label)s is no longer in force.") % {"label": parcel.label}
        )
    org = core.organisation()
    prefix = (org.reference_prefix if org else "GIS") + "-SP"
    reference = core.next_reference(prefix=prefix, year=timezone.now().year)
    plan = SitePlan.objects.create(
        reference=reference,
        parcel=parcel,
        geometry_hash=geometry_hash(parcel),
        issued_by=actor if actor is not None and actor.pk else None,
    )
    core.record_audit(
        actor=actor, action="gis.site_plan.issue", obj=parcel, after={"reference": reference}
    )
    return plan


# -- demo --------------------------------------------------------------------------
@transaction.atomic
def load_demo_fabric(
    *, actor: core.User | None, country: str, count: int, owners: list[Any] | None = None
) -> int:
    """Zones and a synthetic parcel fabric (see ``gis.demo``); returns how many
    parcels were added (0 when the demo fabric is already there)."""
    from baladiya.gis.demo import build_fabric, zone_definitions

    _allowed(actor, "gis.manage_parcels")
    if Parcel.objects.filter(source="demo").exists():
        return 0
    fabric = build_fabric(country=country, count=count)
    zones: dict[str, Zone] = {}
    for definition in zone_definitions(country):
        code = definition.pop("code")
        zone = Zone.objects.filter(code=code).first() or Zone(code=code)
        for name, value in definition.items():
            if value is not None and name.startswith(("max_", "setback_", "min_")):
                value = value if name == "max_floors" else Decimal(str(value))
            setattr(zone, name, value)
        outline = fabric.zones.get(code)
        if outline is not None and not outline.is_empty:
            zone.geometry_wkb = to_wkb(outline)
        zone.save()
        zones[code] = zone
    geoms = np.array(fabric.geometries, dtype=object)
    areas = areas_m2(geoms, country)
    rows = []
    top: dict[str, int] = defaultdict(int)
    for k, (geom, attrs) in enumerate(zip(fabric.geometries, fabric.attributes, strict=True)):
        number = attrs["number"]
        if number:
            top[attrs["block"]] = max(top[attrs["block"]], int(number))
        rows.append(
            Parcel(
                block=attrs["block"],
                number=number,
                neighbourhood=attrs["neighbourhood"],
                status=ParcelStatus.ACTIVE if number else ParcelStatus.UNNUMBERED,
                zone=zones.get(attrs["zone"]),
                geometry_wkb=to_wkb(geom),
                area_m2=Decimal(str(round(float(areas[k]), 2))),
                source="demo",
                **_bbox(geom),
            )
        )
    Parcel.objects.bulk_create(rows, batch_size=BATCH)
    _raise_counters(top)
    if owners:
        import random

        rng = random.Random(f"gis-owners-{country}")  # noqa: S311 - demo data
        created = list(
            Parcel.objects.filter(source="demo", status=ParcelStatus.ACTIVE).values_list(
                "pk", flat=True
            )
        )
        shares = []
        for pk in created:
            roll = rng.random()
            if roll < 0.5:
                shares.append(ParcelOwner(parcel_id=pk, party=rng.choice(owners), share=Decimal(1)))
            elif roll < 0.65:
                a, b = rng.sample(owners, 2) if len(owners) > 1 else (owners[0], None)
                shares.append(ParcelOwner(parcel_id=pk, party=a, share=Decimal("0.5")))
                if b is not None:
                    shares.append(ParcelOwner(parcel_id=pk, party=b, share=Decimal("0.5")))
        ParcelOwner.objects.bulk_create(shares, batch_size=BATCH)
    bump_index_version()
    core.record_audit(
        actor=actor,
        action="gis.parcels.demo",
        after={"country": country, "parcels": len(rows), "zones": sorted(zones)},
    )
    return len(rows)
