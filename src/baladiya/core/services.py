"""Core write use-cases. Keyword-only, one transaction each, audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from baladiya.core import context
from baladiya.core.models import (
    AuditEntry,
    AuditHead,
    Branch,
    BranchKind,
    Department,
    Organisation,
    Party,
    PartyKind,
    Role,
    RoleAssignment,
    Sequence,
    User,
)
from baladiya.core.permissions import DEFAULT_ROLES, forget, require
from baladiya.core.profiles import country_profile
from baladiya.core.selectors import forget_organisation, forget_reference_data

GENESIS_HASH = "0" * 64


# --- Numbering -------------------------------------------------------------


def next_number(*, key: str) -> int:
    """The next value of sequence ``key``; gap-free.

    Must run inside the caller's transaction: the increment holds the sequence
    row's lock until that transaction ends, so a rollback gives the number back
    and no number is ever skipped. Concurrent callers queue on the row lock
    (PostgreSQL) or on the database write lock (SQLite, IMMEDIATE transactions).
    """
    return next_numbers(key=key, count=1)


def next_numbers(*, key: str, count: int) -> int:
    """Reserve ``count`` consecutive values of sequence ``key`` at once (a batch);
    returns the first. Gap-free like :func:`next_number`, in one round trip."""
    if count < 1:
        raise ValueError("count must be at least 1")
    if not connection.in_atomic_block:
        raise RuntimeError("next_number() must be called inside transaction.atomic().")
    q = connection.ops.quote_name
    sql = (
        f"UPDATE {q(Sequence._meta.db_table)} SET {q('last_value')} = {q('last_value')} + %s "  # noqa: S608
        f"WHERE {q('key')} = %s RETURNING {q('last_value')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [count, key])
        row = cursor.fetchone()
        if row is None:
            Sequence.objects.bulk_create([Sequence(key=key, last_value=0)], ignore_conflicts=True)
            cursor.execute(sql, [count, key])
            row = cursor.fetchone()
    return int(row[0]) - count + 1


def next_reference(*, prefix: str, year: int, branch_code: str = "", width: int = 6) -> str:
    """A human reference number such as ``TAF-2026-000123`` (per prefix and year,
    optionally per branch)."""
    scope = f"{prefix}-{branch_code}" if branch_code else prefix
    number = next_number(key=f"ref:{scope}:{year}")
    return f"{scope}-{year}-{number:0{width}d}"


# --- Audit log ---------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def audit_payload(entry: AuditEntry) -> str:
    """The canonical text an entry's content hash covers."""
    at = entry.at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    return json.dumps(
        {
            "at": at,
            "actor": entry.actor_id,
            "actor_label": entry.actor_label,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "object_repr": entry.object_repr,
            "before": entry.before,
            "after": entry.after,
            "ip": entry.ip_address,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )


def content_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(audit_payload(entry).encode("utf-8")).hexdigest()


def chain_hash(prev_hash: str, content: str, seq: int) -> str:
    """The link: SHA-256 of the previous hash, the content hash and the position
    (the same formula as the PostgreSQL trigger in migration 0003)."""
    return hashlib.sha256(f"{prev_hash}{content}{seq}".encode()).hexdigest()


def _locked_head() -> AuditHead:
    try:
        return AuditHead.objects.select_for_update().get(singleton=True)
    except AuditHead.DoesNotExist:
        AuditHead.objects.bulk_create([AuditHead(singleton=True)], ignore_conflicts=True)
        return AuditHead.objects.select_for_update().get(singleton=True)


def chained_at_commit() -> bool:
    """PostgreSQL chains entries at commit (trigger); SQLite at once."""
    return connection.vendor == "postgresql"


def seal_audit() -> None:
    """Give this transaction's pending entries their place in the chain now
    (PostgreSQL; a no-op elsewhere). Verification and tests call it."""
    if chained_at_commit():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS core_audit_chain IMMEDIATE")
            cursor.execute("SET CONSTRAINTS core_audit_chain DEFERRED")


def record_audit(
    *,
    actor: User | None,
    action: str,
    obj: Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append an entry to the hash-chained audit log (inside the caller's
    transaction). Its content hash is computed here; its place in the chain is
    given at commit on PostgreSQL, so concurrent writers do not queue on the
    chain for their whole transaction."""
    entry = AuditEntry(
        at=timezone.now(),
        actor=actor if actor is not None and actor.pk else None,
        actor_label=(actor.get_username() if actor is not None and actor.pk else "system"),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        before=_jsonable(before),
        after=_jsonable(after),
        ip_address=context.client_ip(),
    )
    entry.content_hash = content_hash(entry)
    if chained_at_commit():
        entry.save()
        return entry
    with transaction.atomic():
        head = _locked_head()
        entry.seq = head.last_seq + 1
        entry.prev_hash = head.last_hash
        entry.entry_hash = chain_hash(head.last_hash, entry.content_hash, entry.seq)
        entry.save()
        AuditHead.objects.filter(pk=head.pk).update(last_seq=entry.seq, last_hash=entry.entry_hash)
    return entry


@dataclass(frozen=True)
class AuditProblem:
    seq: int
    message: str


def verify_audit_chain() -> tuple[int, list[AuditProblem]]:
    """Walk the whole chain; return (entries checked, problems found)."""
    seal_audit()
    problems: list[AuditProblem] = []
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    entries = AuditEntry.objects.filter(seq__isnull=False).order_by("seq")
    for entry in entries.iterator(chunk_size=2000):
        assert entry.seq is not None
        checked += 1
        if entry.seq != expected_seq:
            problems.append(
                AuditProblem(
                    expected_seq,
                    f"entries {expected_seq}–{entry.seq - 1} are missing (deleted)",
                )
            )
        if entry.prev_hash != expected_prev:
            problems.append(
                AuditProblem(entry.seq, "does not follow the previous entry (chain broken)")
            )
        if (
            content_hash(entry) != entry.content_hash
            or chain_hash(entry.prev_hash, entry.content_hash, entry.seq) != entry.entry_hash
        ):
            problems.append(
                AuditProblem(
                    entry.seq,
                    f"was edited: its content no longer matches its hash "
                    f"({entry.action} {entry.object_repr})",
                )
            )
        expected_prev = entry.entry_hash or ""
        expected_seq = entry.seq + 1
    head = AuditHead.objects.filter(singleton=True).first()
    if head is not None and head.last_seq >= expected_seq:
        problems.append(
            AuditProblem(
                expected_seq, f"entries {expected_seq}–{head.last_seq} are missing (deleted)"
            )
        )
    elif head is not None and checked and head.last_hash != expected_prev:
        problems.append(AuditProblem(head.last_seq, "the chain head does not match the last entry"))
    return checked, problems


def _snapshot(obj: Model, fields: list[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


# --- Organisation --------------------------------------------------------------


@transaction.atomic
def configure_organisation(*, actor: User | None, **fields: Any) -> Organisation:
    """Create or update the single organisation row (no write, no audit entry when
    nothing changes, so re-running a setup is idempotent)."""
    if actor is not None:
        require(actor, "core.manage_organisation")
    org = Organisation.objects.select_for_update().filter(singleton=True).first()
    before = None
    if org is None:
        org = Organisation(**fields)
    else:
        before = _snapshot(org, list(fields))
        if before == fields:
            return org
        for name, value in fields.items():
            setattr(org, name, value)
    org.full_clean()
    org.save()
    record_audit(
        actor=actor,
        action="core.organisation.configure",
        obj=org,
        before=before,
        after=_snapshot(org, list(fields)),
    )
    transaction.on_commit(forget_organisation)
    return org


@transaction.atomic
def create_branch(
    *,
    actor: User | None,
    code: str,
    name_ar: str,
    name_en: str,
    kind: str = BranchKind.BRANCH,
    parent: Branch | None = None,
    address_ar: str = "",
    address_en: str = "",
    phone: str = "",
) -> Branch:
    if actor is not None:
        require(actor, "core.manage_organisation")
    branch = Branch(
        code=code,
        name_ar=name_ar,
        name_en=name_en,
        kind=kind,
        parent=parent,
        address_ar=address_ar,
        address_en=address_en,
        phone=phone,
    )
    branch.full_clean()
    branch.save()
    record_audit(
        actor=actor,
        action="core.branch.create",
        obj=branch,
        after={"code": code, "name_ar": name_ar, "name_en": name_en, "kind": kind},
    )
    forget_reference_data()
    transaction.on_commit(forget_reference_data)
    return branch


@transaction.atomic
def create_department(
    *,
    actor: User | None,
    code: str,
    name_ar: str,
    name_en: str,
    parent: Department | None = None,
) -> Department:
    if actor is not None:
        require(actor, "core.manage_organisation")
    department = Department(code=code, name_ar=name_ar, name_en=name_en, parent=parent)
    department.full_clean()
    department.save()
    record_audit(
        actor=actor,
        action="core.department.create",
        obj=department,
        after={
            "code": code,
            "name_ar": name_ar,
            "name_en": name_en,
            "parent": parent.code if parent else None,
        },
    )
    forget_reference_data(department_code=code)
    transaction.on_commit(lambda: forget_reference_data(department_code=code))
    return department


# --- Roles and users -------------------------------------------------------------


@transaction.atomic
def install_default_roles(*, actor: User | None) -> list[Role]:
    """Create the standard roles that do not exist yet (existing ones are kept as edited)."""
    if actor is not None:
        require(actor, "core.manage_users")
    roles = []
    for key, (name_ar, name_en, staff, capabilities) in DEFAULT_ROLES.items():
        role = Role.objects.filter(key=key).first()
        if role is None:
            role = Role.objects.create(
                key=key,
                name_ar=name_ar,
                name_en=name_en,
                is_staff_role=staff,
                capabilities=list(capabilities),
            )
            record_audit(
                actor=actor,
                action="core.role.create",
                obj=role,
                after={"key": key, "capabilities": capabilities},
            )
        roles.append(role)
    return roles


@transaction.atomic
def assign_role(
    *,
    actor: User | None,
    user: User,
    role_key: str,
    branch: Branch | None = None,
    department: Department | None = None,
) -> RoleAssignment:
    if actor is not None:
        require(actor, "core.manage_users")
    role = Role.objects.get(key=role_key)
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, role=role, branch=branch, department=department
    )
    if created:
        if role.is_staff_role and not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        record_audit(
            actor=actor,
            action="core.role.assign",
            obj=user,
            after={
                "role": role_key,
                "branch": branch.code if branch else None,
                "department": department.code if department else None,
            },
        )
    forget(user)
    return assignment


@transaction.atomic
def create_staff_user(
    *,
    actor: User | None,
    username: str,
    password: str,
    first_name: str,
    last_name: str,
    email: str = "",
    home_branch: Branch | None = None,
    preferred_language: str = "",
    is_superuser: bool = False,
) -> User:
    if actor is not None:
        require(actor, "core.manage_users")
        if is_superuser and not actor.is_superuser:
            require(actor, "core.grant_superuser")
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        home_branch=home_branch,
        is_staff=True,
        preferred_language=preferred_language,
        is_superuser=is_superuser,
    )
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    record_audit(
        actor=actor,
        action="core.user.create",
        obj=user,
        after={"username": username, "staff": True, "superuser": is_superuser},
    )
    return user


@transaction.atomic
def create_party_login(*, actor: User | None, party: Party, password: str, role_key: str) -> User:
    """A login for an existing party (a citizen, contractor or investor), username =
    national ID or registration number."""
    if actor is not None:
        require(actor, "core.manage_users")
    username = party.national_id or party.commercial_registration
    first, _sep, rest = party.name_ar.partition(" ")
    user = User(
        username=username,
        first_name=first[:150],
        last_name=rest.split(" ")[-1][:150],
        email=party.email,
        party=party,
    )
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    record_audit(
        actor=actor,
        action="core.user.create",
        obj=user,
        after={"username": username, "party": party.pk, "role": role_key},
    )
    assign_role(actor=None, user=user, role_key=role_key)
    return user


@transaction.atomic
def set_preferred_language(*, user: User, language: str) -> None:
    if language not in {"ar", "en"}:
        raise ValidationError(_("Unknown language."))
    if user.preferred_language != language:
        User.objects.filter(pk=user.pk).update(preferred_language=language)
        user.preferred_language = language


# --- Parties -------------------------------------------------------------------


def _organisation_country() -> str:
    org = Organisation.objects.filter(singleton=True).only("country").first()
    if org is None:
        raise ValidationError(_("The organisation is not configured yet."))
    return org.country


def _save_party(party: Party, identifier: str, duplicate: str) -> None:
    """Validate and save a new party; a concurrent registration of the same
    identifier (the unique constraint) becomes the same field error as a
    duplicate found beforehand."""
    # The English name is optional (``Party.name`` falls back to Arabic); the shared
    # Bilingual field is required only for the other tables.
    party.full_clean(exclude=None if party.name_en else ["name_en"])
    try:
        with transaction.atomic():
            party.save()
    except IntegrityError as exc:
        raise ValidationError({identifier: [duplicate]}) from exc


@transaction.atomic
def register_person(
    *,
    actor: User | None,
    national_id: str,
    name_ar: str,
    name_en: str = "",
    phone: str,
    email: str = "",
    address_ar: str = "",
    address_en: str = "",
    branch: Branch | None = None,
) -> Party:
    """Register a person after validating the national ID and phone for the country."""
    if actor is not None and not actor.is_anonymous and actor.is_staff:
        require(actor, "core.manage_parties")
    profile = country_profile(_organisation_country())
    errors: dict[str, list[str]] = {}
    try:
        national_id = profile.clean_national_id(national_id)
    except ValidationError as exc:
        errors["national_id"] = exc.messages
    try:
        phone = profile.clean_phone(phone)
    except ValidationError as exc:
        errors["phone"] = exc.messages
    if not (name_ar or "").strip():
        errors["name_ar"] = [_("Enter the full name in Arabic.")]
    if not errors and Party.objects.filter(national_id=national_id).exists():
        errors["national_id"] = [_("A person with this ID number is already registered.")]
    if errors:
        raise ValidationError(errors)
    party = Party(
        kind=PartyKind.PERSON,
        national_id=national_id,
        name_ar=name_ar.strip(),
        name_en=(name_en or "").strip(),
        phone=phone,
        email=email,
        address_ar=address_ar,
        address_en=address_en,
        branch=branch,
    )
    _save_party(party, "national_id", _("A person with this ID number is already registered."))
    record_audit(
        actor=actor if actor and actor.pk else None,
        action="core.party.register",
        obj=party,
        after={"kind": party.kind, "national_id": national_id},
    )
    return party


@transaction.atomic
def register_establishment(
    *,
    actor: User | None,
    commercial_registration: str,
    name_ar: str,
    name_en: str = "",
    owner: Party | None = None,
    phone: str = "",
    address_ar: str = "",
    address_en: str = "",
    branch: Branch | None = None,
) -> Party:
    if actor is not None and actor.is_staff:
        require(actor, "core.manage_parties")
    profile = country_profile(_organisation_country())
    errors: dict[str, list[str]] = {}
    try:
        commercial_registration = profile.clean_commercial_registration(commercial_registration)
    except ValidationError as exc:
        errors["commercial_registration"] = exc.messages
    if phone:
        try:
            phone = profile.clean_phone(phone, mobile=False)
        except ValidationError as exc:
            errors["phone"] = exc.messages
    if owner is not None and owner.kind != PartyKind.PERSON:
        errors["owner"] = [_("The owner of an establishment must be a person.")]
    if (
        not errors
        and Party.objects.filter(commercial_registration=commercial_registration).exists()
    ):
        errors["commercial_registration"] = [
            _("An establishment with this registration number is already registered.")
        ]
    if errors:
        raise ValidationError(errors)
    party = Party(
        kind=PartyKind.ESTABLISHMENT,
        commercial_registration=commercial_registration,
        name_ar=name_ar.strip(),
        name_en=(name_en or "").strip(),
        owner=owner,
        phone=phone,
        address_ar=address_ar,
        address_en=address_en,
        branch=branch,
    )
    _save_party(
        party,
        "commercial_registration",
        _("An establishment with this registration number is already registered."),
    )
    record_audit(
        actor=actor,
        action="core.party.register",
        obj=party,
        after={"kind": party.kind, "commercial_registration": commercial_registration},
    )
    return party


@transaction.atomic
def register_citizen(
    *,
    national_id: str,
    name_ar: str,
    name_en: str = "",
    phone: str,
    email: str = "",
    password: str,
    preferred_language: str = "",
) -> User:
    """Self-registration on the portal: a person party and a login for it.

    The username is the national ID. Errors come back as a ValidationError keyed
    by field, in the active language.
    """
    from django.contrib.auth.password_validation import validate_password

    errors: dict[str, list[str]] = {}
    provisional = User(username=national_id, first_name=name_ar, email=email)
    try:
        validate_password(password, provisional)
    except ValidationError as exc:
        errors["password1"] = exc.messages
    try:
        party = register_person(
            actor=None,
            national_id=national_id,
            name_ar=name_ar,
            name_en=name_en,
            phone=phone,
            email=email,
        )
    except ValidationError as exc:
        errors = {**exc.message_dict, **errors}
    if errors:
        raise ValidationError(errors)
    if User.objects.filter(username=party.national_id).exists():
        raise ValidationError({"national_id": [_("An account with this ID number exists.")]})
    first, _sep, last = party.name_ar.partition(" ")
    user = User(
        username=party.national_id,
        first_name=first[:150],
        last_name=last[:150],
        email=email,
        party=party,
        preferred_language=preferred_language,
    )
    user.set_password(password)
    user.save()
    role = Role.objects.filter(key="citizen").first()
    if role is not None:
        RoleAssignment.objects.create(user=user, role=role)
    record_audit(
        actor=user,
        action="core.user.register",
        obj=user,
        after={"username": user.username, "party": party.pk},
    )
    return user


@transaction.atomic
def link_user_to_party(*, actor: User | None, user: User, party: Party) -> None:
    if actor is not None:
        require(actor, "core.manage_users")
    before = {"party": user.party_id}
    user.party = party
    user.save(update_fields=["party"])
    record_audit(
        actor=actor,
        action="core.user.link_party",
        obj=user,
        before=before,
        after={"party": party.pk},
    )
