"""The revenue app's public surface for other apps.

Modules raise demands for their records (``create_demand`` with
``source_type``/``source_id``), read what a party owes and take payments (a
charging point passes ``channel="charging-point"``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from baladiya.core.api import User
from baladiya.revenue.events import DemandReopened, DemandSettled, PaymentReceived
from baladiya.revenue.models import AmendmentKind, Channel, DemandStatus, Tender
from baladiya.revenue.selectors import (
    amount_owed,
    amounts_owed,
    calculate_fee,
    head_by_code,
    open_demands,
    open_shift_of,
    party_balance,
    receipt,
    receipts,
    shift,
    statement,
)
from baladiya.revenue.services import (
    DemandLineSpec,
    DemandSpec,
    RevenueError,
    add_fee_schedule,
    apply_penalties,
    approve_amendment,
    approve_shift,
    cancel_demand,
    close_shift,
    create_demand,
    create_demands,
    create_revenue_head,
    load_demo_revenue,
    open_shift,
    request_amendment,
    start_online_payment,
    take_payment,
    take_sale_payment,
)


@transaction.atomic
def load_demo(
    *,
    services: Sequence[Any],
    parties: Sequence[Any],
    branch: Any = None,
    actor: User | None = None,
) -> dict[str, int]:
    """Demo data: revenue heads from the service catalogue fees, demands for the
    given parties and payments on some of them (idempotent)."""
    return load_demo_revenue(services=services, parties=parties, branch=branch)


def demand(pk: int) -> Any:
    """The demand with this id, or None (for modules that keep a demand id)."""
    from baladiya.revenue.models import Demand

    return Demand.objects.filter(pk=pk).first()


__all__ = [
    "AmendmentKind",
    "Channel",
    "DemandLineSpec",
    "DemandReopened",
    "DemandSettled",
    "DemandSpec",
    "DemandStatus",
    "PaymentReceived",
    "RevenueError",
    "Tender",
    "add_fee_schedule",
    "amount_owed",
    "amounts_owed",
    "apply_penalties",
    "approve_amendment",
    "approve_shift",
    "calculate_fee",
    "cancel_demand",
    "close_shift",
    "create_demand",
    "create_demands",
    "create_revenue_head",
    "demand",
    "head_by_code",
    "load_demo",
    "open_demands",
    "open_shift",
    "open_shift_of",
    "party_balance",
    "receipt",
    "receipts",
    "request_amendment",
    "shift",
    "start_online_payment",
    "statement",
    "take_payment",
    "take_sale_payment",
]
