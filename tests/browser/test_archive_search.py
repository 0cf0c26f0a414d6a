"""An archivist archives an Arabic letter in a real browser (Arabic UI), finds it
by a word written with another ta marbuta, sees the highlight and opens it; a
colleague without a grant cannot reach a secret document by its address."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser import helpers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Archive-Pass-2026"
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


@pytest.fixture
def scene(org_ps: Any, roles: Any, settings: Any, tmp_path: Path) -> dict[str, Any]:
    from django.core.cache import cache

    from baladiya.archive import api
    from baladiya.core.services import assign_role, create_department, create_staff_user

    settings.ARCHIVE_SEARCH_DIR = tmp_path / "search"
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    sec = create_department(actor=None, code="SEC", name_ar="السكرتاريا", name_en="Secretariat")
    api.ensure_document_type("letter", "كتاب", "Letter")
    users = {}
    for username in ("archivist", "colleague"):
        users[username] = create_staff_user(
            actor=None, username=username, password=PASSWORD, first_name="موظف", last_name="أرشيف"
        )
        assign_role(actor=None, user=users[username], role_key="archivist", department=sec)
    return {"sec": sec, **users}


def sign_in(page: Any, username: str) -> None:
    helpers.sign_in(page, username, PASSWORD)


def test_archive_find_and_confidentiality(
    browser: Any, live_server: Any, scene: dict[str, Any], tmp_path: Path
) -> None:
    from baladiya.archive.tests.helpers import text_pdf

    letter = tmp_path / "letter.pdf"
    letter.write_bytes(text_pdf("كتاب", "نرجو تزويدنا بنسخة عن رخصة المحلات التجارية في البلدة"))
    context = browser.new_context(base_url=live_server.url, locale="ar")
    page = context.new_page()
    page.set_default_timeout(20_000)
    sign_in(page, "archivist")
    page.goto("/staff/archive/upload/")
    page.locator("#id_files").set_input_files(str(letter))
    page.locator("#id_title").fill("كتاب بشأن رخصة محل")
    page.locator("#id_level").select_option("secret")
    page.locator("#upload-form button[type=submit]").click()
    page.wait_for_url("**/staff/archive/*/")
    assert page.locator("#doc-title").inner_text() == "كتاب بشأن رخصة محل"
    document_url = page.url
    assert page.locator("#versions [data-state=done]").count() == 1

    page.goto("/staff/archive/")
    page.locator("#id_q").fill("رخصه البلده")
    page.locator("#archive-search button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#results mark").count() >= 1
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "archive-search-ar.png"), full_page=True)
    page.locator("#results a").first.click()
    page.wait_for_url(document_url)
    page.screenshot(path=str(ARTIFACTS / "archive-document-ar.png"), full_page=True)

    other = browser.new_context(base_url=live_server.url, locale="ar").new_page()
    sign_in(other, "colleague")
    response = other.goto(document_url)
    assert response is not None and response.status == 404
    other.goto("/staff/archive/?q=رخصه")
    assert other.locator("#results mark").count() == 0
    context.close()
