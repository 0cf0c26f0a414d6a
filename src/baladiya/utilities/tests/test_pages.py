"""The staff pages and the citizen's pages, and who may open what."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from baladiya.core.api import link_user_to_party
from baladiya.utilities import services
from baladiya.utilities.models import ConnectionBill, Reading

from .conftest import add_connection

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def billed(town: dict[str, Any], make_staff: Any) -> dict[str, Any]:
    connection = add_connection(town, 1, reading=Decimal(25))
    run = services.start_billing_run(actor=None, cycle=town["cycle"])
    services.execute_billing_run(run_id=run.pk)
    head = make_staff("department-head", branch=town["hq"])
    return {**town, "connection": connection, "run": run, "head": head}


def test_staff_pages_render(billed: dict[str, Any]) -> None:
    client = client_for(billed["head"])
    connection = billed["connection"]
    for name, args in (
        ("utilities:connections", []),
        ("utilities:connection", [connection.pk]),
        ("utilities:replace-meter", [connection.pk]),
        ("utilities:readings", []),
        ("utilities:anomalies", []),
        ("utilities:runs", []),
        ("utilities:run", [billed["run"].pk]),
        ("utilities:run-progress", [billed["run"].pk]),
        ("utilities:monitor", []),
        ("utilities:tariffs", []),
    ):
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
    page = client.get(reverse("utilities:connections"), {"q": connection.number})
    assert connection.number in page.content.decode()


def test_bill_pdfs_in_arabic_and_english(billed: dict[str, Any]) -> None:
    client = client_for(billed["head"])
    for lang in ("ar", "en"):
        response = client.get(reverse("utilities:run-pdf", args=[billed["run"].pk]), {"lang": lang})
        assert response.status_code == 200
        assert response.content.startswith(b"%PDF")


def test_entering_a_reading_and_a_bad_one_keeps_what_was_typed(billed: dict[str, Any]) -> None:
    client = client_for(billed["head"])
    url = reverse("utilities:readings")
    response = client.post(
        url,
        {
            "op": "enter",
            "serial": "WM-000001",
            "read_on": "2026-02-01",
            "status": "working",
            "value": "abc",
        },
    )
    assert response.status_code == 200
    assert 'value="WM-000001"' in response.content.decode()
    response = client.post(
        url,
        {
            "op": "enter",
            "serial": "WM-999999",
            "read_on": "2026-02-01",
            "status": "working",
            "value": "5",
        },
    )
    assert "WM-999999" in response.content.decode()
    assert not Reading.objects.filter(read_on=dt.date(2026, 2, 1)).exists()


def test_the_citizen_sees_only_his_own_connection_and_bills(billed: dict[str, Any]) -> None:
    connection = billed["connection"]
    citizen = billed["citizen"]
    link_user_to_party(actor=None, user=citizen, party=connection.party)
    client = client_for(citizen)
    assert connection.number in client.get(reverse("utilities:my-connections")).content.decode()
    page = client.get(reverse("utilities:my-connection", args=[connection.pk]))
    assert page.status_code == 200 and "85" in page.content.decode()
    bill = ConnectionBill.objects.get(connection=connection)
    assert client.get(reverse("utilities:bill-pdf", args=[bill.pk])).status_code == 200
    other = client_for(billed["other"])
    assert other.get(reverse("utilities:my-connection", args=[connection.pk])).status_code == 404
    assert other.get(reverse("utilities:bill-pdf", args=[bill.pk])).status_code == 404
    assert other.get(reverse("utilities:connections")).status_code == 403
