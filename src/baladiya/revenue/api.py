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
from baladiya.revenue.selectors import (
    amount_owed,
    calculate_fee,
    open_demands,
    party_balance,
    statement,
)
from baladiya.revenue.services import (
    DemandLineSpec,
    RevenueError,
    apply_penalties,
    cancel_demand,
    create_demand,
    load_demo_revenue,
    take_payment,
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


__all__ = [
    "DemandLineSpec",
    "RevenueError",
    "amount_owed",
    "apply_penalties",
    "calculate_fee",
    "cancel_demand",
    "create_demand",
    "load_demo",
    "open_demands",
    "party_balance",
    "statement",
    "take_payment",
]
