"""The vending app's public surface for other apps."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from baladiya.vending.events import TokenIssued
from baladiya.vending.selectors import last_purchase_dates, vends_of
from baladiya.vending.services import VendingError, load_demo_vends


def load_demo(
    *, profile_key: str, country: str, persons: Sequence[Any], establishments: Sequence[Any]
) -> None:
    """Demo data: a few sales on the first prepaid meters (idempotent)."""
    from baladiya.utilities import api as utilities

    load_demo_vends(meters=list(utilities.prepaid_meters()[:8]))


__all__ = [
    "TokenIssued",
    "VendingError",
    "last_purchase_dates",
    "load_demo",
    "vends_of",
]
