"""Reads of the gis app: spatial look-ups through an in-memory STRtree (built per
process, rebuilt when the stored index version changes), parcels and zones for
the map, and what a parcel inquiry may show."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from django.db.models import QuerySet
from shapely.geometry import Point, box, mapping
from shapely.geometry.base import BaseGeometry

from baladiya.core import api as core
from baladiya.gis.geometry import from_wkb
from baladiya.gis.models import IndexVersion, Parcel, ParcelOwner, ParcelStatus, Zone

LIVE = (ParcelStatus.ACTIVE, ParcelStatus.UNNUMBERED)
# Two parcels closer than this (degrees, about half a metre) are neighbours.
NEIGHBOUR_TOLERANCE = 5e-6


# -- the spatial index -------------------------------------------------------------
@dataclass
class ParcelIndex:
    version: int
    ids: np.ndarray
    geoms: np.ndarray
    tree: shapely.STRtree

    def __len__(self) -> int:
        return len(self.ids)


_lock = threading.Lock()
_cache: dict[str, ParcelIndex] = {}


def index_version() -> int:
    version = IndexVersion.objects.filter(singleton=True).values_list("version", flat=True).first()
    return int(version or 0)


def _build(version: int) -> ParcelIndex:
    rows = list(Parcel.objects.filter(status__in=LIVE).values_list("pk", "geometry_wkb"))
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    geoms = shapely.from_wkb(np.array([bytes(r[1]) for r in rows], dtype=object))
    if len(rows) == 0:
        geoms = np.array([], dtype=object)
    return ParcelIndex(version=version, ids=ids, geoms=geoms, tree=shapely.STRtree(geoms))


def spatial_index() -> ParcelIndex:
    """The process's index of live parcels, rebuilt when parcels have changed."""
    version = index_version()
    current = _cache.get("parcels")
    if current is not None and current.version == version:
        return current
    with _lock:
        current = _cache.get("parcels")
        if current is None or current.version != version:
            current = _build(version)
            _cache["parcels"] = current
    return current


def forget_index() -> None:
    _cache.pop("parcels", None)


# -- look-ups ----------------------------------------------------------------------
def parcel_id_at_point(lon: float, lat: float) -> int | None:
    """The live parcel containing the point (on a shared edge: the lower id)."""
    index = spatial_index()
    if not len(index):
        return None
    hits = index.tree.query(Point(lon, lat), predicate="intersects")
    if len(hits) == 0:
        return None
    return int(index.ids[hits].min())


def parcel_at_point(lon: float, lat: float) -> Parcel | None:
    parcel_id = parcel_id_at_point(lon, lat)
    if parcel_id is None:
        return None
    return Parcel.objects.select_related("zone").filter(pk=parcel_id).first()


def parcel_at_point_sql(lon: float, lat: float) -> Parcel | None:
    """The same look-up without the in-memory index: a bounding-box filter in SQL,
    then an exact test in shapely (for one-off scripts and as a cross-check)."""
    point = Point(lon, lat)
    candidates = Parcel.objects.filter(
        status__in=LIVE, min_lon__lte=lon, max_lon__gte=lon, min_lat__lte=lat, max_lat__gte=lat
    ).order_by("pk")
    for parcel in candidates.select_related("zone"):
        if from_wkb(parcel.geometry_wkb).intersects(point):
            return parcel
    return None


def parcel_ids_in_polygon(area: BaseGeometry, *, within: bool = False) -> list[int]:
    """Live parcels touching (or, with ``within``, wholly inside) a drawn polygon."""
    index = spatial_index()
    if not len(index):
        return []
    hits = index.tree.query(area, predicate="contains" if within else "intersects")
    return sorted(int(i) for i in index.ids[hits])


def parcels_in_polygon(area: BaseGeometry, *, within: bool = False) -> QuerySet[Parcel]:
    return Parcel.objects.filter(pk__in=parcel_ids_in_polygon(area, within=within))


def neighbour_ids(parcel: Parcel) -> list[int]:
    index = spatial_index()
    geom = from_wkb(parcel.geometry_wkb).buffer(NEIGHBOUR_TOLERANCE)
    hits = index.tree.query(geom, predicate="intersects")
    return sorted(int(i) for i in index.ids[hits] if int(i) != parcel.pk)


