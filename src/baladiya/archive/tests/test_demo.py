"""The demo data: quick, idempotent, searchable, without OCR."""

from __future__ import annotations

from typing import Any

import pytest

from baladiya.archive import api
from baladiya.archive.models import Document, VersionState

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_searchable(
    archive_town: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.ARCHIVE_OCR = False
    with django_capture_on_commit_callbacks(execute=True):
        api.load_demo(profile_key="taffouh", country="PS", persons=[], establishments=[])
    assert Document.objects.count() == 30
    assert set(Document.objects.values_list("level", flat=True)) >= {"public", "secret"}
    assert not Document.objects.exclude(versions__state=VersionState.DONE).exists()
    with django_capture_on_commit_callbacks(execute=True):
        api.load_demo(profile_key="taffouh", country="PS", persons=[], establishments=[])
    assert Document.objects.count() == 30
    page = api.search(archive_town["archivist"], "المحلات")
    assert page.total >= 1
