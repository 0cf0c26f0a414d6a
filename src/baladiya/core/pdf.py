"""PDF documents (receipts, licences, certificates, site plans) rendered from
templates with WeasyPrint, which shapes Arabic correctly, and QR codes that
point at a public verification page.

WeasyPrint needs Pango from the operating system; it is imported only when a PDF
is made, so the rest of Baladiya runs without it and a PDF request then fails
with a clear error.
"""

from __future__ import annotations

import base64
import io
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


class PDFUnavailable(RuntimeError):
    pass


def absolute_url(path: str) -> str:
    """``path`` on the public site (``SITE_URL``), for QR codes and emailed links."""
    return settings.BALADIYA_SITE_URL.rstrip("/") + "/" + path.lstrip("/")


def qr_data_uri(data: str) -> str:
    """A QR code for ``data`` as an SVG data URI (embeddable in HTML and PDFs)."""
    image = qrcode.make(
        data,
        image_factory=qrcode.image.svg.SvgPathImage,
        box_size=10,
        border=2,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
    )
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def render_pdf(template: str, context: dict[str, Any], *, language: str | None = None) -> bytes:
    """Render ``template`` in ``language`` (default: the active one) to PDF bytes."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # Pango missing
        raise PDFUnavailable(
            "PDF output needs WeasyPrint and the Pango library (Debian: apt-get install "
            "libpango-1.0-0 libpangoft2-1.0-0)."
        ) from exc
    with translation.override(language or translation.get_language()):
        html = render_to_string(
            template,
            {
                **context,
                "LANGUAGE_CODE": translation.get_language(),
                "text_direction": "rtl" if translation.get_language_bidi() else "ltr",
            },
        )
    return HTML(string=html, base_url=str(settings.STATIC_ROOT)).write_pdf()