def neighbours(parcel: Parcel) -> QuerySet[Parcel]:
    return Parcel.objects.filter(pk__in=neighbour_ids(parcel)).select_related("zone")


def parcel_by_id(parcel_id: int) -> Parcel | None:
    return Parcel.objects.select_related("zone").filter(pk=parcel_id).first()


def parcel_by_number(block: str, number: str) -> Parcel | None:
    if not number:
        return None
    return Parcel.objects.select_related("zone").filter(block=block, number=number).first()


def zones() -> QuerySet[Zone]:
    return Zone.objects.all()


def zone_by_code(code: str) -> Zone | None:
    return Zone.objects.filter(code=code).first()


def owners_of(*, user: core.User | Any, parcel: Parcel) -> QuerySet[ParcelOwner]:
    """Owners are personal data: staff with ``gis.view_owners`` only."""
    core.require(user, "gis.view_owners")
    return parcel.owners.select_related("party").order_by("-share", "party__name_ar")


def may_view_owners(user: core.User | Any) -> bool:
    return core.has_capability(user, "gis.view_owners")


def lineage(parcel: Parcel) -> dict[str, list[Parcel]]:
    parents = [link.parent for link in parcel.parent_links.select_related("parent")]
    children = [link.child for link in parcel.children_links.select_related("child")]
    return {"parents": parents, "children": children}


# -- GeoJSON for the map and the API -------------------------------------------------
def parcel_properties(parcel: Parcel) -> dict[str, Any]:
    """Public facts of a parcel (nothing about its owners)."""
    return {
        "id": parcel.pk,
        "block": parcel.block,
        "number": parcel.number,
        "label": parcel.label,
        "neighbourhood": parcel.neighbourhood,
        "status": parcel.status,
        "zone": parcel.zone.code if parcel.zone_id and parcel.zone else "",
        "area_m2": float(parcel.area_m2),
    }


def parcel_feature(parcel: Parcel, *, precision: int = 7) -> dict[str, Any]:
    geom = shapely.set_precision(from_wkb(parcel.geometry_wkb), 10**-precision)
    return {
        "type": "Feature",
        "id": parcel.pk,
        "geometry": mapping(geom),
        "properties": parcel_properties(parcel),
    }


def parcels_in_bbox(
    min_lon: float, min_lat: float, max_lon: float, max_lat: float, *, limit: int = 5000
) -> list[Parcel]:
    """Live parcels whose bounding box meets the given one (SQL on the indexed columns)."""
    return list(
        Parcel.objects.filter(
            status__in=LIVE,
            max_lon__gte=min_lon,
            min_lon__lte=max_lon,
            max_lat__gte=min_lat,
            min_lat__lte=max_lat,
        )
        .select_related("zone")
        .order_by("pk")[:limit]
    )


def parcels_geojson(parcels: list[Parcel]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": [parcel_feature(p) for p in parcels]}


def zones_geojson() -> dict[str, Any]:
    features = []
    for zone in Zone.objects.exclude(geometry_wkb=None):
        if not zone.geometry_wkb:
            continue
        features.append(
            {
                "type": "Feature",
                "id": zone.pk,
                "geometry": mapping(from_wkb(zone.geometry_wkb)),
                "properties": {
                    "code": zone.code,
                    "name": zone.name,
                    "colour": zone.colour,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def all_parcels_features() -> list[dict[str, Any]]:
    return [parcel_feature(p) for p in Parcel.objects.select_related("zone").order_by("pk")]


def parcels_extent() -> tuple[float, float, float, float] | None:
    """(min lon, min lat, max lon, max lat) of every live parcel."""
    index = spatial_index()
    if not len(index):
        return None
    minx, miny, maxx, maxy = shapely.total_bounds(index.geoms)
    return float(minx), float(miny), float(maxx), float(maxy)


def bbox_polygon(min_lon: float, min_lat: float, max_lon: float, max_lat: float) -> BaseGeometry:
    return box(min_lon, min_lat, max_lon, max_lat)
