"""Prepaid vending in a real browser, in Arabic: the cashier at charging point CP3
opens a shift, sells water credit to a citizen and prints the receipt with the
token; the citizen sees the purchase and its token on his meters page, then tops
up online through the sandbox gateway and gets a second token."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scene(org_ps: Any, roles: Any) -> dict[str, Any]:
    from django.core.cache import cache

    from baladiya.vending.tests.factories import vending_scene

    cache.clear()
    return vending_scene(point_code="CP3")


def sign_in(page: Any, username: str) -> None:
    from baladiya.vending.tests.factories import PASSWORD

    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()


def grouped(token: str) -> str:
    return " ".join(token[i : i + 4] for i in range(0, 20, 4))


def test_cashier_sells_water_credit_and_the_citizen_sees_his_token(
    page: Any, browser: Any, live_server: Any, screenshot: Any, scene: dict[str, Any]
) -> None:
    from baladiya.vending.models import Vend

    sign_in(page, scene["cashier"].username)
    page.wait_for_url("**/staff/")
    page.get_by_role("navigation", name="لوحة الموظفين").get_by_role("link").filter(
        has_text="بيع الرصيد المسبق الدفع"
    ).click()
    page.wait_for_url("**/staff/vending/")

    # Open the shift at his charging point.
    assert page.locator("#id_point").input_value() == "CP3"
    page.locator("#id_float").fill("100")
    page.get_by_role("button", name="فتح الوردية").click()
    page.wait_for_load_state()
    assert "CP3" in page.locator("#shift-banner").inner_text()

    # Find the citizen and sell 20 of water credit.
    page.locator("#id_q").fill(scene["person"].national_id)
    page.locator("#id_q").press("Enter")
    page.wait_for_load_state()
    assert "خالد محمود العملة" in page.locator("#customer").inner_text()
    card = page.locator(f"#meter-{scene['meter'].serial}")
    card.locator("input[name=amount]").fill("20")
    card.locator("select[name=tender]").select_option("cash")
    screenshot("vending-desk-ar")
    card.get_by_role("button", name="بيع وإصدار رمز الشحن").click()
    page.wait_for_url("**/staff/vending/sales/*/")
    vend = Vend.objects.get()
    assert vend.utility == "water" and vend.branch.code == "CP3"
    assert page.locator("#token").inner_text().strip() == grouped(vend.token)
    screenshot("vending-token-ar")

    # Print the Arabic receipt: the token in groups of four.
    href = page.locator("#print-ar").get_attribute("href")
    pdf = page.request.get(href)
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert grouped(vend.token) in text
    vend.refresh_from_db()
    assert vend.print_count == 1

    # The citizen signs in (his own browser) and finds the purchase and its token.
    context = browser.new_context(base_url=live_server.url, locale="ar")
    citizen = context.new_page()
    citizen.set_default_timeout(15_000)
    sign_in(citizen, scene["citizen"].username)
    citizen.goto("/account/")
    citizen.get_by_role("link", name="عداداتي ورموز الشحن").click()
    citizen.wait_for_url("**/account/meters/")
    assert citizen.locator("html").get_attribute("dir") == "rtl"
    meter_card = citizen.locator(f"#meter-{scene['meter'].serial}")
    assert vend.number in meter_card.locator("tr.purchase").first.inner_text()
    assert grouped(vend.token) in meter_card.locator(".token").first.inner_text()

    # Online top-up through the sandbox gateway: a second token.
    meter_card.locator("input[name=amount]").fill("25")
    meter_card.get_by_role("button", name="اشحن إلكترونيًا").click()
    citizen.wait_for_url("**/pay/sandbox/*/")
    citizen.locator("button[value=pay]").click()
    citizen.wait_for_load_state()
    citizen.goto("/account/meters/")
    online = Vend.objects.get(channel="online")
    assert online.status == "issued" and online.tid > vend.tid
    rows = citizen.locator(f"#meter-{scene['meter'].serial} tr.purchase")
    assert rows.count() == 2
    assert grouped(online.token) in citizen.locator(f"#meter-{scene['meter'].serial}").inner_text()
    screenshot("vending-citizen-meters-ar", citizen)
    context.close()
