"""The parcel map in a real browser: it opens in Arabic with no basemap, a click
on a parcel shows its card, and the site plan downloads as a PDF."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Gis-Pass-2026"
LON0, LAT0 = 35.05, 31.54
DLON, DLAT = 20 / 95_000, 30 / 111_000


@pytest.fixture
def parcels(org_ps: Any, roles: Any) -> Any:
    from shapely.geometry import box

    from baladiya.core.services import assign_role, create_staff_user
    from baladiya.gis import formats, services

    officer = create_staff_user(
        actor=None, username="gis", password=PASSWORD, first_name="رامي", last_name="الجعبري"
    )
    assign_role(actor=None, user=officer, role_key="gis-officer")
    features = [
        {
            "type": "Feature",
            "properties": {"basin": "4", "parcel": str(1 + col + 3 * row)},
            "geometry": box(
                LON0 + col * DLON,
                LAT0 + row * DLAT,
                LON0 + (col + 1) * DLON,
                LAT0 + (row + 1) * DLAT,
            ).__geo_interface__,
        }
        for row in range(3)
        for col in range(3)
    ]
    report = services.import_parcels(
        actor=officer,
        features=formats.read_geojson(
            json.dumps({"type": "FeatureCollection", "features": features})
        ),
    )
    assert report.ok
    zone = services.save_zone(
        actor=officer,
        code="res-a",
        name_ar="سكن أ",
        name_en="Residential A",
        max_floors=4,
        max_coverage_pct=Decimal(50),
        max_far=Decimal(2),
    )
    from baladiya.gis.models import Parcel

    services.assign_zone(actor=officer, parcels=list(Parcel.objects.all()), zone=zone)
    return officer


def test_click_a_parcel_and_download_its_site_plan(
    page: Any, screenshot: Any, parcels: Any, tmp_path: Path
) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("اسم المستخدم أو رقم الهوية").fill("gis")
    page.get_by_label("كلمة المرور").fill(PASSWORD)
    page.locator("form").get_by_role("button", name="تسجيل الدخول").click()
    page.wait_for_url("**/staff/")

    page.goto("/staff/gis/")
    html = page.locator("html")
    assert html.get_attribute("lang") == "ar" and html.get_attribute("dir") == "rtl"
    assert (
        page.get_by_role("heading", name="القطع والخرائط").is_visible()
        or page.locator("h1").count()
    )
    page.wait_for_function("document.getElementById('gis-map').dataset.parcels === '9'")

    # Click the middle of parcel 4/5 (the centre of the 3 × 3 grid).
    point = page.evaluate(
        "([lat, lon]) => window.baladiyaMap.latLngToContainerPoint([lat, lon])",
        [LAT0 + 1.5 * DLAT, LON0 + 1.5 * DLON],
    )
    box = page.locator("#gis-map").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    card = page.locator("#parcel-panel h2")
    card.wait_for()
    assert "5" in card.inner_text() and "4" in card.inner_text()
    assert "سكن أ" in page.locator("#parcel-panel").inner_text()
    screenshot("gis-map-parcel-ar")

    with page.expect_download() as download_info:
        page.locator("#site-plan-link").click()
    download = download_info.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    assert target.read_bytes().startswith(b"%PDF-")
    assert download.suggested_filename == "site-plan-4-5.pdf"
