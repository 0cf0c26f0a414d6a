"""Pure geometry helpers (no database): the projected system per country,
areas in square metres, validation of polygons and the spatial order used to
number an unplanned area."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import shapely
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry


@dataclass(frozen=True)
class GisProfile:
    """Facts about land registration that depend on the country."""

    country: str
    projected_crs: str
    block_label: str | Promise
    number_label: str | Promise
    # A point inside the municipality, for the map's first view.
    centre: tuple[float, float]


PROFILES: dict[str, GisProfile] = {
    "PS": GisProfile("PS", "EPSG:32636", _("Basin"), _("Parcel"), (35.05, 31.54)),
    "SA": GisProfile("SA", "EPSG:32639", _("Plan"), _("Plot"), (50.01, 26.56)),
}


def gis_profile(country: str) -> GisProfile:
    return PROFILES.get(country or "PS", PROFILES["PS"])


@lru_cache(maxsize=8)
def _to_projected(crs: str) -> Transformer:
    return Transformer.from_crs("EPSG:4326", crs, always_xy=True)


@lru_cache(maxsize=8)
def _to_wgs84(crs: str) -> Transformer:
    return Transformer.from_crs(crs, "EPSG:4326", always_xy=True)


def _apply(geoms: Any, transformer: Transformer) -> Any:
    def fn(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geoms, fn)


def project(geoms: Any, country: str) -> Any:
    """WGS84 geometry (or an array of them) → the country's projected system (metres)."""
    return _apply(geoms, _to_projected(gis_profile(country).projected_crs))


def unproject(geoms: Any, country: str) -> Any:
    return _apply(geoms, _to_wgs84(gis_profile(country).projected_crs))


def reproject(geoms: Any, source_crs: str) -> Any:
    """Geometry in ``source_crs`` (anything pyproj reads: EPSG code, WKT) → WGS84."""
    return _apply(geoms, Transformer.from_crs(source_crs, "EPSG:4326", always_xy=True))


def areas_m2(geoms: Any, country: str) -> np.ndarray:
    return np.asarray(shapely.area(project(geoms, country)))


def to_wkb(geom: BaseGeometry) -> bytes:
    return bytes(shapely.to_wkb(geom, output_dimension=2))


def from_wkb(data: bytes | memoryview) -> BaseGeometry:
    return shapely.from_wkb(bytes(data))


def problem_of(geom: BaseGeometry | None) -> str:
    """Why a geometry cannot be a parcel outline ('' when it can)."""
    if geom is None or geom.is_empty:
        return str(_("The geometry is empty."))
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        return str(_("The geometry is a %(kind)s, not a polygon.") % {"kind": geom.geom_type})
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        return str(_("The polygon is invalid: %(reason)s.") % {"reason": reason})
    return ""


def looks_like_lonlat(geom: BaseGeometry) -> bool:
    minx, miny, maxx, maxy = geom.bounds
    return -180 <= minx <= 180 and -180 <= maxx <= 180 and -90 <= miny <= 90 and -90 <= maxy <= 90


def spatial_order(points_xy: np.ndarray) -> list[int]:
    """Indices of projected points in serpentine order: rows from north to south,
    west→east then east→west, so consecutive numbers are neighbours on the ground.
    The row height is the median spacing of the points."""
    n = len(points_xy)
    if n == 0:
        return []
    ys = points_xy[:, 1]
    span = float(ys.max() - ys.min())
    if n < 4 or span == 0:
        return sorted(range(n), key=lambda i: (-ys[i], points_xy[i, 0]))
    area = max(
        float((points_xy[:, 0].max() - points_xy[:, 0].min()) * span),
        1.0,
    )
    row_height = max((area / n) ** 0.5, 1.0)
    top = float(ys.max())
    rows: dict[int, list[int]] = {}
    for i in range(n):
        rows.setdefault(int((top - ys[i]) // row_height), []).append(i)
    order: list[int] = []
    for position, key in enumerate(sorted(rows)):
        members = sorted(rows[key], key=lambda i: points_xy[i, 0])
        if position % 2:
            members.reverse()
        order.extend(members)
    return order
