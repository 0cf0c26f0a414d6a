"""Small helpers shared by the archive tests."""

from __future__ import annotations

import io
from typing import Any


def text_pdf(title: str, body: str) -> bytes:
    """A one-page PDF with a real Arabic text layer (WeasyPrint)."""
    from weasyprint import HTML

    html = (
        "<html lang='ar' dir='rtl'><body style=\"font-family:'DejaVu Sans'\">"
        f"<h1>{title}</h1><p>{body}</p></body></html>"
    )
    return bytes(HTML(string=html).write_pdf())


def arabic_scan_png(lines: list[str]) -> bytes:
    """A scanned-looking page: Arabic text drawn as pixels (no text layer)."""
    import pypdfium2
    from weasyprint import HTML

    html = (
        "<html lang='ar' dir='rtl'><body style=\"font-family:'DejaVu Sans';font-size:14pt\">"
        + "".join(f"<p>{line}</p>" for line in lines)
        + "</body></html>"
    )
    pdf = pypdfium2.PdfDocument(HTML(string=html).write_pdf())
    image = pdf[0].render(scale=300 / 72).to_pil().convert("L")
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(300, 300))
    return out.getvalue()


def store(
    actor: Any,
    department: Any,
    *,
    level: str = "internal",
    title: str = "وثيقة",
    body: str = "نص الوثيقة",
    doc_type: str = "letter",
    **kw: Any,
) -> Any:
    from baladiya.archive import api

    return api.store_document(
        actor=actor,
        file=text_pdf(title, body),
        filename="doc.pdf",
        title=title,
        doc_type=doc_type,
        department=department,
        level=level,
        **kw,
    )
