"""The map, the parcel card (no owners for the public), the site-plan PDF and its
verification page, import and numbering pages, and the GeoJSON API."""

from __future__ import annotations

import io
import json
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from baladiya.gis import api, services
from baladiya.gis.models import Parcel, SitePlan
from baladiya.gis.tests.conftest import DLAT, DLON, LAT0, LON0, grid_features
from baladiya.gis.tests.test_spatial import load_grid

pytestmark = pytest.mark.django_db


@pytest.fixture
def fabric(gis_officer: Any) -> Any:
    from baladiya.core.tests.factories import PersonFactory

    load_grid(gis_officer)
    zone = services.save_zone(
        actor=gis_officer,
        code="res-a",
        name_ar="سكن أ",
        name_en="Residential A",
        max_floors=4,
        max_coverage_pct=50,
        max_far=2,
    )
    services.assign_zone(actor=gis_officer, parcels=list(Parcel.objects.all()), zone=zone)
    owner = PersonFactory(name_ar="سمير التميمي", name_en="Samir")
    services.set_owners(
        actor=gis_officer, parcel=api.parcel_by_number("7", "6"), shares=[(owner, Decimal(1))]
    )  # type: ignore[arg-type]
    return api.parcel_by_number("7", "6")


def test_public_map_and_card_show_no_owners(client: Client, fabric: Any) -> None:
    response = client.get("/maps/")
    assert response.status_code == 200
    assert "vendor/leaflet/leaflet.js" in response.content.decode()
    card = client.get(f"/maps/at/?lon={LON0 + 1.5 * DLON}&lat={LAT0 + 1.5 * DLAT}")
    text = card.content.decode()
    assert f'data-parcel-id="{fabric.pk}"' in text
    assert "سكن أ" in text
    assert "سمير" not in text
    assert "site-plan-link" not in text
    features = client.get(
        f"/maps/parcels.geojson?bbox={LON0},{LAT0},{LON0 + DLON},{LAT0 + DLAT}"
    ).json()
    assert {f["properties"]["number"] for f in features["features"]} >= {"1"}
    assert "owners" not in json.dumps(features)


def test_staff_card_site_plan_and_verification(
    client: Client, fabric: Any, gis_officer: Any
) -> None:
    client.force_login(gis_officer)
    assert client.get("/staff/gis/").status_code == 200
    card = client.get(f"/parcels/{fabric.pk}/card/").content.decode()
    assert "سمير" in card and "site-plan-link" in card
    response = client.get(f"/parcels/{fabric.pk}/site-plan.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    plan = SitePlan.objects.get()
    verify = client.get(f"/parcels/site-plans/{plan.reference}/")
    assert verify.status_code == 200 and plan.reference in verify.content.decode()


def test_a_clerk_sees_the_card_without_owners(client: Client, fabric: Any, make_staff: Any) -> None:
    client.force_login(make_staff("clerk"))
    card = client.get(f"/parcels/{fabric.pk}/card/").content.decode()
    assert "سمير" not in card and "site-plan-link" in card
    assert client.get("/staff/gis/import/").status_code == 403


def test_import_page_reports_and_imports(client: Client, gis_officer: Any) -> None:
    client.force_login(gis_officer)
    body = json.dumps({"type": "FeatureCollection", "features": grid_features(2, 1)}).encode()
    upload = io.BytesIO(body)
    upload.name = "parcels.geojson"
    response = client.post("/staff/gis/import/", {"file": upload})
    assert response.status_code == 200
    assert Parcel.objects.count() == 2
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("x.txt", "nothing")
    buffer.seek(0)
    buffer.name = "empty.zip"
    response = client.post("/staff/gis/import/", {"file": buffer})
    assert (
        "Shapefile" in response.content.decode()
        or "شيب" in response.content.decode()
        or response.status_code == 200
    )
    export = client.get("/staff/gis/export.geojson")
    assert len(json.loads(export.content)["features"]) == 2


def test_numbering_page(client: Client, gis_officer: Any) -> None:
    features = grid_features(2, 1)
    for f in features:
        f["properties"] = {}
    from baladiya.gis import formats

    services.import_parcels(
        actor=gis_officer,
        features=formats.read_geojson(
            json.dumps({"type": "FeatureCollection", "features": features})
        ),
    )
    client.force_login(gis_officer)
    area = {
        "type": "Polygon",
        "coordinates": [
            [
                [LON0 - 0.001, LAT0 - 0.001],
                [LON0 + 0.001, LAT0 - 0.001],
                [LON0 + 0.001, LAT0 + 0.001],
                [LON0 - 0.001, LAT0 + 0.001],
                [LON0 - 0.001, LAT0 - 0.001],
            ]
        ],
    }
    response = client.post("/staff/gis/number/", {"area": json.dumps(area), "block": "12"})
    assert response.status_code == 200
    assert sorted(Parcel.objects.values_list("number", flat=True)) == ["1", "2"]
    run_id = services.NumberingRun.objects.get().pk
    assert client.get(f"/staff/gis/numbering/{run_id}/").status_code == 200


def test_geojson_api(client: Client, fabric: Any) -> None:
    data = client.get(
        f"/api/v1/gis/parcels/at/?lon={LON0 + 1.5 * DLON}&lat={LAT0 + 1.5 * DLAT}"
    ).json()
    assert data["properties"]["label"] == "7/6"
    detail = client.get(f"/api/v1/gis/parcels/{fabric.pk}/").json()
    assert detail["properties"]["rules"]["max_floors"] == 4
    assert len(detail["properties"]["neighbours"]) == 8
    assert client.get("/api/v1/gis/parcels/?bbox=1,2").status_code == 400
    listing = client.get(
        f"/api/v1/gis/parcels/?bbox={LON0},{LAT0},{LON0 + 0.01},{LAT0 + 0.01}"
    ).json()
    assert len(listing["features"]) == 12
    assert client.get("/api/v1/gis/zones/").status_code == 200
    assert client.get("/api/v1/gis/parcels/at/?lon=0&lat=0").status_code == 404
