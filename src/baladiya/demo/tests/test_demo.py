"""The demo loader: realistic municipalities built through the real services."""

from __future__ import annotations

from typing import Any

import pytest

from baladiya.core.models import (
    AuditEntry,
    Branch,
    BranchKind,
    Department,
    Organisation,
    Party,
    PartyKind,
    Role,
    RoleAssignment,
    User,
)
from baladiya.core.permissions import has_capability
from baladiya.core.profiles import country_profile
from baladiya.core.services import verify_audit_chain
from baladiya.demo.loader import load_demo, profile_names, read_profiles
from baladiya.onestop.models import Service

pytestmark = pytest.mark.django_db

CITIZENS = 20
ESTABLISHMENTS = 8


def counts() -> dict[str, int]:
    return {
        "persons": Party.objects.filter(kind=PartyKind.PERSON).count(),
        "establishments": Party.objects.filter(kind=PartyKind.ESTABLISHMENT).count(),
        "users": User.objects.count(),
        "role assignments": RoleAssignment.objects.count(),
        "roles": Role.objects.count(),
        "branches": Branch.objects.count(),
        "departments": Department.objects.count(),
        "services": Service.objects.count(),
        "audit entries": AuditEntry.objects.count(),
        "organisations": Organisation.objects.count(),
    }


@pytest.fixture
def taffouh(db: Any) -> list[Any]:
    return load_demo("taffouh", citizens=CITIZENS, establishments=ESTABLISHMENTS)


@pytest.fixture
def qatif(db: Any) -> list[Any]:
    return load_demo("qatif", citizens=CITIZENS, establishments=ESTABLISHMENTS)


def test_profiles_available() -> None:
    assert {"taffouh", "qatif"} <= set(profile_names())


def test_taffouh(taffouh) -> None:  # type: ignore[no-untyped-def]
    org = Organisation.objects.get()
    assert (org.profile, org.country, org.currency, org.calendar) == (
        "taffouh",
        "PS",
        "ILS",
        "gregorian",
    )
    assert org.reference_prefix == "TAF"
    assert Branch.objects.count() == 6  # headquarters + 5 charging points
    assert Branch.objects.get(code="HQ").kind == BranchKind.HEADQUARTERS
    points = Branch.objects.filter(kind=BranchKind.CHARGING_POINT)
    assert sorted(points.values_list("code", flat=True)) == ["CP1", "CP2", "CP3", "CP4", "CP5"]
    assert all(p.parent and p.parent.code == "HQ" for p in points)
    # A comma inside a YAML flow mapping must not cut the English name short.
    assert Branch.objects.get(code="CP5").name_en == "Charging point - internet centre, Luza"
    assert Party.objects.filter(kind=PartyKind.PERSON).count() == CITIZENS
    assert 1 <= Party.objects.filter(kind=PartyKind.ESTABLISHMENT).count() <= ESTABLISHMENTS
    profile = country_profile("PS")
    for national_id in Party.objects.filter(kind=PartyKind.PERSON).values_list(
        "national_id", flat=True
    ):
        assert profile.clean_national_id(national_id) == national_id


def test_taffouh_departments(taffouh) -> None:  # type: ignore[no-untyped-def]
    data = read_profiles()
    top = [row["code"] for row in data["departments"]]
    sections = sum(len(row.get("sections", [])) for row in data["departments"])
    assert Department.objects.count() == len(top) + sections
    it = Department.objects.get(code="IT")
    assert it.children.count() == sections
    assert Department.objects.filter(parent=None).count() == len(top)


def test_second_run_adds_nothing(taffouh) -> None:  # type: ignore[no-untyped-def]
    before = counts()
    logins = load_demo("taffouh", citizens=CITIZENS, establishments=ESTABLISHMENTS)
    assert counts() == before
    assert [login.username for login in logins] == [login.username for login in taffouh]


def test_logins_work_and_carry_their_roles(taffouh) -> None:  # type: ignore[no-untyped-def]
    from django.conf import settings

    usernames = {login.username: login.role for login in taffouh}
    assert {"clerk", "auditor", "administrator", "cashier-cp1", "cashier-cp5"} <= set(usernames)
    for username, role in usernames.items():
        user = User.objects.get(username=username)
        assert user.check_password(settings.BALADIYA_DEMO_PASSWORD), username
        assert user.role_assignments.filter(role__key=role).exists(), username
    cp3 = Branch.objects.get(code="CP3")
    cashier = User.objects.get(username="cashier-cp3")
    assert has_capability(cashier, "core.view_parties", branch=cp3)
    assert not has_capability(cashier, "core.view_parties", branch=Branch.objects.get(code="CP4"))
    citizen = User.objects.get(username=next(u for u, r in usernames.items() if r == "citizen"))
    assert citizen.party is not None and not citizen.is_staff


def test_qatif(qatif) -> None:  # type: ignore[no-untyped-def]
    org = Organisation.objects.get()
    assert org.calendar == "hijri-umm-al-qura"
    assert org.shows_hijri
    assert (org.country, org.currency, org.time_zone) == ("SA", "SAR", "Asia/Riyadh")
    assert Branch.objects.count() == 6
    assert not Branch.objects.filter(kind=BranchKind.CHARGING_POINT).exists()
    assert set(Branch.objects.values_list("code", flat=True)) == {
        "HQ",
        "SHT",
        "SFW",
        "TRT",
        "ANK",
        "QDH",
    }
    assert not User.objects.filter(username__startswith="cashier-cp").exists()


def test_qatif_national_ids_are_valid_saudi_ids(qatif) -> None:  # type: ignore[no-untyped-def]
    profile = country_profile("SA")
    persons = Party.objects.filter(kind=PartyKind.PERSON)
    assert persons.count() == CITIZENS
    for person in persons:
        assert profile.clean_national_id(person.national_id) == person.national_id
        assert profile.clean_phone(person.phone) == person.phone
    for shop in Party.objects.filter(kind=PartyKind.ESTABLISHMENT):
        assert profile.clean_commercial_registration(shop.commercial_registration)


def test_qatif_second_run_adds_nothing(qatif) -> None:  # type: ignore[no-untyped-def]
    before = counts()
    load_demo("qatif", citizens=CITIZENS, establishments=ESTABLISHMENTS)
    assert counts() == before


def test_every_role_of_the_reference_file_exists(taffouh) -> None:  # type: ignore[no-untyped-def]
    roles = read_profiles()["roles"]
    assert len(roles) >= 17
    assert set(roles) <= set(Role.objects.values_list("key", flat=True))


def test_audit_chain_verifies_after_loading(taffouh) -> None:  # type: ignore[no-untyped-def]
    checked, problems = verify_audit_chain()
    assert checked == AuditEntry.objects.count() > 0
    assert problems == []
    load_demo("taffouh", citizens=CITIZENS, establishments=ESTABLISHMENTS)
    assert verify_audit_chain()[1] == []


def test_another_profile_in_the_same_database_refused(taffouh) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="taffouh"):
        load_demo("qatif", citizens=CITIZENS, establishments=ESTABLISHMENTS)
    assert Organisation.objects.get().profile == "taffouh"


def test_unknown_profile_refused(db) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="Unknown profile"):
        load_demo("atlantis")
