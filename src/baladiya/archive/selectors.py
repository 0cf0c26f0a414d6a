"""Archive reads, every one permission-checked.

Who may read a document (default deny; a document always has a level and an
owning department):

* ``public``: anyone holding ``archive.view``;
* ``internal``: ``archive.view`` in a scope covering the owning department;
* ``confidential``: ``archive.read_confidential`` in a scope covering it;
* ``secret``: nobody by level;

and, whatever the level, anyone a grant names: a department (its members and
members of its sub-departments), a role (anywhere, or within a department and
its sub-departments) or one user. The same rule is written twice: as access
tokens for the search index (:func:`access_tokens`, :func:`document_acl`) and as
a database query (:func:`visible_documents`); a test holds them equal.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from baladiya.archive import analysis
from baladiya.archive.models import (
    AccessLogEntry,
    DisposalReview,
    DisposalState,
    Document,
    DocumentType,
    Grant,
    Level,
    Version,
)
from baladiya.archive.search import IndexDoc, SearchRequest, engine
from baladiya.core import api as core

SNIPPET_CHARS = 220


# --- who may read what ------------------------------------------------------
@dataclass(frozen=True)
class Reach:
    """What a user's role assignments open, computed once per request."""

    everything: bool
    public: bool
    internal: frozenset[int]
    confidential: frozenset[int]
    user_id: int | None
    roles: frozenset[str]
    member_of: frozenset[int]
    role_departments: frozenset[tuple[str, int]]


def _ancestors(department_id: int, parents: dict[int, int | None]) -> set[int]:
    found: set[int] = set()
    node: int | None = department_id
    while node is not None and node not in found:
        found.add(node)
        node = parents.get(node)
    return found


def _descendants(department_id: int, parents: dict[int, int | None]) -> set[int]:
    return {pk for pk in parents if department_id in _ancestors(pk, parents)}


def reach(user: Any) -> Reach:
    cached = getattr(user, "_archive_reach", None)
    if cached is not None:
        return cached
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    if not authenticated or not user.is_active:
        return Reach(
            False, False, frozenset(), frozenset(), None, frozenset(), frozenset(), frozenset()
        )
    if user.is_superuser:
        result = Reach(
            True, True, frozenset(), frozenset(), user.pk, frozenset(), frozenset(), frozenset()
        )
    else:
        parents: dict[int, int | None] = {
            d.pk: d.parent_id for d in core.departments(active_only=False)
        }
        everywhere = set(parents)
        public = False
        internal: set[int] = set()
        confidential: set[int] = set()
        roles: set[str] = set()
        member_of: set[int] = set()
        role_departments: set[tuple[str, int]] = set()
        for assignment in core.assignments(user):
            role = assignment.role
            roles.add(role.key)
            if assignment.department_id is not None:
                covered = _descendants(assignment.department_id, parents)
                member_of |= _ancestors(assignment.department_id, parents)
            else:
                covered = everywhere
            role_departments |= {(role.key, pk) for pk in covered}
            patterns = role.capabilities or []
            if any(fnmatchcase("archive.view", p) for p in patterns):
                public = True
                internal |= covered
            if any(fnmatchcase("archive.read_confidential", p) for p in patterns):
                confidential |= covered
        result = Reach(
            False,
            public,
            frozenset(internal),
            frozenset(confidential),
            user.pk,
            frozenset(roles),
            frozenset(member_of),
            frozenset(role_departments),
        )
    user._archive_reach = result
    return result


def access_tokens(user: Any) -> frozenset[str] | None:
    """The user's tokens for the index's permission filter (None: sees everything)."""
    r = reach(user)
    if r.everything:
        return None
    if r.user_id is None:
        return frozenset()
    tokens = {f"u:{r.user_id}"}
    tokens |= {f"r:{role}" for role in r.roles}
    tokens |= {f"d:{pk}" for pk in r.member_of}
    tokens |= {f"rd:{role}:{pk}" for role, pk in r.role_departments}
    tokens |= {f"int:{pk}" for pk in r.internal}
    tokens |= {f"conf:{pk}" for pk in r.confidential}
    if r.public:
        tokens.add("pub")
    return frozenset(tokens)


