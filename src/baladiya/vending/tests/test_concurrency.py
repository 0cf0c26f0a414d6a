"""Real concurrency on PostgreSQL: fifty sales to one meter at the same moment."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models import Sum

from baladiya.revenue import services as revenue
from baladiya.revenue.models import Payment
from baladiya.revenue.selectors import shift_expected
from baladiya.utilities import api as utilities
from baladiya.utilities import sts
from baladiya.vending import services
from baladiya.vending.models import MeterVendState, Vend
from baladiya.vending.tests.factories import vending_scene

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SALES = 50


def test_fifty_parallel_sales_get_distinct_increasing_tids(org_ps: Any, roles: Any) -> None:
    scene = vending_scene()
    cashier, meter = scene["cashier"], scene["meter"]
    shift = revenue.open_shift(actor=cashier, branch=scene["point"], opening_float=Decimal("0"))
    barrier = threading.Barrier(SALES)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            barrier.wait()
            services.sell(
                actor=cashier,
                meter=meter,
                amount=Decimal(5 + n % 7),
                idempotency_key=f"till-{n}",
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(SALES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    vends = list(Vend.objects.filter(meter=meter).order_by("pk"))
    tids = [v.tid for v in vends]
    assert len(vends) == SALES and len(set(tids)) == SALES
    assert tids == sorted(tids)  # in the order the sales took the meter's lock
    assert MeterVendState.objects.get(meter=meter).last_tid == tids[-1]
    sold = Vend.objects.filter(shift=shift).aggregate(s=Sum("amount"))["s"]
    paid = Payment.objects.filter(shift=shift).aggregate(s=Sum("amount"))["s"]
    assert sold == paid == sum(Decimal(5 + n % 7) for n in range(SALES))
    assert shift_expected(shift)["cash"] == sold
    # the meter accepts every token in turn, and the month's units add up
    key = sts.decoder_key(bytes.fromhex("abababababababab"), utilities.sts_identity(meter))
    memory = sts.MeterMemory(size=SALES)
    for vend in vends:
        memory.accept(sts.decode_token(key, vend.token))
    assert MeterVendState.objects.get(meter=meter).month_units == sum(v.units for v in vends)
