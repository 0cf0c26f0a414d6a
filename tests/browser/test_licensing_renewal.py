"""Renewal in a real browser, in English: refused while the establishment has an
unpaid fine (the page says what is owed and links to the dues), accepted once
the fine is paid."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Renewal-Pass-2026"


@pytest.fixture
def scene(org_ps: Any, roles: Any, make_staff: Any) -> dict[str, Any]:
    from django.utils import timezone

    from baladiya.core.services import (
        create_branch,
        create_department,
        create_party_login,
        register_person,
    )
    from baladiya.core.tests.factories import ps_mobile, ps_national_id
    from baladiya.finance.api import load_demo_ledger
    from baladiya.licensing import api as licensing
    from baladiya.licensing import services
    from baladiya.revenue import api as revenue
    from baladiya.workflow import api as workflow

    load_demo_ledger()
    licensing.install(actor=None)
    hq = create_branch(actor=None, code="HQ", name_ar="المقر", name_en="HQ", kind="headquarters")
    hlt = create_department(actor=None, code="HLT", name_ar="الصحة", name_en="Health")
    person = register_person(
        actor=None,
        national_id=ps_national_id(6160),
        name_ar="منى خليل",
        name_en="Muna Khalil",
        phone=ps_mobile(6160),
    )
    owner = create_party_login(actor=None, party=person, password=PASSWORD, role_key="citizen")
    licence = services.apply_for_licence(
        actor=owner,
        name="Muna's Barber Shop",
        activity="barber",
        area="30",
        commercial_registration="564000333",
        address="Main street",
    )
    for role, action, scope in (
        ("clerk", "accept", {"branch": hq}),
        ("inspector", "pass-inspection", {"department": hlt}),
        ("department-head", "approve", {"department": hlt}),
    ):
        workflow.take_action(
            actor=make_staff(role, **scope), case_id=licence.case_id, action_key=action
        )

    def pay(party: Any, key: str) -> None:
        revenue.take_payment(
            actor=None,
            party=party,
            amount=revenue.amount_owed(party),
            tender="cash",
            channel="bank",
            branch=hq,
            idempotency_key=key,
        )

    pay(person, "licence-fee")
    licence.refresh_from_db()
    revenue.create_revenue_head(
        actor=None, code="fine", name_ar="غرامة", name_en="Fine", account_code="4401"
    )
    fine = revenue.create_demand(
        actor=None,
        party=licence.establishment.party,
        lines=[revenue.DemandLineSpec(head="fine", amount=Decimal("120"))],
        due_date=timezone.localdate() - dt.timedelta(days=3),
        description="Hygiene violation",
        source_type="inspection.violation",
        source_id="1",
    )
    return {"owner": owner, "licence": licence, "fine": fine, "pay": pay}


def test_renewal_refused_while_a_fine_is_unpaid_then_accepted(
    page: Any, screenshot: Any, scene: dict[str, Any]
) -> None:
    licence, fine = scene["licence"], scene["fine"]
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(scene["owner"].username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    page.goto(f"/licences/{licence.pk}/")
    if page.locator("#switch-language").inner_text() == "English":
        page.locator("#switch-language").click()
        page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "ltr"
    blockers = page.locator("#renewal-blockers")
    assert fine.number in blockers.inner_text()
    assert page.locator("#renew").count() == 0
    screenshot("licensing-renewal-refused-en")
    blockers.get_by_role("link").first.click()
    page.wait_for_url(f"**/licences/establishments/{licence.establishment_id}/dues/")
    assert fine.number in page.locator("main").inner_text()

    scene["pay"](licence.establishment.party, "fine-paid")
    page.goto(f"/licences/{licence.pk}/")
    page.locator("#renew").click()
    page.wait_for_url("**/licences/*/")
    from baladiya.licensing.models import Licence

    renewal = Licence.objects.get(previous=licence)
    assert renewal.case.reference in page.locator("#case-link").inner_text()
    screenshot("licensing-renewal-accepted-en")
