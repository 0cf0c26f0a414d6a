"""Archive test fixtures: a private index and media folder per test, a town with
departments, archive staff and document types."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _archive_dirs(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.ARCHIVE_SEARCH_DIR = tmp_path / "search"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ARCHIVE_SCAN_INBOX = tmp_path / "scan-inbox"
    yield


@pytest.fixture
def archive_town(org_ps: Any, roles: Any, make_staff: Any) -> dict[str, Any]:
    from baladiya.archive import services
    from baladiya.core.services import create_branch, create_department

    hq = create_branch(actor=None, code="HQ", name_ar="المقر", name_en="HQ", kind="headquarters")
    sec = create_department(actor=None, code="SEC", name_ar="السكرتاريا", name_en="Secretariat")
    eng = create_department(actor=None, code="ENG", name_ar="الهندسة", name_en="Engineering")
    roads = create_department(
        actor=None, code="ROADS", name_ar="الطرق", name_en="Roads", parent=eng
    )
    fin = create_department(actor=None, code="FIN", name_ar="المالية", name_en="Finance")
    services.ensure_document_type(
        key="decision",
        name_ar="قرار إداري",
        name_en="Decision",
        fields=[{"key": "signed_by", "label_ar": "الموقّع", "label_en": "Signed by"}],
        retention_years=1,
    )
    services.ensure_document_type(key="letter", name_ar="كتاب", name_en="Letter")
    return {
        "hq": hq,
        "SEC": sec,
        "ENG": eng,
        "ROADS": roads,
        "FIN": fin,
        "archivist": make_staff("archivist", department=sec),
        "archivist2": make_staff("archivist", department=sec),
        "eng_archivist": make_staff("archivist", department=eng),
        "eng_head": make_staff("department-head", department=eng),
        "clerk": make_staff("clerk", branch=hq),
        "cashier": make_staff("cashier", branch=hq),
        "auditor": make_staff("auditor"),
    }
