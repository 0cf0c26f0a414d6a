"""Correspondence write use-cases: register a letter (its scan goes into the
archive), refer it to departments with a due date (a case on the workflow
engine each), act on a referral, and answer a letter (an outgoing reply closes
the referral it answers)."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baladiya.archive import api as archive
from baladiya.core import api as core
from baladiya.core.api import Branch, Department, Party, User
from baladiya.correspondence import selectors
from baladiya.correspondence.models import (
    NUMBER_PREFIX,
    Classification,
    Direction,
    Entity,
    EntityKind,
    Letter,
    Priority,
    Referral,
)
from baladiya.correspondence.selectors import DOCUMENT_TYPE, LINK_TYPE, PROCESS_KEY
from baladiya.workflow import api as workflow

PROCESSES = Path(__file__).resolve().parent / "data" / "processes"
REGISTRY_DEPARTMENT = "SEC"  # the secretariat keeps the register and owns incoming scans
MAX_SUBJECT = 300


def install_process() -> Any:
    """Install (or keep) the referral process; idempotent."""
    spec = yaml.safe_load((PROCESSES / f"{PROCESS_KEY}.yaml").read_text(encoding="utf-8"))
    return workflow.install_definition(actor=None, spec=spec)


def _ensure_document_type() -> None:
    archive.ensure_document_type(
        key=DOCUMENT_TYPE,
        name_ar="مراسلة",
        name_en="Letter",
        fields=[
            {"key": "direction", "label_ar": "الاتجاه", "label_en": "Direction", "required": True},
            {"key": "entity", "label_ar": "الجهة", "label_en": "Correspondent", "required": False},
        ],
        retention_years=10,
    )


# --- Correspondents --------------------------------------------------------------


def _entity_search_text(entity: Entity) -> str:
    return core.normalize_arabic(f"{entity.name_ar} {entity.name_en}")[:500]


@transaction.atomic
def ensure_entity(
    *,
    actor: User | None,
    name_ar: str,
    name_en: str = "",
    kind: str | None = None,
    party: Party | None = None,
) -> Entity:
    """The correspondent called ``name_ar`` (created the first time) for the
    registry or a department writing its own letters."""
    if actor is not None and not core.has_capability(actor, "correspondence.write"):
        core.require(actor, "correspondence.register")
    name_ar = " ".join((name_ar or "").split())
    if len(name_ar) < 2:
        raise ValidationError({"entity_name": [_("Write the name of the sender or recipient.")]})
    if kind is not None and kind not in EntityKind.values:
        raise ValidationError({"entity_kind": [_("Choose a valid kind of correspondent.")]})
    existing = Entity.objects.select_for_update().filter(name_ar=name_ar).first()
    if existing is not None:
        return _complete(actor, existing, name_en=name_en, kind=kind, party=party)
    entity = Entity(
        name_ar=name_ar[:200],
        name_en=(name_en or "").strip()[:200],
        kind=kind or EntityKind.GOVERNMENT,
    )
    entity.party = party
    entity.search_text = _entity_search_text(entity)
    try:
        with transaction.atomic():
            entity.save()
    except IntegrityError:
        return Entity.objects.get(name_ar=name_ar)
    core.record_audit(actor=actor, action="correspondence.entity.create", obj=entity)
    return entity


def _complete(
    actor: User | None, entity: Entity, *, name_en: str, kind: str | None, party: Party | None
) -> Entity:
    """Fill in what a known correspondent lacks (its English name, its party)."""
    before = {"name_en": entity.name_en, "kind": entity.kind, "party": entity.party_id}
    name_en = (name_en or "").strip()[:200]
    if name_en and name_en != entity.name_en:
        entity.name_en = name_en
    if kind and kind != entity.kind:
        entity.kind = kind
    if party is not None and party.pk != entity.party_id:
        entity.party = party
    after = {"name_en": entity.name_en, "kind": entity.kind, "party": entity.party_id}
    if after != before:
        entity.search_text = _entity_search_text(entity)
        entity.save(update_fields=["name_en", "kind", "party", "search_text"])
        core.record_audit(
            actor=actor,
            action="correspondence.entity.change",
            obj=entity,
            before=before,
            after=after,
        )
    return entity


# --- Letters ---------------------------------------------------------------------


def _may_register(actor: User, direction: str, department: Department | None) -> None:
    """The registry registers any letter; a department writes its own outgoing and
    internal letters."""
    if core.has_capability(actor, "correspondence.register"):
        return
    if (
        direction != Direction.INCOMING
        and department is not None
        and core.has_capability(actor, "correspondence.write", department=department)
    ):
        return
    core.require(actor, "correspondence.register")


def _search_text(letter: Letter) -> str:
    parts = [
        letter.number,
        letter.external_number,
        letter.subject,
        letter.summary,
        letter.entity.name_ar if letter.entity else "",
        letter.entity.name_en if letter.entity else "",
    ]
    return core.normalize_arabic(" ".join(p for p in parts if p))


def _owning_department(actor: User | None, letter: Letter) -> Department:
    if letter.direction == Direction.INCOMING:
        department = core.department_by_code(REGISTRY_DEPARTMENT)
    else:
        department = letter.department
    if department is None:
        for assignment in core.assignments(actor):
            if assignment.department is not None:
                return assignment.department
        department = core.departments().first()
    if department is None:
        raise ValidationError(_("Set up the municipality's departments first."))
    return department


def _store(actor: User | None, letter: Letter, upload: UploadedFile, *, title: str = "") -> Any:
    """Put ``upload`` into the archive, linked to the letter, with the letter's
    confidentiality; every department the letter is referred to may open it.

    The register's own permission checks stand for the archive's: someone who
    may not upload to the archive himself stores the scan on the register's
    authority (no actor)."""
    _ensure_document_type()
    department = _owning_department(actor, letter)
    uploader = (
        actor if core.has_capability(actor, "archive.upload", department=department) else None
    )
    document = archive.store_document(
        actor=uploader,
        file=upload,
        filename=Path(upload.name or "letter.pdf").name,
        title=title or letter.subject,
        doc_type=DOCUMENT_TYPE,
        department=department,
        branch=letter.branch,
        level=letter.classification,
        number=letter.number,
        date=letter.letter_date,
        metadata={
            "direction": letter.direction,
            "entity": letter.entity.name_ar if letter.entity else "",
        },
        tags=[letter.direction],
        link=(LINK_TYPE, str(letter.pk)),
    )
    for referral in letter.referrals.select_related("department"):
        archive.grant(actor=None, document=document, department=referral.department)
    if letter.to_department is not None:
        archive.grant(actor=None, document=document, department=letter.to_department)
    return document


def _validate(
    *,
    direction: str,
    subject: str,
    letter_date: dt.date | None,
    entity: Entity | None,
    department: Department | None,
    to_department: Department | None,
    classification: str,
    priority: str,
    in_reply_to: Letter | None,
) -> None:
    errors: dict[str, list[str]] = {}
    if direction not in Direction.values:
        errors["direction"] = [_("Choose incoming, outgoing or internal.")]
    if len((subject or "").strip()) < 3:
        errors["subject"] = [_("Write the subject of the letter.")]
    elif len(subject.strip()) > MAX_SUBJECT:
        errors["subject"] = [_("The subject is too long (at most 300 characters).")]
    if letter_date is None:
        errors["letter_date"] = [_("Write the date of the letter.")]
    elif letter_date > timezone.localdate():
        errors["letter_date"] = [_("The date of the letter cannot be in the future.")]
    elif letter_date.year < 1900:
        errors["letter_date"] = [_("Check the year of the letter.")]
    if direction == Direction.INCOMING and entity is None:
        errors["entity_name"] = [_("Write who sent the letter.")]
    if direction == Direction.OUTGOING and entity is None:
        errors["entity_name"] = [_("Write to whom the letter goes.")]
    if direction in (Direction.OUTGOING, Direction.INTERNAL) and department is None:
        errors["department"] = [_("Choose the department that writes the letter.")]
    if direction == Direction.INTERNAL:
        if to_department is None:
            errors["to_department"] = [_("Choose the department the letter goes to.")]
        elif department is not None and to_department.pk == department.pk:
            errors["to_department"] = [_("A department does not write to itself.")]
    if classification not in Classification.values:
        errors["classification"] = [_("Choose a valid classification.")]
    if priority not in Priority.values:
        errors["priority"] = [_("Choose a valid priority.")]
    if in_reply_to is not None:
        if direction == Direction.INCOMING and in_reply_to.direction != Direction.OUTGOING:
            errors["in_reply_to"] = [_("An incoming letter can only answer an outgoing one.")]
        if direction == Direction.OUTGOING and in_reply_to.direction == Direction.OUTGOING:
            errors["in_reply_to"] = [_("An outgoing letter cannot answer another outgoing one.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def register_letter(
    *,
    actor: User,
    direction: str,
    subject: str,
    letter_date: dt.date | None,
    entity: Entity | None = None,
    summary: str = "",
    classification: str = Classification.INTERNAL,
    priority: str = Priority.NORMAL,
    department: Department | None = None,
    to_department: Department | None = None,
    external_number: str = "",
    in_reply_to: Letter | None = None,
    scan: UploadedFile | None = None,
    branch: Branch | None = None,
    idempotency_key: str | None = None,
) -> Letter:
    """Register a letter under the next number of its direction and year
    (``IN-2026-000123``); its scan, if any, goes into the archive. An outgoing
    letter that answers an incoming one closes that letter's open referrals
    (of the replying department, or all of them when no department is given)."""
    if idempotency_key:
        existing = Letter.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    _may_register(actor, direction, department)
    if in_reply_to is not None and not selectors.can_view(actor, in_reply_to):
        raise Letter.DoesNotExist
    _validate(
        direction=direction,
        subject=subject,
        letter_date=letter_date,
        entity=entity,
        department=department,
        to_department=to_department,
        classification=classification,
        priority=priority,
        in_reply_to=in_reply_to,
    )
    assert letter_date is not None
    now = timezone.now()
    year = timezone.localtime(now).year
    prefix = NUMBER_PREFIX[Direction(direction)]
    serial = core.next_number(key=f"correspondence:{prefix}:{year}")
    letter = Letter(
        direction=direction,
        number=f"{prefix}-{year}-{serial:06d}",
        year=year,
        serial=serial,
        letter_date=letter_date,
        registered_at=now,
        entity=entity if direction != Direction.INTERNAL else None,
        external_number=core.normalize_digits((external_number or "").strip())[:60],
        department=department,
        to_department=to_department if direction == Direction.INTERNAL else None,
        branch=branch,
        subject=" ".join(subject.split()),
        summary=(summary or "").strip(),
        classification=classification,
        priority=priority,
        in_reply_to=in_reply_to,
        registered_by=actor if actor.pk else None,
        token=secrets.token_urlsafe(18),
        idempotency_key=idempotency_key or None,
    )
    letter.search_text = _search_text(letter)
    try:
        with transaction.atomic():
            letter.save()
    except IntegrityError:
        if idempotency_key:
            return Letter.objects.get(idempotency_key=idempotency_key)
        raise
    core.record_audit(
        actor=actor,
        action="correspondence.letter.register",
        obj=letter,
        after={
            "number": letter.number,
            "direction": direction,
            "classification": classification,
            "in_reply_to": in_reply_to.number if in_reply_to else None,
        },
    )
    if scan is not None:
        _store(actor, letter, scan)
    if in_reply_to is not None and direction == Direction.OUTGOING:
        _answer(actor, in_reply_to, letter)
    return letter


def _answer(actor: User, original: Letter, reply: Letter) -> None:
    """The reply answers the original's open referrals (the replying department's,
    or all of them)."""
    referrals = list(selectors.open_referrals(original))
    if reply.department is not None:
        ids = core.department_descendants(reply.department.pk)
        mine = [r for r in referrals if r.department_id in ids]
        referrals = mine or referrals
    for referral in referrals:
        workflow.take_action(
            actor=actor,
            case_id=referral.case_id,
            action_key="answer",
            comment=_("Answered by letter %(number)s.") % {"number": reply.number},
        )
        referral.reply = reply
        referral.save(update_fields=["reply"])
    sync_status(letter_id=original.pk)


@transaction.atomic
def attach(*, actor: User, letter_id: int, upload: UploadedFile, title: str = "") -> Any:
    """Add a document (an enclosure, a signed copy) to a registered letter."""
    letter = Letter.objects.select_for_update().get(pk=letter_id)
    if not selectors.can_view(actor, letter):
        raise Letter.DoesNotExist
    _may_register(actor, letter.direction, letter.department)
    document = _store(actor, letter, upload, title=title)
    core.record_audit(
        actor=actor,
        action="correspondence.letter.attach",
        obj=letter,
        after={"filename": Path(upload.name or "").name},
    )
    return document


# --- Referrals -------------------------------------------------------------------


def _end_of(day: dt.date) -> dt.datetime:
    """The end of ``day`` in the municipality's time zone (a referral's deadline)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59)))


