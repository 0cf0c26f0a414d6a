"""Billboards (fee per m² per year by type, issue once paid, renewal, removal
orders), the staff pages, the API and the demo data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from baladiya.core.api import AccessDenied
from baladiya.licensing import services
from baladiya.licensing.models import Billboard, BillboardStatus, Establishment, Licence
from baladiya.revenue import api as revenue
from baladiya.workflow import api as workflow

pytestmark = pytest.mark.django_db


def pay(town: dict[str, Any], party: Any, key: str) -> None:
    revenue.take_payment(
        actor=None,
        party=party,
        amount=revenue.amount_owed(party),
        tender="cash",
        channel="bank",
        branch=town["hq"],
        idempotency_key=key,
    )


def test_a_billboard_is_charged_per_square_metre_by_type_and_issued_once_paid(
    town: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    with pytest.raises(ValidationError) as error:
        services.apply_for_billboard(
            actor=town["owner"], site="", width="0", height="x", sign_type="neon"
        )
    assert set(error.value.message_dict) == {"site", "width", "height", "sign_type"}
    board = services.apply_for_billboard(
        actor=town["owner"],
        site="واجهة المبنى، شارع الجامع",
        width="4",
        height="2.5",
        sign_type="rooftop",
        latitude="31.5417",
        longitude="35.0530",
    )
    case_id = board.case_id
    with django_capture_on_commit_callbacks(execute=True):
        workflow.take_action(actor=town["clerk"], case_id=case_id, action_key="accept")
        workflow.take_action(
            actor=town["hlt_inspector"], case_id=case_id, action_key="pass-inspection"
        )
        workflow.take_action(actor=town["hlt_head"], case_id=case_id, action_key="approve")
    board.refresh_from_db()
    assert board.status == BillboardStatus.AWAITING_PAYMENT
    assert revenue.amount_owed(board.owner) == Decimal("800")  # 10 m² × 80 (rooftop)
    with django_capture_on_commit_callbacks(execute=True):
        pay(town, board.owner, "board-1")
    board.refresh_from_db()
    assert board.status == BillboardStatus.ACTIVE and board.number.startswith("ADV-")
    first_end = board.valid_until
    with django_capture_on_commit_callbacks(execute=True):
        services.renew_billboard(actor=town["owner"], billboard_id=board.pk)
        pay(town, board.owner, "board-2")
    board.refresh_from_db()
    assert board.valid_until == first_end.replace(year=first_end.year + 1)
    with pytest.raises(AccessDenied):
        services.order_removal(actor=town["clerk"], billboard_id=board.pk, reason="بلا ترخيص")
    ordered = services.order_removal(
        actor=town["hlt_inspector"], billboard_id=board.pk, reason="تحجب إشارة المرور"
    )
    assert ordered.status == BillboardStatus.REMOVAL_ORDERED
    assert ordered.removal_due == timezone.localdate() + dt.timedelta(days=14)


def test_staff_pages_and_the_api(
    town: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    licence = services.apply_for_licence(
        actor=town["owner"],
        name="صيدلية الشفاء",
        activity="pharmacy",
        area="45",
        address="وسط البلد",
    )
    staff = Client()
    staff.force_login(town["hlt_head"])
    listing = staff.get(reverse("licensing:staff-licences"), {"q": licence.case.reference})
    assert "صيدلية الشفاء" in listing.content.decode()
    assert staff.get(reverse("licensing:staff-licence", args=[licence.pk])).status_code == 200
    assert staff.get(reverse("licensing:staff-workers")).status_code == 200
    assert staff.get(reverse("licensing:staff-billboards")).status_code == 200
    citizen = Client()
    citizen.force_login(town["other"])
    assert citizen.get(reverse("licensing:staff-licences")).status_code == 403
    owner = Client()
    owner.force_login(town["owner"])
    assert owner.get(reverse("licensing:home")).status_code == 200
    mine = owner.get("/api/v1/licences/").json()
    assert [row["reference"] for row in mine] == [licence.case.reference]
    created = owner.post(
        "/api/v1/licences/",
        {"name": "", "activity": "bakery", "area": "0"},
        content_type="application/json",
    )
    assert created.status_code == 400


def test_demo_data_is_idempotent(town: dict[str, Any]) -> None:
    from baladiya.core.services import register_establishment
    from baladiya.licensing import api

    owners = [town["owner"].party, town["other"].party]
    establishments = [
        register_establishment(
            actor=None,
            commercial_registration=f"57{index:07d}",
            name_ar=f"منشأة تجريبية {index}",
            owner=owners[index % 2],
        )
        for index in range(12)
    ]
    api.load_demo(
        profile_key="taffouh", country="PS", persons=owners, establishments=establishments
    )
    counts = (Establishment.objects.count(), Licence.objects.count(), Billboard.objects.count())
    assert counts[0] == 13 and counts[1] == 13 and counts[2] == 4
    assert Licence.objects.filter(number__isnull=True).exists()
    assert Licence.objects.filter(status="expired").exists()
    api.load_demo(
        profile_key="taffouh", country="PS", persons=owners, establishments=establishments
    )
    assert (
        Establishment.objects.count(),
        Licence.objects.count(),
        Billboard.objects.count(),
    ) == counts


def test_a_worker_photo_is_checked_and_shown_on_the_card(town: dict[str, Any]) -> None:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from baladiya.licensing import selectors

    licence = services.apply_for_licence(
        actor=town["owner"], name="مطعم الزيتونة", activity="restaurant", area="70", address="تفوح"
    )
    fake = SimpleUploadedFile("x.jpg", b"MZ not an image", "image/jpeg")
    with pytest.raises(ValidationError) as error:
        services.add_worker(
            actor=town["owner"],
            establishment_id=licence.establishment_id,
            name="سامي",
            nationality="فلسطيني",
            id_number="401234567",
            job="طاهٍ",
            photo=fake,
        )
    assert "photo" in error.value.message_dict
    buffer = io.BytesIO()
    Image.new("RGB", (30, 40), (200, 180, 150)).save(buffer, "PNG")
    worker = services.add_worker(
        actor=town["owner"],
        establishment_id=licence.establishment_id,
        name="سامي",
        nationality="فلسطيني",
        id_number="401234567",
        job="طاهٍ",
        photo=SimpleUploadedFile("sami.png", buffer.getvalue(), "image/png"),
    )
    assert selectors.photo_data_uri(worker).startswith("data:image/png;base64,")
    certificate = services.record_medical_check(
        actor=town["hlt_head"], worker_id=worker.pk, result="unfit", note="يعاد الفحص"
    )
    assert not certificate.is_valid and certificate.demand_id
    owner = Client()
    owner.force_login(town["owner"])
    assert owner.get(
        reverse("licensing:certificate-pdf", args=[certificate.pk])
    ).content.startswith(b"%PDF")
    assert (
        owner.get(reverse("licensing:workers", args=[licence.establishment_id])).status_code == 200
    )


def test_the_map_layer_shows_pinned_shops(town: dict[str, Any]) -> None:
    from baladiya.licensing import selectors

    services.apply_for_licence(
        actor=town["owner"],
        name="ورشة النجارة",
        activity="workshop",
        area="150",
        latitude="31.5417",
        longitude="35.0530",
    )
    features = selectors.map_features((35.0, 31.5, 35.1, 31.6))
    assert [f["properties"]["title"] for f in features] == ["ورشة النجارة"]
    assert selectors.map_features((36.0, 32.0, 36.1, 32.1)) == []
