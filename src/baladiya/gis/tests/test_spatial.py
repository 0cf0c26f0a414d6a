"""Spatial look-ups (the same answers on SQLite and PostgreSQL), zones and their
rules, numbering of an unplanned area, splits and merges, the demo fabric."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from shapely.geometry import Polygon, box

from baladiya.gis import api, formats, selectors, services
from baladiya.gis.models import NumberingRun, Parcel, ParcelLineage, ParcelStatus
from baladiya.gis.tests.conftest import DLAT, DLON, LAT0, LON0, cell, grid_features

pytestmark = pytest.mark.django_db


def load_grid(actor: Any, cols: int = 4, rows: int = 3, **kwargs: Any) -> None:
    collection = {"type": "FeatureCollection", "features": grid_features(cols, rows, **kwargs)}
    report = services.import_parcels(
        actor=actor, features=formats.read_geojson(json.dumps(collection))
    )
    assert report.ok, report.errors


def test_the_parcel_containing_a_point(gis_officer: Any) -> None:
    """Runs on SQLite by default and on PostgreSQL with DATABASE_URL=postgres://…"""
    load_grid(gis_officer)
    # The middle of column 2, row 1 is parcel 7 of basin 7 (numbered row by row).
    lon, lat = LON0 + 2.5 * DLON, LAT0 + 1.5 * DLAT
    parcel = api.parcel_at_point(lon, lat)
    assert parcel is not None and (parcel.block, parcel.number) == ("7", "7")
    assert selectors.parcel_at_point_sql(lon, lat) == parcel
    assert api.parcel_at_point(LON0 - 0.01, LAT0) is None
    assert selectors.parcel_at_point_sql(LON0 - 0.01, LAT0) is None

    # The index follows changes: split parcel 7 and the point falls in a new parcel.
    left = box(LON0 + 2 * DLON, LAT0 + DLAT, LON0 + 2.5 * DLON, LAT0 + 2 * DLAT)
    right = box(LON0 + 2.5 * DLON, LAT0 + DLAT, LON0 + 3 * DLON, LAT0 + 2 * DLAT)
    services.split_parcel(actor=gis_officer, parcel=parcel, parts=[left, right])
    moved = api.parcel_at_point(lon + DLON / 10, lat)
    assert moved is not None and moved.number == "14"  # 13 was taken by 1..12 → 13, 14
    assert api.parcel_at_point(lon - DLON / 10, lat).number == "13"  # type: ignore[union-attr]
    assert selectors.parcel_at_point_sql(lon + DLON / 10, lat) == moved


def test_parcels_in_a_drawn_polygon_and_neighbours(gis_officer: Any) -> None:
    load_grid(gis_officer)
    area = box(LON0 + 0.5 * DLON, LAT0 + 0.5 * DLAT, LON0 + 1.5 * DLON, LAT0 + 0.9 * DLAT)
    assert sorted(p.number for p in api.parcels_in_polygon(area)) == ["1", "2"]
    assert api.parcels_in_polygon(area, within=True) == []
    middle = api.parcel_by_number("7", "6")
    assert middle is not None
    assert sorted(int(p.number) for p in api.neighbours(middle)) == [1, 2, 3, 5, 7, 9, 10, 11]


def test_zone_rules_for_a_parcel(gis_officer: Any) -> None:
    load_grid(gis_officer, 1, 1)
    zone = services.save_zone(
        actor=gis_officer,
        code="res-a",
        name_ar="سكن أ",
        name_en="Residential A",
        max_floors=4,
        max_coverage_pct=50,
        max_far="2.0",
        setback_front_m=5,
        setback_side_m=3,
        setback_rear_m=3,
        permitted_uses=["residential"],
    )
    parcel = Parcel.objects.get()
    services.assign_zone(actor=gis_officer, parcels=[parcel], zone=zone)
    rules = api.zone_rules_for_parcel(parcel.pk)
    assert rules is not None
    assert rules.max_floors == 4 and rules.max_far == Decimal("2.00")
    assert rules.permitted_uses == ("residential",)
    assert rules.max_footprint_m2 == (parcel.area_m2 / 2).quantize(Decimal("0.01"))
    with pytest.raises(ValidationError):
        services.save_zone(actor=gis_officer, code="x", name_ar="x", name_en="x", colour_of="red")


