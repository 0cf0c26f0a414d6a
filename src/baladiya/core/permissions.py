"""Capabilities and the roles that hold them.

A capability is a dotted name (``core.view_audit``). Each app declares its own
with :func:`declare`; a role holds capability patterns (``*``, ``core.*``,
``*.view_*``) and is assigned to a user for a branch and/or department scope.
Checks run in services and selectors through :func:`has_capability` /
:func:`require`; views only decide what to show.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from baladiya.core.models import Branch, Department, User


@dataclass(frozen=True)
class Capability:
    key: str
    label: str | Promise


CAPABILITIES: dict[str, Capability] = {}


def declare(*capabilities: tuple[str, str | Promise]) -> None:
    for key, label in capabilities:
        CAPABILITIES[key] = Capability(key, label)


declare(
    ("core.view_staff_area", _("Open the staff back office")),
    ("core.manage_organisation", _("Manage the organisation, branches and departments")),
    ("core.manage_users", _("Manage users and their roles")),
    ("core.view_parties", _("View citizens and establishments")),
    ("core.manage_parties", _("Register and edit citizens and establishments")),
    ("core.view_audit", _("View the audit log")),
    ("core.grant_superuser", _("Create administrators with every permission")),
    ("onestop.manage_catalogue", _("Edit the service catalogue")),
)

# Role key → (Arabic name, English name, staff role?, capability patterns).
# Each municipality can edit the capabilities of a role in the back office.
DEFAULT_ROLES: dict[str, tuple[str, str, bool, list[str]]] = {
    "citizen": ("مواطن", "Citizen", False, []),
    "contractor": ("مقاول", "Contractor", False, []),
    "investor": ("مستثمر", "Investor", False, []),
    "clerk": (
        "موظف خدمة الجمهور",
        "Front-desk clerk",
        True,
        [
            "core.view_staff_area",
            "core.view_parties",
            "core.manage_parties",
            "workflow.view_cases",
            "workflow.assign",
            "workflow.open_cases",
            "gis.view_parcels",
            "gis.issue_site_plans",
        ],
    ),
    "cashier": (
        "أمين صندوق",
        "Cashier",
        True,
        [
            "core.view_staff_area",
            "core.view_parties",
            "revenue.collect",
            "revenue.view_statement",
            "revenue.request_cancellation",
        ],
    ),
    "inspector": (
        "مفتش",
        "Inspector",
        True,
        ["core.view_staff_area", "core.view_parties", "workflow.view_cases"],
    ),
    "engineer": (
        "مهندس",
        "Engineer",
        True,
        [
            "core.view_staff_area",
            "core.view_parties",
            "workflow.view_cases",
            "gis.view_parcels",
            "gis.view_owners",
            "gis.issue_site_plans",
        ],
    ),
    "department-head": (
        "رئيس قسم",
        "Head of department",
        True,
        ["core.view_staff_area", "core.view_parties", "workflow.view_cases", "workflow.assign"],
    ),
    "accountant": (
        "محاسب",
        "Accountant",
        True,
        [
            "core.view_staff_area",
            "core.view_parties",
            "revenue.view_statement",
            "revenue.raise_demand",
            "revenue.request_amendment",
            "finance.post_journal",
            "finance.view_reports",
        ],
    ),
    "finance-manager": (
        "المدير المالي",
        "Finance manager",
        True,
        [
            "core.view_staff_area",
            "core.view_parties",
            "revenue.*",
            "finance.*",
        ],
    ),
    "storekeeper": ("أمين مستودع", "Storekeeper", True, ["core.view_staff_area"]),
    "hr-officer": ("موظف شؤون الموظفين", "HR officer", True, ["core.view_staff_area"]),
    "archivist": ("موظف أرشيف", "Archivist", True, ["core.view_staff_area"]),
    "gis-officer": (
        "موظف نظم المعلومات الجغرافية",
        "GIS officer",
        True,
        ["core.view_staff_area", "core.view_parties", "gis.*"],
    ),
    "it-support": (
        "الدعم الفني",
        "IT support",
        True,
        ["core.view_staff_area", "core.manage_users"],
    ),
    "auditor": (
        "مدقق",
        "Auditor",
        True,
        ["core.view_staff_area", "core.view_parties", "core.view_audit", "*.view_*"],
    ),
    "administrator": ("مدير النظام", "Administrator", True, ["*"]),
}


def grant_by_default(role_key: str, *patterns: str) -> None:
    """Give a standard role more capability patterns (an app calls this in its
    ``ready()`` for its own capabilities); applies to roles installed afterwards."""
    name_ar, name_en, staff, capabilities = DEFAULT_ROLES[role_key]
    added = [p for p in patterns if p not in capabilities]
    DEFAULT_ROLES[role_key] = (name_ar, name_en, staff, [*capabilities, *added])


def define_default_role(
    key: str, name_ar: str, name_en: str, *, staff: bool, capabilities: Iterable[str]
) -> None:
    """Add a standard role of an app's own (kept if another app defined it first)."""
    DEFAULT_ROLES.setdefault(key, (name_ar, name_en, staff, list(capabilities)))


