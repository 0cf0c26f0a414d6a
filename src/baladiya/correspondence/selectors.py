"""Correspondence reads. Every read that returns a letter checks that the user
may see it:

- the registry (``correspondence.view_all``) sees the whole register, the
  confidential and secret letters only with ``correspondence.view_confidential``;
- a department (``correspondence.view`` in its scope) sees the letters referred
  to it and the letters it writes or receives internally;
- whoever registered a letter sees it.

A letter the user may not see is reported as not found. Full-text search over
the letters' documents goes through the archive, which applies the documents'
own confidentiality and grants.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from baladiya.archive import api as archive
from baladiya.core import api as core
from baladiya.correspondence.models import (
    Classification,
    Direction,
    Entity,
    Letter,
    LetterStatus,
    Referral,
)
from baladiya.workflow import api as workflow

LINK_TYPE = "correspondence.letter"
PROCESS_KEY = "correspondence-referral"
DOCUMENT_TYPE = "correspondence"
NUMBER = re.compile(r"(IN|OUT|INT)-\d{4}-\d{1,6}")
OPEN_LEVELS = [Classification.PUBLIC, Classification.INTERNAL]


def _holds(user: Any, capability: str) -> list[Any]:
    """The user's role assignments that carry ``capability``."""
    return [
        a
        for a in core.assignments(user)
        if any(fnmatchcase(capability, pattern) for pattern in a.role.capabilities)
    ]


def visible_letters(user: Any) -> QuerySet[Letter]:
    qs = Letter.objects.all()
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if user.is_superuser:
        return qs
    q = Q(registered_by_id=user.pk)
    if _holds(user, "correspondence.view_all"):
        levels = list(OPEN_LEVELS)
        if _holds(user, "correspondence.view_confidential"):
            levels += [Classification.CONFIDENTIAL, Classification.SECRET]
        q |= Q(classification__in=levels)
    for assignment in _holds(user, "correspondence.view"):
        # Each term can use an index (the referrals' letters, the departments).
        if assignment.department_id is None:
            referred = Referral.objects.values("letter_id")
            q |= Q(pk__in=referred) | Q(to_department__isnull=False)
            continue
        ids = core.department_descendants(assignment.department_id)
        referred = Referral.objects.filter(department_id__in=ids).values("letter_id")
        q |= Q(pk__in=referred) | Q(department_id__in=ids) | Q(to_department_id__in=ids)
    return qs.filter(q)


def can_view(user: Any, letter: Letter) -> bool:
    return visible_letters(user).filter(pk=letter.pk).exists()


def letter_for(user: Any, number: str) -> Letter:
    """The letter registered as ``number`` if ``user`` may see it;
    ``Letter.DoesNotExist`` otherwise."""
    number = core.normalize_digits(number.strip()).upper()
    return (
        visible_letters(user)
        .select_related(
            "entity", "department", "to_department", "branch", "registered_by", "in_reply_to"
        )
        .get(number=number)
    )


def letter_by_id(user: Any, pk: int) -> Letter:
    return visible_letters(user).select_related("entity").get(pk=pk)


@dataclass(frozen=True)
class LetterFilters:
    direction: str = ""
    year: int | None = None
    entity_id: int | None = None
    department_id: int | None = None
    status: str = ""
    overdue: bool = False
    query: str = ""


def _archive_hits(user: Any, query: str) -> list[int]:
    """Letters whose documents (the scanned letter, its enclosures) contain
    ``query``, as the archive finds them for this user (its confidentiality rules
    and grants apply)."""
    page = archive.search(user, query, doc_type=DOCUMENT_TYPE, per_page=100)
    ids = []
    for hit in page.hits:
        document = archive.document_for(user, hit.document_id)
        if document is not None and document.link_type == LINK_TYPE and document.link_id.isdigit():
            ids.append(int(document.link_id))
    return ids


def register(user: Any, filters: LetterFilters | None = None) -> QuerySet[Letter]:
    """The register as this user may see it, filtered, newest first."""
    filters = filters or LetterFilters()
    qs = visible_letters(user).select_related("entity", "department", "to_department")
    if filters.direction:
        qs = qs.filter(direction=filters.direction)
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.entity_id:
        qs = qs.filter(entity_id=filters.entity_id)
    if filters.department_id:
        ids = core.department_descendants(filters.department_id)
        qs = qs.filter(
            Q(Exists(Referral.objects.filter(letter_id=OuterRef("pk"), department_id__in=ids)))
            | Q(department_id__in=ids)
            | Q(to_department_id__in=ids)
        )
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.overdue:
        late = Referral.objects.filter(
            letter_id=OuterRef("pk"),
            case__closed_at__isnull=True,
            due_date__lt=timezone.localdate(),
        )
        qs = qs.filter(Exists(late))
    if filters.query:
        text = core.normalize_digits(filters.query.strip())
        if NUMBER.fullmatch(text.upper()):
            qs = qs.filter(number=text.upper())  # the unique index
        else:
            folded = core.normalize_arabic(text)
            qs = qs.filter(Q(search_text__contains=folded) | Q(pk__in=_archive_hits(user, text)))
    return qs.order_by("-registered_at", "-pk")


