"""The whole life of a complaint in a real browser, in Arabic and in English: a
citizen registers, files a complaint with a photo and a map pin and gets its
reference; a clerk assigns it to an inspector; the inspector resolves it; the
citizen sees the new status and the message, and rates the work."""

from __future__ import annotations

from typing import Any

import pytest
from PIL import Image

from baladiya.core.profiles import luhn_check_digit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STAFF_PASSWORD = "Staff-Pass-2026"
TEXT = {
    "ar": {
        "switch": None,
        "resolved": "تمت المعالجة",
        "closed": "مغلق",
        "description": "حفرة عميقة أمام مدرسة البنين",
        "note": "تم ردم الحفرة وتعبيدها",
    },
    "en": {
        "switch": "English",
        "resolved": "Resolved",
        "closed": "Closed",
        "description": "Deep pothole in front of the boys' school",
        "note": "The hole was filled and paved",
    },
}


@pytest.fixture
def municipality(org_ps: Any, roles: Any, tmp_path: Any) -> dict[str, Any]:
    from baladiya.core.services import (
        assign_role,
        create_branch,
        create_department,
        create_staff_user,
    )
    from baladiya.onestop.services import load_catalogue
    from baladiya.workflow import api as workflow

    load_catalogue(actor=None)
    workflow.install_definition(actor=None, spec=workflow.process_spec("complaint"))
    hq = create_branch(
        actor=None, code="HQ", name_ar="المقر الرئيسي", name_en="Headquarters", kind="headquarters"
    )
    eng = create_department(
        actor=None, code="ENG", name_ar="الدائرة الهندسية", name_en="Engineering"
    )
    for code in ("CS", "HLT", "WAT", "ELC"):
        create_department(actor=None, code=code, name_ar=code, name_en=code)
    clerk = create_staff_user(
        actor=None,
        username="clerk",
        password=STAFF_PASSWORD,
        first_name="ليلى",
        last_name="الخطيب",
        home_branch=hq,
    )
    assign_role(actor=None, user=clerk, role_key="clerk", branch=hq)
    inspector = create_staff_user(
        actor=None,
        username="inspector",
        password=STAFF_PASSWORD,
        first_name="عمر",
        last_name="النتشة",
        home_branch=hq,
    )
    assign_role(actor=None, user=inspector, role_key="inspector", department=eng)
    photo = tmp_path / "pothole.png"
    Image.new("RGB", (64, 48), (90, 70, 50)).save(photo)
    return {"photo": photo}


def _login(page: Any, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("language", ["ar", "en"])
def test_complaint_lifecycle(
    browser: Any, live_server: Any, municipality: dict[str, Any], screenshot: Any, language: str
) -> None:
    text = TEXT[language]

    def context() -> Any:
        ctx = browser.new_context(
            base_url=live_server.url, locale="en-US", viewport={"width": 1280, "height": 900}
        )
        page = ctx.new_page()
        page.set_default_timeout(15_000)
        page.goto("/")
        if text["switch"]:
            page.get_by_role("button", name=text["switch"]).click()
            page.wait_for_load_state()
        return page

    # 1. The citizen registers and files a complaint with a photo and a map pin.
    citizen = context()
    stem = "4300000" + ("1" if language == "ar" else "2")
    national_id = stem + luhn_check_digit(stem)
    citizen.goto("/accounts/register/")
    citizen.locator("#id_national_id").fill(national_id)
    citizen.locator("#id_name_ar").fill("سامي محمود التميمي")
    citizen.locator("#id_phone").fill("0599123456")
    citizen.locator("#id_password1").fill("Zeitoun-2026!")
    citizen.locator("#id_password2").fill("Zeitoun-2026!")
    citizen.locator("#register-form button[type=submit]").click()
    citizen.wait_for_url(live_server.url + "/")
    assert citizen.locator("html").get_attribute("lang") == language
    logs: list[str] = []
    citizen.on("console", lambda m: logs.append(m.text))
    citizen.on("pageerror", lambda e: logs.append(str(e)))
    citizen.goto("/complaints/new/")
    citizen.locator("#id_category").select_option("pothole")
    citizen.locator("#id_description").fill(text["description"])
    citizen.locator("#id_photos").set_input_files(str(municipality["photo"]))
    citizen.locator("#pin-map").click(position={"x": 300, "y": 180})
    assert citizen.locator("#id_latitude").input_value() != "", logs
    screenshot(f"complaint-new-{language}", citizen)
    citizen.locator("#complaint-form button[type=submit]").click()
    reference = citizen.locator("#reference").inner_text().strip()
    assert reference.startswith("TAF-")
    screenshot(f"complaint-filed-{language}", citizen)

    # 2. The clerk finds it in the inbox and assigns it to the inspector.
    clerk = context()
    _login(clerk, "clerk", STAFF_PASSWORD)
    clerk.goto("/staff/inbox/")
    clerk.get_by_role("link", name=reference).click()
    clerk.locator("#assignee").select_option("inspector")
    clerk.locator("#assign-form button[type=submit]").click()
    assert (
        "النتشة" in clerk.locator("#case-assignee, .breadcrumb + div, body").first.inner_text()
        or clerk.locator("#assignee").input_value() == "inspector"
    )
    screenshot(f"complaint-assigned-{language}", clerk)

    # 3. The inspector starts work and resolves it.
    inspector = context()
    _login(inspector, "inspector", STAFF_PASSWORD)
    inspector.goto("/staff/inbox/")
    inspector.get_by_role("link", name=reference).click()
    inspector.locator("button[name=action][value=start]").click()
    inspector.wait_for_load_state()
    inspector.locator("#id_note").fill(text["note"])
    inspector.locator("#resolve-form button[type=submit]").click()
    inspector.wait_for_load_state()
    assert inspector.locator("#case-state").inner_text().strip() == text["resolved"]
    screenshot(f"complaint-resolved-{language}", inspector)

    # 4. The citizen sees the new status and the message, then rates the work.
    citizen.goto("/account/")
    assert text["resolved"] in citizen.locator("#messages").inner_text()
    assert citizen.locator("#my-account .badge").is_visible()  # unread messages
    citizen.goto(f"/complaints/{reference}/")
    assert citizen.locator("#case-state").inner_text().strip() == text["resolved"]
    assert text["note"] in citizen.locator("#resolution").inner_text()
    citizen.locator("#rate-form input[value='5']").check()
    citizen.locator("#rate-form button[type=submit]").click()
    citizen.wait_for_load_state()
    assert citizen.locator("#case-state").inner_text().strip() == text["closed"]
    screenshot(f"complaint-rated-{language}", citizen)
