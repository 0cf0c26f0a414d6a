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


def _version_post(page: Any, **changes: str) -> dict[str, str]:
    """The new-version form as the page filled it, with ``changes``."""
    import re

    html = page.content.decode()
    data = {}
    for tag in re.findall(r"<(?:input|select)[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or name.group(1) == "csrfmiddlewaretoken":
            continue
        if 'type="checkbox"' in tag:
            if "checked" in tag:
                data[name.group(1)] = "on"
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = value.group(1) if value else ""
    for select in re.finditer(r'<select name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(2))
        first = re.search(r'<option value="([^"]*)"', select.group(2))  # as a browser sends
        data[select.group(1)] = (chosen or first).group(1) if (chosen or first) else ""
    data.update(changes)
    return data


def test_a_new_tariff_version_from_the_page(billed: dict[str, Any], make_staff: Any) -> None:
    manager = make_staff("finance-manager")
    client = client_for(manager)
    tariff = billed["tariff"]
    listing = client.get(reverse("utilities:tariffs")).content.decode()
    url = reverse("utilities:tariff-version", args=[tariff.pk])
    assert url in listing
    page = client.get(url)
    assert page.status_code == 200
    data = _version_post(
        page,
        effective_from="2027-01-01",
        **{"blocks-2-rate": "٩", "blocks-3-rate": "12"},  # Arabic-Indic digits are read
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    versions = list(tariff.versions.order_by("version"))
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].effective_to == dt.date(2026, 12, 31)
    assert [(b.lower, b.upper, b.rate) for b in versions[1].blocks.order_by("lower")] == [
        (0, 10, Decimal(2)),
        (10, 20, Decimal("2.5")),
        (20, 30, Decimal(9)),
        (30, None, Decimal(12)),
    ]
    assert versions[1].consumption_head == "water-consumption"


def test_a_bad_tariff_version_is_refused_and_keeps_what_was_typed(
    billed: dict[str, Any], make_staff: Any
) -> None:
    client = client_for(make_staff("finance-manager"))
    tariff = billed["tariff"]
    url = reverse("utilities:tariff-version", args=[tariff.pk])
    data = _version_post(client.get(url), effective_from="2027-01-01", **{"blocks-1-lower": "12"})
    response = client.post(url, data)  # a gap between 10 and 12
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="12"' in html and "alert-danger" in html
    data = _version_post(client.get(url), effective_from="2019-06-01")
    assert client.post(url, data).status_code == 200  # before the current version
    assert tariff.versions.count() == 1


def test_only_tariff_managers_open_the_new_version_page(
    billed: dict[str, Any], make_staff: Any
) -> None:
    url = reverse("utilities:tariff-version", args=[billed["tariff"].pk])
    assert client_for(make_staff("accountant")).get(url).status_code == 403
    assert (
        url
        not in client_for(make_staff("accountant"))
        .get(reverse("utilities:tariffs"))
        .content.decode()
    )
