from __future__ import annotations

from typing import Any

import pytest

from baladiya.correspondence import api
from baladiya.correspondence.models import Entity, Letter, Referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_town(org_ps: Any, roles: Any) -> None:
    from baladiya.core.services import (
        assign_role,
        create_branch,
        create_department,
        create_staff_user,
    )

    create_branch(actor=None, code="HQ", name_ar="المقر", name_en="HQ", kind="headquarters")
    departments = {
        code: create_department(actor=None, code=code, name_ar=code, name_en=code)
        for code in ("SEC", "ENG", "FIN", "WAT", "ELC", "HLT", "HR")
    }
    for username, department in (("archivist", "SEC"), ("department-head", "ENG")):
        user = create_staff_user(
            actor=None, username=username, password="x-Pass-2026", first_name="م", last_name="ع"
        )
        assign_role(actor=None, user=user, role_key=username, department=departments[department])


def test_demo_letters_are_loaded_once(
    demo_town: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        api.load_demo(profile_key="taffouh", country="PS", persons=[], establishments=[])
    counts = (Entity.objects.count(), Letter.objects.count(), Referral.objects.count())
    assert counts[1] == 12
    states = set(Referral.objects.values_list("case__state__key", flat=True))
    assert states == {"referred", "in-progress", "answered", "closed"}
    assert set(Letter.objects.values_list("direction", flat=True)) == {
        "incoming",
        "outgoing",
        "internal",
    }
    api.load_demo(profile_key="taffouh", country="PS", persons=[], establishments=[])
    assert (Entity.objects.count(), Letter.objects.count(), Referral.objects.count()) == counts
