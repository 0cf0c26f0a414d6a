"""What the vending app calls: prepaid pricing on the meter's tariff and the
meter's STS identity."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from baladiya.core.api import luhn_check_digit
from baladiya.utilities import api, services

pytestmark = pytest.mark.django_db


def prepaid_meter(town: dict[str, Any]) -> Any:
    tariff = services.create_tariff(
        actor=None,
        code="elec-prepaid",
        name_ar="كهرباء مسبقة الدفع",
        name_en="Prepaid electricity",
        utility="electricity",
        category="residential",
        mode="prepaid",
    )
    services.add_tariff_version(
        actor=None,
        tariff=tariff,
        effective_from=dt.date(2024, 1, 1),
        blocks=[(0, 250, "0.5"), (250, None, "0.7")],
        consumption_head="electricity-consumption",
        vat_percent=Decimal(16),
        vat_head="utility-vat",
        charges=[
            services.ChargeSpec(
                "percent", "electricity-levy", "إنارة", "Street lighting", Decimal(2)
            )
        ],
    )
    connection = services.register_connection(
        actor=None,
        party=town["citizen"].party,
        utility="electricity",
        category="residential",
        branch=town["hq"],
        address="حي الزيتون",
        status="active",
    )
    stem = "60072741000000001"
    return services.fit_meter(
        actor=None,
        connection=connection,
        serial="EM-1",
        installed_on=dt.date(2025, 1, 1),
        is_prepaid=True,
        sts=services.StsParameters(
            meter_pan=stem + luhn_check_digit(stem),
            supply_group_code="123456",
            tariff_index="01",
            key_revision=1,
            key_type=2,
            base_date=2014,
            key_generation="dkga02",
        ),
    )


def test_price_prepaid_and_the_sts_identity(town: dict[str, Any]) -> None:
    meter = prepaid_meter(town)
    quote = api.price_prepaid(
        meter, Decimal("100"), bought_units_this_month=Decimal(200), on=dt.date(2026, 1, 10)
    )
    assert quote.total == Decimal("100.00")
    assert {line.head for line in quote.lines} == {
        "electricity-consumption",
        "electricity-levy",
        "utility-vat",
    }
    consumption = [ln for ln in quote.lines if ln.head == "electricity-consumption"]
    assert consumption[0].quantity == 50  # the rest of the 0–250 block first
    assert quote.units == sum(ln.quantity for ln in consumption)
    with pytest.raises(api.TariffError):
        api.price_prepaid(
            meter, Decimal("0.01"), bought_units_this_month=Decimal(0), on=dt.date(2026, 1, 10)
        )
    identity = api.sts_identity(meter)
    assert identity.meter_pan == meter.sts_meter_pan
    assert (identity.supply_group_code, identity.tariff_index, identity.base_date) == (
        "123456",
        "01",
        2014,
    )
    assert api.meter_by_serial("EM-1") == meter
    assert list(api.meters_of(town["citizen"].party)) == [meter]
    assert list(api.prepaid_meters()) == [meter]
