"""The demo data: three opportunities in three states; a second run adds nothing."""

from __future__ import annotations

from typing import Any

import pytest

from baladiya.investment import api
from baladiya.investment.models import Contract, Instalment, Offer, Opportunity

pytestmark = pytest.mark.django_db


def test_the_demo_loads_once(complaint_town: dict[str, Any], make_staff: Any) -> None:
    from baladiya.core.profiles import luhn_check_digit
    from baladiya.core.services import (
        create_party_login,
        create_staff_user,
        register_person,
    )

    create_staff_user(
        actor=None,
        username="administrator",
        password="x-Pass-2026",
        first_name="م",
        last_name="ن",
        is_superuser=True,
    )
    make_staff("department-head", username="department-head")
    persons = []
    for n in range(5):
        stem = f"430000{n}0"
        persons.append(
            register_person(
                actor=None,
                national_id=stem + luhn_check_digit(stem),
                name_ar=f"شخص {n}",
                phone=f"059944400{n}",
            )
        )
    create_party_login(actor=None, party=persons[2], password="x-Pass-2026", role_key="investor")
    for _run in range(2):
        api.load_demo(profile_key="taffouh", country="PS", persons=persons, establishments=[])
        assert Opportunity.objects.count() == 3
        assert Offer.objects.count() == 6
        assert Contract.objects.count() == 1
    statuses = sorted(Opportunity.objects.values_list("status", flat=True))
    assert statuses == ["awarded", "published", "published"]
    assert Instalment.objects.filter(demand__isnull=False).exists()
