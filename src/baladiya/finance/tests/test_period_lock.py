"""A period close and a posting into it never cross (PostgreSQL row locks)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, transaction

from baladiya.finance import services
from baladiya.finance.models import FiscalPeriod, JournalEntry, PeriodStatus
from baladiya.finance.tests.test_ledger import books, cash_sale  # noqa: F401 (fixture)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_close_waits_for_a_posting_in_flight_and_later_postings_are_refused(
    books: Any,  # noqa: F811
) -> None:
    march = FiscalPeriod.objects.get(year=books, number=3)
    posted = threading.Event()
    release = threading.Event()
    closed_while_posting: list[bool] = []

    def slow_posting() -> None:
        try:
            with transaction.atomic():
                cash_sale("10")
                posted.set()
                release.wait(timeout=10)
        finally:
            connection.close()

    def close() -> None:
        try:
            services.close_period(actor=None, period=march)
            closed_while_posting.append(not release.is_set())
        finally:
            connection.close()

    poster = threading.Thread(target=slow_posting)
    poster.start()
    assert posted.wait(timeout=10)
    closer = threading.Thread(target=close)
    closer.start()
    closer.join(timeout=1)
    assert closer.is_alive()  # the close waits for the posting's transaction
    release.set()
    poster.join(timeout=10)
    closer.join(timeout=10)
    assert closed_while_posting == [False]
    march.refresh_from_db()
    assert march.status == PeriodStatus.CLOSED
    assert JournalEntry.objects.filter(period=march).count() == 1  # the posting landed first
    with pytest.raises(services.LedgerError):
        cash_sale("5")
