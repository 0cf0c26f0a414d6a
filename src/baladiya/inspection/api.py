"""The inspection app's public surface for other apps (licensing plans its
site inspections here; a licence renewal checks a party's violations)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from baladiya.inspection.models import Category, VisitResult
from baladiya.inspection.selectors import violations_of
from baladiya.inspection.services import (
    install,
    load_demo_data,
    plan_visit,
    record_result,
    record_violation,
)


def load_demo(
    *, profile_key: str, country: str, persons: Sequence[Any], establishments: Sequence[Any]
) -> None:
    """Demo data: the fine schedule, about twenty violations in various states,
    visits for today and one objection (idempotent)."""
    load_demo_data(profile_key=profile_key, persons=persons, establishments=establishments)


__all__ = [
    "Category",
    "VisitResult",
    "install",
    "load_demo",
    "plan_visit",
    "record_result",
    "record_violation",
    "violations_of",
]
