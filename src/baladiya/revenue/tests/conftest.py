"""Shared set-up for revenue tests: a ledger, a branch, heads, cashier and supervisor."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from baladiya.core.services import create_branch
from baladiya.core.tests.factories import PersonFactory
from baladiya.finance.api import load_demo_ledger
from baladiya.revenue import services


@pytest.fixture
def ledger(org_ps: Any) -> None:
    load_demo_ledger(today=timezone.localdate())


@pytest.fixture
def hq(org_ps: Any) -> Any:
    return create_branch(
        actor=None,
        code="HQ",
        name_ar="المبنى الرئيسي",
        name_en="Main building",
        kind="headquarters",
    )


@pytest.fixture
def heads(ledger: None) -> dict[str, Any]:
    return {
        "licence": services.create_revenue_head(
            actor=None,
            code="shop-licence",
            name_ar="رسوم رخصة محل",
            name_en="Shop licence fee",
            account_code="4101",
            priority=10,
        ),
        "water": services.create_revenue_head(
            actor=None,
            code="water",
            name_ar="فاتورة مياه",
            name_en="Water bill",
            account_code="4201",
            priority=20,
            allows_part_payment=True,
            allows_advance=True,
        ),
    }


@pytest.fixture
def cashier(make_staff: Any, hq: Any) -> Any:
    return make_staff("cashier", branch=hq, username="cashier")


@pytest.fixture
def supervisor(make_staff: Any) -> Any:
    return make_staff("finance-manager", username="supervisor")


@pytest.fixture
def party(org_ps: Any) -> Any:
    return PersonFactory()


@pytest.fixture
def shift(cashier: Any, hq: Any) -> Any:
    return services.open_shift(actor=cashier, branch=hq, opening_float=Decimal("100"))


def water_demand(party: Any, amount: str = "80", days: int = 0) -> Any:
    return services.create_demand(
        actor=None,
        party=party,
        lines=[services.DemandLineSpec(head="water", amount=Decimal(amount))],
        due_date=timezone.localdate() + timezone.timedelta(days=days),
        source_type="utilities.bill",
        source_id="1",
    )
