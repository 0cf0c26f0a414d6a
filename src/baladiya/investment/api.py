"""The investment app's public surface for other apps."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from baladiya.investment.selectors import my_contracts, my_offers, published
from baladiya.investment.services import load_demo_data, raise_due_rent


def load_demo(
    *, profile_key: str, country: str, persons: Sequence[Any], establishments: Sequence[Any]
) -> None:
    """Demo data: three opportunities (open; past its deadline with sealed
    offers; awarded with a contract and rent demands). Idempotent."""
    load_demo_data(profile_key=profile_key, persons=persons)


__all__ = ["load_demo", "my_contracts", "my_offers", "published", "raise_due_rent"]
