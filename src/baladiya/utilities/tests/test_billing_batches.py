"""How a billing run reads and writes its chunks: each chunk's query bounded by
the ids still to bill, connections that change during the run, rollovers, and
the bills written in bulk (COPY on PostgreSQL) as bulk_create would write them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from baladiya.core import api as core
from baladiya.utilities import services
from baladiya.utilities.models import ConnectionBill, ConnectionStatus, RunStatus

from .conftest import add_connection

pytestmark = pytest.mark.django_db


def test_connections_changing_during_a_run_are_seen_chunk_by_chunk(
    town: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    connections = [add_connection(town, n, reading=Decimal(n)) for n in range(1, 7)]
    monkeypatch.setattr(services, "CHUNK", 2)
    run = services.start_billing_run(actor=None, cycle=town["cycle"])
    late: list[Any] = []

    def meanwhile(seen: Any) -> None:
        if seen.pk == connections[0].pk:
            # The whole second chunk is suspended before it is read, and a
            # connection joins after the run has listed what it has to bill.
            for suspended in connections[2:4]:
                services.set_connection_status(
                    actor=None, connection=suspended, status=ConnectionStatus.SUSPENDED
                )
            late.append(add_connection(town, 7, reading=Decimal(7)))

    run = services.execute_billing_run(run_id=run.pk, on_connection=meanwhile)
    assert (run.status, run.billed) == (RunStatus.DONE, 5)
    billed = set(ConnectionBill.objects.values_list("connection_id", flat=True))
    assert billed == {c.pk for c in [*connections[:2], *connections[4:], *late]}


def test_a_rolled_over_meter_is_billed_across_the_rollover(town: dict[str, Any]) -> None:
    connection = add_connection(town, 1)
    meter = connection.meters.get()
    services.record_reading(
        actor=None, meter=meter, read_on=dt.date(2025, 6, 1), value=Decimal(99990)
    )
    services.record_reading(
        actor=None, meter=meter, read_on=dt.date(2026, 1, 31), value=Decimal(15)
    )
    run = services.start_billing_run(actor=None, cycle=town["cycle"])
    assert services.execute_billing_run(run_id=run.pk).billed == 1
    bill = ConnectionBill.objects.get(connection=connection)
    assert (bill.previous_read, bill.current_read, bill.consumption) == (99990, 15, 25)
    assert bill.amount == Decimal("85.00")


def _bill_values(town: dict[str, Any], run: Any, now: dt.datetime) -> dict[str, Any]:
    return {
        "cycle_id": town["cycle"].pk,
        "run_id": run.pk,
        "previous_read": Decimal("100.5"),
        "current_read": None,
        "consumption": Decimal("12.25"),
        "estimated": True,
        "amount": Decimal("85.00"),
        "arrears": Decimal("3.10"),
        "lines": [
            {"head": "water-consumption", "description": "استهلاك 0–10 بسعر 2", "amount": "20"},
            {"head": "utility-vat", "description": 'VAT "16%"\\n', "amount": "3.2"},
        ],
        "demand_id": None,
        "created_at": now,
    }


def test_bills_written_in_bulk_are_the_rows_bulk_create_writes(town: dict[str, Any]) -> None:
    first, second = add_connection(town, 1), add_connection(town, 2)
    run = services.start_billing_run(actor=None, cycle=town["cycle"])
    now = timezone.now()
    values = _bill_values(town, run, now)
    fields = ["connection_id", "number", *values]
    core.insert_rows(ConnectionBill, fields, [[first.pk, "bulk", *values.values()]])
    ConnectionBill.objects.bulk_create(
        [ConnectionBill(connection_id=second.pk, number="reference", **values)]
    )
    ours = ConnectionBill.objects.filter(number="bulk").values().get()
    reference = ConnectionBill.objects.filter(number="reference").values().get()
    assert ours.pop("created_at") == now  # bulk_create sets its own time
    for row in (ours, reference):
        for name in ("id", "connection_id", "number", "created_at"):
            row.pop(name, None)
    assert ours == reference
    assert ours["lines"] == values["lines"]


@pytest.mark.postgres
def test_a_run_streams_its_bills_with_copy_on_postgresql(town: dict[str, Any]) -> None:
    connections = [add_connection(town, n, reading=Decimal(5 * n)) for n in range(1, 4)]
    run = services.start_billing_run(actor=None, cycle=town["cycle"])
    with CaptureQueriesContext(connection) as queries:
        assert services.execute_billing_run(run_id=run.pk).billed == 3
    statements = [q["sql"] for q in queries.captured_queries]
    assert any(s.startswith('COPY "utilities_connectionbill"') for s in statements)
    assert not any(s.startswith('INSERT INTO "utilities_connectionbill"') for s in statements)
    for n, item in enumerate(connections, start=1):
        bill = ConnectionBill.objects.get(connection=item)
        assert bill.consumption == 5 * n and bill.demand_id is not None
        assert bill.lines[0]["head"] == "water-consumption"
