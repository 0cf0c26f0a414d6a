"""Archive background jobs (idempotent and restartable)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError

from baladiya.archive import search, selectors, services
from baladiya.config.celery import app
from baladiya.core import api as core

SCAN_TYPE = "scanned"
SETTLE_SECONDS = 5  # a scanner may still be writing a file younger than this


@shared_task(name="archive.ingest_version", acks_late=True)
def ingest_version(version_id: int) -> str:
    return services.run_ingest(version_id=version_id)


@shared_task(name="archive.index_document", bind=True, acks_late=True, max_retries=10)
def index_document(self: Any, document_id: int) -> bool:
    """Put the document's current state into the index (or take it out). Another
    worker holding the index's writer lock makes it wait and try again."""
    document = selectors.indexable(document_id)
    try:
        if document is None:
            search.engine().delete([document_id])
            return False
        search.engine().index([selectors.index_doc(document)])
    except ValueError as exc:
        if "LockBusy" not in str(exc):
            raise
        raise self.retry(exc=exc, countdown=2) from exc
    return True


@shared_task(name="archive.reindex", acks_late=True)
def reindex(chunk_size: int = 500, resume: bool = True) -> int:
    """Rebuild the whole index into a new generation, chunk by chunk, resuming an
    interrupted rebuild, then swap it in; documents changed meanwhile are indexed
    again afterwards."""
    engine = search.engine()
    started = time.time()
    after = engine.resume_after() if resume else 0
    count = engine.rebuild(selectors.index_chunks(after, chunk_size), resume=resume)
    for document_id in selectors.changed_since(started):
        index_document(document_id)
    return count


def scan_inbox_root() -> Path:
    return Path(getattr(settings, "ARCHIVE_SCAN_INBOX", settings.DATA_DIR / "scan-inbox"))


@shared_task(name="archive.scan_inboxes")
def scan_inboxes() -> int:
    """Archive what scanners dropped in ``<scan inbox>/<department code>/``.

    A file is moved to ``.done/`` once archived, or to ``.failed/`` with a
    ``.reason.txt`` beside it; nothing is deleted, so nothing is lost."""
    root = scan_inbox_root()
    if not root.is_dir():
        return 0
    services.ensure_document_type(key=SCAN_TYPE, name_ar="وثيقة ممسوحة", name_en="Scanned document")
    stored = 0
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        department = core.department_by_code(folder.name)
        if department is None:
            continue
        for path in sorted(p for p in folder.iterdir() if p.is_file()):
            if time.time() - path.stat().st_mtime < SETTLE_SECONDS or path.name.startswith("."):
                continue
            stored += _archive_scan(path, department)
    return stored


def _archive_scan(path: Path, department: Any) -> int:
    try:
        services.store_document(
            actor=None,
            file=path.read_bytes(),
            filename=path.name,
            title=path.stem,
            doc_type=SCAN_TYPE,
            department=department,
        )
    except ValidationError as exc:
        target = path.parent / ".failed"
        target.mkdir(exist_ok=True)
        reason = " ".join(m for ms in exc.message_dict.values() for m in ms)
        (target / f"{path.name}.reason.txt").write_text(reason, encoding="utf-8")
        path.replace(target / path.name)
        return 0
    target = path.parent / ".done"
    target.mkdir(exist_ok=True)
    path.replace(target / path.name)
    return 1


@shared_task(name="archive.requeue_waiting_for_ocr")
def requeue_waiting_for_ocr() -> int:
    """Files archived while Tesseract was missing are read once it is installed."""
    return services.requeue_waiting_for_ocr()


@app.on_after_finalize.connect
def _schedule(sender: Any, **kwargs: Any) -> None:
    sender.add_periodic_task(60.0, scan_inboxes.s(), name="archive-scan-inboxes")
    sender.add_periodic_task(
        3600.0, requeue_waiting_for_ocr.s(), name="archive-requeue-waiting-for-ocr"
    )
