"""Water billing in a real browser, in Arabic: a reader enters readings (one
suspicious, held for review), imports a file with a bad row and sees the
per-row report, the department head clears the anomaly with a corrected
value, runs billing for the cycle and watches it finish, prints the bills;
the subscriber then sees his consumption and his bill on the portal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from tests.browser import helpers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Water-Pass-2026"


@pytest.fixture
def scene(org_ps: Any, roles: Any) -> dict[str, Any]:
    from django.core.cache import cache

    from baladiya.core.services import (
        assign_role,
        create_branch,
        create_party_login,
        create_staff_user,
        register_person,
    )
    from baladiya.core.tests.factories import ps_mobile, ps_national_id
    from baladiya.utilities import services

    cache.clear()
    hq = create_branch(
        actor=None,
        code="HQ",
        name_ar="المبنى الرئيسي",
        name_en="Main building",
        kind="headquarters",
    )
    head = create_staff_user(
        actor=None,
        username="water-head",
        password=PASSWORD,
        first_name="منى",
        last_name="التميمي",
        home_branch=hq,
    )
    assign_role(actor=None, user=head, role_key="department-head", branch=hq)
    services.ensure_revenue_heads()
    tariff = services.create_tariff(
        actor=None,
        code="water-res",
        name_ar="مياه منزلي",
        name_en="Residential water",
        utility="water",
        category="residential",
        mode="postpaid",
    )
    services.add_tariff_version(
        actor=None,
        tariff=tariff,
        effective_from=dt.date(2020, 1, 1),
        blocks=[(0, 10, "2"), (10, 20, "2.5"), (20, 30, "8"), (30, None, "10")],
        consumption_head="water-consumption",
    )
    cycle = services.open_cycle(
        actor=None,
        utility="water",
        period_from=dt.date(2026, 1, 1),
        period_to=dt.date(2026, 1, 31),
        due_date=dt.date(2026, 2, 20),
    )
    people = []
    for n in (1, 2, 3):
        person = register_person(
            actor=None,
            national_id=ps_national_id(880 + n),
            name_ar=f"مشترك المياه {n}",
            phone=ps_mobile(880 + n),
        )
        connection = services.register_connection(
            actor=None,
            party=person,
            utility="water",
            category="residential",
            branch=hq,
            address=f"حي الزيتون {n}",
            zone="Z1",
            status="active",
            connected_on=dt.date(2025, 1, 1),
        )
        services.fit_meter(
            actor=None,
            connection=connection,
            serial=f"WM-{n:04d}",
            installed_on=dt.date(2025, 1, 1),
            initial_read=Decimal(100),
        )
        people.append(person)
    citizen = create_party_login(actor=None, party=people[0], password=PASSWORD, role_key="citizen")
    return {"head": head, "citizen": citizen, "cycle": cycle, "people": people}


def sign_in(page: Any, username: str) -> None:
    helpers.sign_in(page, username, PASSWORD)


def test_readings_anomaly_billing_and_the_subscribers_bill(
    page: Any, browser: Any, live_server: Any, screenshot: Any, scene: dict[str, Any]
) -> None:
    from baladiya.utilities.models import ConnectionBill

    sign_in(page, "water-head")
    page.wait_for_url("**/staff/")
    page.get_by_role("navigation", name="لوحة الموظفين").get_by_role("link").filter(
        has_text="قراءات العدادات"
    ).click()
    page.wait_for_url("**/staff/utilities/readings/")

    # A reading below the previous one is saved but held for review.
    page.locator("#id_serial").fill("WM-0001")
    page.locator("#id_read_on").fill("2026-01-31")
    page.locator("#id_value").fill("٩٠")  # Arabic-Indic digits are read
    page.locator("#reading-form button[type=submit]").click()
    page.wait_for_load_state()
    assert "حُجزت للمراجعة" in page.locator("body").inner_text()

    # A file with one bad row: the good rows are kept, every row is reported.
    page.locator("#id_file").set_input_files(
        files=[
            {
                "name": "january.csv",
                "mimeType": "text/csv",
                "buffer": (
                    b"serial,date,reading,status\n"
                    b"WM-0002,2026-01-31,125,working\n"
                    b"WM-9999,2026-01-31,110,working\n"
                    b"WM-0003,2026-01-31,105,working\n"
                ),
            }
        ]
    )
    page.locator("#import-form button[type=submit]").click()
    page.wait_for_url("**/staff/utilities/readings/imports/*/")
    assert page.locator("#import-rows tbody tr.table-success").count() == 2
    assert "WM-9999" in page.locator("#import-rows tbody tr.table-danger").inner_text()
    screenshot("utilities-import-report-ar")

    # The anomaly queue: reject the reading with the corrected value.
    page.goto("/staff/utilities/anomalies/")
    row = page.locator("#anomalies tbody tr").filter(has_text="WM-0001")
    row.locator("input[name=corrected]").fill("125")
    row.get_by_role("button", name="رفض").click()
    page.wait_for_load_state()
    assert "لا توجد قراءات غير اعتيادية مفتوحة" in page.locator("#anomalies").inner_text()

    # Billing run for January: progress reaches 100 %, bills can be printed.
    page.goto("/staff/utilities/runs/")
    page.locator("#id_cycle").select_option(str(scene["cycle"].pk))
    page.locator("#run-form button[type=submit]").click()
    page.wait_for_url("**/staff/utilities/runs/*/")
    page.locator("#run-progress .progress-bar.bg-success").wait_for()
    assert "3" in page.locator("#run-status").inner_text()
    assert page.locator("#run-bills tbody tr").count() == 3
    screenshot("utilities-billing-run-ar")
    pdf = page.request.get(
        page.get_by_role("link", name="كل الفواتير (PDF، بالعربية)").get_attribute("href")
    )
    assert pdf.ok and pdf.body().startswith(b"%PDF")

    bill = ConnectionBill.objects.get(connection__party=scene["people"][0])
    assert bill.consumption == 25 and bill.amount == Decimal("85.00")

    # The subscriber sees his consumption and his bill.
    context = browser.new_context(base_url=live_server.url, locale="ar")
    citizen_page = context.new_page()
    sign_in(citizen_page, scene["citizen"].username)
    citizen_page.goto("/account/utilities/")
    citizen_page.locator("a.card").first.click()
    citizen_page.wait_for_load_state()
    assert bill.number in citizen_page.locator("#bills").inner_text()
    assert citizen_page.locator("svg rect").count() == 1
    assert citizen_page.locator("html").get_attribute("dir") == "rtl"
    context.close()


def test_a_new_tariff_version_in_the_browser(
    page: Any, screenshot: Any, scene: dict[str, Any]
) -> None:
    from baladiya.utilities.models import Tariff

    sign_in(page, "water-head")
    page.wait_for_url("**/staff/")
    page.goto("/staff/utilities/tariffs/")
    page.get_by_role("link", name="إصدار جديد").click()
    page.wait_for_url("**/new-version/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("#id_blocks-3-rate").input_value() == "10.0000"  # filled from v1
    page.locator("#id_effective_from").fill("2027-01-01")
    page.locator("#id_blocks-3-rate").fill("١٢")
    screenshot("utilities-tariff-version-ar")
    page.get_by_role("button", name="حفظ الإصدار الجديد").click()
    page.wait_for_url("**/staff/utilities/tariffs/")
    assert "الإصدار 2" in page.locator("body").inner_text()
    version = Tariff.objects.get(code="water-res").versions.get(version=2)
    assert version.blocks.get(upper__isnull=True).rate == 12
