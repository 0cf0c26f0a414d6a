"""A municipality with a registry (archivist, clerk) and two departments with
their heads, for the correspondence tests."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _private_archive(settings: Any, tmp_path: Any) -> None:
    """Each test's scans and search index in its own folder."""
    settings.ARCHIVE_SEARCH_DIR = tmp_path / "search"
    settings.MEDIA_ROOT = tmp_path / "media"


def letter_pdf(*paragraphs: str) -> bytes:
    """A letter as a PDF with an Arabic text layer (no OCR needed)."""
    from weasyprint import HTML

    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    html = (
        f"<html lang='ar' dir='rtl'><body style=\"font-family:'DejaVu Sans'\">{body}</body></html>"
    )
    return bytes(HTML(string=html).write_pdf())


@pytest.fixture
def town(org_ps: Any, roles: Any, make_staff: Any) -> dict[str, Any]:
    from baladiya.core.services import create_branch, create_department
    from baladiya.correspondence import services

    services.install_process()
    hq = create_branch(actor=None, code="HQ", name_ar="المقر", name_en="HQ", kind="headquarters")
    departments = {
        code: create_department(actor=None, code=code, name_ar=name, name_en=code)
        for code, name in (
            ("SEC", "السكرتاريا والأرشيف"),
            ("ENG", "الدائرة الهندسية"),
            ("HLT", "قسم الصحة"),
            ("FIN", "الدائرة المالية"),
        )
    }
    return {
        "hq": hq,
        **departments,
        "archivist": make_staff("archivist", department=departments["SEC"]),
        "clerk": make_staff("clerk", branch=hq),
        "eng_head": make_staff("department-head", department=departments["ENG"]),
        "hlt_head": make_staff("department-head", department=departments["HLT"]),
        "cashier": make_staff("cashier"),
    }


@pytest.fixture
def incoming(town: dict[str, Any]) -> Any:
    """An incoming letter registered by the archivist."""
    import datetime as dt

    from baladiya.correspondence import services

    entity = services.ensure_entity(actor=town["archivist"], name_ar="وزارة الحكم المحلي")
    return services.register_letter(
        actor=town["archivist"],
        direction="incoming",
        subject="تعميم بشأن موازنة العام القادم",
        summary="إعداد مشروع الموازنة",
        letter_date=dt.date.today() - dt.timedelta(days=2),
        entity=entity,
        external_number="١٢٣/٢٠٢٦",
    )
