"""Importing parcels: a validation report, and nothing written unless all is well."""

from __future__ import annotations

import json
from typing import Any

import pytest
import shapefile
from shapely.geometry import Polygon

from baladiya.core.models import AuditEntry
from baladiya.gis import formats, services
from baladiya.gis.models import Parcel, ParcelStatus
from baladiya.gis.tests.conftest import DLAT, DLON, LAT0, LON0, cell, grid_features

pytestmark = pytest.mark.django_db


def write_shapefile(path: Any, rows: list[tuple[dict[str, Any], list[tuple[float, float]]]]) -> Any:
    with shapefile.Writer(str(path), shapeType=shapefile.POLYGON) as writer:
        writer.field("BASIN", "C", size=10)
        writer.field("PARCEL", "N", decimal=0)
        writer.field("OWNER_REF", "C", size=20)
        for attrs, ring in rows:
            writer.poly([ring])
            writer.record(attrs["BASIN"], attrs["PARCEL"], attrs["OWNER_REF"])
    return path.with_suffix(".shp")


def ring_of(col: int, row: int) -> list[tuple[float, float]]:
    return list(cell(col, row).exterior.coords)


def test_a_self_intersecting_polygon_is_reported_by_its_attributes_and_nothing_is_imported(
    tmp_path: Any, gis_officer: Any
) -> None:
    x, y = LON0 + 10 * DLON, LAT0
    bow_tie = [(x, y), (x + DLON, y + DLAT), (x + DLON, y), (x, y + DLAT), (x, y)]
    rows = [({"BASIN": "7", "PARCEL": n, "OWNER_REF": f"R{n}"}, ring_of(n, 0)) for n in range(1, 5)]
    rows.insert(2, ({"BASIN": "7", "PARCEL": 99, "OWNER_REF": "BOWTIE"}, bow_tie))
    path = write_shapefile(tmp_path / "parcels", rows)

    report = services.import_parcels(actor=gis_officer, features=formats.read_shapefile(path))

    assert not report.ok
    assert report.imported == 0
    assert [(p.kind, p.position, p.label) for p in report.errors] == [("invalid", 3, "7/99")]
    problem = report.errors[0]
    assert problem.attributes["OWNER_REF"] == "BOWTIE"
    assert "Self-intersection" in problem.message
    assert Parcel.objects.count() == 0
    assert not AuditEntry.objects.filter(action="gis.parcels.import").exists()

    # Fixed in the source data, the same file imports completely.
    rows[2] = ({"BASIN": "7", "PARCEL": 99, "OWNER_REF": "BOWTIE"}, ring_of(10, 0))
    path = write_shapefile(tmp_path / "fixed", rows)
    report = services.import_parcels(actor=gis_officer, features=formats.read_shapefile(path))
    assert report.ok, report.errors
    assert report.imported == 5
    assert set(Parcel.objects.values_list("number", flat=True)) == {"1", "2", "3", "4", "99"}
    parcel = Parcel.objects.get(number="99")
    assert parcel.block == "7"
    assert 590 < float(parcel.area_m2) < 610  # about 20 m × 30 m, measured in UTM 36N
    assert AuditEntry.objects.filter(action="gis.parcels.import").count() == 1


def test_a_projected_shapefile_with_its_prj_is_reprojected(tmp_path: Any, gis_officer: Any) -> None:
    from pyproj import CRS, Transformer

    to_utm = Transformer.from_crs("EPSG:4326", "EPSG:32636", always_xy=True)
    ring = [to_utm.transform(x, y) for x, y in ring_of(0, 0)]
    path = write_shapefile(tmp_path / "utm", [({"BASIN": "3", "PARCEL": 1, "OWNER_REF": ""}, ring)])
    path.with_suffix(".prj").write_text(CRS.from_epsg(32636).to_wkt("WKT1_ESRI"))
    report = services.import_parcels(actor=gis_officer, features=formats.read_shapefile(path))
    assert report.ok, report.errors
    parcel = Parcel.objects.get()
    assert abs(parcel.min_lon - LON0) < 1e-6 and abs(parcel.min_lat - LAT0) < 1e-6


