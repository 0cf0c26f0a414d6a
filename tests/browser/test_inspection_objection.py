"""A violation, an objection and a reduced fine in a real browser, in Arabic and
in English: an
inspector records a health violation against a restaurant with a photo and a
map pin; the restaurant objects on the portal; the committee proposes a lower
fine, the head of health endorses it and the finance manager approves the
amendment; the restaurant's statement shows the fine and the amendment."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from PIL import Image

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Inspect-Pass-2026"


@pytest.fixture
def scene(org_ps: Any, roles: Any, tmp_path: Any) -> dict[str, Any]:
    from baladiya.core.services import (
        assign_role,
        create_branch,
        create_department,
        create_party_login,
        create_staff_user,
        register_establishment,
        register_person,
    )
    from baladiya.core.tests.factories import ps_mobile, ps_national_id
    from baladiya.finance.api import load_demo_ledger
    from baladiya.inspection import api as inspection
    from baladiya.onestop.services import load_catalogue

    load_catalogue(actor=None)
    load_demo_ledger()
    hq = create_branch(
        actor=None, code="HQ", name_ar="المقر الرئيسي", name_en="Headquarters", kind="headquarters"
    )
    health = create_department(actor=None, code="HLT", name_ar="دائرة الصحة", name_en="Health")
    finance = create_department(
        actor=None, code="FIN", name_ar="الدائرة المالية", name_en="Finance"
    )
    inspection.install()
    staff = {}
    for username, role, department, first, last in (
        ("inspector", "inspector", health, "عمر", "النتشة"),
        ("health-head", "department-head", health, "سلمى", "الشريف"),
        ("finance", "finance-manager", finance, "رامي", "الحسيني"),
    ):
        user = create_staff_user(
            actor=None,
            username=username,
            password=PASSWORD,
            first_name=first,
            last_name=last,
            home_branch=hq,
        )
        assign_role(actor=None, user=user, role_key=role, department=department)
        staff[username] = user
    owner = register_person(
        actor=None,
        national_id=ps_national_id(4242),
        name_ar="يوسف خليل الزعتري",
        phone=ps_mobile(4242),
    )
    restaurant = register_establishment(
        actor=None,
        commercial_registration="562424242",
        name_ar="مطعم الزيتونة",
        name_en="Zaytouna Restaurant",
        owner=owner,
    )
    create_party_login(actor=None, party=restaurant, password=PASSWORD, role_key="citizen")
    photo = tmp_path / "shelf.png"
    Image.new("RGB", (64, 48), (150, 60, 40)).save(photo)
    return {"restaurant": restaurant, "photo": photo}


def _sign_in(browser: Any, live_server: Any, username: str, language: str) -> Any:
    context = browser.new_context(
        base_url=live_server.url, locale="ar", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/accounts/login/")
    if language == "en":
        page.locator("#switch-language").click()
        page.wait_for_load_state()
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    return page


@pytest.mark.parametrize("language", ["ar", "en"])
def test_a_health_fine_is_reduced_on_objection(
    browser: Any, live_server: Any, scene: dict[str, Any], screenshot: Any, language: str
) -> None:
    from baladiya.inspection.models import Objection

    # 1. The inspector records the violation with a photo and a pin.
    inspector = _sign_in(browser, live_server, "inspector", language)
    inspector.goto("/staff/violations/new/")
    assert inspector.locator("html").get_attribute("lang") == language
    inspector.locator("#id_party").fill("562424242")
    inspector.locator("#id_article").select_option("H-01")
    inspector.locator("#id_description").fill("مواد غذائية منتهية الصلاحية على رفوف العرض")
    inspector.locator("#id_photos").set_input_files(str(scene["photo"]))
    inspector.locator("#pin-map").click(position={"x": 300, "y": 180})
    assert inspector.locator("#id_latitude").input_value() != ""
    screenshot(f"inspection-record-{language}", inspector)
    inspector.locator("#violation-form button[type=submit]").click()
    number = inspector.locator("#violation-number").inner_text().strip()
    assert number.startswith("V-")
    assert "500" in inspector.locator("#violation-fine").inner_text()

    # 2. The restaurant sees it on the portal and objects.
    owner = _sign_in(browser, live_server, "562424242", language)
    owner.goto("/violations/")
    owner.get_by_role("link", name=number).click()
    owner.locator("#id_grounds").fill(
        "المواد كانت معزولة في المستودع بانتظار الإتلاف ولم تكن معروضة للبيع"
    )
    owner.locator("#objection-form button[type=submit]").click()
    reference = owner.locator("#reference").inner_text().strip()
    assert reference.startswith("TAF-")
    screenshot(f"inspection-objection-{language}", owner)

    # 3. The committee (the inspector) reviews it and proposes a lower fine.
    inspector.goto(f"/staff/objections/{reference}/")
    inspector.locator("#start-form button[type=submit]").click()
    inspector.wait_for_load_state()
    inspector.locator("#id_decision").select_option("reduce")
    inspector.locator("#id_new_fine").fill("٢٠٠")
    inspector.locator("#id_comment").fill("المخالفة الأولى للمنشأة وقد أُتلفت المواد")
    inspector.locator("#decision-form button[type=submit]").click()
    inspector.wait_for_load_state()
    assert inspector.locator("#proposal").is_visible()

    # 4. The head of health endorses it; the finance manager approves the amendment.
    head = _sign_in(browser, live_server, "health-head", language)
    head.goto(f"/staff/objections/{reference}/")
    head.locator("#approve-form button[type=submit]").click()
    head.wait_for_load_state()
    assert not head.locator("#approve-form").count()
    demand_number = Objection.objects.get(case__reference=reference).violation.demand.number
    finance = _sign_in(browser, live_server, "finance", language)
    finance.goto("/staff/revenue/approvals/")
    finance.locator("tr", has_text=demand_number).locator("button[value=approve]").click()
    finance.wait_for_load_state()

    # 5. The restaurant's statement shows the fine and the amendment; 200 is owed.
    owner.goto(f"/violations/{number}/")
    assert "200" in owner.locator("#violation-fine").inner_text()
    owner.goto("/account/statement/")
    assert owner.locator("#statement .row-demand").count() == 1
    assert owner.locator("#statement .row-amendment").count() == 1
    assert "300" in owner.locator("#statement .row-amendment").inner_text()
    assert "200" in owner.locator("#owed").inner_text()
    screenshot(f"inspection-statement-{language}", owner)
    objection = Objection.objects.select_related("violation").get(case__reference=reference)
    assert objection.violation.fine == Decimal("200.00")
    assert objection.violation.status == "reduced"
