from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from baladiya.core.api import luhn_check_digit, register_person
from baladiya.utilities import services
from baladiya.utilities.models import Category, Utility

# The tariff of the known defect: 25 m³ must bill 85, not 57.5.
BLOCKS = [(0, 10, "2"), (10, 20, "2.5"), (20, 30, "8"), (30, None, "10")]


@pytest.fixture
def town(complaint_town: dict[str, Any]) -> dict[str, Any]:
    services.ensure_revenue_heads()
    tariff = services.create_tariff(
        actor=None,
        code="water-res",
        name_ar="مياه منزلي",
        name_en="Residential water",
        utility=Utility.WATER,
        category=Category.RESIDENTIAL,
        mode="postpaid",
    )
    services.add_tariff_version(
        actor=None,
        tariff=tariff,
        effective_from=dt.date(2020, 1, 1),
        blocks=BLOCKS,
        consumption_head="water-consumption",
    )
    cycle = services.open_cycle(
        actor=None,
        utility=Utility.WATER,
        period_from=dt.date(2026, 1, 1),
        period_to=dt.date(2026, 1, 31),
        due_date=dt.date(2026, 2, 20),
    )
    return {**complaint_town, "tariff": tariff, "cycle": cycle}


def add_connection(
    town: dict[str, Any], n: int, *, reading: Decimal | None = None, zone: str = "Z1"
) -> Any:
    stem = f"{500000 + n:07d}"
    party = register_person(
        actor=None,
        national_id=stem + "0" + luhn_check_digit(stem + "0"),
        name_ar=f"مشترك {n}",
        phone=f"0599{n:06d}",
    )
    connection = services.register_connection(
        actor=None,
        party=party,
        utility=Utility.WATER,
        category=Category.RESIDENTIAL,
        branch=town["hq"],
        address=f"شارع {n}",
        zone=zone,
        status="active",
        connected_on=dt.date(2025, 1, 1),
    )
    meter = services.fit_meter(
        actor=None,
        connection=connection,
        serial=f"WM-{n:06d}",
        installed_on=dt.date(2025, 1, 1),
        dial_digits=5,
        initial_read=Decimal(100),
    )
    if reading is not None:
        services.record_reading(
            actor=None, meter=meter, read_on=dt.date(2026, 1, 31), value=Decimal(100) + reading
        )
    return connection
