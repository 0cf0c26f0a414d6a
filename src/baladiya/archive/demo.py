"""Demo archive: a few document types and about thirty small Arabic text PDFs at
mixed confidentiality levels (idempotent; no OCR needed)."""

from __future__ import annotations

import datetime as dt
import io
import random

from baladiya.archive import services
from baladiya.archive.models import Document, Level
from baladiya.core import api as core

TYPES = [
    (
        "decision",
        "قرار إداري",
        "Administrative decision",
        [{"key": "signed_by", "label_ar": "الموقّع", "label_en": "Signed by", "required": False}],
        10,
    ),
    (
        "contract",
        "عقد",
        "Contract",
        [
            {
                "key": "party",
                "label_ar": "الطرف الثاني",
                "label_en": "Other party",
                "required": False,
            },
            {"key": "value", "label_ar": "القيمة", "label_en": "Value", "required": False},
        ],
        15,
    ),
    ("minutes", "محضر اجتماع", "Minutes of a meeting", [], 5),
    ("report", "تقرير", "Report", [], 3),
    ("scanned", "وثيقة ممسوحة", "Scanned document", [], None),
]

SUBJECTS = [
    ("قرار بتنظيم ساعات عمل المحلات التجارية", "decision"),
    ("قرار تشكيل لجنة العطاءات المركزية", "decision"),
    ("قرار إغلاق محل مخالف للشروط الصحية", "decision"),
    ("عقد صيانة شبكة المياه في الحي الشمالي", "contract"),
    ("عقد توريد أعمدة إنارة للشارع الرئيسي", "contract"),
    ("عقد إيجار مجمع المحلات البلدية", "contract"),
    ("محضر اجتماع المجلس البلدي الدوري", "minutes"),
    ("محضر لجنة التنظيم والأبنية", "minutes"),
    ("محضر استلام أعمال تعبيد الطرق", "minutes"),
    ("تقرير الإيرادات الشهرية للبلدية", "report"),
    ("تقرير جولة التفتيش الصحي على المطاعم", "report"),
    ("تقرير حالة شبكة الكهرباء والعدادات", "report"),
]
BODIES = [
    "بناءً على الصلاحيات المخولة للمجلس البلدي وبعد الاطلاع على التوصيات المرفوعة من الدائرة "
    "المختصة، تقرر ما يلي. يُعمل بهذا القرار من تاريخه ويُبلّغ لمن يلزم لتنفيذه.",
    "تم الاتفاق بين البلدية والطرف الثاني على تنفيذ الأعمال المذكورة وفق الشروط والمواصفات "
    "المرفقة، وتُدفع القيمة على دفعات بعد الاستلام الفني من المهندس المشرف.",
    "حضر الاجتماع رئيس البلدية والأعضاء، ونوقشت البنود المدرجة على جدول الأعمال، واتُّخذت "
    "التوصيات الآتية بالإجماع، ورُفع المحضر للاعتماد.",
    "يبيّن هذا التقرير الأرقام الفعلية مقارنة بالموازنة المعتمدة، مع ملاحظات الدائرة "
    "والتوصيات لتحسين التحصيل وخدمة المواطنين.",
]
LEVELS = [Level.PUBLIC, Level.INTERNAL, Level.INTERNAL, Level.CONFIDENTIAL, Level.SECRET]
DOCUMENTS = 30


def _pdfs(pages: list[tuple[str, str, str]]) -> list[bytes]:
    """One WeasyPrint render for every page, split into one-page PDFs (fast)."""
    from pypdf import PdfReader, PdfWriter

    pdf = core.render_pdf(
        "archive/demo_pages.html",
        {"pages": [{"title": t, "number": no, "text": text} for t, no, text in pages]},
        language="ar",
    )
    reader = PdfReader(io.BytesIO(pdf))
    out = []
    for page in reader.pages:
        writer = PdfWriter()
        writer.add_page(page)
        buffer = io.BytesIO()
        writer.write(buffer)
        out.append(buffer.getvalue())
    return out


def load(*, profile_key: str, country: str) -> None:
    for key, name_ar, name_en, fields, years in TYPES:
        services.ensure_document_type(
            key=key, name_ar=name_ar, name_en=name_en, fields=fields, retention_years=years
        )
    prefix = f"ARC-{profile_key.upper()}-"
    if Document.objects.filter(number__startswith=prefix).exists():
        return
    departments = [
        d for code in ("SEC", "ENG", "FIN", "HR", "REV") if (d := core.department_by_code(code))
    ] or list(core.departments())[:1]
    if not departments:
        return
    rng = random.Random(f"archive-{profile_key}")  # noqa: S311 - seeded demo data
    pages = []
    for n in range(DOCUMENTS):
        title, kind = SUBJECTS[n % len(SUBJECTS)]
        pages.append((title, f"{prefix}{n + 1:04d}", BODIES[rng.randrange(len(BODIES))], kind))
    files = _pdfs([(t, no, body) for t, no, body, _k in pages])
    today = dt.date.today()
    for (title, number, _body, kind), data in zip(pages, files, strict=True):
        services.store_document(
            actor=None,
            file=data,
            filename=f"{number}.pdf",
            title=title,
            doc_type=kind,
            department=rng.choice(departments),
            level=rng.choice(LEVELS),
            number=number,
            date=today - dt.timedelta(days=rng.randrange(1, 4000)),
            tags=rng.sample(["بلدية", "مالية", "هندسة", "صحة", "عقود", "2025"], 2),
        )