@transaction.atomic
def refer(
    *,
    actor: User,
    letter_id: int,
    department: Department | None,
    due_date: dt.date | None,
    instructions: str = "",
) -> Referral:
    """Refer a letter to a department for action by ``due_date``: a case in the
    department's inbox; the department may then open the letter's documents."""
    core.require(actor, "correspondence.refer")
    letter = Letter.objects.select_for_update().get(pk=letter_id)
    if not selectors.can_view(actor, letter):
        raise Letter.DoesNotExist
    errors: dict[str, list[str]] = {}
    if department is None or not department.is_active:
        errors["department"] = [_("Choose the department to refer the letter to.")]
    elif letter.referrals.filter(department=department).exists():
        errors["department"] = [
            _("This letter was already referred to %(department)s.")
            % {"department": department.name}
        ]
    if due_date is None:
        errors["due_date"] = [_("Write the date by which the department must act.")]
    elif due_date < timezone.localdate():
        errors["due_date"] = [_("The due date cannot be in the past.")]
    if errors:
        raise ValidationError(errors)
    assert department is not None and due_date is not None
    if workflow.active_definition(PROCESS_KEY) is None:
        install_process()
    case = workflow.open_case(
        actor=None,
        service_key=PROCESS_KEY,
        # The case list is seen by more people than the letter: a confidential
        # letter's subject stays off it.
        title=f"{letter.number} — {letter.subject}"
        if letter.classification in selectors.OPEN_LEVELS
        else letter.number,
        data={"letter": letter.number, "due_date": due_date.isoformat()},
        department=department,
        branch=letter.branch,
        channel="api",
        due_at=_end_of(due_date),
    )
    referral = Referral.objects.create(
        letter=letter,
        department=department,
        case=case,
        due_date=due_date,
        instructions=(instructions or "").strip(),
        referred_by=actor,
        referred_at=timezone.now(),
    )
    for document in archive.documents_linked_to(actor, LINK_TYPE, str(letter.pk)):
        archive.grant(actor=None, document=document, department=department)
    core.record_audit(
        actor=actor,
        action="correspondence.letter.refer",
        obj=letter,
        after={
            "department": department.code,
            "due_date": due_date.isoformat(),
            "case": case.reference,
        },
    )
    sync_status(letter_id=letter.pk)
    return referral