def referrals_of(letter: Letter) -> list[Referral]:
    return list(
        letter.referrals.select_related("department", "case", "case__state", "reply").order_by(
            "referred_at", "pk"
        )
    )


def referral_for(user: Any, reference: str) -> Referral:
    """The referral behind case ``reference`` if the user may see its case and its
    letter; ``Referral.DoesNotExist`` otherwise."""
    try:
        case = workflow.case_for(user, reference=reference)
    except Exception as exc:  # the case's own DoesNotExist
        raise Referral.DoesNotExist from exc
    referral = Referral.objects.select_related("letter", "department", "case", "reply").get(
        case=case
    )
    if not can_view(user, referral.letter):
        raise Referral.DoesNotExist
    return referral


def thread(user: Any, letter: Letter) -> list[Letter]:
    """The letters of the same exchange this user may see, oldest first: the
    letters it answers, itself and every reply below it."""
    root = letter
    seen = {letter.pk}
    while root.in_reply_to_id is not None and root.in_reply_to_id not in seen:
        seen.add(root.in_reply_to_id)
        parent = Letter.objects.filter(pk=root.in_reply_to_id).first()
        if parent is None:
            break
        root = parent
    members, frontier = {root.pk}, [root.pk]
    while frontier:
        children = list(
            Letter.objects.filter(in_reply_to_id__in=frontier)
            .exclude(pk__in=members)
            .values_list("pk", flat=True)
        )
        members.update(children)
        frontier = children
    return list(
        visible_letters(user)
        .filter(pk__in=members)
        .select_related("entity")
        .order_by("registered_at", "pk")
    )


@dataclass(frozen=True)
class LetterDocument:
    title: str
    url: str


def documents(user: Any, letter: Letter) -> list[LetterDocument]:
    """The letter's documents in the archive that this user may open."""
    return [
        LetterDocument(title=d.title, url=archive.document_url(d))
        for d in archive.documents_linked_to(user, LINK_TYPE, str(letter.pk))
    ]


def entities(*, active_only: bool = True) -> QuerySet[Entity]:
    qs = Entity.objects.all()
    return qs.filter(is_active=True) if active_only else qs


def entity_list(query: str = "") -> QuerySet[Entity]:
    """Correspondents with how many letters each, matching ``query`` if given."""
    qs = entities(active_only=False).select_related("party").annotate(letter_count=Count("letters"))
    if query.strip():
        qs = qs.filter(search_text__contains=core.normalize_arabic(query))
    return qs.order_by("name_ar")


def open_referrals(letter: Letter) -> QuerySet[Referral]:
    return letter.referrals.filter(case__closed_at__isnull=True).select_related(
        "case", "department"
    )


def years() -> list[int]:
    return sorted(set(Letter.objects.values_list("year", flat=True)), reverse=True)


def status_of(letter: Letter) -> str:
    """The status the letter's referrals imply."""
    referrals = list(letter.referrals.select_related("case__state"))
    if not referrals:
        return LetterStatus.ANSWERED if letter.replies.exists() else LetterStatus.REGISTERED
    if any(r.case.closed_at is None for r in referrals):
        return LetterStatus.REFERRED
    if any(r.case.state.key == "answered" for r in referrals) or letter.replies.exists():
        return LetterStatus.ANSWERED
    return LetterStatus.CLOSED


def with_referrals(qs: QuerySet[Letter]) -> QuerySet[Letter]:
    return qs.prefetch_related(
        Prefetch(
            "referrals",
            queryset=Referral.objects.select_related("department", "case", "case__state"),
        )
    )


def is_overdue(referral: Referral, today: dt.date | None = None) -> bool:
    return referral.case.closed_at is None and referral.due_date < (today or timezone.localdate())


def overdue_referrals(today: dt.date | None = None) -> QuerySet[Referral]:
    return Referral.objects.filter(
        case__closed_at__isnull=True, due_date__lt=today or timezone.localdate()
    ).order_by("due_date", "pk")


def heads_of(department: Any) -> list[Any]:
    """The heads whose scope covers ``department``."""
    return [
        user
        for user in core.users_with_roles({"department-head"})
        if core.has_role(user, "department-head", department=department)
    ]


def letters_of_party(user: Any) -> QuerySet[Letter]:
    """A citizen's or establishment's own letters with the municipality: what he
    wrote (incoming) and what he was sent (outgoing), newest first."""
    party_id = getattr(user, "party_id", None)
    if not party_id or not getattr(user, "is_authenticated", False):
        return Letter.objects.none()
    return (
        Letter.objects.filter(entity__party_id=party_id)
        .exclude(direction=Direction.INTERNAL)
        .order_by("-registered_at", "-pk")
    )
