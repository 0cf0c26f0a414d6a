"""A synthetic but plausible parcel fabric: a slightly rotated grid of street
blocks, each of two rows of parcels with uneven frontages and a shared, slanted
back line (so neighbours share edges exactly, with no gaps or overlaps), zones
by position, and an irregular "old unplanned" quarter whose parcels have no
numbers yet. Pure geometry: no database."""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from shapely.geometry import MultiPoint, Polygon
from shapely.geometry.base import BaseGeometry

from baladiya.gis.geometry import gis_profile, project, unproject

STREET = 12.0
DEPTH = 30.0  # per row; a block is two rows deep
PER_ROW = 6

NEIGHBOURHOODS = {
    "PS": ["البلدة", "الحي الشرقي", "الحي الغربي", "الجبل", "الوعرة", "خلة الحطب", "الظهر"],
    "SA": ["الشاطئ", "الناصرة", "المجيدية", "الشريعة", "البستان", "الدانة", "الريف"],
}

ZONES: dict[str, list[dict[str, Any]]] = {
    "PS": [
        {
            "code": "res-a",
            "name_ar": "سكن أ",
            "name_en": "Residential A",
            "colour": "#e3a21a",
            "max_floors": 4,
            "max_coverage_pct": 50,
            "max_far": 2.0,
            "setback_front_m": 5,
            "setback_side_m": 3,
            "setback_rear_m": 3,
            "min_parcel_area_m2": 500,
            "permitted_uses": ["residential", "home-office"],
        },
        {
            "code": "res-b",
            "name_ar": "سكن ب",
            "name_en": "Residential B",
            "colour": "#f0c419",
            "max_floors": 3,
            "max_coverage_pct": 45,
            "max_far": 1.35,
            "setback_front_m": 4,
            "setback_side_m": 3,
            "setback_rear_m": 3,
            "min_parcel_area_m2": 400,
            "permitted_uses": ["residential"],
        },
        {
            "code": "commercial",
            "name_ar": "تجاري",
            "name_en": "Commercial",
            "colour": "#d9534f",
            "max_floors": 6,
            "max_coverage_pct": 70,
            "max_far": 4.2,
            "setback_front_m": 0,
            "setback_side_m": 0,
            "setback_rear_m": 3,
            "min_parcel_area_m2": 300,
            "permitted_uses": ["commercial", "offices", "residential-above"],
        },
        {
            "code": "agricultural",
            "name_ar": "زراعي",
            "name_en": "Agricultural",
            "colour": "#5cb85c",
            "max_floors": 2,
            "max_coverage_pct": 10,
            "max_far": 0.2,
            "setback_front_m": 10,
            "setback_side_m": 5,
            "setback_rear_m": 5,
            "min_parcel_area_m2": 1000,
            "permitted_uses": ["agriculture", "residential"],
        },
        {
            "code": "old-town",
            "name_ar": "البلدة القديمة",
            "name_en": "Old town",
            "colour": "#8e6c8a",
            "max_floors": 2,
            "max_coverage_pct": 80,
            "max_far": 1.6,
            "setback_front_m": 0,
            "setback_side_m": 0,
            "setback_rear_m": 0,
            "min_parcel_area_m2": None,
            "permitted_uses": ["residential", "crafts", "heritage"],
        },
    ],
    "SA": [
        {
            "code": "res-a",
            "name_ar": "سكني (أ)",
            "name_en": "Residential (A)",
            "colour": "#e3a21a",
            "max_floors": 3,
            "max_coverage_pct": 60,
            "max_far": 1.8,
            "setback_front_m": 6,
            "setback_side_m": 2,
            "setback_rear_m": 2,
            "min_parcel_area_m2": 400,
            "permitted_uses": ["residential"],
        },
        {
            "code": "res-b",
            "name_ar": "سكني (ب)",
            "name_en": "Residential (B)",
            "colour": "#f0c419",
            "max_floors": 2,
            "max_coverage_pct": 60,
            "max_far": 1.2,
            "setback_front_m": 6,
            "setback_side_m": 2,
            "setback_rear_m": 2,
            "min_parcel_area_m2": 375,
            "permitted_uses": ["residential"],
        },
        {
            "code": "commercial",
            "name_ar": "تجاري",
            "name_en": "Commercial",
            "colour": "#d9534f",
            "max_floors": 5,
            "max_coverage_pct": 60,
            "max_far": 3.0,
            "setback_front_m": 6,
            "setback_side_m": 0,
            "setback_rear_m": 2,
            "min_parcel_area_m2": 300,
            "permitted_uses": ["commercial", "offices"],
        },
        {
            "code": "agricultural",
            "name_ar": "زراعي (نخيل)",
            "name_en": "Agricultural (palm groves)",
            "colour": "#5cb85c",
            "max_floors": 1,
            "max_coverage_pct": 5,
            "max_far": 0.05,
            "setback_front_m": 10,
            "setback_side_m": 5,
            "setback_rear_m": 5,
            "min_parcel_area_m2": 2000,
            "permitted_uses": ["agriculture"],
        },
        {
            "code": "old-town",
            "name_ar": "الديرة القديمة",
            "name_en": "Old quarter (Deira)",
            "colour": "#8e6c8a",
            "max_floors": 2,
            "max_coverage_pct": 90,
            "max_far": 1.8,
            "setback_front_m": 0,
            "setback_side_m": 0,
            "setback_rear_m": 0,
            "min_parcel_area_m2": None,
            "permitted_uses": ["residential", "crafts", "heritage"],
        },
    ],
}


