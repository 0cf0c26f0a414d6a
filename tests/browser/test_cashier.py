"""A cashier's day in a real browser: open a shift, take a citizen's payment,
print the receipt (PDF, Arabic), close the shift; the citizen then sees the
payment on his statement."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from tests.browser import helpers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Cashier-Pass-2026"


@pytest.fixture
def scene(org_ps: Any, roles: Any) -> dict[str, Any]:
    from django.core.cache import cache
    from django.utils import timezone

    from baladiya.core.services import (
        assign_role,
        create_branch,
        create_party_login,
        create_staff_user,
        register_person,
    )
    from baladiya.core.tests.factories import ps_mobile, ps_national_id
    from baladiya.finance.api import load_demo_ledger
    from baladiya.revenue import services

    cache.clear()
    load_demo_ledger()
    hq = create_branch(
        actor=None,
        code="HQ",
        name_ar="المبنى الرئيسي",
        name_en="Main building",
        kind="headquarters",
    )
    cashier = create_staff_user(
        actor=None,
        username="cashier",
        password=PASSWORD,
        first_name="سامي",
        last_name="الجعبري",
        home_branch=hq,
    )
    assign_role(actor=None, user=cashier, role_key="cashier", branch=hq)
    person = register_person(
        actor=None,
        national_id=ps_national_id(777),
        name_ar="خالد محمود العملة",
        name_en="Khaled Al-Amleh",
        phone=ps_mobile(777),
    )
    citizen = create_party_login(actor=None, party=person, password=PASSWORD, role_key="citizen")
    services.create_revenue_head(
        actor=None,
        code="shop-licence",
        name_ar="رسوم رخصة محل",
        name_en="Shop licence fee",
        account_code="4101",
    )
    demand = services.create_demand(
        actor=None,
        party=person,
        lines=[services.DemandLineSpec(head="shop-licence", amount=Decimal("150"))],
        due_date=timezone.localdate() + dt.timedelta(days=10),
        description="رخصة محل - تجديد",
        source_type="licensing.licence",
        source_id="17",
    )
    return {"cashier": cashier, "citizen": citizen, "person": person, "demand": demand}


def sign_in(page: Any, username: str) -> None:
    helpers.sign_in(page, username, PASSWORD)


def test_cashier_day_and_the_citizens_statement(
    page: Any, browser: Any, live_server: Any, screenshot: Any, scene: dict[str, Any]
) -> None:
    from baladiya.revenue.models import CashierShift, Receipt

    sign_in(page, "cashier")
    page.wait_for_url("**/staff/")
    page.get_by_role("navigation", name="لوحة الموظفين").get_by_role("link").filter(
        has_text="الصندوق"
    ).click()
    page.wait_for_url("**/staff/cashier/")

    page.locator("#id_float").fill("200")
    page.locator("form button[type=submit]").filter(has_text="فتح الوردية").click()
    page.wait_for_load_state()
    assert page.locator("#shift-banner").is_visible()

    national_id = scene["person"].national_id
    page.locator("#id_q").fill(national_id)
    page.locator("#id_q").press("Enter")
    page.wait_for_load_state()
    assert "خالد محمود العملة" in page.locator("#payer").inner_text()
    assert page.locator("#id_amount").input_value() == "150.00"
    page.locator("#id_tender").select_option("cash")
    screenshot("cashier-desk-ar")
    page.get_by_role("button", name="تحصيل الدفعة").click()
    page.wait_for_url("**/staff/cashier/receipts/*/")
    receipt = Receipt.objects.get()
    assert receipt.number in page.locator("h1").inner_text()
    screenshot("cashier-receipt-ar")

    # Print: the Arabic PDF, fetched with the cashier's session.
    href = page.locator("#print-ar").get_attribute("href")
    pdf = page.request.get(href)
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    receipt.refresh_from_db()
    assert receipt.print_count == 1

    # Close the shift: the drawer holds the float and the payment.
    shift = CashierShift.objects.get()
    page.goto(f"/staff/cashier/shifts/{shift.pk}/")
    page.locator("#id_counted_cash").fill("350")
    page.get_by_role("button", name="إغلاق الوردية").click()
    page.wait_for_load_state()
    shift.refresh_from_db()
    assert shift.status == "closed" and shift.variance == 0
    z = page.request.get(f"/staff/cashier/shifts/{shift.pk}/pdf/")
    assert z.body().startswith(b"%PDF")
    screenshot("cashier-shift-closed-ar")

    # The citizen signs in (his own browser) and sees the payment.
    context = browser.new_context(base_url=live_server.url, locale="ar")
    citizen_page = context.new_page()
    sign_in(citizen_page, scene["citizen"].username)
    citizen_page.goto("/account/statement/")
    table = citizen_page.locator("#statement")
    assert receipt.number in table.inner_text()
    assert citizen_page.locator("tr.row-payment").count() == 1
    assert citizen_page.locator("html").get_attribute("dir") == "rtl"
    context.close()
