"""What happened to money, published after the transaction commits.

Other modules react to these (a licence is issued once its fee demand is
settled) through handlers registered in their own ``handlers.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

from baladiya.core.api import publish

__all__ = ["DemandReopened", "DemandSettled", "PaymentReceived", "publish"]


@dataclass(frozen=True)
class PaymentReceived:
    payment_id: int
    party_id: int
    receipt_number: str
    amount: str
    channel: str
    demand_ids: tuple[int, ...]


@dataclass(frozen=True)
class DemandSettled:
    """Nothing is owed on the demand any more (paid, or the rest written off)."""

    demand_id: int
    party_id: int
    source_type: str
    source_id: str
    status: str


@dataclass(frozen=True)
class DemandReopened:
    """A settled demand is owed again (its receipt was cancelled)."""

    demand_id: int
    party_id: int
    source_type: str
    source_id: str