@dataclass
class Fabric:
    geometries: list[BaseGeometry] = field(default_factory=list)  # WGS84
    attributes: list[dict[str, Any]] = field(default_factory=list)
    zones: dict[str, BaseGeometry] = field(default_factory=dict)  # WGS84 outlines
    unplanned_area: BaseGeometry | None = None  # WGS84


def _block_parcels(
    rng: random.Random, x0: float, y0: float, width: float
) -> list[list[tuple[float, float]]]:
    """Two rows of parcels in a block [x0, x0+width] × [y0, y0+2·DEPTH]."""
    mid_left = y0 + DEPTH + rng.uniform(-3, 3)
    mid_right = y0 + DEPTH + rng.uniform(-3, 3)

    def mid(x: float) -> float:
        return mid_left + (mid_right - mid_left) * (x - x0) / width

    rings = []
    for lower in (True, False):
        cuts = [x0]
        for k in range(1, PER_ROW):
            cuts.append(x0 + width * k / PER_ROW + rng.uniform(-3.5, 3.5))
        cuts.append(x0 + width)
        for a, b in itertools.pairwise(cuts):
            if lower:
                rings.append([(a, y0), (b, y0), (b, mid(b)), (a, mid(a))])
            else:
                top = y0 + 2 * DEPTH
                rings.append([(a, mid(a)), (b, mid(b)), (b, top), (a, top)])
    return rings