def document_acl(document: Document, grants: list[Grant] | None = None) -> tuple[str, ...]:
    """The document's tokens for the index (see the module docstring)."""
    tokens: list[str] = []
    if document.level == Level.PUBLIC:
        tokens.append("pub")
    elif document.level == Level.INTERNAL:
        tokens.append(f"int:{document.department_id}")
    elif document.level == Level.CONFIDENTIAL:
        tokens.append(f"conf:{document.department_id}")
    for grant in grants if grants is not None else document.grants.all():
        if grant.user_id:
            tokens.append(f"u:{grant.user_id}")
        elif grant.role_key and grant.department_id:
            tokens.append(f"rd:{grant.role_key}:{grant.department_id}")
        elif grant.role_key:
            tokens.append(f"r:{grant.role_key}")
        elif grant.department_id:
            tokens.append(f"d:{grant.department_id}")
    return tuple(sorted(set(tokens))) or ("none",)


def visible_documents(user: Any) -> QuerySet[Document]:
    """Documents ``user`` may read (the database's answer; disposed ones excluded)."""
    r = reach(user)
    live = Document.objects.filter(disposed_at__isnull=True)
    if r.everything:
        return live
    if r.user_id is None:
        return live.none()
    grants = Grant.objects.filter(document=OuterRef("pk"))
    rule = Q(Exists(grants.filter(user_id=r.user_id)))
    rule |= Q(Exists(grants.filter(role_key__in=r.roles, department__isnull=True, user=None)))
    rule |= Q(Exists(grants.filter(department_id__in=r.member_of, role_key="", user=None)))
    by_role: dict[str, set[int]] = {}
    for role, pk in r.role_departments:
        by_role.setdefault(role, set()).add(pk)
    for role, pks in by_role.items():
        rule |= Q(Exists(grants.filter(role_key=role, department_id__in=pks, user=None)))
    if r.public:
        rule |= Q(level=Level.PUBLIC)
    rule |= Q(level=Level.INTERNAL, department_id__in=r.internal)
    rule |= Q(level=Level.CONFIDENTIAL, department_id__in=r.confidential)
    return live.filter(rule)


def document_for(user: Any, pk: object) -> Document | None:
    """The document if ``user`` may read it, else None (never says whether it exists)."""
    try:
        number = int(str(pk))
    except (TypeError, ValueError):
        return None
    return (
        visible_documents(user)
        .select_related("doc_type", "department", "branch", "created_by")
        .filter(pk=number)
        .first()
    )


def can_manage(user: Any, document: Document) -> bool:
    return core.has_capability(user, "archive.manage", department=document.department)


def versions_of(document: Document) -> list[Version]:
    return list(document.versions.select_related("file", "created_by"))


def current_version(document: Document) -> Version | None:
    return document.versions.select_related("file").order_by("-number").first()


def grants_of(document: Document) -> list[Grant]:
    return list(document.grants.select_related("department", "user"))


def documents_linked_to(user: Any, source_type: str, source_id: str) -> list[Document]:
    if not source_type or not str(source_id):
        return []
    return list(
        visible_documents(user)
        .filter(link_type=source_type, link_id=str(source_id))
        .select_related("doc_type")
        .order_by("-created_at")
    )


def document_types() -> list[DocumentType]:
    return list(DocumentType.objects.all())


# --- search -----------------------------------------------------------------
@dataclass(frozen=True)
class Hit:
    document_id: int
    title: str
    snippet_html: str
    score: float
    date: dt.date | None
    doc_type: str = ""
    level: str = ""


@dataclass(frozen=True)
class SearchPage:
    hits: list[Hit]
    total: int
    page: int = 1
    per_page: int = 20

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