def test_numbering_an_unplanned_area(gis_officer: Any) -> None:
    load_grid(gis_officer, 2, 1, block="3")  # numbered 3/1, 3/2
    unplanned = [
        {
            "type": "Feature",
            "properties": {},
            "geometry": cell(c, r, lon0=LON0 + 0.001).__geo_interface__,
        }
        for r in range(2)
        for c in range(3)
    ]
    report = services.import_parcels(
        actor=gis_officer,
        features=formats.read_geojson(
            json.dumps({"type": "FeatureCollection", "features": unplanned})
        ),
    )
    assert report.ok
    area = box(LON0 - DLON, LAT0 - DLAT, LON0 + 0.001 + 4 * DLON, LAT0 + 3 * DLAT)
    run = services.number_unplanned_area(
        actor=gis_officer, area=area, block="3", neighbourhood="البلدة"
    )
    assert (run.count, run.first_number, run.last_number) == (6, 3, 8)
    # Serpentine from the north-west: the top row west→east, the bottom row east→west.
    numbered = {(p["lon"], p["lat"]): p["number"] for p in run.report if "number" in p}
    ordered = [numbered[k] for k in sorted(numbered, key=lambda k: (-k[1], k[0]))]
    assert ordered == [3, 4, 5, 8, 7, 6]
    assert [p["skipped"] for p in run.report if "skipped" in p] == ["3/1", "3/2"]
    assert Parcel.objects.filter(status=ParcelStatus.UNNUMBERED).count() == 0

    # Numbers are never reused: after a merge retires 3/7 and 3/8, the next run
    # continues after the highest number ever given.
    merged = services.merge_parcels(
        actor=gis_officer,
        parcels=[api.parcel_by_number("3", "7"), api.parcel_by_number("3", "8")],  # type: ignore[list-item]
    )
    assert merged.number == "9"
    assert ParcelLineage.objects.filter(child=merged).count() == 2
    services.import_parcels(
        actor=gis_officer,
        features=formats.read_geojson(
            json.dumps(
                {
                    "type": "FeatureCollection",
                    "features": [
                        {
                            "type": "Feature",
                            "properties": {},
                            "geometry": cell(0, 5).__geo_interface__,
                        }
                    ],
                }
            )
        ),
    )
    again = services.number_unplanned_area(
        actor=gis_officer, area=box(LON0 - 1, LAT0 - 1, LON0 + 1, LAT0 + 1), block="3"
    )
    assert again.first_number == 10
    assert NumberingRun.objects.count() == 2


def test_merging_parcels_that_do_not_touch_is_refused(gis_officer: Any) -> None:
    load_grid(gis_officer, 3, 1)
    with pytest.raises(ValidationError):
        services.merge_parcels(
            actor=gis_officer,
            parcels=[api.parcel_by_number("7", "1"), api.parcel_by_number("7", "3")],  # type: ignore[list-item]
        )


def test_a_split_must_cover_the_parcel(gis_officer: Any) -> None:
    load_grid(gis_officer, 1, 1)
    parcel = Parcel.objects.get()
    half = Polygon(
        [(LON0, LAT0), (LON0 + DLON / 2, LAT0), (LON0 + DLON / 2, LAT0 + DLAT), (LON0, LAT0 + DLAT)]
    )
    with pytest.raises(ValidationError):
        services.split_parcel(actor=gis_officer, parcel=parcel, parts=[half, half])


def test_owners_and_shares(gis_officer: Any) -> None:
    from baladiya.core.tests.factories import PersonFactory

    load_grid(gis_officer, 1, 1)
    parcel = Parcel.objects.get()
    a, b = PersonFactory(), PersonFactory()
    services.set_owners(
        actor=gis_officer, parcel=parcel, shares=[(a, Decimal("0.5")), (b, Decimal("0.5"))]
    )
    assert parcel.owners.count() == 2
    with pytest.raises(ValidationError):
        services.set_owners(
            actor=gis_officer, parcel=parcel, shares=[(a, Decimal("0.7")), (b, Decimal("0.5"))]
        )


def test_demo_fabric_is_plausible_and_idempotent(org_sa: Any) -> None:
    added = api.load_demo_parcels(profile_key="qatif", country="SA", count=600)
    assert 550 <= added <= 620
    assert api.load_demo_parcels(profile_key="qatif", country="SA", count=600) == 0
    unnumbered = Parcel.objects.filter(status=ParcelStatus.UNNUMBERED)
    assert unnumbered.count() >= 20
    # The fabric has no overlaps: re-validating it as an import finds none.
    features = formats.read_geojson(
        json.dumps({"type": "FeatureCollection", "features": selectors.all_parcels_features()})
    )
    for f in features:
        f.attributes = {}
    selectors.forget_index()
    from baladiya.gis.models import IndexVersion

    IndexVersion.objects.all().delete()
    Parcel.objects.update(status=ParcelStatus.RETIRED)  # so the registered ones do not count
    report, _valid = services.validate_features(features, country="SA")
    assert report.ok, report.errors[:3]
    some = Parcel.objects.filter(number="5").first()
    assert some is not None and 400 < float(some.area_m2) < 900
    assert api.zone_rules_for_parcel(some) is not None
