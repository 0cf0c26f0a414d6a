"""The demo data: loads quickly and a second run adds nothing."""

from __future__ import annotations

from typing import Any

import pytest

from baladiya.inspection import api
from baladiya.inspection.models import Objection, Violation, Visit

pytestmark = pytest.mark.django_db


def test_the_demo_loads_once(
    town: dict[str, Any], make_staff: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from baladiya.core.services import register_establishment
    from baladiya.finance.api import load_demo_ledger

    load_demo_ledger()

    make_staff("inspector", username="inspector")
    make_staff("department-head", department=town["ENG"], username="department-head")
    make_staff("finance-manager", username="finance-manager")
    shops = [town["shop"]] + [
        register_establishment(
            actor=None, commercial_registration=f"5623000{n:02d}", name_ar=f"منشأة {n}"
        )
        for n in range(6)
    ]
    persons = [town["citizen"].party, town["other"].party]
    for _run in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            api.load_demo(
                profile_key="taffouh", country="PS", persons=persons, establishments=shops
            )
        assert Violation.objects.count() == 21
        assert Visit.objects.count() == 5
        assert Objection.objects.count() == 1
        assert Violation.objects.filter(status="paid").count() == 5
    objection = Objection.objects.select_related("violation").get()
    assert objection.decision == "reduce"
    assert objection.violation.status == "reduced"
    assert objection.violation.fine < objection.original_fine
