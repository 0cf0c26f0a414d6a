"""The licensing app's public surface for other apps."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from baladiya.core import api as core
from baladiya.licensing import selectors, services
from baladiya.licensing.models import (
    Activity,
    Billboard,
    BillboardStatus,
    Establishment,
    HealthCertificate,
    Licence,
    LicenceStatus,
    MedicalResult,
    SignType,
    Worker,
)
from baladiya.licensing.services import (
    LicensingError,
    apply_for_licence,
    apply_for_renewal,
    install,
    renewal_blockers,
)
from baladiya.workflow import api as workflow

DEMO_WORKERS = [
    ("محمد أحمد سليمان", "فلسطيني", "طاهٍ"),
    ("Rahim Uddin", "بنغلاديشي", "عامل نظافة"),
    ("يوسف خليل عودة", "أردني", "بائع"),
    ("Joseph Santos", "فلبيني", "خباز"),
    ("سامر علي حسن", "مصري", "مساعد طاهٍ"),
    ("عبد الله ناصر", "يمني", "بائع"),
]


@transaction.atomic
def load_demo(
    *, profile_key: str, country: str, persons: Sequence[Any], establishments: Sequence[Any]
) -> None:
    """Demo data: the activity classification and fees, the licensing processes
    (replacing the standard ones), ~20 shop licences in various states for the
    demo establishments, workers with certificates and a few billboards.
    Idempotent: a second run adds nothing."""
    install(actor=None)
    if Establishment.objects.exists() or not establishments:
        return
    rng = random.Random(f"licensing:{profile_key}")  # noqa: S311 - seeded demo data
    today = timezone.localdate()
    kinds = list(Activity.objects.all())
    year = today.year
    owners: list[tuple[Any, Any]] = [(p.owner, p) for p in establishments[:20] if p.owner]
    if persons:
        owners.insert(0, (persons[0], None))
    for index, (owner, party) in enumerate(owners):
        kind = kinds[index % len(kinds)] if index < len(kinds) else rng.choice(kinds)
        establishment = Establishment.objects.create(
            owner=owner,
            party=party,
            name=party.name_ar if party else f"{kind.name_ar} {owner.name_ar.split(' ')[-1]}",
            commercial_registration=party.commercial_registration if party else "",
            activity=kind,
            area=Decimal(rng.choice([24, 36, 48, 60, 85, 120, 240])),
            address=(party.address_ar if party else owner.address_ar) or "",
        )
        stage = index % 5
        if stage == 4 and index:
            case = workflow.open_case(
                actor=None,
                service_key=services.NEW,
                applicant=owner,
                data={"trade-name": establishment.name, "activity": kind.code},
                title=establishment.name,
                idempotency_key=f"demo-licence:{establishment.pk}",
            )
            Licence.objects.create(establishment=establishment, holder=owner, case=case)
            continue
        # Issued licences: valid, expiring within the month, or expired.
        valid_until = {
            0: today + dt.timedelta(days=200 + index),
            1: today + dt.timedelta(days=20),
            2: today - dt.timedelta(days=15),
            3: today + dt.timedelta(days=5),
        }[stage]
        valid_from = valid_until - dt.timedelta(days=364)
        Licence.objects.create(
            establishment=establishment,
            holder=owner,
            number=f"LIC-{year}-{core.next_number(key=f'licence:{year}'):06d}",
            status=LicenceStatus.ACTIVE if valid_until >= today else LicenceStatus.EXPIRED,
            valid_from=valid_from,
            valid_until=valid_until,
            fee=services.licence_fee(establishment),
            issued_at=timezone.now() - dt.timedelta(days=(today - valid_from).days),
        )
        if kind.is_food:
            for number, (name, nationality, job) in enumerate(DEMO_WORKERS[: 2 + index % 3]):
                worker = Worker.objects.create(
                    establishment=establishment,
                    name=name,
                    nationality=nationality,
                    id_number=f"9{establishment.pk:04d}{number:04d}",
                    job=job,
                )
                checked = today - dt.timedelta(days=rng.randint(10, 300))
                HealthCertificate.objects.create(
                    worker=worker,
                    number=f"HC-{year}-{core.next_number(key=f'health-certificate:{year}'):06d}",
                    result=MedicalResult.FIT,
                    checked_on=checked,
                    valid_until=checked + dt.timedelta(days=365 if number else 200),
                )
    for index, (owner, _party) in enumerate(owners[:4]):
        width, height = Decimal(rng.choice([2, 3, 4])), Decimal(rng.choice([1, 2, 3]))
        Billboard.objects.create(
            owner=owner,
            number=f"ADV-{year}-{core.next_number(key=f'billboard:{year}'):06d}",
            site=(owner.address_ar or "الشارع الرئيسي")[:300],
            width=width,
            height=height,
            sign_type=list(SignType.values)[index % len(SignType.values)],
            status=BillboardStatus.ACTIVE if index != 3 else BillboardStatus.REMOVAL_ORDERED,
            valid_until=today + dt.timedelta(days=90 + 60 * index),
            removal_reason="" if index != 3 else "لوحة بلا ترخيص تحجب الرؤية عند التقاطع",
            removal_due=None if index != 3 else today + dt.timedelta(days=14),
        )


licence_by_number = selectors.licence_by_number
establishments_of = selectors.establishments_of
licences_of = selectors.licences_of

__all__ = [
    "LicensingError",
    "apply_for_licence",
    "apply_for_renewal",
    "establishments_of",
    "install",
    "licence_by_number",
    "licences_of",
    "load_demo",
    "renewal_blockers",
]
