"""The utilities app's public surface for other apps.

The vending app prices a prepaid purchase with ``price_prepaid`` and builds a
token from ``sts_identity``; the portal and other modules find meters with
``meter_by_serial``, ``meters_of`` and ``prepaid_meters``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from baladiya.utilities.models import Connection, Meter
from baladiya.utilities.pricing import TariffError
from baladiya.utilities.selectors import (
    TariffMissing,
    meter_by_serial,
    meters_of,
    prepaid_meters,
    price_prepaid_units,
)
from baladiya.utilities.services import load_demo_utilities

if TYPE_CHECKING:
    from baladiya.utilities.sts import MeterIdentity


@dataclass(frozen=True)
class QuoteLine:
    head: str  # revenue head code
    amount: Decimal
    quantity: Decimal
    description: str


@dataclass(frozen=True)
class PrepaidQuote:
    units: Decimal
    lines: list[QuoteLine]

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))


def price_prepaid(
    meter: Meter, amount: Decimal, *, bought_units_this_month: Decimal, on: dt.date
) -> PrepaidQuote:
    """What ``amount`` (VAT and levies included) buys on this meter's tariff,
    starting in the block where this month's purchases left off. Units are
    rounded down to a tenth; the lines sum to exactly ``amount``. Raises
    ``TariffError`` (amount too small) or ``TariffMissing`` (no tariff)."""
    priced = price_prepaid_units(meter, amount, bought=bought_units_this_month, on=on)
    return PrepaidQuote(
        units=priced.units,
        lines=[QuoteLine(ln.head, ln.amount, ln.quantity, ln.description) for ln in priced.lines],
    )


def sts_identity(meter: Meter) -> MeterIdentity:
    """The meter's STS parameters for the token engine."""
    from baladiya.utilities.sts import MeterIdentity

    if (
        not meter.is_prepaid
        or not meter.sts_meter_pan
        or meter.sts_key_revision is None
        or meter.sts_key_type is None
        or meter.sts_base_date is None
    ):
        raise ValueError(f"Meter {meter.serial} has no STS parameters.")
    return MeterIdentity(
        meter_pan=meter.sts_meter_pan,
        supply_group_code=meter.sts_supply_group_code,
        tariff_index=meter.sts_tariff_index,
        key_revision=meter.sts_key_revision,
        key_type=meter.sts_key_type,
        base_date=meter.sts_base_date,
        key_generation=meter.sts_key_generation,
    )


def load_demo(
    *, profile_key: str, country: str, persons: Sequence[Any], establishments: Sequence[Any]
) -> None:
    """Demo data for this app (idempotent; called by the demo loader)."""
    load_demo_utilities(persons=persons, establishments=establishments, country=country)


__all__ = [
    "Connection",
    "Meter",
    "PrepaidQuote",
    "QuoteLine",
    "TariffError",
    "TariffMissing",
    "load_demo",
    "meter_by_serial",
    "meters_of",
    "prepaid_meters",
    "price_prepaid",
    "sts_identity",
]
