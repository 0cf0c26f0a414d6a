"""The archive app's public surface for other apps.

Other apps store and find documents only through these functions; every read
takes the user and applies the same confidentiality rules as the archive's own
pages (a document the user may not read is never returned, counted or named).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.urls import reverse

from baladiya.archive import demo, selectors, services
from baladiya.archive.models import Document, Level
from baladiya.archive.selectors import Hit, SearchPage
from baladiya.core.api import Branch, Department, User

LEVELS = Level


def store_document(
    *,
    actor: User | None,
    file: services.FileInput,
    filename: str,
    title: str,
    doc_type: str,
    department: Department,
    branch: Branch | None = None,
    level: str = "internal",
    number: str = "",
    date: dt.date | None = None,
    metadata: dict[str, Any] | None = None,
    tags: list[str] | None = None,
    link: tuple[str, str] | None = None,
) -> Document:
    """Archive a file (its ingest is queued; returns at once). Raises
    ``ValidationError`` with a message per field when something is wrong."""
    return services.store_document(
        actor=actor,
        file=file,
        filename=filename,
        title=title,
        doc_type=doc_type,
        department=department,
        branch=branch,
        level=level,
        number=number,
        date=date,
        metadata=metadata or {},
        tags=list(tags or []),
        link=link,
    )


def document_for(user: Any, pk: object) -> Document | None:
    """The document if ``user`` may read it, else None."""
    return selectors.document_for(user, pk)


def search(
    user: Any,
    query: str,
    *,
    doc_type: str = "",
    department: Department | None = None,
    branch: Branch | None = None,
    tags: Sequence[str] = (),
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    order: str = "relevance",
    page: int = 1,
    per_page: int = 20,
) -> SearchPage:
    """Full-text search over what ``user`` may read (logged in the access log)."""
    return services.logged_search(
        user=user,
        query=query,
        doc_type=doc_type,
        department=department,
        branch=branch,
        tags=tuple(tags),
        date_from=date_from,
        date_to=date_to,
        order=order,
        page=page,
        per_page=per_page,
    )


def documents_linked_to(user: Any, source_type: str, source_id: object) -> list[Document]:
    """Documents linked to a record (e.g. ``("correspondence.letter", "42")``)
    that ``user`` may read."""
    return selectors.documents_linked_to(user, source_type, str(source_id))


def grant(
    *,
    actor: User | None,
    document: Document,
    department: Department | None = None,
    role_key: str = "",
    user: User | None = None,
) -> Any:
    """Let a department, a role or one user read ``document`` (idempotent)."""
    return services.grant(
        actor=actor, document=document, department=department, role_key=role_key or "", user=user
    )


def document_url(document: Document) -> str:
    return reverse("archive:document", args=[document.pk])


def ensure_document_type(
    key: str,
    name_ar: str,
    name_en: str,
    *,
    fields: list[dict[str, Any]] | None = None,
    retention_years: int | None = None,
) -> Any:
    """Create or update a document type (idempotent)."""
    return services.ensure_document_type(
        key=key, name_ar=name_ar, name_en=name_en, fields=fields, retention_years=retention_years
    )


def load_demo(
    *, profile_key: str, country: str, persons: Sequence[Any], establishments: Sequence[Any]
) -> None:
    """Demo data for this app (idempotent; called by the demo loader)."""
    demo.load(profile_key=profile_key, country=country)


__all__ = [
    "LEVELS",
    "Document",
    "Hit",
    "SearchPage",
    "document_for",
    "document_url",
    "documents_linked_to",
    "ensure_document_type",
    "grant",
    "load_demo",
    "search",
    "store_document",
]
