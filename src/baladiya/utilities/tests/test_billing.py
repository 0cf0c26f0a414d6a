"""Billing runs: demands with a line per block, arrears, estimates, held
readings, and a run killed halfway that resumes and bills everyone once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from baladiya.revenue import api as revenue
from baladiya.utilities import services
from baladiya.utilities.models import ConnectionBill, Reading, ReadingKind, RunStatus

from .conftest import add_connection

pytestmark = pytest.mark.django_db


def _billed_on_an_estimate(
    town: dict[str, Any], meter: Any, connection: Any, units: Decimal
) -> None:
    """January billed on an estimate of ``units``."""
    Reading.objects.create(
        meter=meter,
        connection=connection,
        cycle=town["cycle"],
        read_on=dt.date(2026, 1, 31),
        kind=ReadingKind.ESTIMATED,
        source="system",
        consumption=units,
    )


def test_a_bill_has_a_demand_with_a_line_per_block(town: dict[str, Any]) -> None:
    connection = add_connection(town, 1, reading=Decimal(25))
    run = services.start_billing_run(actor=None, cycle=town["cycle"])
    run = services.execute_billing_run(run_id=run.pk)
    assert (run.status, run.total, run.billed) == (RunStatus.DONE, 1, 1)
    bill = ConnectionBill.objects.get(connection=connection)
    assert bill.amount == Decimal("85.00")
    assert (bill.previous_read, bill.current_read, bill.consumption) == (100, 125, 25)
    demand = revenue.demand(bill.demand_id)
    assert demand.total == Decimal("85.00")
    assert [(line.quantity, line.amount) for line in demand.lines.order_by("pk")] == [
        (10, Decimal("20.00")),
        (10, Decimal("25.00")),
        (5, Decimal("40.00")),
    ]
    assert demand.source_type == services.BILL_SOURCE


def test_a_run_killed_halfway_resumes_and_bills_everyone_exactly_once(
    town: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    connections = [add_connection(town, n, reading=Decimal(n)) for n in range(1, 11)]
    monkeypatch.setattr(services, "CHUNK", 3)
    run = services.start_billing_run(actor=None, cycle=town["cycle"])
    seen: list[int] = []

    def crash_at_the_fifth(connection: Any) -> None:
        seen.append(connection.pk)
        if len(seen) == 5:
            raise RuntimeError("worker killed")

    with pytest.raises(RuntimeError):
        services.execute_billing_run(run_id=run.pk, on_connection=crash_at_the_fifth)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert ConnectionBill.objects.count() == 3  # the first chunk; the second rolled back
    services.execute_billing_run(run_id=run.pk)
    run.refresh_from_db()
    assert (run.status, run.billed) == (RunStatus.DONE, 10)
    assert ConnectionBill.objects.count() == 10
    for connection in connections:
        assert ConnectionBill.objects.filter(connection=connection).count() == 1
        demands = revenue.open_demands(user=None, party=connection.party)
        assert demands.count() == 1
    # another run of the same cycle finds nothing left to bill
    again = services.start_billing_run(actor=None, cycle=town["cycle"])
    assert services.execute_billing_run(run_id=again.pk).billed == 0


def test_arrears_are_carried_forward(town: dict[str, Any]) -> None:
    connection = add_connection(town, 1, reading=Decimal(25))
    run = services.start_billing_run(actor=None, cycle=town["cycle"])
    services.execute_billing_run(run_id=run.pk)
    february = services.open_cycle(
        actor=None,
        utility="water",
        period_from=dt.date(2026, 2, 1),
        period_to=dt.date(2026, 2, 28),
        due_date=dt.date(2026, 3, 20),
    )
    meter = connection.meters.get()
    services.record_reading(
        actor=None, meter=meter, read_on=dt.date(2026, 2, 28), value=Decimal(130)
    )
    run = services.start_billing_run(actor=None, cycle=february)
    services.execute_billing_run(run_id=run.pk)
    bill = ConnectionBill.objects.get(connection=connection, cycle=february)
    assert bill.consumption == 5 and bill.amount == Decimal("10.00")
    assert bill.arrears == Decimal("85.00")
    assert bill.total_due == Decimal("95.00")


def test_no_reading_is_estimated_and_trued_up_on_the_next_real_read(town: dict[str, Any]) -> None:
    connection = add_connection(town, 1)
    meter = connection.meters.get()
    # a history of 10 m³ a month
    for month, value in ((9, 110), (10, 120), (11, 130), (12, 140)):
        services.open_cycle(
            actor=None,
            utility="water",
            period_from=dt.date(2025, month, 1),
            period_to=dt.date(2025, month, 28),
            due_date=dt.date(2025, month, 28),
            code=f"2025-{month:02d}",
        )
        services.record_reading(
            actor=None, meter=meter, read_on=dt.date(2025, month, 28), value=Decimal(value)
        )
    run = services.start_billing_run(actor=None, cycle=town["cycle"])
    services.execute_billing_run(run_id=run.pk)
    bill = ConnectionBill.objects.get(connection=connection, cycle=town["cycle"])
    assert bill.estimated and bill.consumption == 10
    estimate = Reading.objects.get(connection=connection, kind=ReadingKind.ESTIMATED)
    assert estimate.consumption == 10
    services.open_cycle(
        actor=None,
        utility="water",
        period_from=dt.date(2026, 2, 1),
        period_to=dt.date(2026, 2, 28),
        due_date=dt.date(2026, 3, 20),
    )
    real = services.record_reading(
        actor=None, meter=meter, read_on=dt.date(2026, 2, 28), value=Decimal(165)
    )
    assert real.consumption == 15  # 25 since December, 10 of them already billed
    low = add_connection(town, 2)
    low_meter = low.meters.get()
    _billed_on_an_estimate(town, low_meter, low, Decimal(30))
    trued = services.record_reading(
        actor=None, meter=low_meter, read_on=dt.date(2026, 2, 28), value=Decimal(110)
    )
    assert trued.consumption == 0 and "20" in trued.note
    assert trued.credit_units == 20  # 30 billed on the estimate, the meter showed 10


def test_an_over_estimate_is_credited_on_the_following_readings(town: dict[str, Any]) -> None:
    connection = add_connection(town, 1)
    meter = connection.meters.get()  # initial read 100
    _billed_on_an_estimate(town, meter, connection, Decimal(30))
    second = services.record_reading(
        actor=None, meter=meter, read_on=dt.date(2026, 2, 28), value=Decimal(110)
    )
    assert (second.consumption, second.credit_units) == (0, 20)
    third = services.record_reading(
        actor=None, meter=meter, read_on=dt.date(2026, 3, 31), value=Decimal(122)
    )
    assert (third.consumption, third.credit_units) == (0, 8)  # 12 used, 8 still owed
    fourth = services.record_reading(
        actor=None, meter=meter, read_on=dt.date(2026, 4, 30), value=Decimal(140)
    )
    assert (fourth.consumption, fourth.credit_units) == (10, 0)
    billed = sum(r.consumption for r in Reading.objects.filter(meter=meter))
    assert billed == 140 - 100  # over the four periods, exactly what the meter showed


def test_a_held_reading_accepted_later_is_trued_up_too(town: dict[str, Any]) -> None:
    connection = add_connection(town, 1)
    meter = connection.meters.get()
    services.record_reading(
        actor=None, meter=meter, read_on=dt.date(2025, 12, 31), value=Decimal(120)
    )
    _billed_on_an_estimate(town, meter, connection, Decimal(10))
    held = services.record_reading(
        actor=None, meter=meter, read_on=dt.date(2026, 2, 28), value=Decimal(110)
    )
    assert held.held and held.consumption is None  # below the previous reading
    services.resolve_anomaly(actor=town["eng_head"], anomaly=held.anomalies.get(), accept=True)
    held.refresh_from_db()
    # The meter was exchanged or misread before: accepted as it is, the 10 units
    # billed on the estimate are still not billed twice.
    assert (held.consumption, held.credit_units) == (0, 10)


def test_a_held_reading_is_not_billed_until_cleared(town: dict[str, Any]) -> None:
    connection = add_connection(town, 1)
    meter = connection.meters.get()
    held = services.record_reading(
        actor=None, meter=meter, read_on=dt.date(2026, 1, 31), value=Decimal(50)
    )
    assert held.held and held.anomalies.get().kind == "negative"
    run = services.start_billing_run(actor=None, cycle=town["cycle"])
    run = services.execute_billing_run(run_id=run.pk)
    assert (run.billed, run.skipped) == (0, 1)
    head = town["eng_head"]
    services.resolve_anomaly(
        actor=head, anomaly=held.anomalies.get(), accept=False, corrected_value=Decimal(150)
    )
    run = services.start_billing_run(actor=None, cycle=town["cycle"])
    run = services.execute_billing_run(run_id=run.pk)
    assert run.billed == 1
    assert ConnectionBill.objects.get(connection=connection).consumption == 50


def test_the_billing_command(town: dict[str, Any]) -> None:
    import io

    from django.core.management import call_command

    add_connection(town, 1, reading=Decimal(25))
    out = io.StringIO()
    call_command("utilities_bill", utility="water", cycle="2026-01", stdout=out)
    assert "1 billed" in out.getvalue()
    call_command("utilities_bill", utility="water", cycle="2026-01", stdout=out)
    assert ConnectionBill.objects.count() == 1
