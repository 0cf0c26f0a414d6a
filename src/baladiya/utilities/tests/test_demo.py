"""The demo data loads, is idempotent, and gives the demo citizen a meter."""

from __future__ import annotations

from typing import Any

import pytest

from baladiya.core.api import luhn_check_digit, register_establishment, register_person
from baladiya.utilities import api
from baladiya.utilities.models import Anomaly, BillingRun, Connection, ConnectionBill, Meter

pytestmark = pytest.mark.django_db


def test_demo_loads_once(complaint_town: dict[str, Any]) -> None:
    persons = []
    for n in range(40):
        stem = f"{6100000 + n:07d}"
        persons.append(
            register_person(
                actor=None,
                national_id=stem + "0" + luhn_check_digit(stem + "0"),
                name_ar=f"مواطن {n}",
                phone=f"0598{n:06d}",
            )
        )
    establishments = [
        register_establishment(
            actor=None,
            owner=persons[n],
            name_ar=f"منشأة {n}",
            commercial_registration=f"5620{n:05d}",
            phone=f"0597{n:06d}",
        )
        for n in range(8)
    ]
    api.load_demo(
        profile_key="taffouh", country="PS", persons=persons, establishments=establishments
    )
    counts = (
        Connection.objects.count(),
        ConnectionBill.objects.count(),
        BillingRun.objects.count(),
        Anomaly.objects.count(),
    )
    assert counts[0] == 66 and counts[1] > 50 and counts[3] >= 2
    prepaid = api.prepaid_meters().first()
    assert prepaid is not None and prepaid.sts_supply_group_code == "123456"
    assert prepaid.sts_base_date == 2014 and prepaid.sts_key_revision == 1
    api.load_demo(
        profile_key="taffouh", country="PS", persons=persons, establishments=establishments
    )
    assert (
        Connection.objects.count(),
        ConnectionBill.objects.count(),
        BillingRun.objects.count(),
        Anomaly.objects.count(),
    ) == counts
    assert Meter.objects.filter(connection__party=persons[0]).count() == 2
