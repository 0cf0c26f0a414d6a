"""The gis app's public surface for other apps.

Other apps find the parcel under a point (a complaint's pin, a meter's
location), read a parcel and the building rules of its zone (the permit
review), and register what they link to a parcel so the map can show it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from baladiya.gis import selectors, services
from baladiya.gis.models import Parcel
from baladiya.gis.registry import (
    LinkedRecord,
    MapLayer,
    linked_records,
    map_layers,
    register_map_layer,
    register_parcel_links,
)


@dataclass(frozen=True)
class ZoneRules:
    """The rules a building permit is checked against (``None``: no limit set)."""

    zone_code: str
    zone_name: str
    max_floors: int | None
    max_height_m: Decimal | None
    max_coverage_pct: Decimal | None
    max_far: Decimal | None
    setback_front_m: Decimal | None
    setback_side_m: Decimal | None
    setback_rear_m: Decimal | None
    min_parcel_area_m2: Decimal | None
    permitted_uses: tuple[str, ...]
    parcel_area_m2: Decimal

    @property
    def max_footprint_m2(self) -> Decimal | None:
        if self.max_coverage_pct is None:
            return None
        return (self.parcel_area_m2 * self.max_coverage_pct / 100).quantize(Decimal("0.01"))

    @property
    def max_floor_area_m2(self) -> Decimal | None:
        if self.max_far is None:
            return None
        return (self.parcel_area_m2 * self.max_far).quantize(Decimal("0.01"))


def parcel_at_point(lon: float, lat: float) -> Parcel | None:
    """The parcel in force containing the point (WGS84 longitude, latitude)."""
    return selectors.parcel_at_point(lon, lat)


def parcel_by_id(parcel_id: int) -> Parcel | None:
    return selectors.parcel_by_id(parcel_id)


def parcel_by_number(block: str, number: str) -> Parcel | None:
    return selectors.parcel_by_number(block, number)


def zone_rules_for_parcel(parcel: Parcel | int) -> ZoneRules | None:
    if not isinstance(parcel, Parcel):
        found = selectors.parcel_by_id(parcel)
        if found is None:
            return None
        parcel = found
    zone = parcel.zone
    if zone is None:
        return None
    return ZoneRules(
        zone_code=zone.code,
        zone_name=zone.name,
        max_floors=zone.max_floors,
        max_height_m=zone.max_height_m,
        max_coverage_pct=zone.max_coverage_pct,
        max_far=zone.max_far,
        setback_front_m=zone.setback_front_m,
        setback_side_m=zone.setback_side_m,
        setback_rear_m=zone.setback_rear_m,
        min_parcel_area_m2=zone.min_parcel_area_m2,
        permitted_uses=tuple(zone.permitted_uses or ()),
        parcel_area_m2=parcel.area_m2,
    )


def parcels_in_polygon(area: Any, *, within: bool = False) -> list[Parcel]:
    """Parcels meeting (or inside) a shapely polygon in WGS84."""
    return list(selectors.parcels_in_polygon(area, within=within))


def neighbours(parcel: Parcel) -> list[Parcel]:
    return list(selectors.neighbours(parcel))


def load_demo_parcels(
    *, profile_key: str, country: str, count: int = 3000, owners: list[Any] | None = None
) -> int:
    """The demo parcel fabric for a profile (idempotent); returns parcels added."""
    del profile_key  # the fabric depends on the country's area only
    return services.load_demo_fabric(actor=None, country=country, count=count, owners=owners)


__all__ = [
    "LinkedRecord",
    "MapLayer",
    "ZoneRules",
    "linked_records",
    "load_demo_parcels",
    "map_layers",
    "neighbours",
    "parcel_at_point",
    "parcel_by_id",
    "parcel_by_number",
    "parcels_in_polygon",
    "register_map_layer",
    "register_parcel_links",
    "zone_rules_for_parcel",
]