@transaction.atomic
def act(*, actor: User, referral_id: int, action_key: str, comment: str = "") -> Referral:
    """Take a step of the referral's process (start, answer, close)."""
    referral = Referral.objects.select_related("letter").get(pk=referral_id)
    if not selectors.can_view(actor, referral.letter):
        raise Referral.DoesNotExist
    workflow.take_action(
        actor=actor, case_id=referral.case_id, action_key=action_key, comment=comment
    )
    sync_status(letter_id=referral.letter_id)
    referral.refresh_from_db()
    return referral


def sync_status(*, letter_id: int) -> Letter:
    """Recompute the letter's status from its referrals and replies (idempotent)."""
    letter = Letter.objects.get(pk=letter_id)
    status = selectors.status_of(letter)
    if status != letter.status:
        before = letter.status
        letter.status = status
        letter.save(update_fields=["status"])
        core.record_audit(
            actor=None,
            action="correspondence.letter.status",
            obj=letter,
            before={"status": before},
            after={"status": status},
        )
    return letter


def remind_overdue(*, today: dt.date | None = None, limit: int = 500) -> int:
    """Remind the heads of the departments whose referrals are past their due
    date (once a day per referral; safe to run again)."""
    today = today or timezone.localdate()
    ids = list(
        selectors.overdue_referrals(today)
        .exclude(reminded_on=today)
        .values_list("pk", flat=True)[:limit]
    )
    done = 0
    for referral_id in ids:
        with transaction.atomic():
            referral = (
                Referral.objects.select_for_update(of=("self",))
                .select_related("letter", "department", "case")
                .get(pk=referral_id)
            )
            if referral.reminded_on == today or referral.case.closed_at is not None:
                continue
            link = reverse("correspondence:referral", args=[referral.case.reference])
            for head in selectors.heads_of(referral.department):
                core.notify(
                    event_key=f"correspondence.overdue:{referral.pk}:{head.pk}:{today}",
                    user=head,
                    subject=gettext_lazy("Overdue letter %(number)s"),
                    body=gettext_lazy(
                        "The letter %(number)s (“%(subject)s”) referred to your department "
                        "was due on %(due)s and is still open."
                    ),
                    params={
                        "number": referral.letter.number,
                        "subject": referral.letter.subject,
                        "due": referral.due_date.isoformat(),
                    },
                    link=link,
                    sms_text=False,
                )
            referral.reminded_on = today
            referral.save(update_fields=["reminded_on"])
            core.record_audit(
                actor=None,
                action="correspondence.referral.remind",
                obj=referral,
                after={"due_date": referral.due_date.isoformat()},
            )
            done += 1
    return done
