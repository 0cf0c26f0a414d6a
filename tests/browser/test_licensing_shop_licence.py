"""A shop licence in a real browser, in Arabic: a business owner applies for a
new licence, the inspector passes the visit, the owner pays online, downloads
the licence PDF, and a stranger verifies it by the URL its QR code carries."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader

from tests.browser import helpers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Licence-Pass-2026"


@pytest.fixture
def scene(org_ps: Any, roles: Any) -> dict[str, Any]:
    from baladiya.core.services import (
        assign_role,
        create_branch,
        create_department,
        create_party_login,
        create_staff_user,
        register_person,
    )
    from baladiya.core.tests.factories import ps_mobile, ps_national_id
    from baladiya.finance.api import load_demo_ledger
    from baladiya.licensing import api as licensing

    load_demo_ledger()
    licensing.install(actor=None)
    hq = create_branch(
        actor=None, code="HQ", name_ar="المقر الرئيسي", name_en="Headquarters", kind="headquarters"
    )
    hlt = create_department(
        actor=None, code="HLT", name_ar="دائرة الصحة والرخص", name_en="Health and licences"
    )
    staff = {}
    for username, role, scope in (
        ("clerk", "clerk", {"branch": hq}),
        ("inspector", "inspector", {"department": hlt}),
        ("head", "department-head", {"department": hlt}),
    ):
        user = create_staff_user(
            actor=None,
            username=username,
            password=PASSWORD,
            first_name="موظف",
            last_name=role,
            home_branch=hq,
        )
        assign_role(actor=None, user=user, role_key=role, **scope)
        staff[username] = user
    person = register_person(
        actor=None,
        national_id=ps_national_id(5150),
        name_ar="سامر يوسف الطيطي",
        name_en="Samer Al-Titi",
        phone=ps_mobile(5150),
    )
    owner = create_party_login(actor=None, party=person, password=PASSWORD, role_key="citizen")
    return {**staff, "owner": owner}


def sign_in(page: Any, username: str) -> None:
    helpers.sign_in(page, username, PASSWORD)


def test_apply_inspect_pay_download_and_verify(
    browser: Any, live_server: Any, screenshot: Any, scene: dict[str, Any]
) -> None:
    from baladiya.licensing.models import Licence
    from baladiya.workflow import api as workflow

    owner_context = browser.new_context(base_url=live_server.url, locale="ar")
    owner = owner_context.new_page()
    sign_in(owner, scene["owner"].username)
    owner.goto("/licences/apply/")
    assert owner.locator("html").get_attribute("dir") == "rtl"
    # A wrong area is refused with a message, and what was typed is kept.
    owner.locator("#id_name").fill("ملحمة الطيطي")
    owner.locator("#id_commercial_registration").fill("563000222")
    owner.locator("#id_activity").select_option("butcher")
    owner.locator("#id_area").fill("صفر")
    owner.locator("#id_address").fill("شارع الجامع، تفوح")
    owner.locator("#licence-form button[type=submit]").click()
    owner.wait_for_load_state()
    assert owner.locator("#id_area_error").is_visible()
    assert owner.locator("#id_name").input_value() == "ملحمة الطيطي"
    owner.locator("#id_area").fill("٦٠")
    owner.locator("#pin-map").click(position={"x": 200, "y": 150})
    screenshot("licensing-apply-ar", owner)
    owner.locator("#licence-form button[type=submit]").click()
    owner.wait_for_url("**/licences/*/")
    licence = Licence.objects.get()
    reference = licence.case.reference
    assert reference in owner.locator("#case-link").inner_text()
    assert licence.establishment.area == 60 and licence.establishment.latitude is not None

    # The front desk accepts the documents; the inspector passes the visit.
    workflow.take_action(actor=scene["clerk"], case_id=licence.case_id, action_key="accept")
    inspector_context = browser.new_context(base_url=live_server.url, locale="ar")
    inspector = inspector_context.new_page()
    sign_in(inspector, "inspector")
    inspector.goto(f"/staff/cases/{reference}/")
    inspector.locator("button[name=action][value=pass-inspection]").click()
    inspector.wait_for_load_state()
    assert "بانتظار الموافقات" in inspector.locator("body").inner_text()
    inspector_context.close()
    workflow.take_action(actor=scene["head"], case_id=licence.case_id, action_key="approve")

    # The owner pays the fee online.
    owner.goto(f"/licences/{licence.pk}/")
    assert owner.locator("#pay-now").is_visible()
    owner.locator("#pay-online").click()
    owner.wait_for_url("**/pay/sandbox/*/")
    owner.locator("button[name=outcome][value=pay]").click()
    owner.wait_for_url("**/account/statement/")
    owner.goto(f"/licences/{licence.pk}/")
    licence.refresh_from_db()
    assert licence.number and licence.number in owner.locator("#licence-number").inner_text()
    screenshot("licensing-licence-ar", owner)

    # The licence PDF carries its verification URL (the QR encodes the same).
    href = owner.locator("#licence-pdf").get_attribute("href")
    pdf = owner.request.get(href)
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    path = f"/verify/licence/{licence.number}/"
    assert path in text.replace("\n", "").replace(" ", "")
    owner_context.close()

    # A stranger, not signed in, opens the verification URL.
    stranger_context = browser.new_context(base_url=live_server.url, locale="ar")
    stranger = stranger_context.new_page()
    stranger.goto(path)
    verdict = stranger.locator("#verdict")
    assert "صحيحة وسارية" in verdict.inner_text()
    facts = stranger.locator("#facts").inner_text()
    assert "ملحمة الطيطي" in facts and "ملحمة" in facts
    assert "سامر" not in stranger.locator("main").inner_text()
    screenshot("licensing-verify-ar", stranger)
    stranger_context.close()
