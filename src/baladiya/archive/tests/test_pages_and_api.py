"""Pages and REST endpoints, with the same permission checks everywhere."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from baladiya.archive import api, selectors, services
from baladiya.archive.models import AccessLogEntry, Document
from baladiya.archive.tests.helpers import store, text_pdf

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def docs(archive_town: Any, django_capture_on_commit_callbacks: Any) -> dict[str, Any]:
    with django_capture_on_commit_callbacks(execute=True):
        public = store(
            archive_town["archivist"],
            archive_town["SEC"],
            level="public",
            title="قرار تنظيم ساعات عمل المحلات",
            body="ساعات عمل المحلات التجارية في البلدية",
            doc_type="decision",
            metadata={"signed_by": "رئيس البلدية"},
            tags=["تنظيم"],
            date=dt.date(2024, 3, 1),
        )
        secret = store(
            archive_town["archivist"],
            archive_town["SEC"],
            level="secret",
            title="مذكرة المحلات السرية",
            body="المحلات السرية",
        )
    return {"public": public, "secret": secret}


def test_search_page_filters_highlights_and_logs(archive_town: Any, docs: Any) -> None:
    client = _client(archive_town["clerk"])
    response = client.get("/staff/archive/", {"q": "المحلات", "order": "date"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "قرار تنظيم ساعات عمل المحلات" in body and "<mark>المحلات</mark>" in body
    assert "السرية" not in body
    response = client.get("/staff/archive/", {"q": "المحلات", "doc_type": "letter"})
    assert "قرار تنظيم" not in response.content.decode()
    response = client.get("/staff/archive/", {"q": "", "date_from": "2024-01-01", "tag": "تنظيم"})
    assert "قرار تنظيم" in response.content.decode()
    assert AccessLogEntry.objects.filter(user=archive_town["clerk"], action="search").count() == 3
    suggestions = client.get("/staff/archive/suggest/", {"q": "المح"}).content.decode()
    assert "المحلات" in suggestions and "السرية" not in suggestions


def test_detail_download_and_log_pages(archive_town: Any, docs: Any) -> None:
    archivist = _client(archive_town["archivist"])
    doc = docs["public"]
    page = archivist.get(f"/staff/archive/{doc.pk}/")
    assert page.status_code == 200 and "رئيس البلدية" in page.content.decode()
    download = archivist.get(f"/staff/archive/{doc.pk}/file/")
    assert download.status_code == 200 and b"".join(download.streaming_content)[:4] == b"%PDF"
    assert archivist.get(f"/staff/archive/{doc.pk}/thumbnail/").status_code == 200
    assert archivist.get(f"/staff/archive/{doc.pk}/pdf/?print=1").status_code == 200
    actions = set(AccessLogEntry.objects.filter(document=doc).values_list("action", flat=True))
    assert {"view", "download", "preview", "print"} <= actions
    assert archivist.get("/staff/archive/access-log/").status_code == 403
    auditor = _client(archive_town["auditor"])
    log = auditor.get("/staff/archive/access-log/", {"document": doc.pk})
    assert log.status_code == 200 and "قرار تنظيم" in log.content.decode()
    by_employee = auditor.get("/staff/archive/access-log/", {"employee": "archivist-1"})
    assert by_employee.status_code == 200
    assert archivist.get("/staff/archive/queue/").status_code == 200
    assert archivist.get("/staff/archive/retention/").status_code == 200


def test_bulk_upload_keeps_what_was_typed_on_error(
    archive_town: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = _client(archive_town["archivist"])
    form = {
        "title": "",
        "doc_type": "letter",
        "department": archive_town["SEC"].pk,
        "level": "internal",
        "number": "٢٠٢٥/٤٥",
        "tags": "وارد، مالية",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/staff/archive/upload/",
            {
                **form,
                "files": [
                    SimpleUploadedFile("كتاب-1.pdf", text_pdf("كتاب", "كتاب وارد أول")),
                    SimpleUploadedFile("كتاب-2.pdf", text_pdf("كتاب", "كتاب وارد ثان")),
                ],
            },
        )
    assert response.status_code == 302
    assert Document.objects.filter(number="٢٠٢٥/٤٥").count() == 2
    response = client.post(
        "/staff/archive/upload/",
        {**form, "files": [SimpleUploadedFile("x.exe", b"MZ\x90\x00" + b"\x00" * 64)]},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "x.exe" in body and "٢٠٢٥/٤٥" in body


def test_rest_search_metadata_and_file(archive_town: Any, docs: Any) -> None:
    client = _client(archive_town["archivist2"])  # no grant on the secret one
    result = client.get("/api/v1/archive/search/", {"q": "المحلات"}).json()
    assert result["total"] == 1 and result["hits"][0]["document_id"] == docs["public"].pk
    assert client.get(f"/api/v1/archive/documents/{docs['secret'].pk}/").status_code == 404
    assert client.get(f"/api/v1/archive/documents/{docs['secret'].pk}/file/").status_code == 404
    meta = client.get(f"/api/v1/archive/documents/{docs['public'].pk}/").json()
    assert meta["metadata"] == {"signed_by": "رئيس البلدية"} and meta["versions"][0]["sha256"]
    assert client.get(f"/api/v1/archive/documents/{docs['public'].pk}/file/").status_code == 200
    assert (
        AccessLogEntry.objects.filter(user=archive_town["archivist2"], action="denied").count() == 2
    )


def test_retention_needs_a_second_archivist_and_respects_legal_hold(
    archive_town: Any, docs: Any, django_capture_on_commit_callbacks: Any
) -> None:
    doc, first, second = docs["public"], archive_town["archivist"], archive_town["archivist2"]
    assert doc.review_due == dt.date(2025, 3, 1)  # one year for decisions in the fixture
    services.set_legal_hold(actor=first, document=doc, hold=True)
    with pytest.raises(ValidationError):
        services.propose_disposal(actor=first, document=doc)
    services.set_legal_hold(actor=first, document=doc, hold=False)
    review = services.propose_disposal(actor=first, document=doc, reason="انتهت المدة")
    with pytest.raises(ValidationError):
        services.decide_disposal(actor=first, review_id=review.pk, destroy=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_disposal(actor=second, review_id=review.pk, destroy=True)
    doc.refresh_from_db()
    assert doc.disposed_at is not None and doc.content == ""
    assert doc.pk not in {h.document_id for h in api.search(first, "المحلات").hits}
    assert api.document_for(first, doc.pk) is None


def test_export_zip_has_manifest_with_checksums(archive_town: Any, docs: Any) -> None:
    archivist = archive_town["archivist2"]
    data = services.export_zip(actor=archivist, documents=list(Document.objects.all()))
    archive = zipfile.ZipFile(io.BytesIO(data))
    manifest = json.loads(archive.read("manifest.json"))["documents"]
    assert [d["id"] for d in manifest] == [docs["public"].pk]  # not the secret one
    import hashlib

    entry = manifest[0]
    assert hashlib.sha256(archive.read(entry["file"])).hexdigest() == entry["sha256"]


def test_legacy_import_reports_each_file_and_is_rerunnable(
    archive_town: Any, tmp_path: Any, django_capture_on_commit_callbacks: Any
) -> None:
    folder = tmp_path / "legacy"
    folder.mkdir()
    (folder / "a.pdf").write_bytes(text_pdf("عقد", "عقد صيانة الشبكة"))
    manifest = folder / "manifest.csv"
    manifest.write_text(
        "file,title,type,number,date,department,level,tags\n"
        "a.pdf,عقد صيانة,letter,12,2019-05-01,ENG,internal,عقود;صيانة\n"
        "missing.pdf,مفقود,letter,,,,internal,\n"
        "a.pdf,تاريخ خطأ,letter,,2019-13-45,,internal,\n"
        "a.pdf,نوع خطأ,nope,,,,internal,\n",
        encoding="utf-8",
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = services.import_legacy(
            actor=None, folder=folder, manifest=manifest, default_department=archive_town["SEC"]
        )
    assert [line.ok for line in report] == [True, False, False, False]
    again = services.import_legacy(
        actor=None, folder=folder, manifest=manifest, default_department=archive_town["SEC"]
    )
    assert again[0].ok and again[0].document_id == report[0].document_id
    imported = Document.objects.get(pk=report[0].document_id)
    assert imported.department.code == "ENG" and imported.tags == ["صيانة", "عقود"]
    assert selectors.documents_linked_to(archive_town["eng_head"], "", "") == []


def test_raising_the_level_hides_it_from_search_at_once(
    archive_town: Any, docs: Any, django_capture_on_commit_callbacks: Any
) -> None:
    doc, clerk = docs["public"], archive_town["clerk"]
    assert api.search(clerk, "المحلات").total == 1
    client = _client(archive_town["archivist"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/staff/archive/{doc.pk}/",
            {
                "op": "edit",
                "edit-title": doc.title,
                "edit-level": "confidential",
                "edit-number": "",
                "edit-date": "2024-03-01",
                "edit-tags": "تنظيم",
            },
        )
    assert response.status_code == 302
    assert api.search(clerk, "المحلات").total == 0
    assert _client(clerk).get(f"/staff/archive/{doc.pk}/").status_code == 404


def test_files_waiting_for_ocr_are_queued_again_once_it_is_there(
    archive_town: Any, settings: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from baladiya.archive import ingest
    from baladiya.archive.models import Version, VersionState

    settings.ARCHIVE_OCR = False
    assert services.requeue_waiting_for_ocr() == 0
    with django_capture_on_commit_callbacks(execute=True):
        doc = store(archive_town["archivist"], archive_town["SEC"])
    Version.objects.filter(document=doc).update(state=VersionState.AWAITING_OCR)
    monkeypatch.setattr(ingest, "ocr_available", lambda: True)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.requeue_waiting_for_ocr() == 1
    assert Version.objects.get(document=doc).state == VersionState.DONE


def test_branch_and_department_filters(
    archive_town: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from baladiya.core.services import create_branch

    hq = archive_town["hq"]
    north = create_branch(
        actor=None, code="N", name_ar="الشمال", name_en="North", kind="service-office"
    )
    with django_capture_on_commit_callbacks(execute=True):
        doc = store(archive_town["archivist"], archive_town["SEC"], title="كتاب الفرع", branch=hq)
    clerk = archive_town["archivist"]
    assert [h.document_id for h in api.search(clerk, "الفرع", branch=hq).hits] == [doc.pk]
    assert api.search(clerk, "الفرع", branch=north).total == 0
    assert api.search(clerk, "الفرع", department=archive_town["ENG"]).total == 0
    response = _client(clerk).get("/staff/archive/", {"q": "الفرع", "branch": north.pk})
    assert "كتاب الفرع" not in response.content.decode()


def test_documents_linked_to_a_parcel_show_on_its_card(
    archive_town: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from types import SimpleNamespace

    with django_capture_on_commit_callbacks(execute=True):
        doc = store(
            archive_town["archivist"],
            archive_town["SEC"],
            title="مخطط القطعة",
            link=("gis.parcel", "7"),
        )
        store(
            archive_town["archivist"],
            archive_town["SEC"],
            title="سري",
            level="secret",
            link=("gis.parcel", "7"),
        )
    parcel = SimpleNamespace(pk=7)
    cards = selectors.linked_to_parcel(parcel, archive_town["archivist2"])
    assert [c.title for c in cards] == [doc.title]
