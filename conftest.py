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
