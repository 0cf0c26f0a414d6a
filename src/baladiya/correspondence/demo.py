"""Demo letters: a dozen incoming, outgoing and internal letters with their
scans in the archive and referrals in every state. Idempotent (each letter has
an idempotency key) and seeded, so a second run adds nothing."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from baladiya.core import api as core
from baladiya.correspondence import selectors, services
from baladiya.correspondence.models import Direction, EntityKind, Letter

ENTITIES = {
    "PS": [
        ("وزارة الحكم المحلي", "Ministry of Local Government", EntityKind.GOVERNMENT),
        ("سلطة المياه الفلسطينية", "Palestinian Water Authority", EntityKind.GOVERNMENT),
        ("شركة كهرباء محافظة الخليل", "Hebron Electric Power Company", EntityKind.COMPANY),
        (
            "مديرية التربية والتعليم - الخليل",
            "Hebron Directorate of Education",
            EntityKind.GOVERNMENT,
        ),
        ("المديرية العامة للدفاع المدني", "Civil Defence", EntityKind.GOVERNMENT),
        ("وزارة المالية", "Ministry of Finance", EntityKind.GOVERNMENT),
        ("محافظة الخليل", "Hebron Governorate", EntityKind.GOVERNMENT),
    ],
    "SA": [
        (
            "وزارة الشؤون البلدية والقروية والإسكان",
            "Ministry of Municipal and Rural Affairs and Housing",
            EntityKind.GOVERNMENT,
        ),
        ("شركة المياه الوطنية", "National Water Company", EntityKind.COMPANY),
        ("الشركة السعودية للكهرباء", "Saudi Electricity Company", EntityKind.COMPANY),
        ("إدارة التعليم بمحافظة القطيف", "Qatif Education Office", EntityKind.GOVERNMENT),
        ("المديرية العامة للدفاع المدني", "Civil Defence", EntityKind.GOVERNMENT),
        ("وزارة المالية", "Ministry of Finance", EntityKind.GOVERNMENT),
        ("أمانة المنطقة الشرقية", "Eastern Province Municipality", EntityKind.GOVERNMENT),
    ],
}


@dataclass(frozen=True)
class DemoLetter:
    key: str
    direction: str
    subject: str
    body: list[str]
    entity: int | None = None  # index into ENTITIES
    department: str = ""
    to_department: str = ""
    refer_to: str = ""
    steps: tuple[str, ...] = ()  # referral actions by the department head
    classification: str = "internal"
    priority: str = "normal"
    reply_to: str = ""


LETTERS = [
    DemoLetter(
        "budget-circular",
        Direction.INCOMING,
        "تعميم بشأن إعداد مشروع الموازنة للعام القادم",
        [
            "نرجو إعداد مشروع موازنة البلدية للعام القادم وفق النماذج المرفقة، مع بيان "
            "الإيرادات المتوقعة من رسوم الرخص والمياه والكهرباء.",
            "يرجى إرسال المشروع قبل نهاية الشهر القادم مصادقاً عليه من المجلس البلدي.",
        ],
        entity=0,
        refer_to="FIN",
    ),
    DemoLetter(
        "water-schedule",
        Direction.INCOMING,
        "جدول توزيع المياه خلال فصل الصيف",
        [
            "نرفق لكم جدول توزيع المياه على الأحياء خلال أشهر الصيف بسبب انخفاض الكميات "
            "الواردة من الخطوط الرئيسية.",
            "نأمل إبلاغ المشتركين بالجدول ومتابعة الشكاوى المتعلقة بانقطاع المياه.",
        ],
        entity=1,
        refer_to="ENG",
        steps=("start",),
    ),
    DemoLetter(
        "electricity-data",
        Direction.INCOMING,
        "طلب بيانات استهلاك الكهرباء للمباني العامة",
        [
            "نرجو تزويدنا ببيانات استهلاك الكهرباء للمباني العامة التابعة للبلدية خلال "
            "السنة الماضية، وذلك لغايات دراسة ترشيد الاستهلاك.",
        ],
        entity=2,
        refer_to="ELC",
    ),
    DemoLetter(
        "school-road",
        Direction.INCOMING,
        "صيانة الطريق المؤدي إلى مدرسة البنين الثانوية",
        [
            "نود إعلامكم بوجود حفر عميقة في الطريق المؤدي إلى مدرسة البنين الثانوية "
            "تشكل خطراً على سلامة الطلبة.",
            "نرجو التكرم بصيانة الطريق وتعبيده قبل بداية العام الدراسي.",
        ],
        entity=3,
        refer_to="ENG",
        steps=("start",),
        priority="urgent",
    ),
    DemoLetter(
        "market-safety",
        Direction.INCOMING,
        "تقرير السلامة العامة في السوق المركزي",
        [
            "أظهرت الجولة التفتيشية على السوق المركزي نقصاً في طفايات الحريق ومخارج "
            "الطوارئ في عدد من المحلات التجارية.",
            "نوصي بإلزام أصحاب المحلات بتصويب أوضاعهم خلال أسبوعين.",
        ],
        entity=4,
        refer_to="HLT",
        priority="very-urgent",
    ),
    DemoLetter(
        "audit",
        Direction.INCOMING,
        "تدقيق حسابات الجباية للربع الأخير",
        [
            "تقرر إجراء تدقيق على حسابات الجباية والإيرادات للربع الأخير من السنة المالية.",
            "يرجى تجهيز سندات القبض وكشوف الصناديق اليومية.",
        ],
        entity=5,
        refer_to="FIN",
        classification="confidential",
    ),
    DemoLetter(
        "meeting",
        Direction.INCOMING,
        "دعوة لحضور اجتماع لجنة الطوارئ",
        [
            "ندعوكم لحضور اجتماع لجنة الطوارئ في مقر المحافظة لبحث الاستعداد لفصل الشتاء.",
        ],
        entity=6,
    ),
    DemoLetter(
        "building-violations",
        Direction.INCOMING,
        "مخالفات البناء في المنطقة الشرقية",
        [
            "نرفق كشفاً بمخالفات البناء التي رصدتها الجولات الميدانية في المنطقة الشرقية "
            "ونطلب اتخاذ الإجراءات القانونية بحقها.",
        ],
        entity=0,
        refer_to="ENG",
        steps=("close",),
    ),
    DemoLetter(
        "school-road-reply",
        Direction.OUTGOING,
        "رد: صيانة الطريق المؤدي إلى مدرسة البنين الثانوية",
        ["نفيدكم بأنه تمت صيانة الطريق وتعبيده، ونشكركم على تعاونكم."],
        entity=3,
        department="ENG",
        reply_to="school-road",
    ),
    DemoLetter(
        "winter-plan",
        Direction.OUTGOING,
        "خطة الطوارئ لفصل الشتاء",
        [
            "نرفق لكم خطة البلدية لمواجهة المنخفضات الجوية خلال فصل الشتاء، وتشمل تنظيف "
            "العبارات وتجهيز فرق الطوارئ.",
        ],
        entity=6,
        department="ENG",
    ),
    DemoLetter(
        "road-budget",
        Direction.INTERNAL,
        "طلب رصد مخصصات لصيانة الطرق",
        ["نرجو رصد مخصصات إضافية في موازنة العام القادم لصيانة الطرق الداخلية."],
        department="ENG",
        to_department="FIN",
    ),
    DemoLetter(
        "ramadan-hours",
        Direction.INTERNAL,
        "الدوام الرسمي خلال شهر رمضان",
        ["يكون الدوام الرسمي خلال شهر رمضان من الساعة التاسعة صباحاً حتى الثانية ظهراً."],
        department="HR",
        to_department="SEC",
    ),
]


def _scan(letter: DemoLetter, sender: str, date: dt.date, number: str) -> SimpleUploadedFile:
    pdf = core.render_pdf(
        "correspondence/demo_scan_pdf.html",
        {
            "sender": sender,
            "subject": letter.subject,
            "body": letter.body,
            "date": date,
            "external_number": number,
            "greeting": "السادة رئيس وأعضاء المجلس البلدي المحترمين،",
        },
        language="ar",
    )
    return SimpleUploadedFile(f"{letter.key}.pdf", pdf, content_type="application/pdf")


def load_demo(
    *, profile_key: str, country: str, persons: Sequence[Any], establishments: Sequence[Any]
) -> None:
    """Demo data for this app (idempotent; called by the demo loader)."""
    registrar = core.user_by_username("archivist")
    head = core.user_by_username("department-head")  # head of engineering in the demo
    if registrar is None:
        return
    rng = random.Random(f"correspondence:{profile_key}")  # noqa: S311 - demo data
    services.install_process()
    entities = [
        services.ensure_entity(actor=None, name_ar=ar, name_en=en, kind=kind)
        for ar, en, kind in ENTITIES.get(country, ENTITIES["PS"])
    ]
    today = timezone.localdate()
    by_key: dict[str, Letter] = {}
    for index, spec in enumerate(LETTERS):
        key = f"demo:{profile_key}:{spec.key}"
        existing = Letter.objects.filter(idempotency_key=key).first()
        if existing is not None:
            by_key[spec.key] = existing
            continue
        with transaction.atomic():
            entity = entities[spec.entity] if spec.entity is not None else None
            letter_date = today - dt.timedelta(days=30 - index * 2)
            external = f"{rng.randint(100, 999)}/{today.year}"
            department = core.department_by_code(spec.department) if spec.department else None
            author = head if spec.department == "ENG" and head is not None else registrar
            letter = services.register_letter(
                actor=author,
                direction=spec.direction,
                subject=spec.subject,
                summary=" ".join(spec.body) if spec.direction != Direction.INCOMING else "",
                letter_date=letter_date,
                entity=entity,
                external_number=external if spec.direction == Direction.INCOMING else "",
                department=department,
                to_department=core.department_by_code(spec.to_department)
                if spec.to_department
                else None,
                classification=spec.classification,
                priority=spec.priority,
                in_reply_to=by_key.get(spec.reply_to),
                scan=_scan(spec, entity.name_ar, letter_date, external)
                if entity is not None and spec.direction == Direction.INCOMING
                else None,
                idempotency_key=key,
            )
            by_key[spec.key] = letter
            target = core.department_by_code(spec.refer_to) if spec.refer_to else None
            if target is None:
                continue
            referral = services.refer(
                actor=registrar,
                letter_id=letter.pk,
                department=target,
                due_date=today + dt.timedelta(days=rng.choice([3, 7, 14])),
                instructions="للاطلاع واتخاذ اللازم وإفادتنا.",
            )
            if head is None:
                continue
            for step in spec.steps:
                if selectors.can_view(head, letter):
                    services.act(
                        actor=head,
                        referral_id=referral.pk,
                        action_key=step,
                        comment="تمت المعالجة." if step != "start" else "",
                    )
