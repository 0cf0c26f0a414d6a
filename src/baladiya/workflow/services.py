"""Workflow write use-cases: install process definitions, open cases, take
actions (transition objects that check, then execute, then publish), assign,
attach documents and escalate overdue cases."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import mimetypes
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from baladiya.core import api as core
from baladiya.core.api import AccessDenied, Branch, Department, Party, User
from baladiya.workflow import events, registry
from baladiya.workflow.models import (
    APPLICANT,
    Action,
    Attachment,
    Case,
    CaseEvent,
    Channel,
    ProcessDefinition,
    State,
)
from baladiya.workflow.selectors import (
    active_definition,
    can_view,
    definition_spec,
    forget_active_definition,
    is_applicant,
    one_case,
    start_of,
    state_actions,
)
from baladiya.workflow.selectors import state as cached_state

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ALLOWED_TYPES = {"application/pdf", "image/jpeg", "image/png", "image/tiff", "image/webp"}


# --- Definitions ----------------------------------------------------------------


def _fingerprint(spec: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(spec, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _normalise_spec(spec: dict[str, Any]) -> dict[str, Any]:
    states = [
        {
            "key": s["key"],
            "name_ar": s["name_ar"],
            "name_en": s["name_en"],
            "start": bool(s.get("start", False)),
            "terminal": bool(s.get("terminal", False)),
            "with_applicant": bool(s.get("with_applicant", False)),
            "sla_hours": s.get("sla_hours"),
            "escalate_to": s.get("escalate_to", "department-head"),
        }
        for s in spec["states"]
    ]
    actions = [
        {
            "key": a["key"],
            "name_ar": a["name_ar"],
            "name_en": a["name_en"],
            "from": a["from"],
            "to": a["to"],
            "roles": sorted(a.get("roles", [])),
            "comment": bool(a.get("comment", False)),
            "style": a.get("style", "primary"),
        }
        for a in spec["actions"]
    ]
    return {
        "key": spec["key"],
        "name_ar": spec["name_ar"],
        "name_en": spec["name_en"],
        "sla_hours": spec.get("sla_hours"),
        "department": spec.get("department", ""),
        "states": states,
        "actions": actions,
    }


def validate_spec(spec: dict[str, Any]) -> None:
    """Refuse a definition that could strand a case."""
    keys = [s["key"] for s in spec["states"]]
    errors = []
    if len(keys) != len(set(keys)):
        errors.append(_("Two states have the same key."))
    starts = [s for s in spec["states"] if s["start"]]
    if len(starts) != 1:
        errors.append(_("A process needs exactly one start state."))
    if not any(s["terminal"] for s in spec["states"]):
        errors.append(_("A process needs at least one final state."))
    for action in spec["actions"]:
        if action["from"] not in keys or action["to"] not in keys:
            errors.append(
                _("Action “%(action)s” refers to an unknown state.") % {"action": action["key"]}
            )
        if not action["roles"]:
            errors.append(_("Action “%(action)s” has no role.") % {"action": action["key"]})
    outgoing = {a["from"] for a in spec["actions"]}
    for state in spec["states"]:
        if not state["terminal"] and state["key"] not in outgoing:
            errors.append(
                _("State “%(state)s” is not final but has no action out of it.")
                % {"state": state["key"]}
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def install_definition(*, actor: User | None, spec: dict[str, Any]) -> ProcessDefinition:
    """Install ``spec`` as the active version of its process.

    Unchanged: returns the active version. Changed: creates version n+1 and makes
    it active; running cases keep the version they started with.
    """
    if actor is not None:
        core.require(actor, "workflow.manage_definitions")
    normalised = _normalise_spec(spec)
    validate_spec(normalised)
    current = active_definition(normalised["key"])
    if current is not None and _fingerprint(definition_spec(current)) == _fingerprint(normalised):
        return current
    latest = ProcessDefinition.objects.filter(key=normalised["key"]).aggregate(v=Max("version"))
    version = (latest["v"] or 0) + 1
    ProcessDefinition.objects.filter(key=normalised["key"]).update(is_active=False)
    definition = ProcessDefinition.objects.create(
        key=normalised["key"],
        version=version,
        name_ar=normalised["name_ar"],
        name_en=normalised["name_en"],
        sla_hours=normalised["sla_hours"],
        department_code=normalised["department"],
        is_active=True,
    )
    states = {}
    for order, s in enumerate(normalised["states"]):
        states[s["key"]] = State.objects.create(
            definition=definition,
            key=s["key"],
            name_ar=s["name_ar"],
            name_en=s["name_en"],
            is_start=s["start"],
            is_terminal=s["terminal"],
            with_applicant=s["with_applicant"],
            sla_hours=s["sla_hours"],
            escalate_to_role=s["escalate_to"] or "",
            order=order,
        )
    Action.objects.bulk_create(
        [
            Action(
                definition=definition,
                key=a["key"],
                name_ar=a["name_ar"],
                name_en=a["name_en"],
                from_state=states[a["from"]],
                to_state=states[a["to"]],
                roles=a["roles"],
                requires_comment=a["comment"],
                style=a["style"],
                order=order,
            )
            for order, a in enumerate(normalised["actions"])
        ]
    )
    forget_active_definition(definition.key)
    transaction.on_commit(lambda: forget_active_definition(definition.key))
    core.record_audit(
        actor=actor,
        action="workflow.definition.install",
        obj=definition,
        after={"key": definition.key, "version": version},
    )
    return definition


# --- Cases ------------------------------------------------------------------------


def _deadline(start: dt.datetime, hours: int | None) -> dt.datetime | None:
    return start + dt.timedelta(hours=hours) if hours else None


def _history(
    case: Case,
    *,
    actor: User | None,
    kind: str,
    action: Action | None = None,
    from_state: State | None = None,
    to_state: State | None = None,
    comment: str = "",
    public: bool = True,
    at: dt.datetime | None = None,
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        at=at or timezone.now(),
        actor=actor if actor and actor.pk else None,
        kind=kind,
        action_key=action.key if action else "",
        action_name_ar=action.name_ar if action else "",
        action_name_en=action.name_en if action else "",
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        public=public,
    )


@transaction.atomic
def open_case(
    *,
    actor: User | None,
    service_key: str,
    applicant: Party | None = None,
    data: dict[str, Any] | None = None,
    title: str = "",
    branch: Branch | None = None,
    department: Department | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    channel: str = Channel.PORTAL,
    idempotency_key: str | None = None,
    due_at: dt.datetime | None = None,
) -> Case:
    """Submit a new case on the active process of ``service_key``.

    ``due_at`` sets the case's own deadline (a letter referred with a due date)
    in place of the process's time limits.

    A citizen may only apply for himself; staff (clerks at a counter) may apply on
    behalf of any party. A retried submission with the same idempotency key
    returns the case it created the first time.
    """
    if idempotency_key:
        existing = Case.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    if actor is not None and actor.is_authenticated and not actor.is_staff:
        if applicant is None:
            applicant = actor.party
        elif actor.party_id != applicant.pk:
            raise AccessDenied(_("You can only apply for yourself."))
    if actor is not None and actor.is_staff and channel == Channel.COUNTER:
        core.require(actor, "workflow.open_cases")
    found = start_of(service_key)
    if found is None:
        raise ValidationError(_("This service cannot be requested online yet."))
    definition, start = found
    org = core.organisation()
    now = timezone.now()
    local_year = timezone.localtime(now).year
    if department is None and definition.department_code:
        department = core.department_by_code(definition.department_code)
    if branch is None:
        branch = core.headquarters()
    phone = contact_phone or (applicant.phone if applicant else "")
    case = Case(
        reference=core.next_reference(
            prefix=org.reference_prefix if org else "BLD", year=local_year
        ),
        definition=definition,
        service_key=service_key,
        applicant=applicant,
        contact_name=contact_name,
        contact_phone=contact_phone,
        contact_email=contact_email,
        phone_last4="".join(ch for ch in phone if ch.isdigit())[-4:],
        branch=branch,
        department=department,
        state=start,
        channel=channel,
        title=title[:300],
        data=data or {},
        submitted_at=now,
        state_entered_at=now,
        due_at=due_at or _deadline(now, start.sla_hours),
        process_due_at=due_at or _deadline(now, definition.sla_hours),
        idempotency_key=idempotency_key,
    )
    if idempotency_key:
        try:
            with transaction.atomic():  # a concurrent retry may have inserted it first
                case.save()
        except IntegrityError:
            return Case.objects.get(idempotency_key=idempotency_key)
    else:
        case.save()
    submitted = _history(case, actor=actor, kind="submitted", to_state=start, at=now)
    core.record_audit(
        actor=actor,
        action="workflow.case.open",
        obj=case,
        after={"service": service_key, "state": start.key},
    )
    events.publish(
        events.CaseOpened(
            case_id=case.pk,
            reference=case.reference,
            service_key=service_key,
            history_id=submitted.pk,
        )
    )
    return case


@dataclass
class Transition:
    """Take ``action`` on ``case``: ``check()`` raises if not allowed, then
    ``execute()`` moves the case and writes its history."""

    actor: User
    case: Case
    action: Action
    comment: str = ""

    def check(self) -> None:
        case, action = self.case, self.action
        if case.closed_at is not None:
            raise ValidationError(_("This case is closed."))
        if action.from_state_id != case.state_id:
            raise ValidationError(
                _("“%(action)s” is not possible now: the case has moved on. Reload the page.")
                % {"action": action.name}
            )
        if action.requires_comment and not self.comment.strip():
            raise ValidationError({"comment": [_("Please write a comment for this action.")]})
        if not may_take(self.actor, case, action):
            raise AccessDenied(
                _("You are not allowed to take the action “%(action)s” on this case.")
                % {"action": action.name}
            )
        for guard in registry.guards(case.service_key, action.key):
            guard(self.actor, case, action)

    def execute(self) -> Case:
        case, action, now = self.case, self.action, timezone.now()
        from_state, to_state = case.state, action.to_state
        case.state = to_state
        case.state_entered_at = now
        case.due_at = (
            None
            if to_state.with_applicant
            else _deadline(now, to_state.sla_hours) or case.process_due_at
        )
        case.escalated_at = None
        if to_state.is_terminal:
            case.closed_at = now
            case.due_at = None
        elif case.closed_at is not None:
            case.closed_at = None
        if to_state.with_applicant or to_state.is_terminal:
            case.assignee = None
        case.save(
            update_fields=[
                "state",
                "state_entered_at",
                "due_at",
                "escalated_at",
                "closed_at",
                "assignee",
                "updated_at",
            ]
        )
        step = _history(
            case,
            actor=self.actor,
            kind="action",
            action=action,
            from_state=from_state,
            to_state=to_state,
            comment=self.comment,
            at=now,
        )
        core.record_audit(
            actor=self.actor,
            action=f"workflow.case.{action.key}",
            obj=case,
            before={"state": from_state.key},
            after={"state": to_state.key},
        )
        for effect in registry.effects(case.service_key, action.key):
            effect(self.actor, case, action, self.comment)
        events.publish(
            events.CaseTransitioned(
                case_id=case.pk,
                reference=case.reference,
                service_key=case.service_key,
                action_key=action.key,
                from_state=from_state.key,
                to_state=to_state.key,
                actor_id=self.actor.pk,
                terminal=to_state.is_terminal,
                history_id=step.pk,
            )
        )
        return case


def may_take(actor: User, case: Case, action: Action) -> bool:
    for role in action.roles:
        if role == APPLICANT:
            if is_applicant(actor, case):
                return True
        elif core.has_role(actor, role, branch=case.branch, department=case.department):
            return True
    return False


def _locked(case_id: int | None = None, reference: str = "") -> Case:
    """The case, row-locked, with what checking, moving and showing it reads: its
    assignee, its state (an installed version's states never change, so from the
    cache), and its branch and department (from the reference-data cache: the
    checks use only their keys and lineage, the responses their codes).
    ``Case.DoesNotExist`` if there is none."""
    qs = Case.objects.select_for_update(of=("self",)).select_related("assignee")
    case = one_case(qs, reference=reference, case_id=case_id)
    case.state = cached_state(case.state_id)
    if case.branch_id is not None:
        case.branch = core.branch_by_id(case.branch_id)
    if case.department_id is not None:
        case.department = core.department_by_id(case.department_id)
    return case


@transaction.atomic
def take_action(
    *,
    actor: User,
    action_key: str,
    case_id: int | None = None,
    reference: str = "",
    comment: str = "",
) -> Case:
    """Take an action on the case with ``case_id`` (or ``reference``); a case the
    actor may not see raises ``Case.DoesNotExist``, as if it did not exist."""
    case = _locked(case_id, reference)
    if not can_view(actor, case):
        raise Case.DoesNotExist
    action = next((a for a in state_actions(case.state_id) if a.key == action_key), None)
    if action is None:
        raise ValidationError(_("This action is not possible in the case's current state."))
    transition = Transition(actor=actor, case=case, action=action, comment=comment)
    transition.check()
    return transition.execute()


@transaction.atomic
def assign(
    *, actor: User, assignee: User | None, case_id: int | None = None, reference: str = ""
) -> Case:
    """Assign a case (by ``case_id`` or ``reference``) to a colleague (or to
    oneself), or unassign it.

    Anyone who may act on the case's current state may take it (assign to me);
    assigning to someone else needs the ``workflow.assign`` capability in the
    case's scope, and the assignee must be able to act on it.
    """
    case = _locked(case_id, reference)
    if not can_view(actor, case):
        raise Case.DoesNotExist
    if case.closed_at is not None:
        raise ValidationError(_("This case is closed."))
    actions = state_actions(case.state_id)
    if assignee is not None and assignee.pk == actor.pk:
        if not any(may_take(actor, case, a) for a in actions):
            raise AccessDenied(_("You cannot take this case: no action in its state is yours."))
    else:
        core.require(actor, "workflow.assign", branch=case.branch, department=case.department)
        if assignee is not None and not any(may_take(assignee, case, a) for a in actions):
            raise ValidationError(
                {
                    "assignee": [
                        _("%(name)s cannot act on this case in its current state.")
                        % {"name": assignee.get_full_name() or assignee.get_username()}
                    ]
                }
            )
    before = case.assignee_id
    case.assignee = assignee
    case.save(update_fields=["assignee", "updated_at"])
    _history(
        case,
        actor=actor,
        kind="assigned",
        public=False,
        comment=(assignee.get_full_name() or assignee.get_username()) if assignee else "",
    )
    core.record_audit(
        actor=actor,
        action="workflow.case.assign",
        obj=case,
        before={"assignee": before},
        after={"assignee": case.assignee_id},
    )
    events.publish(
        events.CaseAssigned(case_id=case.pk, reference=case.reference, assignee_id=case.assignee_id)
    )
    return case


@transaction.atomic
def bulk_assign(*, actor: User, case_ids: list[int], assignee: User | None) -> int:
    done = 0
    for case_id in case_ids:
        assign(actor=actor, case_id=case_id, assignee=assignee)
        done += 1
    return done


@transaction.atomic
def add_comment(*, actor: User, case_id: int, comment: str, public: bool = True) -> CaseEvent:
    case = Case.objects.get(pk=case_id)
    if not can_view(actor, case):
        raise Case.DoesNotExist
    if not comment.strip():
        raise ValidationError({"comment": [_("The comment is empty.")]})
    return _history(case, actor=actor, kind="comment", comment=comment.strip(), public=public)


def _sniff(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "image/tiff"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


@transaction.atomic
def add_attachment(
    *, actor: User | None, case: Case, upload: UploadedFile, kind: str = ""
) -> Attachment:
    """Attach a file; its type is read from its content, not its name."""
    if actor is not None and actor.is_authenticated and not can_view(actor, case):
        raise Case.DoesNotExist
    if upload.size is not None and upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("The file is larger than %(mb)s MB.") % {"mb": MAX_ATTACHMENT_BYTES // (1024 * 1024)}
        )
    upload.seek(0)
    head = upload.read(16)
    content_type = _sniff(head)
    if content_type not in ALLOWED_TYPES:
        raise ValidationError(_("Only PDF, JPEG, PNG, TIFF or WebP files can be attached."))
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = upload.name or "file"
    extension = mimetypes.guess_extension(content_type) or ""
    attachment = Attachment(
        case=case,
        kind=kind,
        original_name=name[:255],
        content_type=content_type,
        size=upload.size or 0,
        sha256=digest.hexdigest(),
        uploaded_by=actor if actor and actor.pk else None,
    )
    attachment.file.save(f"{digest.hexdigest()[:16]}{extension}", upload, save=False)
    attachment.save()
    return attachment


def escalate_overdue(*, now: dt.datetime | None = None, limit: int = 1000) -> int:
    """Escalate open cases past their state's deadline (run periodically).

    Each escalation is recorded in the case's history and notifies the holders
    of the state's escalation role; a case is escalated once per state visit.
    """
    now = now or timezone.now()
    ids = list(
        Case.objects.filter(closed_at__isnull=True, due_at__lt=now, escalated_at__isnull=True)
        .order_by("due_at")
        .values_list("pk", flat=True)[:limit]
    )
    done = 0
    for case_id in ids:
        with transaction.atomic():
            case = _locked(case_id)
            if case.escalated_at is not None or case.due_at is None or case.due_at >= now:
                continue
            case.escalated_at = now
            case.save(update_fields=["escalated_at", "updated_at"])
            _history(
                case,
                actor=None,
                kind="escalated",
                public=False,
                at=now,
                comment=case.state.escalate_to_role,
            )
            core.record_audit(
                actor=None,
                action="workflow.case.escalate",
                obj=case,
                after={"state": case.state.key, "to_role": case.state.escalate_to_role},
            )
            events.publish(
                events.CaseEscalated(
                    case_id=case.pk,
                    reference=case.reference,
                    state=case.state.key,
                    to_role=case.state.escalate_to_role,
                )
            )
            done += 1
    return done
