"""The scanned letter goes into the archive; a referral opens it to the
department; the register's search finds a letter by a word of its body through
the archive, so the archive's confidentiality holds."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from baladiya.archive import api as archive
from baladiya.correspondence import selectors, services
from baladiya.correspondence.tests.conftest import letter_pdf

pytestmark = pytest.mark.django_db

BODY = "نرجو معالجة تسرب المياه في خزان حي الزيتون بصورة عاجلة"


def _scan() -> SimpleUploadedFile:
    return SimpleUploadedFile("scan.pdf", letter_pdf(BODY), content_type="application/pdf")


def test_scan_is_archived_and_referral_opens_it(
    town: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    entity = services.ensure_entity(actor=town["archivist"], name_ar="سلطة المياه")
    with django_capture_on_commit_callbacks(execute=True):
        letter = services.register_letter(
            actor=town["archivist"],
            direction="incoming",
            subject="تسرب في خزان",
            letter_date=timezone.localdate(),
            entity=entity,
            scan=_scan(),
        )
    documents = archive.documents_linked_to(town["archivist"], "correspondence.letter", letter.pk)
    assert [d.number for d in documents] == [letter.number]
    assert archive.documents_linked_to(town["eng_head"], "correspondence.letter", letter.pk) == []

    # Before the referral nobody in engineering finds it; after, its head does.
    def found(user: Any) -> set[str]:
        filters = selectors.LetterFilters(query="الزيتون")
        return {x.number for x in selectors.register(user, filters)}

    assert found(town["eng_head"]) == set()
    with django_capture_on_commit_callbacks(execute=True):
        services.refer(
            actor=town["archivist"],
            letter_id=letter.pk,
            department=town["ENG"],
            due_date=timezone.localdate() + dt.timedelta(days=2),
        )
    assert found(town["archivist"]) == {letter.number}
    assert found(town["eng_head"]) == {letter.number}
    assert found(town["hlt_head"]) == set()
    assert len(selectors.documents(town["eng_head"], letter)) == 1


def test_confidential_scan_stays_confidential(
    town: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    entity = services.ensure_entity(actor=town["archivist"], name_ar="وزارة المالية")
    with django_capture_on_commit_callbacks(execute=True):
        letter = services.register_letter(
            actor=town["archivist"],
            direction="incoming",
            subject="تدقيق",
            letter_date=timezone.localdate(),
            entity=entity,
            classification="confidential",
            scan=_scan(),
        )
    (document,) = archive.documents_linked_to(town["archivist"], "correspondence.letter", letter.pk)
    assert document.level == "confidential"
    assert not selectors.register(town["clerk"], selectors.LetterFilters(query="الزيتون"))


def test_attach_from_the_letter_page(
    client: Any, town: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    entity = services.ensure_entity(actor=town["archivist"], name_ar="سلطة المياه")
    letter = services.register_letter(
        actor=town["archivist"],
        direction="incoming",
        subject="تسرب في خزان",
        letter_date=timezone.localdate(),
        entity=entity,
    )
    client.force_login(town["archivist"])
    url = reverse("correspondence:detail", args=[letter.number])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"op": "attach", "upload": _scan(), "title": "مرفق"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "مرفق" in page
    bad = client.post(
        url,
        {"op": "attach", "upload": SimpleUploadedFile("x.pdf", b""), "title": "x"},
    )
    assert bad.status_code == 200
    assert "errorlist" in bad.content.decode()
