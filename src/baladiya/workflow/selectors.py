"""Workflow reads: definitions, a user's inbox, a citizen's cases, public tracking.

Every read that returns a case checks that the user may see it: the applicant,
the assignee, or staff holding ``workflow.view_cases`` in the case's branch and
department scope. A case the user may not see is reported as not found.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from baladiya.core import api as core
from baladiya.core.api import User
from baladiya.workflow.models import (
    APPLICANT,
    Action,
    Case,
    CaseEvent,
    ProcessDefinition,
    State,
)

REFERENCE = re.compile(r"[A-Z]{2,6}(-[A-Z0-9]{1,6})?-\d{4}-\d{4,}")


# An installed version of a process never changes (a change is version n+1), so
# its states and actions are cached for long; which version is active may change,
# so that is cached briefly (see ``forget_active_definition``).
STATE_ACTIONS_SECONDS = 3600
ACTIVE_DEFINITION_SECONDS = 60


def active_definition(key: str) -> ProcessDefinition | None:
    return ProcessDefinition.objects.filter(key=key, is_active=True).order_by("-version").first()


def _start_key(service_key: str) -> str:
    return f"workflow:start:{service_key}"


def start_of(service_key: str) -> tuple[ProcessDefinition, State] | None:
    """The active version of ``service_key``'s process and its start state, for
    opening a case. Cached for a minute: installing a version clears it at once
    in a shared cache (or this process's own), and other processes with a private
    cache open new cases on the previous version for at most that minute (a
    version a case may run on to its end, as running cases do)."""

    def load() -> tuple[ProcessDefinition, State] | None:
        definition = active_definition(service_key)
        if definition is None:
            return None
        return definition, definition.states.get(is_start=True)

    return core.cached(_start_key(service_key), load, ACTIVE_DEFINITION_SECONDS)


def forget_active_definition(service_key: str) -> None:
    cache.delete(_start_key(service_key))


def state(state_id: int) -> State:
    """A state of an installed version (which never changes)."""
    return core.cached(
        f"workflow:state:{state_id}",
        lambda: State.objects.get(pk=state_id),
        STATE_ACTIONS_SECONDS,
    )


def state_actions(state_id: int) -> list[Action]:
    """The actions out of a state, in their order, each with its target state."""
    return core.cached(
        f"workflow:actions:{state_id}",
        lambda: list(
            Action.objects.select_related("to_state")
            .filter(from_state_id=state_id)
            .order_by("order", "pk")
        ),
        STATE_ACTIONS_SECONDS,
    )


def definition_spec(definition: ProcessDefinition) -> dict[str, Any]:
    """A definition as data (the same shape ``install_definition`` takes)."""
    states = list(definition.states.order_by("order", "pk"))
    by_id = {s.pk: s.key for s in states}
    return {
        "key": definition.key,
        "name_ar": definition.name_ar,
        "name_en": definition.name_en,
        "sla_hours": definition.sla_hours,
        "department": definition.department_code,
        "states": [
            {
                "key": s.key,
                "name_ar": s.name_ar,
                "name_en": s.name_en,
                "start": s.is_start,
                "terminal": s.is_terminal,
                "with_applicant": s.with_applicant,
                "sla_hours": s.sla_hours,
                "escalate_to": s.escalate_to_role,
            }
            for s in states
        ],
        "actions": [
            {
                "key": a.key,
                "name_ar": a.name_ar,
                "name_en": a.name_en,
                "from": by_id[a.from_state_id],
                "to": by_id[a.to_state_id],
                "roles": sorted(a.roles),
                "comment": a.requires_comment,
                "style": a.style,
            }
            for a in definition.actions.order_by("order", "pk")
        ],
    }


def is_applicant(user: User | Any, case: Case) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(case.applicant_id and user.party_id == case.applicant_id)


def can_view(user: User | Any, case: Case) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if is_applicant(user, case) or (case.assignee_id and case.assignee_id == user.pk):
        return True
    return core.has_capability(
        user, "workflow.view_cases", branch=case.branch, department=case.department
    )


def _scope_q(assignment: Any) -> Q:
    q = Q()
    if assignment.branch_id is not None:
        q &= Q(branch_id=assignment.branch_id)
    if assignment.department_id is not None:
        q &= Q(department_id__in=core.department_descendants(assignment.department_id))
    return q


def visible_cases(user: User | Any) -> QuerySet[Case]:
    """Every case the user may see (staff scope, or his own as applicant)."""
    qs = Case.objects.all()
    if user is None or not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.is_superuser:
        return qs
    q = Q(assignee_id=user.pk)
    if user.party_id:
        q |= Q(applicant_id=user.party_id)
    for assignment in core.assignments(user):
        if any(_matches(p, "workflow.view_cases") for p in assignment.role.capabilities):
            q |= _scope_q(assignment)
    return qs.filter(q)


def _matches(pattern: str, capability: str) -> bool:
    return fnmatchcase(capability, pattern)


def inbox_q(user: User | Any) -> Q:
    """Open cases waiting for an action one of the user's roles may take, in scope."""
    assignments = core.assignments(user)
    roles = {a.role.key for a in assignments}
    if not roles:
        return Q(pk__in=[])
    state_roles: dict[int, set[str]] = {}
    for state_id, action_roles in Action.objects.values_list("from_state_id", "roles"):
        state_roles.setdefault(state_id, set()).update(action_roles)
    q = Q(pk__in=[])
    for assignment in assignments:
        states = [s for s, r in state_roles.items() if assignment.role.key in r]
        if states:
            q |= Q(state_id__in=states) & _scope_q(assignment)
    return q & Q(closed_at__isnull=True)


@dataclass(frozen=True)
class InboxFilters:
    service_key: str = ""
    state_key: str = ""
    assigned: str = ""  # "", "me", "none"
    overdue: bool = False
    query: str = ""


def inbox(user: User | Any, filters: InboxFilters | None = None) -> QuerySet[Case]:
    filters = filters or InboxFilters()
    qs = (
        Case.objects.filter(inbox_q(user))
        .select_related("state", "assignee", "applicant", "branch", "department", "definition")
        .order_by("due_at", "submitted_at", "pk")
    )
    if filters.service_key:
        qs = qs.filter(service_key=filters.service_key)
    if filters.state_key:
        qs = qs.filter(state__key=filters.state_key)
    if filters.assigned == "me":
        qs = qs.filter(assignee_id=user.pk)
    elif filters.assigned == "none":
        qs = qs.filter(assignee__isnull=True)
    if filters.overdue:
        qs = qs.filter(due_at__lt=timezone.now())
    if filters.query:
        text = core.normalize_digits(filters.query.strip())
        if REFERENCE.fullmatch(text.upper()):
            qs = qs.filter(reference=text.upper())  # the unique index, not a scan
        else:
            qs = qs.filter(
                Q(reference__icontains=text)
                | Q(title__icontains=text)
                | Q(applicant__search_text__contains=core.normalize_arabic(text))
            )
    return qs


def inbox_counts(user: User | Any) -> dict[str, int]:
    base = Case.objects.filter(inbox_q(user))
    now = timezone.now()
    return base.aggregate(
        total=Count("pk"),
        mine=Count("pk", filter=Q(assignee_id=user.pk)),
        unassigned=Count("pk", filter=Q(assignee__isnull=True)),
        overdue=Count("pk", filter=Q(due_at__lt=now)),
    )


def one_case(qs: QuerySet[Case], *, reference: str = "", case_id: int | None = None) -> Case:
    """The case of ``qs`` with this reference (or id); ``Case.DoesNotExist`` if none."""
    if reference:
        return qs.get(reference=reference)
    if case_id is not None:
        return qs.get(pk=case_id)
    raise Case.DoesNotExist


def case_for(user: User | Any, *, reference: str = "", case_id: int | None = None) -> Case:
    """The case, if the user may see it; ``Case.DoesNotExist`` otherwise."""
    qs = Case.objects.select_related(
        "state", "definition", "assignee", "applicant", "branch", "department"
    )
    case = one_case(qs, reference=reference, case_id=case_id)
    if not can_view(user, case):
        raise Case.DoesNotExist
    return case


def history(case: Case, *, public_only: bool = False) -> QuerySet[CaseEvent]:
    qs = case.events.select_related("actor", "from_state", "to_state").order_by("at", "pk")
    return qs.filter(public=True) if public_only else qs


def available_actions(user: User | Any, case: Case) -> list[Action]:
    if case.closed_at is not None:
        return []
    actions = state_actions(case.state_id)
    result = []
    for action in actions:
        for role in action.roles:
            if role == APPLICANT:
                ok = is_applicant(user, case)
            else:
                ok = core.has_role(user, role, branch=case.branch, department=case.department)
            if ok:
                result.append(action)
                break
    return result


def cases_of(user: User | Any) -> QuerySet[Case]:
    """A signed-in citizen's own cases, newest first."""
    if not getattr(user, "party_id", None):
        return Case.objects.none()
    return (
        Case.objects.filter(applicant_id=user.party_id)
        .select_related("state")
        .order_by("-submitted_at", "-pk")
    )


def waiting_for_applicant(user: User | Any) -> QuerySet[Case]:
    return cases_of(user).filter(state__with_applicant=True, closed_at__isnull=True)


@dataclass(frozen=True)
class TrackedStep:
    at: dt.datetime
    state_name_ar: str
    state_name_en: str
    action_name_ar: str
    action_name_en: str
    kind: str


@dataclass(frozen=True)
class Tracking:
    reference: str
    service_key: str
    state_name_ar: str
    state_name_en: str
    submitted_at: dt.datetime
    closed: bool
    due_at: dt.datetime | None
    steps: list[TrackedStep]


def track(*, reference: str, phone_last4: str) -> Tracking | None:
    """Public tracking: status and timeline, no personal data. Both the reference
    and the last four digits of the applicant's phone must match."""
    reference = core.normalize_digits(reference.strip()).upper()
    last4 = core.normalize_digits(phone_last4.strip())
    if len(last4) != 4 or not last4.isdigit():
        return None
    case = (
        Case.objects.select_related("state").filter(reference=reference, phone_last4=last4).first()
    )
    if case is None:
        return None
    steps = [
        TrackedStep(
            at=e.at,
            state_name_ar=e.to_state.name_ar if e.to_state else "",
            state_name_en=e.to_state.name_en if e.to_state else "",
            action_name_ar=e.action_name_ar,
            action_name_en=e.action_name_en,
            kind=e.kind,
        )
        for e in case.events.filter(public=True, kind__in=["submitted", "action"])
        .select_related("to_state")
        .order_by("at", "pk")
    ]
    return Tracking(
        reference=case.reference,
        service_key=case.service_key,
        state_name_ar=case.state.name_ar,
        state_name_en=case.state.name_en,
        submitted_at=case.submitted_at,
        closed=case.closed_at is not None,
        due_at=case.process_due_at,
        steps=steps,
    )


@dataclass(frozen=True)
class DiagramNode:
    key: str
    name: str
    x: int
    y: int
    kind: str  # start | terminal | applicant | normal
    sla_hours: int | None


@dataclass(frozen=True)
class DiagramEdge:
    path: str
    label: str
    label_x: int
    label_y: int
    roles: str


@dataclass(frozen=True)
class Diagram:
    width: int
    height: int
    node_w: int
    node_h: int
    nodes: list[DiagramNode]
    edges: list[DiagramEdge]


def diagram(definition: ProcessDefinition) -> Diagram:
    """A left-to-right layered layout of the states (by distance from the start)
    and the actions between them, drawn as SVG by the template."""
    states = list(definition.states.order_by("order", "pk"))
    actions = list(definition.actions.select_related("from_state", "to_state"))
    start = next((s for s in states if s.is_start), states[0])
    depth = {start.pk: 0}
    frontier = [start.pk]
    while frontier:
        nxt = []
        for state_id in frontier:
            for action in actions:
                if action.from_state_id == state_id and action.to_state_id not in depth:
                    depth[action.to_state_id] = depth[state_id] + 1
                    nxt.append(action.to_state_id)
        frontier = nxt
    for state in states:
        depth.setdefault(state.pk, max(depth.values()) + 1)
    node_w, node_h, gap_x, gap_y, margin = 170, 56, 90, 50, 30
    rows: dict[int, int] = {}
    nodes: dict[int, DiagramNode] = {}
    for state in states:
        column = depth[state.pk]
        row = rows.get(column, 0)
        rows[column] = row + 1
        kind = (
            "start"
            if state.is_start
            else "terminal"
            if state.is_terminal
            else "applicant"
            if state.with_applicant
            else "normal"
        )
        nodes[state.pk] = DiagramNode(
            state.key,
            state.name,
            margin + column * (node_w + gap_x),
            margin + row * (node_h + gap_y),
            kind,
            state.sla_hours,
        )
    edges = []
    for index, action in enumerate(actions):
        a, b = nodes[action.from_state_id], nodes[action.to_state_id]
        x1, y1 = a.x + node_w, a.y + node_h // 2
        x2, y2 = b.x, b.y + node_h // 2
        if b.x <= a.x:  # a step backwards: loop under the boxes
            x1, y1 = a.x + node_w // 2, a.y + node_h
            x2, y2 = b.x + node_w // 2, b.y + node_h
            bottom = max(y1, y2) + 30 + (index % 3) * 10
            path = f"M{x1},{y1} C{x1},{bottom} {x2},{bottom} {x2},{y2}"
            lx, ly = (x1 + x2) // 2, bottom - 4
        else:
            mid = (x1 + x2) // 2
            path = f"M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}"
            lx, ly = mid, (y1 + y2) // 2 - 6 - (index % 2) * 12
        edges.append(DiagramEdge(path, action.name, lx, ly, ", ".join(action.roles)))
    width = margin * 2 + (max(depth.values()) + 1) * (node_w + gap_x)
    height = margin * 2 + max(rows.values()) * (node_h + gap_y) + 40
    return Diagram(width, height, node_w, node_h, list(nodes.values()), edges)


def documents_of(user: User | Any) -> QuerySet[Any]:
    """The files a citizen attached to his own cases, newest first."""
    from baladiya.workflow.models import Attachment

    if not getattr(user, "party_id", None):
        return Attachment.objects.none()
    return (
        Attachment.objects.filter(case__applicant_id=user.party_id)
        .select_related("case")
        .order_by("-uploaded_at", "-pk")
    )