def build_fabric(*, country: str, count: int, seed: str = "baladiya") -> Fabric:
    """About ``count`` parcels around the profile's centre (5 % of them in the
    unnumbered old quarter)."""
    rng = random.Random(f"{seed}-{country}-{count}")  # noqa: S311 - synthetic data
    profile = gis_profile(country)
    centre = project(shapely.points(*profile.centre), country)
    cx, cy = centre.x, centre.y
    unplanned_count = max(10, count // 20)
    planned = max(count - unplanned_count, PER_ROW * 2)
    blocks = math.ceil(planned / (PER_ROW * 2))
    cols = max(1, math.ceil(math.sqrt(blocks * 2.2)))
    rows_n = math.ceil(blocks / cols)
    width = PER_ROW * 22.0
    pitch_x, pitch_y = width + STREET, 2 * DEPTH + STREET
    total_w, total_h = cols * pitch_x, rows_n * pitch_y
    ox, oy = cx - total_w / 2, cy - total_h / 2
    angle = math.radians(rng.uniform(-8, 8))
    cos_a, sin_a = math.cos(angle), math.sin(angle)

    def rotate(x: float, y: float) -> tuple[float, float]:
        dx, dy = x - cx, y - cy
        return cx + dx * cos_a - dy * sin_a, cy + dx * sin_a + dy * cos_a

    names = NEIGHBOURHOODS.get(country, NEIGHBOURHOODS["PS"])
    tile = 4  # blocks per basin / plan side
    fabric = Fabric()
    projected: list[Polygon] = []
    zone_of: list[str] = []
    numbers: dict[str, int] = {}
    made = 0
    for b in range(blocks):
        row, col = divmod(b, cols)
        x0, y0 = ox + col * pitch_x, oy + row * pitch_y
        basin = (row // tile) * math.ceil(cols / tile) + col // tile + 1
        block = str(basin) if country == "PS" else str(1200 + basin)
        rel_x, rel_y = (col + 0.5) / cols - 0.5, (row + 0.5) / rows_n - 0.5
        if abs(rel_y) < 0.06 or abs(rel_x) < 0.04:
            zone = "commercial"
        elif max(abs(rel_x), abs(rel_y)) > 0.42:
            zone = "agricultural"
        elif (rel_x + rel_y) > 0:
            zone = "res-a"
        else:
            zone = "res-b"
        for ring in _block_parcels(rng, x0, y0, width):
            if made >= planned:
                break
            numbers[block] = numbers.get(block, 0) + 1
            projected.append(Polygon([rotate(x, y) for x, y in ring]))
            zone_of.append(zone)
            fabric.attributes.append(
                {
                    "block": block,
                    "number": str(numbers[block]),
                    "neighbourhood": names[(basin - 1) % len(names)],
                    "zone": zone,
                }
            )
            made += 1
    # The old unplanned quarter, east of the grid: irregular cells, no numbers.
    side = math.sqrt(unplanned_count * 450.0)
    qx, qy = ox + total_w + 40, cy - side / 2
    quarter = Polygon(
        [
            (qx, qy + side * 0.1),
            (qx + side * 0.7, qy),
            (qx + side, qy + side * 0.35),
            (qx + side * 0.9, qy + side),
            (qx + side * 0.15, qy + side * 0.92),
        ]
    )
    quarter = Polygon([rotate(x, y) for x, y in quarter.exterior.coords])
    minx, miny, maxx, maxy = quarter.bounds
    seeds: list[tuple[float, float]] = []
    while len(seeds) < unplanned_count:
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if quarter.contains(shapely.points(x, y)):
            seeds.append((x, y))
    cells = shapely.voronoi_polygons(MultiPoint(seeds), extend_to=quarter)
    for cell in cells.geoms:
        clipped = cell.intersection(quarter)
        if clipped.is_empty or clipped.geom_type != "Polygon" or clipped.area < 20:
            continue
        projected.append(clipped)
        zone_of.append("old-town")
        fabric.attributes.append(
            {"block": "", "number": "", "neighbourhood": "", "zone": "old-town"}
        )
    wgs = unproject(np.array(projected, dtype=object), country)
    fabric.geometries = list(shapely.set_precision(wgs, 1e-9))
    # Zone outlines: the union of their parcels, grown over the streets.
    by_zone: dict[str, list[Polygon]] = {}
    for geom, zone in zip(projected, zone_of, strict=True):
        by_zone.setdefault(zone, []).append(geom)
    for zone, geoms in by_zone.items():
        outline = shapely.union_all(shapely.buffer(geoms, STREET / 2 + 0.5, join_style="mitre"))
        outline = outline.buffer(-(STREET / 2), join_style="mitre").simplify(1.0)
        fabric.zones[zone] = unproject(outline, country)
    fabric.unplanned_area = unproject(quarter.buffer(1.0), country)
    return fabric


def zone_definitions(country: str) -> list[dict[str, Any]]:
    return [dict(z) for z in ZONES.get(country, ZONES["PS"])]
