"""Fixtures shared by every test: a configured municipality, users with roles."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest

POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgis"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://…")
    for item in items:
        if "postgres" in item.keywords and not POSTGRES:
            item.add_marker(skip_pg)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """The organisation is cached; a test must not see the previous test's."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _private_archive_dirs(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The archive's search index and scan inboxes live on disk, outside the test
    database: each test gets its own, so no test finds another run's documents."""
    root = tmp_path_factory.mktemp("archive")
    settings.ARCHIVE_SEARCH_DIR = root / "search"
    settings.ARCHIVE_SCAN_INBOX = root / "scan-inbox"


@pytest.fixture
def org_ps(db: Any) -> Any:
    from baladiya.core.services import configure_organisation

    return configure_organisation(
        actor=None,
        profile="taffouh",
        name_ar="بلدية تفوح",
        name_en="Taffouh Municipality",
        country="PS",
        currency="ILS",
        time_zone="Asia/Hebron",
        calendar="gregorian",
        default_language="ar",
        reference_prefix="TAF",
    )


@pytest.fixture
def org_sa(db: Any) -> Any:
    from baladiya.core.services import configure_organisation

    return configure_organisation(
        actor=None,
        profile="qatif",
        name_ar="بلدية محافظة القطيف",
        name_en="Qatif Governorate Municipality",
        country="SA",
        currency="SAR",
        time_zone="Asia/Riyadh",
        calendar="hijri-umm-al-qura",
        default_language="ar",
        reference_prefix="QTF",
    )


@pytest.fixture
def roles(db: Any) -> list[Any]:
    from baladiya.core.services import install_default_roles

    return install_default_roles(actor=None)


@pytest.fixture
def make_staff(db: Any, roles: Any) -> Callable[..., Any]:
    """make_staff("clerk", branch=…, department=…) → a staff user with that role."""
    from baladiya.core.services import assign_role, create_staff_user

    counter = {"n": 0}

    def make(
        role: str, *, branch: Any = None, department: Any = None, username: str | None = None
    ) -> Any:
        counter["n"] += 1
        user = create_staff_user(
            actor=None,
            username=username or f"{role}-{counter['n']}",
            password="x-Pass-2026",
            first_name="موظف",
            last_name=role,
        )
        assign_role(actor=None, user=user, role_key=role, branch=branch, department=department)
        return user

    return make


@pytest.fixture
def complaint_town(org_ps: Any, roles: Any, make_staff: Any) -> dict[str, Any]:
    """A municipality with the catalogue, the complaint process, a citizen and staff."""
    from baladiya.core.profiles import luhn_check_digit
    from baladiya.core.services import (
        create_branch,
        create_department,
        create_party_login,
        register_person,
    )
    from baladiya.onestop.services import load_catalogue
    from baladiya.workflow import api as workflow

    load_catalogue(actor=None)
    workflow.install_definition(actor=None, spec=workflow.process_spec("complaint"))
    hq = create_branch(actor=None, code="HQ", name_ar="المقر", name_en="HQ", kind="headquarters")
    departments = {
        code: create_department(actor=None, code=code, name_ar=code, name_en=code)
        for code in ("CS", "ENG", "HLT", "WAT", "ELC")
    }
    people = []
    for stem, phone in (("4100000", "0599555666"), ("4100001", "0599777888")):
        national_id = stem + "0" + luhn_check_digit(stem + "0")
        party = register_person(
            actor=None, national_id=national_id, name_ar="مواطن تجريبي", phone=phone
        )
        people.append(
            create_party_login(actor=None, party=party, password="x-Pass-2026", role_key="citizen")
        )
    return {
        "hq": hq,
        **departments,
        "citizen": people[0],
        "other": people[1],
        "clerk": make_staff("clerk", branch=hq),
        "inspector": make_staff("inspector", department=departments["ENG"]),
        "eng_head": make_staff("department-head", department=departments["ENG"]),
    }
