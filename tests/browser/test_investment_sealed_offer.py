"""A sealed investment offer in a real browser, in Arabic: the investor finds the
opportunity on the portal and sends a price with a PDF; the municipality's
administrator sees the offer but not its price, and cannot open it before the
deadline."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Invest-Pass-2026"


@pytest.fixture
def scene(org_ps: Any, roles: Any, tmp_path: Any) -> dict[str, Any]:
    from django.utils import timezone

    from baladiya.core.services import create_party_login, create_staff_user, register_person
    from baladiya.core.tests.factories import ps_mobile, ps_national_id
    from baladiya.investment import services

    investor = register_person(
        actor=None,
        national_id=ps_national_id(5151),
        name_ar="نادر سليم الجعبري",
        phone=ps_mobile(5151),
    )
    create_party_login(actor=None, party=investor, password=PASSWORD, role_key="investor")
    create_staff_user(
        actor=None,
        username="admin",
        password=PASSWORD,
        first_name="مدير",
        last_name="النظام",
        is_superuser=True,
    )
    opportunity = services.create_opportunity(
        actor=None,
        name_ar="مقهى في الحديقة العامة",
        name_en="Café in the public park",
        site_ar="الحديقة العامة - المدخل الشمالي",
        area_m2="300",
        activity_ar="مقهى عائلي",
        terms_ar="تجهيز الموقع خلال ستة أشهر ودفع الأجرة كل ثلاثة أشهر",
        min_annual_rent="10000",
        term_years=3,
        frequency="quarterly",
        deadline=timezone.now() + dt.timedelta(days=10),
    )
    services.publish(actor=None, opportunity_id=opportunity.pk)
    document = tmp_path / "offer.pdf"
    document.write_bytes(b"%PDF-1.4\n% technical and financial proposal\n%%EOF")
    return {"investor": investor, "opportunity": opportunity, "document": document}


def _sign_in(browser: Any, live_server: Any, username: str) -> Any:
    context = browser.new_context(
        base_url=live_server.url, locale="ar", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    return page


def test_an_offer_stays_sealed_until_the_deadline(
    browser: Any, live_server: Any, scene: dict[str, Any], screenshot: Any
) -> None:
    from baladiya.investment.models import Offer

    reference = scene["opportunity"].reference
    investor = _sign_in(browser, live_server, scene["investor"].national_id)
    investor.goto("/investment/")
    assert investor.locator("html").get_attribute("lang") == "ar"
    investor.get_by_role("link", name="مقهى في الحديقة العامة").click()
    investor.locator("#id_annual_rent").fill("٩٠٠٠")  # below the minimum: refused, kept
    investor.locator("#offer-form button[type=submit]").click()
    assert investor.locator("#id_annual_rent_error").is_visible()
    assert investor.locator("#id_annual_rent").input_value() == "٩٠٠٠"
    investor.locator("#id_annual_rent").fill("13750")
    investor.locator("#id_document").set_input_files(str(scene["document"]))
    screenshot("investment-offer-ar", investor)
    investor.locator("#offer-form button[type=submit]").click()
    investor.wait_for_load_state()
    assert investor.locator("#my-offer").is_visible()
    offer = Offer.objects.get()
    assert offer.annual_rent is None and "13750" not in offer.sealed_terms

    admin = _sign_in(browser, live_server, "admin")
    admin.goto(f"/staff/investment/{reference}/")
    assert offer.number in admin.locator("#offers").inner_text()
    assert "13750" not in admin.content() and "13,750" not in admin.content()
    assert admin.locator("#open-form button").is_disabled()
    screenshot("investment-sealed-ar", admin)
    rows = admin.request.get(f"/api/v1/investment/opportunities/{reference}/offers/").json()
    assert rows[0]["annual_rent"] is None
