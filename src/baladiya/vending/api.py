"""The vending app's public surface for other apps."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def load_demo(
    *, profile_key: str, country: str, persons: Sequence[Any], establishments: Sequence[Any]
) -> None:
    """Demo data for this app (idempotent; called by the demo loader)."""


__all__ = ["load_demo"]
