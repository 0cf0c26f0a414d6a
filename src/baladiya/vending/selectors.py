"""Reads for the vend desk, the citizen's meters page and the API; permission-checked."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Max, QuerySet, Sum
from django.utils import timezone

from baladiya.core import api as core
from baladiya.core.api import AccessDenied, User
from baladiya.vending.models import MeterVendState, Vend, VendingPolicy, VendStatus

ZERO = Decimal("0")


def current_policy() -> VendingPolicy:
    """The vending policy (the defaults until someone sets one)."""
    return VendingPolicy.objects.order_by("pk").first() or VendingPolicy()


def _may_see_party(user: User | None, party: Any) -> None:
    if user is None:
        return
    if getattr(user, "party_id", None) == party.pk:
        return
    core.require(user, "vending.view")


def vends_of(*, user: User | None, party: Any) -> QuerySet[Vend]:
    """A customer's sales: the customer himself or staff."""
    _may_see_party(user, party)
    return Vend.objects.filter(party=party).select_related("meter", "branch")


def vends_of_meter(*, user: User | None, meter: Any, limit: int = 10) -> list[Vend]:
    _may_see_party(user, meter.connection.party)
    return list(Vend.objects.filter(meter=meter).select_related("operator")[:limit])


def vend_for_user(*, user: User, number: str) -> Vend | None:
    """The sale if this user may see it (his own, or staff); None otherwise, so a
    citizen cannot learn that someone else's sale exists by changing the number."""
    vend = (
        Vend.objects.select_related(
            "meter", "meter__connection", "party", "shift", "branch", "operator", "payment"
        )
        .filter(number=number)
        .first()
    )
    if vend is None:
        return None
    try:
        _may_see_party(user, vend.party)
    except AccessDenied:
        return None
    return vend


def bought_this_month(meter: Any, *, on: dt.date) -> Decimal:
    """Units already bought on this meter in the month of ``on``."""
    state = MeterVendState.objects.filter(meter=meter).first()
    if state is None or state.month != on.replace(day=1):
        return ZERO
    return state.month_units


def monthly_units(
    *, user: User | None, meter: Any, months: int = 6
) -> list[tuple[dt.date, Decimal]]:
    """Units bought per month (latest first): a prepaid meter's consumption."""
    _may_see_party(user, meter.connection.party)
    totals: dict[dt.date, Decimal] = {}
    rows = Vend.objects.filter(meter=meter, status=VendStatus.ISSUED).values_list(
        "issued_at", "units"
    )
    for issued, units in rows:
        month = timezone.localtime(issued).date().replace(day=1)
        totals[month] = totals.get(month, ZERO) + units
    return sorted(totals.items(), reverse=True)[:months]


def shift_sales(shift: Any) -> dict[str, Decimal | int]:
    """What a cashier shift sold: count, money and units."""
    totals = Vend.objects.filter(shift=shift, status=VendStatus.ISSUED).aggregate(
        amount=Sum("amount"), units=Sum("units")
    )
    return {
        "count": Vend.objects.filter(shift=shift, status=VendStatus.ISSUED).count(),
        "amount": totals["amount"] or ZERO,
        "units": totals["units"] or ZERO,
    }


def last_purchase_dates(meter_ids: list[int]) -> dict[int, dt.date]:
    """The local date of each meter's latest issued token (meters never sold to are absent)."""
    rows = (
        Vend.objects.filter(meter_id__in=meter_ids, status=VendStatus.ISSUED)
        .values("meter_id")
        .annotate(last=Max("issued_at"))
    )
    return {row["meter_id"]: timezone.localtime(row["last"]).date() for row in rows}
