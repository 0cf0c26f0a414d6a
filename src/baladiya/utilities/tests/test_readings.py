"""Readings: rollover, spikes against the median/MAD, zero for two cycles,
double submission, meter faults, the CSV/Excel import with a per-row report,
meter replacement with a closing read, and the readings API."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from openpyxl import Workbook

from baladiya.utilities import services
from baladiya.utilities.models import AnomalyKind, Reading, ReadingKind

from .conftest import add_connection

pytestmark = pytest.mark.django_db


def kinds(reading: Reading) -> set[str]:
    return {a.kind for a in reading.anomalies.all()}


def months(town: dict[str, Any], count: int) -> list[dt.date]:
    ends = []
    for month in range(1, count + 1):
        start = dt.date(2025, month, 1)
        end = dt.date(2025, month, 28)
        services.open_cycle(
            actor=None,
            utility="water",
            period_from=start,
            period_to=end,
            due_date=end,
            code=f"2025-{month:02d}",
        )
        ends.append(end)
    return ends


def test_rollover_is_counted_and_flagged(town: dict[str, Any]) -> None:
    connection = add_connection(town, 1)
    meter = connection.meters.get()
    services.record_reading(
        actor=None, meter=meter, read_on=dt.date(2025, 6, 1), value=Decimal(99990)
    )
    reading = services.record_reading(
        actor=None, meter=meter, read_on=dt.date(2026, 1, 31), value=Decimal(15)
    )
    assert reading.rolled_over and reading.consumption == 25 and not reading.held
    assert kinds(reading) == {AnomalyKind.ROLLOVER}


def test_a_spike_against_the_median_is_held(town: dict[str, Any]) -> None:
    ends = months(town, 6)
    connection = add_connection(town, 1)
    meter = connection.meters.get()
    value = Decimal(100)
    for end, units in zip(ends[:5], (10, 12, 9, 11, 10), strict=True):
        value += units
        services.record_reading(actor=None, meter=meter, read_on=end, value=value)
    spike = services.record_reading(actor=None, meter=meter, read_on=ends[5], value=value + 80)
    assert spike.held and kinds(spike) == {AnomalyKind.SPIKE}


def test_zero_for_two_cycles_and_double_submission(town: dict[str, Any]) -> None:
    ends = months(town, 3)
    connection = add_connection(town, 1)
    meter = connection.meters.get()
    services.record_reading(actor=None, meter=meter, read_on=ends[0], value=Decimal(100))
    services.record_reading(actor=None, meter=meter, read_on=ends[1], value=Decimal(100))
    third = services.record_reading(actor=None, meter=meter, read_on=ends[2], value=Decimal(100))
    assert kinds(third) == {AnomalyKind.ZERO}
    again = services.record_reading(actor=None, meter=meter, read_on=ends[2], value=Decimal(104))
    assert again.held and kinds(again) == {AnomalyKind.DOUBLE}


def test_a_stuck_meter_without_a_value_is_flagged(town: dict[str, Any]) -> None:
    meter = add_connection(town, 1).meters.get()
    reading = services.record_reading(
        actor=None, meter=meter, read_on=dt.date(2026, 1, 31), value=None, status="stuck"
    )
    assert kinds(reading) == {AnomalyKind.FAULT} and reading.consumption is None
    with pytest.raises(services.UtilityError):
        services.record_reading(actor=None, meter=meter, read_on=dt.date(2026, 1, 31), value=None)


def test_the_import_reports_every_row_and_keeps_the_good_ones(town: dict[str, Any]) -> None:
    for n in (1, 2):
        add_connection(town, n)
    csv = (
        "serial,date,reading,status\n"
        "WM-000001,2026-01-31,130,working\n"
        "WM-999999,2026-01-31,10,working\n"
        "WM-000002,31/01/2026,10,working\n"
        "WM-000002,2026-01-31,abc,working\n"
        "WM-000002,٢٠٢٦-٠١-٣١,١٠٥,working\n"
    ).encode()
    batch = services.import_readings(actor=town["eng_head"], file_name="jan.csv", content=csv)
    assert (batch.rows, batch.accepted, batch.rejected) == (5, 2, 3)
    assert [row["ok"] for row in batch.report] == [True, False, False, False, True]
    assert "WM-999999" in batch.report[1]["message"]
    assert Reading.objects.count() == 2
    assert Reading.objects.get(meter__serial="WM-000002").consumption == 5


def test_the_import_reads_excel(town: dict[str, Any]) -> None:
    add_connection(town, 1)
    book = Workbook()
    sheet = book.active
    sheet.append(["Serial", "Date", "Reading", "Status"])
    sheet.append(["WM-000001", dt.datetime(2026, 1, 31), 125, "working"])
    buffer = io.BytesIO()
    book.save(buffer)
    batch = services.import_readings(
        actor=town["eng_head"], file_name="jan.xlsx", content=buffer.getvalue()
    )
    assert batch.accepted == 1 and Reading.objects.get().consumption == 25


def test_meter_replacement_records_a_closing_read(town: dict[str, Any]) -> None:
    connection = add_connection(town, 1)
    new = services.replace_meter(
        actor=None,
        connection=connection,
        closing_read=Decimal(112),
        closing_status="broken",
        new_serial="WM-NEW-1",
        replaced_on=dt.date(2026, 1, 15),
    )
    closing = Reading.objects.get(kind=ReadingKind.CLOSING)
    assert closing.consumption == 12 and closing.meter.removed_on == dt.date(2026, 1, 15)
    services.record_reading(actor=None, meter=new, read_on=dt.date(2026, 1, 31), value=Decimal(8))
    run = services.start_billing_run(actor=None, cycle=town["cycle"])
    services.execute_billing_run(run_id=run.pk)
    assert connection.bills.get().consumption == 20  # 12 on the old meter + 8 on the new


def test_readings_api(town: dict[str, Any]) -> None:
    add_connection(town, 1)
    client = Client()
    client.force_login(town["inspector"])
    response = client.post(
        "/api/v1/utilities/readings/",
        {"serial": "WM-000001", "read_on": "2026-01-31", "value": "125"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["consumption"] == "25.000"
    bad = client.post(
        "/api/v1/utilities/readings/",
        {"serial": "WM-000001", "read_on": "2026-01-31", "value": "5", "status": "melted"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    citizen = Client()
    citizen.force_login(town["citizen"])
    assert citizen.get("/api/v1/utilities/connections/").json() == []
    denied = citizen.post(
        "/api/v1/utilities/readings/",
        {"serial": "WM-000001", "read_on": "2026-01-31", "value": "130"},
        content_type="application/json",
    )
    assert denied.status_code == 403