_WORD = re.compile(r"\w+")


def snippet(text: str, terms: frozenset[str], length: int = SNIPPET_CHARS) -> str:
    """An HTML-escaped extract of ``text`` around the first match, matches in <mark>."""
    text = " ".join((text or "").split())
    if not text:
        return ""

    def matches(word: str) -> bool:
        tokens = analysis.exact_tokens(word)
        return bool(tokens) and (tokens[0] in terms or analysis.stem(tokens[0]) in terms)

    words = list(_WORD.finditer(text))
    first = next((w for w in words if terms and matches(w.group(0))), None)
    start = max(0, (first.start() if first else 0) - length // 3)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    end = min(len(text), start + length)
    out, position = [], start
    for word in words:
        if word.start() < start or word.end() > end:
            continue
        if matches(word.group(0)):
            out.append(html.escape(text[position : word.start()]))
            out.append(f"<mark>{html.escape(word.group(0))}</mark>")
            position = word.end()
    out.append(html.escape(text[position:end]))
    return ("… " if start else "") + "".join(out) + (" …" if end < len(text) else "")


def _request(user: Any, query: str, filters: dict[str, Any], **extra: Any) -> SearchRequest:
    department = filters.get("department")
    branch = filters.get("branch")
    tags = filters.get("tags") or ()
    return SearchRequest(
        query=query or "",
        acl=access_tokens(user),
        doc_type=filters.get("doc_type") or "",
        department_id=getattr(department, "pk", department) or None,
        branch_id=getattr(branch, "pk", branch) or None,
        tags=tuple(tags),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
        order=filters.get("order") or "relevance",
        **extra,
    )


def search(
    user: Any,
    query: str,
    *,
    doc_type: str = "",
    department: Any = None,
    branch: Any = None,
    tags: list[str] | tuple[str, ...] = (),
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    order: str = "relevance",
    page: int = 1,
    per_page: int = 20,
) -> SearchPage:
    """One page of documents matching ``query`` that ``user`` may read; the
    permission filter is part of the index query."""
    page = max(1, int(page))
    per_page = max(1, min(int(per_page), 100))
    filters = {
        "doc_type": doc_type,
        "department": department,
        "branch": branch,
        "tags": tags,
        "date_from": date_from,
        "date_to": date_to,
        "order": order,
    }
    result = engine().search(
        _request(user, query, filters, offset=(page - 1) * per_page, limit=per_page)
    )
    ids = [hit.document_id for hit in result.hits]
    documents = {
        d.pk: d for d in visible_documents(user).filter(pk__in=ids).select_related("doc_type")
    }
    hits = []
    for hit in result.hits:
        document = documents.get(hit.document_id)
        if document is None:  # changed since the index last heard of it
            continue
        hits.append(
            Hit(
                document_id=document.pk,
                title=document.title,
                snippet_html=snippet(document.content or document.title, result.terms),
                score=hit.score,
                date=document.date,
                doc_type=document.doc_type.name,
                level=document.get_level_display(),
            )
        )
    return SearchPage(hits, result.total, page, per_page)


def facets(user: Any, query: str, **filters: Any) -> list[tuple[DocumentType, int]]:
    """How many permitted matches each document type has (types with none left out)."""
    out = []
    for doc_type in document_types():
        count = engine().count(_request(user, query, {**filters, "doc_type": doc_type.key}))
        if count:
            out.append((doc_type, count))
    return out


def suggest(user: Any, prefix: str, limit: int = 8) -> list[str]:
    """Words starting with ``prefix``, taken only from documents ``user`` may read."""
    tokens = analysis.exact_tokens(prefix)
    if not tokens:
        return []
    ids = engine().suggest(prefix, access_tokens(user), limit=20)
    found: dict[str, None] = {}
    for document in visible_documents(user).filter(pk__in=ids).only("title", "content"):
        for word in _WORD.findall(f"{document.title} {document.content}"):
            normal = analysis.exact_tokens(word)
            if normal and normal[0].startswith(tokens[-1]):
                found.setdefault(word, None)
            if len(found) >= limit:
                return list(found)
    return list(found)


# --- index feeding ----------------------------------------------------------
def index_doc(document: Document) -> IndexDoc:
    metadata = " ".join(str(v) for v in (document.metadata or {}).values() if v)
    return IndexDoc(
        id=document.pk,
        title=document.title,
        text=" ".join(
            part
            for part in (document.number, metadata, " ".join(document.tags or []), document.content)
            if part
        ),
        doc_type=document.doc_type.key,
        department_id=document.department_id,
        branch_id=document.branch_id,
        tags=tuple(document.tags or ()),
        date=document.date,
        acl=document_acl(document, list(document.grants.all())),
    )


def indexable(pk: int) -> Document | None:
    return (
        Document.objects.select_related("doc_type")
        .prefetch_related("grants")
        .filter(pk=pk, disposed_at__isnull=True)
        .first()
    )


def index_chunks(after_id: int = 0, size: int = 500) -> Iterator[list[IndexDoc]]:
    """Every live document in ascending id order, ``size`` at a time."""
    last = after_id
    while True:
        chunk = list(
            Document.objects.select_related("doc_type")
            .prefetch_related("grants")
            .filter(pk__gt=last, disposed_at__isnull=True)
            .order_by("pk")[:size]
        )
        if not chunk:
            return
        yield [index_doc(d) for d in chunk]
        last = chunk[-1].pk


# --- back-office lists ------------------------------------------------------
def ingest_queue(user: Any, state: str = "") -> QuerySet[Version]:
    core.require(user, "archive.upload")
    versions = Version.objects.filter(document__in=visible_documents(user)).select_related(
        "document", "created_by"
    )
    if state:
        versions = versions.filter(state=state)
    return versions.order_by("-created_at")


def retention_due(user: Any, today: dt.date) -> QuerySet[Document]:
    core.require(user, "archive.manage")
    return (
        visible_documents(user)
        .filter(review_due__lte=today, legal_hold=False)
        .select_related("doc_type", "department")
        .order_by("review_due")
    )


def open_disposals(user: Any) -> QuerySet[DisposalReview]:
    core.require(user, "archive.manage")
    return DisposalReview.objects.filter(
        state=DisposalState.PROPOSED, document__in=visible_documents(user)
    ).select_related("document", "proposed_by")


def access_log(
    user: Any, *, document_id: int | None = None, employee_id: int | None = None
) -> QuerySet[AccessLogEntry]:
    core.require(user, "archive.read_access_log")
    entries = AccessLogEntry.objects.select_related("user", "document")
    if document_id:
        entries = entries.filter(Q(document_id=document_id) | Q(document_ref=str(document_id)))
    if employee_id:
        entries = entries.filter(user_id=employee_id)
    return entries


def recent_documents(user: Any, limit: int = 20) -> list[Document]:
    return list(
        visible_documents(user).select_related("doc_type", "department").order_by("-pk")[:limit]
    )


def changed_since(timestamp: float) -> list[int]:
    """Documents changed after ``timestamp`` (seconds since the epoch)."""
    since = dt.datetime.fromtimestamp(timestamp, tz=dt.UTC)
    return list(Document.objects.filter(updated_at__gte=since).values_list("pk", flat=True))


PARCEL_LINK = "gis.parcel"


def linked_to_parcel(parcel: Any, user: Any) -> list[Any]:
    """Documents linked to a parcel that ``user`` may read (for the parcel's card)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from baladiya.gis import api as gis

    return [
        gis.LinkedRecord(
            kind=_("Archived document"),
            reference=document.number or str(document.pk),
            title=document.title,
            url=reverse("archive:document", args=[document.pk]),
            status=document.get_level_display(),
        )
        for document in documents_linked_to(user, PARCEL_LINK, str(parcel.pk))[:50]
    ]