def test_overlaps_duplicates_and_gaps_are_reported(gis_officer: Any) -> None:
    features = grid_features(3, 1)
    # Feature 4 overlaps parcels 1 and 2 by half; feature 5 repeats number 2.
    shifted = cell(0, 0)
    features.append(
        {
            "type": "Feature",
            "properties": {"basin": "7", "parcel": "4"},
            "geometry": Polygon(
                [(x + DLON / 2, y) for x, y in shifted.exterior.coords]
            ).__geo_interface__,
        }
    )
    features.append(
        {
            "type": "Feature",
            "properties": {"basin": "7", "parcel": "2"},
            "geometry": cell(5, 0).__geo_interface__,
        }
    )
    report = services.import_parcels(
        actor=gis_officer,
        features=formats.read_geojson(
            json.dumps({"type": "FeatureCollection", "features": features})
        ),
    )
    kinds = sorted((p.kind, p.position) for p in report.errors)
    assert ("duplicate", 5) in kinds
    assert ("overlap", 4) in kinds
    assert Parcel.objects.count() == 0

    # A registered parcel cannot be imported again, and a sliver gap is a warning.
    ok = services.import_parcels(
        actor=gis_officer,
        features=formats.read_geojson(
            json.dumps({"type": "FeatureCollection", "features": grid_features(3, 3)})
        ),
    )
    assert ok.ok and ok.imported == 9 and not ok.warnings
    again = services.import_parcels(
        actor=gis_officer,
        features=formats.read_geojson(
            json.dumps({"type": "FeatureCollection", "features": grid_features(1, 1)})
        ),
    )
    assert [p.kind for p in again.errors] == ["duplicate", "overlap"]

    ring = list(cell(0, 0, lon0=LON0 + 0.01).exterior.coords)
    gap = [(x, y) for x, y in ring]
    left = Polygon(gap)
    right = Polygon([(x + DLON + 1e-6, y) for x, y in gap])  # 10 cm apart
    top = Polygon(
        [
            (left.bounds[0], left.bounds[3]),
            (right.bounds[2], right.bounds[3]),
            (right.bounds[2], right.bounds[3] + DLAT),
            (left.bounds[0], left.bounds[3] + DLAT),
        ]
    )
    bottom = Polygon(
        [
            (left.bounds[0], left.bounds[1] - DLAT),
            (right.bounds[2], left.bounds[1] - DLAT),
            (right.bounds[2], left.bounds[1]),
            (left.bounds[0], left.bounds[1]),
        ]
    )
    sliver = [
        {
            "type": "Feature",
            "properties": {"basin": "8", "parcel": str(i)},
            "geometry": g.__geo_interface__,
        }
        for i, g in enumerate([left, right, top, bottom], start=1)
    ]
    report = services.import_parcels(
        actor=gis_officer,
        features=formats.read_geojson(
            json.dumps({"type": "FeatureCollection", "features": sliver})
        ),
        dry_run=True,
    )
    assert report.ok
    assert [w.kind for w in report.warnings] == ["gap"]
    assert "8/1" in report.warnings[0].label and "8/2" in report.warnings[0].label
    assert Parcel.objects.filter(block="8").count() == 0  # a dry run writes nothing


def test_unnumbered_parcels_import_as_unnumbered(gis_officer: Any) -> None:
    features = grid_features(2, 1)
    for f in features:
        f["properties"] = {}
    report = services.import_parcels(
        actor=gis_officer,
        features=formats.read_geojson(
            json.dumps({"type": "FeatureCollection", "features": features})
        ),
    )
    assert report.ok
    assert list(Parcel.objects.values_list("status", flat=True)) == [ParcelStatus.UNNUMBERED] * 2


def test_a_clerk_may_not_import(org_ps: Any, make_staff: Any) -> None:
    from baladiya.core.api import AccessDenied

    with pytest.raises(AccessDenied):
        services.import_parcels(actor=make_staff("clerk"), features=[])
