"""The permits app's public surface for other apps (the inspection app, the
portal, the demo loader)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from baladiya.permits import demo
from baladiya.permits.selectors import (
    SOURCE_TYPE,
    deposits_of,
    permit_by_token,
    permit_for,
    permits_of,
    review,
)
from baladiya.permits.services import (
    SERVICE_KEYS,
    PermitApplication,
    apply,
    decide,
    install_fees,
    install_processes,
    issue,
    record_inspection,
    refund_deposit,
)


@transaction.atomic
def load_demo(
    *, profile_key: str, country: str, persons: Sequence[Any], establishments: Sequence[Any]
) -> None:
    """Demo data for this app (idempotent; called by the demo loader)."""
    del establishments  # permits are held by persons in the demo
    demo.load(profile_key=profile_key, country=country, persons=list(persons))


__all__ = [
    "SERVICE_KEYS",
    "SOURCE_TYPE",
    "PermitApplication",
    "apply",
    "decide",
    "deposits_of",
    "install_fees",
    "install_processes",
    "issue",
    "load_demo",
    "permit_by_token",
    "permit_for",
    "permits_of",
    "record_inspection",
    "refund_deposit",
    "review",
]
