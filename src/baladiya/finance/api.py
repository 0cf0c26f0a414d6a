"""The finance app's public surface for other apps.

Other apps post through :func:`post_entry` / :func:`reverse_entry` with plain
:class:`LineSpec` data; posting rules (``tender:cash`` → an account) are looked
up with :func:`account_for_rule`. Finance never imports another domain app.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from baladiya.core.api import User
from baladiya.finance.selectors import (
    entries_by_source,
    is_period_open,
    ledger_totals,
    period_for,
)
from baladiya.finance.services import (
    EntrySpec,
    LedgerError,
    LineSpec,
    PreparedEntry,
    account_for_rule,
    accounts_for_rules,
    balance_shard_for,
    fiscal_year_code_for,
    load_municipal_chart,
    open_fiscal_year,
    post_entries_bulk,
    post_entry,
    post_prepared,
    prepare_entry,
    reverse_entry,
)


@transaction.atomic
def load_demo_ledger(*, actor: User | None = None, today: dt.date | None = None) -> None:
    """Demo set-up: the municipal chart of accounts, its posting rules and the
    current fiscal year (idempotent)."""
    today = today or timezone.localdate()
    load_municipal_chart(actor=actor)
    open_fiscal_year(actor=actor, year=int(fiscal_year_code_for(today)))


__all__ = [
    "EntrySpec",
    "LedgerError",
    "LineSpec",
    "PreparedEntry",
    "account_for_rule",
    "accounts_for_rules",
    "balance_shard_for",
    "entries_by_source",
    "fiscal_year_code_for",
    "is_period_open",
    "ledger_totals",
    "load_demo_ledger",
    "load_municipal_chart",
    "open_fiscal_year",
    "period_for",
    "post_entries_bulk",
    "post_entry",
    "post_prepared",
    "prepare_entry",
    "reverse_entry",
]
