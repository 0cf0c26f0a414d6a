"""The correspondence register in a real browser, in Arabic: an archivist
registers a scanned incoming letter and refers it to the engineering
department; the head of engineering finds the referral in his inbox and finds
the letter by an Arabic word of its body (through the archive's search, which
he may use because the letter was referred to his department); the head of
another department does not."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Registry-Pass-2026"
BODY_WORD = "الزيتون"


@pytest.fixture
def registry(org_ps: Any, roles: Any, settings: Any, tmp_path: Any) -> dict[str, Any]:
    from django.core.cache import cache
    from weasyprint import HTML

    from baladiya.core.services import (
        assign_role,
        create_branch,
        create_department,
        create_staff_user,
    )
    from baladiya.correspondence import services

    settings.ARCHIVE_SEARCH_DIR = tmp_path / "search"
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    services.install_process()
    hq = create_branch(
        actor=None, code="HQ", name_ar="المقر الرئيسي", name_en="Headquarters", kind="headquarters"
    )
    sec = create_department(
        actor=None, code="SEC", name_ar="السكرتاريا والأرشيف", name_en="Secretariat"
    )
    eng = create_department(
        actor=None, code="ENG", name_ar="الدائرة الهندسية", name_en="Engineering"
    )
    hlt = create_department(actor=None, code="HLT", name_ar="قسم الصحة", name_en="Health")
    people = {}
    for username, first, last, role, department in (
        ("archivist", "هدى", "الشريف", "archivist", sec),
        ("eng-head", "باسل", "الجعبري", "department-head", eng),
        ("hlt-head", "رنا", "القواسمي", "department-head", hlt),
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
        people[username] = user
    scan = tmp_path / "letter.pdf"
    scan.write_bytes(
        HTML(
            string=(
                "<html lang='ar' dir='rtl'><body style=\"font-family:'DejaVu Sans'\">"
                "<h2>سلطة المياه الفلسطينية</h2>"
                "<p>السادة رئيس وأعضاء المجلس البلدي المحترمين،</p>"
                f"<p>نرجو معالجة تسرب المياه من الخزان الرئيسي في حي {BODY_WORD} "
                "بصورة عاجلة حفاظاً على الكميات المخصصة للبلدة.</p>"
                "<p>وتفضلوا بقبول فائق الاحترام.</p></body></html>"
            )
        ).write_pdf()
    )
    return {"scan": scan, "ENG": eng, **people}


def _sign_in(browser: Any, live_server: Any, username: str) -> Any:
    context = browser.new_context(
        base_url=live_server.url, locale="ar", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    return page


def test_register_refer_and_find_by_a_word_of_the_letter(
    browser: Any, live_server: Any, registry: dict[str, Any], screenshot: Any
) -> None:
    from baladiya.correspondence.models import Letter

    # 1. The archivist registers the scanned letter as incoming correspondence.
    archivist = _sign_in(browser, live_server, "archivist")
    assert archivist.locator("html").get_attribute("lang") == "ar"
    archivist.get_by_role("link", name="سجل المراسلات").first.click()
    archivist.wait_for_url("**/staff/correspondence/")
    archivist.get_by_role("link", name="تسجيل كتاب").click()
    archivist.wait_for_url("**/staff/correspondence/new/")
    archivist.locator("#id_direction").select_option("incoming")
    archivist.locator("#id_letter_date").fill((dt.date.today() - dt.timedelta(days=1)).isoformat())
    # A mistake first: no subject. The error is in Arabic and nothing typed is lost.
    archivist.locator("#id_entity_name").fill("سلطة المياه الفلسطينية")
    archivist.locator("#id_external_number").fill("٤٥٦/٢٠٢٦")
    archivist.locator("#letter-form button[type=submit]").click()
    archivist.wait_for_load_state()
    assert "هذا الحقل مطلوب" in archivist.locator("#id_subject_error").inner_text()
    assert archivist.locator("#id_entity_name").input_value() == "سلطة المياه الفلسطينية"
    archivist.locator("#id_subject").fill("تسرب مياه من الخزان الرئيسي")
    archivist.locator("#id_priority").select_option("urgent")
    archivist.locator("#id_scan").set_input_files(str(registry["scan"]))
    screenshot("correspondence-new-ar", archivist)
    archivist.locator("#letter-form button[type=submit]").click()
    archivist.wait_for_url("**/staff/correspondence/IN-*/")
    letter = Letter.objects.get()
    assert letter.number in archivist.locator("#letter-facts").inner_text()
    assert letter.external_number == "456/2026"
    assert "وارد" in archivist.locator("#letter-facts").inner_text()
    assert archivist.locator("#documents a").count() == 1

    # 2. …and refers it to engineering, due in a week.
    archivist.locator("#id_department").select_option(str(registry["ENG"].pk))
    archivist.locator("#id_due_date").fill((dt.date.today() + dt.timedelta(days=7)).isoformat())
    archivist.locator("#id_instructions").fill("للمعالجة وإفادتنا خلال أسبوع")
    archivist.locator("#refer-form button[type=submit]").click()
    archivist.wait_for_load_state()
    assert "الدائرة الهندسية" in archivist.locator("#referrals").inner_text()
    assert archivist.locator("#letter-status").inner_text().strip() == "محال"
    screenshot("correspondence-referred-ar", archivist)

    # 3. The head of engineering sees the referral in his inbox…
    head = _sign_in(browser, live_server, "eng-head")
    head.goto("/staff/inbox/")
    reference = letter.referrals.get().case.reference
    head.get_by_role("link", name=reference).click()
    head.wait_for_url(f"**/staff/correspondence/referrals/{reference}/")
    assert head.locator("#case-state").inner_text().strip() == "محالة"
    # …and finds the letter by a word that is only in its scanned body.
    head.goto("/staff/correspondence/department/")
    head.locator("#id_q").fill(BODY_WORD)
    head.locator("#filter-form button[type=submit]").click()
    head.wait_for_load_state()
    assert head.locator("#letters tbody a").all_inner_texts() == [letter.number]
    screenshot("correspondence-found-ar", head)
    head.locator("#letters tbody a").first.click()
    head.wait_for_url(f"**/staff/correspondence/{letter.number}/")
    assert head.locator("#documents a").count() == 1

    # 4. The head of health, to whom nothing was referred, finds nothing.
    other = _sign_in(browser, live_server, "hlt-head")
    other.goto(f"/staff/correspondence/department/?q={BODY_WORD}")
    assert other.locator("#letters tbody a").count() == 0
    response = other.goto(f"/staff/correspondence/{letter.number}/")
    assert response is not None and response.status == 404
