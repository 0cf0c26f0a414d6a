"""A contractor applies for an excavation permit in Arabic by drawing the route of
the trench on the map; its length is worked out from the route and the permit
shows the route back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from baladiya.core.profiles import luhn_check_digit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Contractor-Pass-2026"


@pytest.fixture
def contractor(org_ps: Any, roles: Any) -> str:
    from baladiya.core.services import (
        create_branch,
        create_department,
        create_party_login,
        register_person,
    )
    from baladiya.onestop.services import load_catalogue
    from baladiya.permits import api as permits

    load_catalogue(actor=None)
    permits.install_processes(actor=None)
    create_branch(actor=None, code="HQ", name_ar="المقر", name_en="HQ", kind="headquarters")
    create_department(actor=None, code="ENG", name_ar="الدائرة الهندسية", name_en="Engineering")
    stem = "4200001"
    national_id = stem + "0" + luhn_check_digit(stem + "0")
    party = register_person(
        actor=None, national_id=national_id, name_ar="شركة الطرق الحديثة", phone="0599000111"
    )
    create_party_login(actor=None, party=party, password=PASSWORD, role_key="contractor")
    return national_id


def test_a_contractor_draws_the_trench_route_on_the_map(
    page: Any, live_server: Any, contractor: str, screenshot: Any
) -> None:
    from baladiya.permits.models import Permit

    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(contractor)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    page.goto("/permits/")
    assert page.locator("html").get_attribute("lang") == "ar"
    page.get_by_role("link", name="رخصة حفريات").click()
    page.wait_for_url("**/permits/apply/excavation/")
    route = page.locator("#route-map")
    for x, y in ((120, 120), (320, 140), (380, 260)):
        route.click(position={"x": x, "y": y})
    assert page.locator("#id_route").input_value().startswith('{"type":"LineString"'), errors
    drawn = Decimal(page.locator("#id_trench_length_m").input_value())
    assert drawn > 0
    start = dt.date.today() + dt.timedelta(days=3)
    page.locator("#id_purpose").fill("تمديد خط مياه لمنزل في الحي الشرقي")
    page.locator("#id_start_date").fill(start.isoformat())
    page.locator("#id_end_date").fill((start + dt.timedelta(days=7)).isoformat())
    screenshot("permit-excavation-route-ar")
    page.locator("#permit-form button[type=submit]").click()
    page.wait_for_url("**/permits/TAF-*/")
    assert page.locator("#route-map").is_visible()
    permit = Permit.objects.get()
    assert permit.kind == "excavation" and len(permit.route["coordinates"]) == 3
    # The server measures the route on the ellipsoid; the page's estimate is close.
    assert abs(permit.trench_length_m - drawn) < drawn * Decimal("0.01")
    screenshot("permit-excavation-filed-ar")
