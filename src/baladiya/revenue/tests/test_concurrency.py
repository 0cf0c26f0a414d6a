"""Real concurrency on PostgreSQL: twenty tills retrying the same payment."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from baladiya.finance import selectors as fin
from baladiya.finance.models import JournalEntry
from baladiya.revenue import services
from baladiya.revenue.models import Payment, Receipt
from baladiya.revenue.tests.conftest import water_demand

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_twenty_threads_same_key_make_one_payment_and_one_receipt(
    heads: Any, cashier: Any, shift: Any, party: Any
) -> None:
    demand = water_demand(party, "80")
    barrier = threading.Barrier(20)
    results: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            payment = services.take_payment(
                actor=cashier,
                party=party,
                amount=Decimal("80"),
                tender="cash",
                idempotency_key="bill-42-attempt",
                shift=shift,
                demands=[demand],
            )
            results.append(payment.pk)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(results) == 20 and len(set(results)) == 1
    assert Payment.objects.count() == 1
    assert Receipt.objects.count() == 1
    assert JournalEntry.objects.filter(source="revenue.receipt").count() == 1
    demand.refresh_from_db()
    assert demand.paid == Decimal("80")
    totals = fin.ledger_totals()
    assert totals["line_debit"] == totals["line_credit"] == Decimal("80")


def test_twenty_threads_different_keys_get_gap_free_receipts(
    heads: Any, cashier: Any, shift: Any, party: Any
) -> None:
    water_demand(party, "1000")
    barrier = threading.Barrier(20)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            barrier.wait()
            services.take_payment(
                actor=cashier,
                party=party,
                amount=Decimal("10"),
                tender="cash",
                idempotency_key=f"till-{n}",
                shift=shift,
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(Receipt.objects.values_list("sequence", flat=True))
    assert numbers == list(range(1, 21))
    totals = fin.ledger_totals()
    assert totals["balance_debit"] == totals["balance_credit"] == Decimal("200")
