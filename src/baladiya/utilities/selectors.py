"""Reads for pages, the REST API and other apps; permission-checked where a
user is given."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from baladiya.core.api import Party, organisation
from baladiya.utilities import pricing
from baladiya.utilities.models import (
    Connection,
    Meter,
    Tariff,
    TariffMode,
    TariffVersion,
)


class TariffMissing(LookupError):
    pass


def currency() -> str:
    org = organisation()
    return org.currency if org is not None else "ILS"


# --- Meters ---------------------------------------------------------------------------


def meter_by_serial(serial: str) -> Meter | None:
    return (
        Meter.objects.select_related("connection", "connection__party")
        .filter(serial=serial.strip())
        .first()
    )


def meters_of(party: Party) -> QuerySet[Meter]:
    """The meters fitted on the party's connections (not the removed ones)."""
    return (
        Meter.objects.select_related("connection")
        .filter(connection__party=party, removed_on__isnull=True)
        .order_by("connection__number")
    )


def prepaid_meters() -> QuerySet[Meter]:
    return (
        Meter.objects.select_related("connection", "connection__party")
        .filter(is_prepaid=True, removed_on__isnull=True)
        .order_by("serial")
    )


# --- Tariffs --------------------------------------------------------------------------


def tariff_version(*, utility: str, category: str, mode: str, on: dt.date) -> TariffVersion:
    """The version in force on ``on`` of the tariff for this utility, category
    and mode (a prepaid meter without a prepaid tariff pays the postpaid one)."""
    modes = [mode] if mode == TariffMode.POSTPAID else [mode, TariffMode.POSTPAID]
    for wanted in modes:
        version = (
            TariffVersion.objects.filter(
                tariff__utility=utility,
                tariff__category=category,
                tariff__mode=wanted,
                effective_from__lte=on,
            )
            .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
            .select_related("tariff")
            .prefetch_related("blocks", "charges")
            .order_by("-effective_from")
            .first()
        )
        if version is not None:
            return version
    raise TariffMissing(
        _("No %(utility)s tariff for %(category)s on %(date)s.")
        % {"utility": utility, "category": category, "date": on.isoformat()}
    )


def schedule_of(version: TariffVersion, *, meter_size: str = "") -> pricing.Schedule:
    """The version as plain values for ``pricing`` (fixed charges for this
    meter size, or for every size)."""
    english = (get_language() or "ar").startswith("en")
    charges = []
    for charge in version.charges.all():
        if charge.meter_size and charge.meter_size != meter_size:
            continue
        charges.append(
            pricing.Charge(
                kind=charge.kind,
                head=charge.head,
                description=charge.description_en if english else charge.description_ar,
                amount=charge.amount,
                vat_applies=charge.vat_applies,
            )
        )
    return pricing.Schedule(
        blocks=tuple(pricing.Block(b.lower, b.upper, b.rate) for b in version.blocks.all()),
        consumption_head=version.consumption_head,
        method=version.method,
        lifeline_units=version.lifeline_units,
        lifeline_rate=version.lifeline_rate,
        charges=tuple(charges),
        vat_percent=version.vat_percent,
        vat_head=version.vat_head,
    )


def tariffs() -> QuerySet[Tariff]:
    return Tariff.objects.prefetch_related("versions__blocks", "versions__charges")


def price_prepaid_units(
    meter: Meter, amount: Decimal, *, bought: Decimal, on: dt.date
) -> pricing.Priced:
    connection: Connection = meter.connection
    version = tariff_version(
        utility=connection.utility,
        category=connection.category,
        mode=TariffMode.PREPAID,
        on=on,
    )
    schedule = schedule_of(version, meter_size=connection.meter_size)
    return pricing.prepaid_units(schedule, amount, bought=bought, currency=currency())
