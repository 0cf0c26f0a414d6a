"""A building permit in a real browser, in Arabic and in English: a citizen
applies for four floors too many on a parcel zoned for four; the clerk accepts the
documents; the engineer sees the breach in the zone check, cannot approve, and
rejects; the citizen reads the breach in his own language."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from shapely.geometry import box

from baladiya.core.profiles import luhn_check_digit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Staff-Pass-2026"
TEXT = {
    "ar": {
        "switch": None,
        "rejected": "مرفوض",
        "breach": "عدد الطوابق: 8 مقترحة، والحد الأعلى المسموح 4.",
        "title": "رخصة بناء",
    },
    "en": {
        "switch": "English",
        "rejected": "Rejected",
        "breach": "Floors: 8 proposed, at most 4 allowed.",
        "title": "Building permit",
    },
}


@pytest.fixture
def municipality(org_ps: Any, roles: Any) -> dict[str, Any]:
    from baladiya.core.services import (
        assign_role,
        create_branch,
        create_department,
        create_party_login,
        create_staff_user,
        register_person,
    )
    from baladiya.gis.models import Parcel, Zone
    from baladiya.onestop.services import load_catalogue
    from baladiya.permits import api as permits

    load_catalogue(actor=None)
    permits.install_processes(actor=None)
    hq = create_branch(
        actor=None, code="HQ", name_ar="المقر الرئيسي", name_en="Headquarters", kind="headquarters"
    )
    eng = create_department(
        actor=None, code="ENG", name_ar="الدائرة الهندسية", name_en="Engineering"
    )
    zone = Zone.objects.create(
        code="res-a",
        name_ar="سكن أ",
        name_en="Residential A",
        max_floors=4,
        max_coverage_pct=Decimal(50),
        max_far=Decimal(2),
        setback_front_m=Decimal(5),
        setback_side_m=Decimal(3),
        setback_rear_m=Decimal(3),
        min_parcel_area_m2=Decimal(500),
        permitted_uses=["residential"],
    )
    outline = box(35.05, 31.54, 35.0503, 31.5403)
    Parcel.objects.create(
        block="7",
        number="12",
        zone=zone,
        geometry_wkb=outline.wkb,
        min_lon=outline.bounds[0],
        min_lat=outline.bounds[1],
        max_lon=outline.bounds[2],
        max_lat=outline.bounds[3],
        area_m2=Decimal("1000.00"),
    )
    staff = {}
    for username, role, scope in (
        ("clerk", "clerk", {"branch": hq}),
        ("engineer", "engineer", {"department": eng}),
    ):
        user = create_staff_user(
            actor=None,
            username=username,
            password=PASSWORD,
            first_name="سامر",
            last_name="الجعبري",
            home_branch=hq,
        )
        assign_role(actor=None, user=user, role_key=role, **scope)
        staff[username] = user
    stem = "4200000"
    national_id = stem + "0" + luhn_check_digit(stem + "0")
    party = register_person(
        actor=None, national_id=national_id, name_ar="سامي محمود التميمي", phone="0599123456"
    )
    create_party_login(actor=None, party=party, password=PASSWORD, role_key="citizen")
    return {"citizen": national_id, **staff}


def _login(page: Any, username: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("language", ["ar", "en"])
def test_an_engineer_rejects_a_building_over_the_zones_floors(
    browser: Any, live_server: Any, municipality: dict[str, Any], screenshot: Any, language: str
) -> None:
    text = TEXT[language]

    def context(username: str) -> Any:
        ctx = browser.new_context(
            base_url=live_server.url, locale="en-US", viewport={"width": 1280, "height": 900}
        )
        page = ctx.new_page()
        page.set_default_timeout(15_000)
        page.goto("/")
        if text["switch"]:
            page.get_by_role("button", name=text["switch"]).click()
            page.wait_for_load_state()
        _login(page, username)
        return page

    # 1. The citizen applies: eight floors where the zone allows four.
    citizen = context(municipality["citizen"])
    citizen.goto("/permits/apply/building/")
    assert citizen.locator("html").get_attribute("lang") == language
    fields = {
        "parcel_block": "7",
        "parcel_number": "12",
        "floors": "8",
        "height_m": "26",
        "footprint_m2": "250",
        "built_area_m2": "2000",
        "setback_front_m": "5",
        "setback_side_m": "3",
        "setback_rear_m": "3",
    }
    for name, value in fields.items():
        citizen.locator(f"#id_{name}").fill(value)
    citizen.locator("#id_use").select_option("residential")
    screenshot(f"permit-apply-{language}", citizen)
    citizen.locator("#permit-form button[type=submit]").click()
    citizen.wait_for_url("**/permits/TAF-*/")
    reference = citizen.url.rstrip("/").rsplit("/", 1)[-1]
    assert text["title"] in citizen.locator("h1").inner_text()

    # 2. The clerk finds the documents complete.
    clerk = context("clerk")
    clerk.goto(f"/staff/permits/{reference}/")
    clerk.locator("button[name=action][value=accept]").click()
    clerk.wait_for_load_state()

    # 3. The engineer sees the breach, has no approve button, and rejects.
    engineer = context("engineer")
    engineer.goto(f"/staff/permits/{reference}/")
    row = engineer.locator("#zone-check tr[data-rule=floors]")
    assert "table-danger" in (row.get_attribute("class") or "")
    assert text["breach"] in row.inner_text()
    assert engineer.locator("#zone-check tr.table-danger").count() == 1
    assert engineer.locator("button[name=decision][value=approve]").count() == 0
    screenshot(f"permit-review-{language}", engineer)
    engineer.locator("#reject").click()
    engineer.wait_for_load_state()
    assert engineer.locator("#case-state").inner_text().strip() == text["rejected"]

    # 4. The citizen reads the decision and the breach in his language.
    citizen.goto(f"/permits/{reference}/")
    assert citizen.locator("#case-state").inner_text().strip() == text["rejected"]
    assert citizen.locator("#breaches li").all_inner_texts() == [text["breach"]]
    screenshot(f"permit-rejected-{language}", citizen)
