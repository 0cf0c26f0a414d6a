"""Core reads for pages, the API and other apps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Case, Q, QuerySet, When

from baladiya.core.models import (
    AuditEntry,
    Branch,
    BranchKind,
    Delivery,
    Department,
    Notification,
    Organisation,
    Party,
    User,
)
from baladiya.core.permissions import require
from baladiya.core.text import normalize_arabic

_ORG_CACHE_KEY = "baladiya:organisation"


def organisation() -> Organisation | None:
    """The organisation row (cached; the cache is cleared when it changes)."""
    org = cache.get(_ORG_CACHE_KEY)
    if org is None:
        org = Organisation.objects.filter(singleton=True).first()
        if org is not None:
            cache.set(_ORG_CACHE_KEY, org, 300)
    return org


def forget_organisation() -> None:
    cache.delete(_ORG_CACHE_KEY)


def default_language() -> str:
    org = organisation()
    return org.default_language if org is not None else settings.LANGUAGE_CODE


def organisation_time_zone() -> str:
    org = organisation()
    return org.time_zone if org is not None else settings.TIME_ZONE


def branches(*, kind: str | None = None, active_only: bool = True) -> QuerySet[Branch]:
    qs = Branch.objects.select_related("parent")
    if kind:
        qs = qs.filter(kind=kind)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("code")


def service_points() -> QuerySet[Branch]:
    """Branches where people are served: headquarters, branches and offices."""
    return branches().exclude(kind=BranchKind.CHARGING_POINT)


def charging_points() -> QuerySet[Branch]:
    return branches(kind=BranchKind.CHARGING_POINT)


def departments(*, active_only: bool = True) -> QuerySet[Department]:
    qs = Department.objects.select_related("parent")
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("code")


def department_tree() -> list[tuple[Department, int]]:
    """Departments in tree order with their depth, for indented lists."""
    all_departments = list(departments())
    children: dict[int | None, list[Department]] = {}
    for dep in all_departments:
        children.setdefault(dep.parent_id, []).append(dep)
    out: list[tuple[Department, int]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for dep in children.get(parent_id, []):
            out.append((dep, depth))
            walk(dep.pk, depth + 1)

    walk(None, 0)
    return out


def department_descendants(department_id: int) -> set[int]:
    """The department and every department below it."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Department.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, stack = {department_id}, [department_id]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def branch_by_code(code: str) -> Branch | None:
    return Branch.objects.filter(code=code).first()


# Branches and departments change seldom and are read on every submission: they are
# cached briefly. Creating one clears the cache at once; an edit in the back office
# shows within this many seconds.
REFERENCE_DATA_SECONDS = 60


def cached(key: str, load: Callable[[], Any], seconds: int = REFERENCE_DATA_SECONDS) -> Any:
    """``load()``, kept in the cache under ``key`` for ``seconds``. A result of
    None is not kept: what does not exist yet may be created any moment."""
    value = cache.get(key)
    if value is None:
        value = load()
        if value is not None:
            cache.set(key, value, seconds)
    return value


def department_by_code(code: str) -> Department | None:
    return cached(f"core:department:{code}", lambda: Department.objects.filter(code=code).first())


def headquarters() -> Branch | None:
    """The municipality's headquarters (where a request is handled by default)."""
    return cached(
        "core:headquarters", lambda: service_points().filter(kind=BranchKind.HEADQUARTERS).first()
    )


def branch_by_id(pk: int) -> Branch | None:
    return cached(f"core:branch#{pk}", lambda: Branch.objects.filter(pk=pk).first())


def department_by_id(pk: int) -> Department | None:
    return cached(f"core:department#{pk}", lambda: Department.objects.filter(pk=pk).first())


def forget_reference_data(*, department_code: str = "") -> None:
    cache.delete_many(["core:headquarters", f"core:department:{department_code}"])


def party_by_national_id(national_id: str) -> Party | None:
    return Party.objects.filter(national_id=national_id).first() if national_id else None


def party_by_commercial_registration(number: str) -> Party | None:
    return Party.objects.filter(commercial_registration=number).first() if number else None


def search_parties(*, user: User, query: str = "", kind: str = "") -> QuerySet[Party]:
    """Parties matching ``query`` (Arabic-normalised, every word must match)."""
    require(user, "core.view_parties")
    qs = Party.objects.select_related("owner", "branch").order_by("name_ar", "pk")
    if kind:
        qs = qs.filter(kind=kind)
    for word in normalize_arabic(query).split():
        qs = qs.filter(search_text__contains=word)
    return qs


def users_with_roles(role_keys: set[str]) -> QuerySet[User]:
    """Active users holding any of ``role_keys`` (in any scope)."""
    return (
        User.objects.filter(is_active=True, role_assignments__role__key__in=role_keys)
        .distinct()
        .order_by("first_name", "last_name", "pk")
    )


def user_by_username(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def audit_entries(*, user: User, object_type: str = "", action: str = "") -> QuerySet[AuditEntry]:
    require(user, "core.view_audit")
    qs = AuditEntry.objects.select_related("actor").order_by("-seq")
    if object_type:
        qs = qs.filter(object_type=object_type)
    if action:
        qs = qs.filter(Q(action__startswith=action))
    return qs


def map_settings() -> dict[str, object]:
    """What a page needs to draw a Leaflet map: tiles (or none), and where to centre."""
    org = organisation()
    centre = {"PS": (31.5417, 35.0530), "SA": (26.5600, 50.0100)}.get(
        org.country if org else "PS", (31.5417, 35.0530)
    )
    return {
        "map_tile_url": settings.BALADIYA_MAP_TILE_URL,
        "map_attribution": settings.BALADIYA_MAP_ATTRIBUTION,
        # Strings, so templates never localise them (Arabic writes 31٫5 or 31,5).
        "map_centre": (repr(centre[0]), repr(centre[1])),
    }


def notifications_of(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")


def unread_count(user: User) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def failed_deliveries(*, user: User) -> QuerySet[Delivery]:
    require(user, "core.manage_users")
    return (
        Delivery.objects.filter(status__in=["failed", "retrying"])
        .select_related("notification")
        .order_by("-pk")
    )


def parties_acted_for(user: User | Any) -> list[Party]:
    """The person himself first, then the establishments he owns (by name)."""
    own = getattr(user, "party_id", None)
    if own is None:
        return []
    return list(
        Party.objects.filter(Q(pk=own) | Q(owner_id=own)).order_by(
            Case(When(pk=own, then=0), default=1), "name_ar", "pk"
        )
    )
