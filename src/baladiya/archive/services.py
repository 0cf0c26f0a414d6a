"""Archive writes: document types, storing and versioning files, the ingest
steps, grants, legal hold and retention, the access log, export and import.

Each function is one transaction, checks permissions and is audited; the slow
work (text extraction, OCR, indexing) runs in background tasks queued by events
after the commit.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from baladiya.archive import events, ingest, selectors
from baladiya.archive.models import (
    AccessAction,
    AccessLogEntry,
    DisposalReview,
    DisposalState,
    Document,
    DocumentType,
    Grant,
    Level,
    StoredFile,
    Version,
    VersionState,
)
from baladiya.core import api as core
from baladiya.core.api import Branch, Department, User

FileInput = bytes | UploadedFile


# --- document types -----------------------------------------------------------
@transaction.atomic
def ensure_document_type(
    *,
    key: str,
    name_ar: str,
    name_en: str,
    fields: list[dict[str, Any]] | None = None,
    retention_years: int | None = None,
    actor: User | None = None,
) -> DocumentType:
    """Create the type, or bring an existing one up to date (idempotent)."""
    if actor is not None:
        core.require(actor, "archive.manage_types")
    for spec in fields or []:
        if not spec.get("key"):
            raise ValidationError({"fields": [_("Every metadata field needs a key.")]})
    doc_type, created = DocumentType.objects.get_or_create(
        key=key,
        defaults={
            "name_ar": name_ar,
            "name_en": name_en,
            "fields": fields or [],
            "retention_years": retention_years,
        },
    )
    if not created:
        changed = {
            "name_ar": name_ar,
            "name_en": name_en,
            "fields": fields if fields is not None else doc_type.fields,
            "retention_years": retention_years,
        }
        if any(getattr(doc_type, k) != v for k, v in changed.items()):
            for name, value in changed.items():
                setattr(doc_type, name, value)
            doc_type.save()
            core.record_audit(actor=actor, action="archive.type_changed", obj=doc_type)
    else:
        core.record_audit(actor=actor, action="archive.type_created", obj=doc_type)
    return doc_type


# --- files ----------------------------------------------------------------------
def _read(file: FileInput) -> bytes:
    if isinstance(file, bytes | bytearray):
        return bytes(file)
    file.seek(0)
    return b"".join(file.chunks())


def _store_blob(data: bytes) -> StoredFile:
    """The stored file for these bytes, writing them only if they are new."""
    digest = hashlib.sha256(data).hexdigest()
    existing = StoredFile.objects.filter(sha256=digest).first()
    if existing is not None:
        return existing
    key = default_storage.save(f"archive/files/{digest[:2]}/{digest}", ContentFile(data))
    try:
        with transaction.atomic():
            return StoredFile.objects.create(sha256=digest, storage_key=key, size=len(data))
    except IntegrityError:  # the same bytes stored at the same moment by another upload
        default_storage.delete(key)
        return StoredFile.objects.get(sha256=digest)


def read_blob(stored: StoredFile) -> bytes:
    with default_storage.open(stored.storage_key, "rb") as handle:
        return bytes(handle.read())


def _review_due(doc_type: DocumentType, date: dt.date | None) -> dt.date | None:
    if not doc_type.retention_years:
        return None
    start = date or timezone.localdate()
    try:
        return start.replace(year=start.year + doc_type.retention_years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + doc_type.retention_years, day=28)


def _clean_metadata(doc_type: DocumentType, metadata: dict[str, Any]) -> dict[str, Any]:
    known = {spec["key"]: spec for spec in doc_type.fields or []}
    errors = [
        _("%(field)s is required.") % {"field": spec.get("label_en") or key}
        for key, spec in known.items()
        if spec.get("required") and not str(metadata.get(key, "")).strip()
    ]
    if errors:
        raise ValidationError({"metadata": errors})
    return {k: str(v).strip() for k, v in metadata.items() if str(v).strip()}


@transaction.atomic
def store_document(
    *,
    actor: User | None,
    file: FileInput,
    filename: str,
    title: str,
    doc_type: str,
    department: Department,
    branch: Branch | None = None,
    level: str = Level.INTERNAL,
    number: str = "",
    date: dt.date | None = None,
    metadata: dict[str, Any] | None = None,
    tags: list[str] | None = None,
    link: tuple[str, str] | None = None,
) -> Document:
    """Archive a file as a new document; its ingest is queued (returns at once).

    ``actor`` None is a system write (another app's service on its own authority).
    """
    if actor is not None:
        core.require(actor, "archive.upload", department=department)
    errors: dict[str, list[str]] = {}
    kind = DocumentType.objects.filter(key=doc_type).first()
    if kind is None:
        errors["doc_type"] = [_("Choose the document type.")]
    if not (title or "").strip():
        errors["title"] = [_("Give the document a title.")]
    if level not in Level.values:
        errors["level"] = [_("Choose the confidentiality level.")]
    if department is None:
        errors["department"] = [_("Choose the owning department.")]
    data = _read(file)
    try:
        mime = ingest.check(data)
    except ingest.IngestError as exc:
        errors["file"] = [str(exc)]
    if kind is not None:
        try:
            metadata = _clean_metadata(kind, metadata or {})
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    assert kind is not None
    document = Document.objects.create(
        title=title.strip(),
        doc_type=kind,
        number=(number or "").strip(),
        date=date,
        department=department,
        branch=branch,
        level=level,
        metadata=metadata or {},
        tags=sorted({t.strip() for t in tags or [] if t.strip()}),
        link_type=link[0] if link else "",
        link_id=str(link[1]) if link else "",
        review_due=_review_due(kind, date),
        created_by=actor,
    )
    if level != Level.SECRET:
        Grant.objects.create(document=document, department=department, role_key="department-head")
    if actor is not None:
        Grant.objects.create(document=document, user=actor, granted_by=actor)
    version = _new_version(actor=actor, document=document, data=data, filename=filename, mime=mime)
    core.record_audit(
        actor=actor,
        action="archive.document_stored",
        obj=document,
        after={"title": document.title, "level": level, "sha256": version.file.sha256},
    )
    return document


def _new_version(
    *, actor: User | None, document: Document, data: bytes, filename: str, mime: str
) -> Version:
    last = document.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = Version.objects.create(
        document=document,
        number=last + 1,
        file=_store_blob(data),
        filename=Path(filename or "file").name[:300],
        mime_type=mime,
        created_by=actor,
    )
    core.publish(events.VersionQueued(document.pk, version.pk))
    return version


@transaction.atomic
def add_version(*, actor: User, document: Document, file: FileInput, filename: str) -> Version:
    core.require(actor, "archive.upload", department=document.department)
    if selectors.document_for(actor, document.pk) is None:
        raise core.AccessDenied(_("You may not change this document."))
    data = _read(file)
    try:
        mime = ingest.check(data)
    except ingest.IngestError as exc:
        raise ValidationError({"file": [str(exc)]}) from exc
    version = _new_version(actor=actor, document=document, data=data, filename=filename, mime=mime)
    core.record_audit(
        actor=actor,
        action="archive.version_added",
        obj=document,
        after={"version": version.number, "sha256": version.file.sha256},
    )
    return version


@transaction.atomic
def retry_version(*, actor: User, version: Version) -> Version:
    """Queue a failed (or OCR-waiting) file again; nothing is lost in between."""
    core.require(actor, "archive.upload", department=version.document.department)
    locked = Version.objects.select_for_update().get(pk=version.pk)
    if locked.state not in (VersionState.FAILED, VersionState.AWAITING_OCR):
        raise ValidationError(_("Only a failed or waiting file can be tried again."))
    locked.state, locked.error = VersionState.QUEUED, ""
    locked.save(update_fields=["state", "error"])
    core.record_audit(actor=actor, action="archive.ingest_retried", obj=locked.document)
    core.publish(events.VersionQueued(locked.document_id, locked.pk))
    return locked


def requeue_waiting_for_ocr() -> int:
    """Queue again every file that waited for OCR (once Tesseract is installed)."""
    if not ingest.ocr_available():
        return 0
    count = 0
    for version in Version.objects.filter(state=VersionState.AWAITING_OCR).only("pk"):
        with transaction.atomic():
            updated = Version.objects.filter(pk=version.pk, state=VersionState.AWAITING_OCR).update(
                state=VersionState.QUEUED, error=""
            )
            if updated:
                core.publish(events.VersionQueued(version.document_id, version.pk))
                count += 1
    return count


# --- the ingest steps (called by the background task) --------------------------
def _save_derived(version: Version, name: str, data: bytes | None) -> str:
    if not data:
        return ""
    return default_storage.save(f"archive/derived/{version.pk}/{name}", ContentFile(data))


def run_ingest(*, version_id: int) -> str:
    """Process one queued file; returns its new state. Idempotent: a file already
    done is left alone; a crash leaves it ``processing`` and a retry redoes it."""
    with transaction.atomic():
        version = Version.objects.select_for_update().filter(pk=version_id).first()
        if version is None or version.state == VersionState.DONE:
            return version.state if version else ""
        version.state, version.attempts = VersionState.PROCESSING, version.attempts + 1
        version.save(update_fields=["state", "attempts"])
    data = read_blob(version.file)
    state, error, result = VersionState.DONE, "", None
    try:
        result = ingest.extract(data, version.mime_type or ingest.detect(data))
    except ingest.OCRUnavailable as waiting:
        result = waiting.args[0]
        state = VersionState.AWAITING_OCR
        error = _("Text recognition (Tesseract) is not installed; the file is kept.")
    except Exception as exc:  # a broken file must fail visibly, never vanish
        state, error = VersionState.FAILED, f"{type(exc).__name__}: {exc}"[:2000]
    with transaction.atomic():
        version = Version.objects.select_for_update().get(pk=version_id)
        version.state, version.error = state, error
        version.processed_at = timezone.now()
        if result is not None:
            version.mime_type = result.mime_type
            version.pages = result.pages
            version.text, version.text_source = result.text, result.text_source
            version.thumbnail_key = _save_derived(version, "thumbnail.png", result.thumbnail)
            version.preview_key = _save_derived(version, "preview.png", result.preview)
            version.searchable_pdf_key = _save_derived(
                version, "searchable.pdf", result.searchable_pdf
            )
        version.save()
        latest = Version.objects.filter(document_id=version.document_id).order_by("-number").first()
        if latest is not None and latest.pk == version.pk:
            if state == VersionState.DONE:
                Document.objects.filter(pk=version.document_id).update(
                    content=version.text, updated_at=timezone.now()
                )
            # Indexed whatever the outcome: the title and metadata are searchable
            # while the text waits for OCR or a retry.
            core.publish(events.DocumentChanged(version.document_id))
    return str(state)


# --- metadata, grants, hold ---------------------------------------------------
def _require_manage(actor: User, document: Document) -> None:
    core.require(actor, "archive.manage", department=document.department)
    if selectors.document_for(actor, document.pk) is None:
        raise core.AccessDenied(_("You may not change this document."))


@transaction.atomic
def update_document(
    *,
    actor: User,
    document: Document,
    title: str | None = None,
    level: str | None = None,
    number: str | None = None,
    date: dt.date | None = None,
    metadata: dict[str, Any] | None = None,
    tags: list[str] | None = None,
) -> Document:
    _require_manage(actor, document)
    before = {"title": document.title, "level": document.level}
    if level is not None and level not in Level.values:
        raise ValidationError({"level": [_("Choose the confidentiality level.")]})
    if title is not None:
        if not title.strip():
            raise ValidationError({"title": [_("Give the document a title.")]})
        document.title = title.strip()
    if level is not None:
        document.level = level
    if number is not None:
        document.number = number.strip()
    if date is not None:
        document.date = date
        document.review_due = _review_due(document.doc_type, date)
    if metadata is not None:
        document.metadata = _clean_metadata(document.doc_type, metadata)
    if tags is not None:
        document.tags = sorted({t.strip() for t in tags if t.strip()})
    document.save()
    core.record_audit(
        actor=actor,
        action="archive.document_changed",
        obj=document,
        before=before,
        after={"title": document.title, "level": document.level},
    )
    core.publish(events.DocumentChanged(document.pk))
    return document


@transaction.atomic
def grant(
    *,
    actor: User | None,
    document: Document,
    department: Department | None = None,
    role_key: str = "",
    user: User | None = None,
) -> Grant:
    """Let a department, a role (optionally within ``department``) or one user read
    the document. Idempotent."""
    if actor is not None:
        _require_manage(actor, document)
    if department is None and not role_key and user is None:
        raise ValidationError(_("Choose a department, a role or an employee."))
    found, created = Grant.objects.get_or_create(
        document=document,
        department=department if user is None else None,
        role_key=role_key if user is None else "",
        user=user,
        defaults={"granted_by": actor},
    )
    if created:
        core.record_audit(
            actor=actor,
            action="archive.granted",
            obj=document,
            after={
                "department": getattr(department, "code", None),
                "role": role_key,
                "user": getattr(user, "username", None),
            },
        )
        core.publish(events.DocumentChanged(document.pk))
    return found


@transaction.atomic
def revoke(*, actor: User, grant_id: int) -> None:
    found = Grant.objects.select_related("document").filter(pk=grant_id).first()
    if found is None:
        return
    _require_manage(actor, found.document)
    core.record_audit(
        actor=actor,
        action="archive.revoked",
        obj=found.document,
        before={"department": found.department_id, "role": found.role_key, "user": found.user_id},
    )
    found.delete()
    core.publish(events.DocumentChanged(found.document_id))


@transaction.atomic
def set_legal_hold(*, actor: User, document: Document, hold: bool) -> Document:
    _require_manage(actor, document)
    if document.legal_hold != hold:
        document.legal_hold = hold
        document.save(update_fields=["legal_hold", "updated_at"])
        core.record_audit(
            actor=actor, action="archive.legal_hold", obj=document, after={"hold": hold}
        )
    return document


# --- retention ------------------------------------------------------------------
@transaction.atomic
def propose_disposal(*, actor: User, document: Document, reason: str = "") -> DisposalReview:
    _require_manage(actor, document)
    if document.legal_hold:
        raise ValidationError(_("This document is under legal hold."))
    if document.review_due is None or document.review_due > timezone.localdate():
        raise ValidationError(_("This document's retention period has not ended."))
    review, created = DisposalReview.objects.get_or_create(
        document=document,
        state=DisposalState.PROPOSED,
        defaults={"proposed_by": actor, "reason": reason},
    )
    if created:
        core.record_audit(actor=actor, action="archive.disposal_proposed", obj=document)
    return review


@transaction.atomic
def decide_disposal(*, actor: User, review_id: int, destroy: bool) -> DisposalReview:
    """Approve (destroy the content) or keep; the proposer cannot approve his own."""
    review = (
        DisposalReview.objects.select_for_update()
        .select_related("document")
        .filter(pk=review_id, state=DisposalState.PROPOSED)
        .first()
    )
    if review is None:
        raise ValidationError(_("This review has already been decided."))
    document = review.document
    _require_manage(actor, document)
    if review.proposed_by_id == actor.pk:
        raise ValidationError(_("Another archivist must approve what you proposed."))
    if destroy and document.legal_hold:
        raise ValidationError(_("This document is under legal hold."))
    review.state = DisposalState.APPROVED if destroy else DisposalState.KEPT
    review.decided_by, review.decided_at = actor, timezone.now()
    review.save()
    if destroy:
        Document.objects.filter(pk=document.pk).update(
            disposed_at=timezone.now(), content="", updated_at=timezone.now()
        )
        Version.objects.filter(document=document).update(text="")
    else:
        extra = document.doc_type.retention_years or 1
        Document.objects.filter(pk=document.pk).update(
            review_due=timezone.localdate().replace(year=timezone.localdate().year + extra)
        )
    core.record_audit(
        actor=actor,
        action="archive.disposal_decided",
        obj=document,
        after={"destroyed": destroy},
    )
    core.publish(events.DocumentChanged(document.pk))
    return review


# --- the access log -------------------------------------------------------------
def log_access(
    *,
    user: Any,
    action: str,
    document: Document | None = None,
    document_ref: object = "",
    query: str = "",
    ip: str | None = None,
) -> AccessLogEntry:
    """Append one line to the access log (its own transaction: a refused attempt is
    logged even though the request then answers 404)."""
    with transaction.atomic():
        return AccessLogEntry.objects.create(
            user=user if getattr(user, "is_authenticated", False) else None,
            document=document,
            document_ref=str(document.pk if document is not None else document_ref)[:40],
            action=action,
            query=(query or "")[:400],
            ip=ip or None,
        )


def open_document(
    *, user: Any, pk: object, action: str = AccessAction.VIEW, ip: str | None = None
) -> Document | None:
    """The document for a page or download, logged either way (refusals too)."""
    document = selectors.document_for(user, pk)
    if document is None:
        log_access(user=user, action=AccessAction.DENIED, document_ref=pk, ip=ip)
        return None
    log_access(user=user, action=action, document=document, ip=ip)
    return document


def logged_search(*, user: Any, query: str, ip: str | None = None, **filters: Any) -> Any:
    """A search, written to the access log."""
    page = selectors.search(user, query, **filters)
    log_access(user=user, action=AccessAction.SEARCH, query=query, ip=ip)
    return page


# --- export and import --------------------------------------------------------------
def export_zip(*, actor: User, documents: Iterable[Document]) -> bytes:
    """A ZIP of the documents' current files with ``manifest.json`` (metadata and
    SHA-256 checksums); only documents the actor may read; logged."""
    core.require(actor, "archive.export")
    buffer = io.BytesIO()
    manifest = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for document in documents:
            allowed = selectors.document_for(actor, document.pk)
            version = selectors.current_version(allowed) if allowed else None
            if allowed is None or version is None:
                continue
            name = f"{allowed.pk:08d}-v{version.number}-{version.filename}"
            archive.writestr(f"files/{name}", read_blob(version.file))
            manifest.append(
                {
                    "id": allowed.pk,
                    "title": allowed.title,
                    "type": allowed.doc_type.key,
                    "number": allowed.number,
                    "date": allowed.date.isoformat() if allowed.date else None,
                    "department": allowed.department.code,
                    "level": allowed.level,
                    "metadata": allowed.metadata,
                    "tags": allowed.tags,
                    "link": [allowed.link_type, allowed.link_id] if allowed.link_type else None,
                    "file": f"files/{name}",
                    "sha256": version.file.sha256,
                    "size": version.file.size,
                }
            )
            log_access(user=actor, action=AccessAction.EXPORT, document=allowed)
        archive.writestr(
            "manifest.json", json.dumps({"documents": manifest}, ensure_ascii=False, indent=2)
        )
    return buffer.getvalue()


@dataclass(frozen=True)
class ImportLine:
    line: int
    filename: str
    ok: bool
    message: str
    document_id: int | None = None


def import_legacy(
    *, actor: User | None, folder: Path, manifest: Path, default_department: Department
) -> list[ImportLine]:
    """Bulk import of a legacy archive: a folder of files and a CSV manifest with
    the columns ``file, title, type, number, date (YYYY-MM-DD), department (code),
    level, tags (separated by ;)``. One line of report per file; a bad line does
    not stop the others; a file already imported (same checksum and title) is
    skipped, so the import can be run again."""
    report: list[ImportLine] = []
    with manifest.open(encoding="utf-8-sig", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            name = (row.get("file") or "").strip()
            path = (folder / name).resolve()
            if not name or folder.resolve() not in path.parents or not path.is_file():
                report.append(ImportLine(number, name, False, _("File not found.")))
                continue
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            title = (row.get("title") or "").strip() or path.stem
            existing = Document.objects.filter(title=title, versions__file__sha256=digest).first()
            if existing is not None:
                report.append(ImportLine(number, name, True, _("Already imported."), existing.pk))
                continue
            code = (row.get("department") or "").strip()
            department = core.department_by_code(code) if code else default_department
            try:
                date = dt.date.fromisoformat(row["date"].strip()) if row.get("date") else None
                document = store_document(
                    actor=actor,
                    file=data,
                    filename=name,
                    title=title,
                    doc_type=(row.get("type") or "").strip(),
                    department=department or default_department,
                    level=(row.get("level") or Level.INTERNAL).strip(),
                    number=row.get("number") or "",
                    date=date,
                    tags=[t for t in (row.get("tags") or "").split(";") if t.strip()],
                )
            except ValidationError as exc:
                messages = [m for ms in exc.message_dict.values() for m in ms]
                report.append(ImportLine(number, name, False, " ".join(messages)))
            except ValueError:
                report.append(ImportLine(number, name, False, _("The date is not valid.")))
            else:
                report.append(ImportLine(number, name, True, _("Imported."), document.pk))
    return report
