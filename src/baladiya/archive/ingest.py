"""What the ingest pipeline does to one file's bytes (no database here).

Type from content (magic numbers), never from the file name; the PDF text layer
when there is one, otherwise OCR with Tesseract (Arabic + English) through
OCRmyPDF, which also gives a searchable PDF; text from office files; a
thumbnail and a preview of the first page.
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import filetype
from django.conf import settings
from django.utils.translation import gettext as _

from baladiya.archive.analysis import repair_presentation_forms

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
TIFF = "image/tiff"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT = "text/plain"
IMAGES = {JPEG, PNG, TIFF}
ACCEPTED = {PDF, DOCX, XLSX, TEXT, *IMAGES}
THUMBNAIL_PX = 240
PREVIEW_PX = 1100
MIN_PAGE_CHARS = 3  # fewer letters or digits on a page: a scanned page, not a text layer


class IngestError(Exception):
    """A file that cannot be archived as it is (the message says why)."""


class OCRUnavailable(Exception):
    """The file needs OCR and Tesseract is not installed here."""


@dataclass
class Extracted:
    mime_type: str
    text: str = ""
    text_source: str = ""  # "text-layer", "ocr", "office", "plain"
    pages: int | None = None
    searchable_pdf: bytes | None = None
    thumbnail: bytes | None = None
    preview: bytes | None = None


def ocr_available() -> bool:
    return bool(getattr(settings, "ARCHIVE_OCR", True)) and shutil.which("tesseract") is not None


def detect(data: bytes) -> str:
    """The content type from the bytes themselves."""
    kind = filetype.guess(data[:8192])
    if kind is not None:
        if kind.mime == "application/zip" or kind.mime in (DOCX, XLSX):
            return _office_kind(data) or kind.mime
        return str(kind.mime)
    if data.startswith(b"%PDF"):
        return PDF
    try:
        sample = data[:65536].decode("utf-8")
    except UnicodeDecodeError:
        return "application/octet-stream"
    return TEXT if "\x00" not in sample else "application/octet-stream"


def _office_kind(data: bytes) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except zipfile.BadZipFile:
        return ""
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return ""


def check(data: bytes) -> str:
    """The type of an upload, or :class:`IngestError` when it is not accepted."""
    limit = int(getattr(settings, "ARCHIVE_MAX_UPLOAD_MB", 50)) * 1024 * 1024
    if not data:
        raise IngestError(_("The file is empty."))
    if len(data) > limit:
        raise IngestError(_("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)})
    mime = detect(data)
    if mime not in ACCEPTED:
        raise IngestError(
            _(
                "This kind of file (%(type)s) cannot be archived: use PDF, JPEG, PNG, TIFF, "
                "Word or Excel."
            )
            % {"type": mime}
        )
    return mime


def _png(image: object, size: int) -> bytes:
    from PIL import Image

    assert isinstance(image, Image.Image)
    copy = image.convert("RGB")
    copy.thumbnail((size, size * 2))
    out = io.BytesIO()
    copy.save(out, format="PNG", compress_level=1)  # fast to write
    return out.getvalue()


def _pdf_images(data: bytes) -> tuple[bytes | None, bytes | None]:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(data)
    try:
        page = pdf[0]
        width = page.get_width() or 1
        image = page.render(scale=PREVIEW_PX / width).to_pil()
        return _png(image, THUMBNAIL_PX), _png(image, PREVIEW_PX)
    finally:
        pdf.close()


def _pdf_text(data: bytes) -> tuple[str, list[str]]:
    """The whole text and each page's own text."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    pages = [repair_presentation_forms(page.extract_text() or "") for page in reader.pages]
    text = "\n\f".join(pages)
    # pypdf joins Arabic ligatures (لا) correctly but may reverse a number that
    # ends a right-to-left line; PDFium keeps numbers in order. Numbers only PDFium
    # saw are added on a last line, so a search for the real number finds the page.
    missing = [n for n in _pdfium_numbers(data) if n not in text]
    if missing:
        text = f"{text}\n{' '.join(dict.fromkeys(missing))}"
    return text, pages


_SKIPPED = re.compile(r"\[OCR skipped on page\(s\) [^\]]*\]")
_NUMBER = re.compile(r"[0-9\u0660-\u0669\u06f0-\u06f9]{2,}")


def _pdfium_numbers(data: bytes) -> list[str]:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(data)
    try:
        return [
            number
            for page in pdf
            for number in _NUMBER.findall(page.get_textpage().get_text_bounded())
        ]
    finally:
        pdf.close()


def _meaningful(text: str) -> int:
    return sum(1 for char in text if char.isalnum())


def _ocr(data: bytes, *, image: bool) -> tuple[bytes, str]:
    """A searchable PDF and the recognised text."""
    import ocrmypdf

    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / ("in.img" if image else "in.pdf")
        if image:
            import img2pdf

            source.write_bytes(img2pdf.convert(data, rotation=img2pdf.Rotation.ifvalid))
        else:
            source.write_bytes(data)
        output, sidecar = Path(work) / "out.pdf", Path(work) / "out.txt"
        ocrmypdf.ocr(
            source,
            output,
            language=["ara", "eng"],
            sidecar=sidecar,
            output_type="pdf",
            optimize=0,
            progress_bar=False,
            skip_text=True,
            jobs=1,
        )
        return output.read_bytes(), sidecar.read_text(encoding="utf-8", errors="replace")


def _image_pages(data: bytes) -> int:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return int(getattr(image, "n_frames", 1))


def extract(data: bytes, mime: str) -> Extracted:
    """Text, page count and images of one file. Raises :class:`OCRUnavailable`
    (with the thumbnail already made) when only OCR could read it."""
    result = Extracted(mime_type=mime)
    if mime == PDF:
        result.thumbnail, result.preview = _pdf_images(data)
        text, pages = _pdf_text(data)
        result.pages = len(pages)
        if all(_meaningful(page) >= MIN_PAGE_CHARS for page in pages):
            result.text, result.text_source = text, "text-layer"
            return result
        if not ocr_available():
            result.text = text
            raise OCRUnavailable(result)
        # Pages with a text layer keep it; the others are recognised.
        result.searchable_pdf, recognised = _ocr(data, image=False)
        result.text = f"{text}\n{_SKIPPED.sub('', recognised)}".strip()
        result.text_source = "ocr"
        return result
    if mime in IMAGES:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as image:
            result.thumbnail = _png(image, THUMBNAIL_PX)
            result.preview = _png(image, PREVIEW_PX)
        result.pages = _image_pages(data)
        if not ocr_available():
            raise OCRUnavailable(result)
        result.searchable_pdf, result.text = _ocr(data, image=True)
        result.text_source = "ocr"
        return result
    if mime == DOCX:
        import docx

        document = docx.Document(io.BytesIO(data))
        parts = [p.text for p in document.paragraphs]
        for table in document.tables:
            parts.extend(cell.text for row in table.rows for cell in row.cells)
        result.text, result.text_source = "\n".join(parts), "office"
        return result
    if mime == XLSX:
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        parts = [
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        ]
        result.text, result.text_source = "\n".join(parts), "office"
        return result
    result.text, result.text_source = data.decode("utf-8", errors="replace"), "plain"
    return result
