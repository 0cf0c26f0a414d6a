"""The ingest pipeline: type from content, text layer, OCR, dedupe, failures, retry."""

from __future__ import annotations

import io
import shutil
import subprocess
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from baladiya.archive import api, ingest, services, tasks
from baladiya.archive.models import StoredFile, Version, VersionState
from baladiya.archive.tests.helpers import arabic_scan_png, store, text_pdf

pytestmark = pytest.mark.django_db


def _tesseract_languages() -> set[str]:
    executable = shutil.which("tesseract")
    if executable is None:
        return set()
    listed = subprocess.run(  # noqa: S603 - the tesseract found on PATH, fixed arguments
        [executable, "--list-langs"], capture_output=True, text=True, check=False
    )
    return set((listed.stdout + listed.stderr).split())


needs_tesseract = pytest.mark.skipif(
    not {"ara", "eng"} <= _tesseract_languages(),
    reason="tesseract with Arabic and English (tesseract-ocr-ara, -eng) is not installed",
)


@needs_tesseract
def test_scanned_arabic_page_found_with_other_alef_and_ta_marbuta(
    archive_town: Any, django_capture_on_commit_callbacks: Any
) -> None:
    image = arabic_scan_png(
        ["بلدية الخليل - دائرة الترخيص", "رخصة المحلات التجارية", "أحمد يسكن في مدينة الخليل"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        doc = api.store_document(
            actor=archive_town["archivist"],
            file=image,
            filename="scan.bin",  # the name says nothing; the content does
            title="مسح ضوئي",
            doc_type="letter",
            department=archive_town["SEC"],
        )
    version = doc.versions.get()
    assert version.state == VersionState.DONE, version.error
    assert version.mime_type == "image/png" and version.text_source == "ocr"
    assert version.searchable_pdf_key and version.thumbnail_key
    # Written with a different alef (احمد for أحمد) and ta marbuta (مدينه, رخصه).
    for query in ("احمد", "مدينه", "رخصه المحلات"):
        page = api.search(archive_town["archivist"], query)
        assert [h.document_id for h in page.hits] == [doc.pk], query
    assert "<mark>" in api.search(archive_town["archivist"], "احمد").hits[0].snippet_html


def test_text_pdf_uses_its_text_layer_and_is_stored_once(
    archive_town: Any, django_capture_on_commit_callbacks: Any
) -> None:
    data = text_pdf("قرار", "قرار بتنظيم ساعات عمل المحلات التجارية في البلدية رقم ١٢٣٤")
    with django_capture_on_commit_callbacks(execute=True):
        first = api.store_document(
            actor=archive_town["archivist"],
            file=data,
            filename="a.pdf",
            title="قرار أول",
            doc_type="letter",
            department=archive_town["SEC"],
        )
        second = api.store_document(
            actor=archive_town["archivist"],
            file=data,
            filename="b.pdf",
            title="قرار ثان",
            doc_type="letter",
            department=archive_town["SEC"],
        )
    assert StoredFile.objects.count() == 1
    version = first.versions.get()
    assert version.text_source == "text-layer" and version.pages == 1
    hits = api.search(archive_town["archivist"], "والمحلات 1234")
    assert {h.document_id for h in hits.hits} == {first.pk, second.pk}


def test_rejected_types_and_sizes(archive_town: Any, settings: Any) -> None:
    with pytest.raises(ValidationError) as err:
        store(archive_town["archivist"], archive_town["SEC"], title="")
    assert "title" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        api.store_document(
            actor=archive_town["archivist"],
            file=b"MZ\x90\x00" + b"\x00" * 100,
            filename="x.pdf",
            title="t",
            doc_type="letter",
            department=archive_town["SEC"],
        )
    assert "file" in err.value.message_dict
    settings.ARCHIVE_MAX_UPLOAD_MB = 0
    with pytest.raises(ValidationError):
        store(archive_town["archivist"], archive_town["SEC"])


def test_failed_file_is_kept_and_can_be_retried(
    archive_town: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    def broken(data: bytes, mime: str) -> Any:
        raise RuntimeError("damaged page tree")

    monkeypatch.setattr(ingest, "extract", broken)
    with django_capture_on_commit_callbacks(execute=True):
        doc = store(archive_town["archivist"], archive_town["SEC"], body="نص يمكن قراءته")
    version = doc.versions.get()
    assert version.state == VersionState.FAILED and "damaged page tree" in version.error
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        services.retry_version(actor=archive_town["archivist"], version=version)
    version.refresh_from_db()
    assert version.state == VersionState.DONE and version.attempts == 2
    assert api.search(archive_town["archivist"], "قراءته").total == 1


def test_without_tesseract_scans_wait_for_ocr(
    archive_town: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    from PIL import Image

    settings.ARCHIVE_OCR = False
    buffer = io.BytesIO()
    Image.new("RGB", (200, 100), "white").save(buffer, format="TIFF")
    with django_capture_on_commit_callbacks(execute=True):
        doc = api.store_document(
            actor=archive_town["archivist"],
            file=buffer.getvalue(),
            filename="scan.tif",
            title="صورة",
            doc_type="letter",
            department=archive_town["SEC"],
        )
    version = Version.objects.get(document=doc)
    assert version.state == VersionState.AWAITING_OCR and version.error
    assert version.mime_type == "image/tiff" and version.thumbnail_key
    assert api.search(archive_town["archivist"], "صوره").total == 1  # the title is searchable


def test_office_text_is_extracted(
    archive_town: Any, django_capture_on_commit_callbacks: Any
) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("محضر تسليم الموقع للمقاول")
    buffer = io.BytesIO()
    document.save(buffer)
    with django_capture_on_commit_callbacks(execute=True):
        doc = api.store_document(
            actor=archive_town["archivist"],
            file=buffer.getvalue(),
            filename="m",
            title="محضر",
            doc_type="letter",
            department=archive_town["SEC"],
        )
    assert doc.versions.get().text_source == "office"
    assert api.search(archive_town["archivist"], "المقاول").total == 1


def test_scan_inbox_archives_and_moves_files(
    archive_town: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    import os
    import time

    folder = settings.ARCHIVE_SCAN_INBOX / "ENG"
    folder.mkdir(parents=True)
    good, bad = folder / "كتاب.pdf", folder / "junk.pdf"
    good.write_bytes(text_pdf("كتاب", "كتاب وارد من الوزارة"))
    bad.write_bytes(b"\x00\x01not a pdf")
    old = time.time() - 60
    for path in (good, bad):
        os.utime(path, (old, old))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.scan_inboxes() == 1
    assert (folder / ".done" / "كتاب.pdf").exists()
    assert (folder / ".failed" / "junk.pdf").exists()
    assert (folder / ".failed" / "junk.pdf.reason.txt").read_text(encoding="utf-8")