# How long a user's role assignments stay in the cache. A change of his roles
# gives him a new stamp (``User.roles_stamp``) and so a new cache key at once;
# the time only bounds how long an entry nobody asks for any more takes room.
ROLES_CACHE_SECONDS = 600


def _assignments(user: User) -> list[Any]:
    """The user's role assignments: kept on the user object for the request, and in
    the cache under his roles stamp, read fresh from the database with the user on
    each request, so no process ever acts on roles he no longer has."""
    cached = getattr(user, "_baladiya_assignments", None)
    if cached is None:
        key = f"core:roles:{user.pk}:{user.roles_stamp}"
        cached = cache.get(key)
        if cached is None:
            cached = list(user.role_assignments.select_related("role", "department").all())
            cache.set(key, cached, ROLES_CACHE_SECONDS)
        user._baladiya_assignments = cached  # type: ignore[attr-defined]
    return cached


def forget(user: User) -> None:
    """Drop the per-request copy of a user's roles (after assigning a role)."""
    user.__dict__.pop("_baladiya_assignments", None)


def _department_lineage(department: Department) -> set[int]:
    ids: set[int] = set()
    node: Department | None = department
    while node is not None and node.pk not in ids:
        ids.add(node.pk)
        node = node.parent
    return ids


def _matches(patterns: Iterable[str], capability: str) -> bool:
    return any(fnmatchcase(capability, pattern) for pattern in patterns)


def has_capability(
    user: User | Any,
    capability: str,
    *,
    branch: Branch | None = None,
    department: Department | None = None,
) -> bool:
    """Whether ``user`` may exercise ``capability`` in the given scope.

    An assignment without a branch (department) covers every branch
    (department); a department assignment covers its sub-departments.
    Without a scope, any assignment that holds the capability counts.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    lineage = _department_lineage(department) if department is not None else None
    for assignment in _assignments(user):
        if not _matches(assignment.role.capabilities, capability):
            continue
        if branch is not None and assignment.branch_id not in (None, branch.pk):
            continue
        if lineage is not None and assignment.department_id not in (None, *lineage):
            continue
        return True
    return False


def has_role(
    user: User | Any,
    role_key: str,
    *,
    branch: Branch | None = None,
    department: Department | None = None,
) -> bool:
    """Whether ``user`` holds ``role_key`` in a scope covering branch/department."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    lineage = _department_lineage(department) if department is not None else None
    for assignment in _assignments(user):
        if assignment.role.key != role_key:
            continue
        if branch is not None and assignment.branch_id not in (None, branch.pk):
            continue
        if lineage is not None and assignment.department_id not in (None, *lineage):
            continue
        return True
    return False


def assignments(user: User | Any) -> list[Any]:
    """The user's role assignments (cached for the request)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return _assignments(user)


def role_keys(user: User | Any) -> set[str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    return {a.role.key for a in _assignments(user)}


class AccessDenied(PermissionDenied):
    """Raised by services when the user lacks a capability; the message is translated."""


def acts_for(user: User | Any, party: Any) -> bool:
    """Whether a signed-in person acts for ``party``: it is himself, or an
    establishment he owns (an owner sees and pays his shop's dues)."""
    own = getattr(user, "party_id", None)
    if own is None or party is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(party.pk == own or getattr(party, "owner_id", None) == own)


def require(
    user: User | Any,
    capability: str,
    *,
    branch: Branch | None = None,
    department: Department | None = None,
) -> None:
    if not has_capability(user, capability, branch=branch, department=department):
        cap = CAPABILITIES.get(capability)
        label = str(cap.label) if cap else capability
        raise AccessDenied(
            gettext("You are not allowed to do this: “%(permission)s” is not among your roles.")
            % {"permission": label}
        )
