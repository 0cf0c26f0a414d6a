"""Complaints: routing by category, location and photos, duplicates, resolution,
rating, the 10-day reopen window, and who may see what."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from baladiya.complaint import selectors, services
from baladiya.complaint.models import Complaint
from baladiya.core.api import AccessDenied
from baladiya.workflow import api as workflow

pytestmark = pytest.mark.django_db


def photo(name: str = "hole.jpg", fmt: str = "JPEG") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (120, 80, 40)).save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def file(town: dict[str, Any], **kw: Any) -> Complaint:
    values = {
        "category": "pothole",
        "description": "حفرة كبيرة أمام المدرسة",
        "latitude": "31.541700",
        "longitude": "35.053000",
    }
    values.update(kw)
    return services.file_complaint(actor=town["citizen"], **values)


def test_a_complaint_is_routed_by_category_with_its_location_and_photos(town: Any) -> None:
    complaint = file(town, photos=[photo(), photo("b.png", "PNG")])
    assert complaint.case.department.code == "ENG"
    assert file(town, category="garbage").case.department.code == "HLT"
    assert complaint.latitude is not None and str(complaint.latitude) == "31.541700"
    kinds = list(complaint.case.attachments.values_list("content_type", flat=True))
    assert kinds == ["image/jpeg", "image/png"]


def test_bad_input_is_refused_with_every_error_and_nothing_saved(town: Any) -> None:
    with pytest.raises(ValidationError) as error:
        services.file_complaint(
            actor=town["citizen"], category="volcano", description="x", latitude="", longitude=""
        )
    assert set(error.value.message_dict) == {"category", "description", "address"}
    assert not Complaint.objects.exists()
    fake = SimpleUploadedFile("virus.jpg", b"MZ\x90\x00 not an image", "image/jpeg")
    with pytest.raises(ValidationError, match="PDF, JPEG, PNG"):
        file(town, photos=[fake])
    assert not Complaint.objects.exists()


def test_nearby_open_complaints_of_the_same_kind_are_suggested_as_duplicates(town: Any) -> None:
    first = file(town)
    near = file(town, latitude="31.542000", longitude="35.053100")  # ~35 m away
    file(town, latitude="31.560000", longitude="35.053000")  # 2 km away
    file(town, category="garbage")  # another kind, same place
    suggestions = selectors.nearby_duplicates(near)
    assert [(c.pk, m) for c, m in suggestions] == [(first.pk, 35)]
    services.merge_duplicate(actor=town["clerk"], complaint_id=near.pk, into_id=first.pk)
    near.refresh_from_db()
    assert near.duplicate_of == first and near.case.state.key == "closed"


def test_assign_resolve_rate_and_close(town: Any) -> None:
    complaint = file(town)
    case = workflow.assign(
        actor=town["eng_head"], case_id=complaint.case_id, assignee=town["inspector"]
    )
    assert case.assignee == town["inspector"]
    workflow.take_action(actor=town["inspector"], case_id=case.pk, action_key="start")
    with pytest.raises(ValidationError):
        services.rate(actor=town["citizen"], complaint_id=complaint.pk, stars=5)
    services.resolve(
        actor=town["inspector"],
        complaint_id=complaint.pk,
        note="تم ردم الحفرة وتعبيدها",
        photo=photo("after.jpg"),
    )
    with pytest.raises(AccessDenied):
        services.rate(actor=town["other"], complaint_id=complaint.pk, stars=1)
    services.rate(actor=town["citizen"], complaint_id=complaint.pk, stars=4, comment="شكراً")
    complaint.refresh_from_db()
    assert complaint.rating == 4 and complaint.case.state.key == "closed"
    assert complaint.case.attachments.filter(kind="resolution").count() == 1


def test_reopen_only_within_ten_days_of_the_resolution(town: Any) -> None:
    complaint = file(town)
    workflow.take_action(actor=town["inspector"], case_id=complaint.case_id, action_key="start")
    services.resolve(actor=town["inspector"], complaint_id=complaint.pk, note="تم")
    complaint.refresh_from_db()
    late = complaint.resolved_at + dt.timedelta(days=10, minutes=1)
    with pytest.raises(ValidationError, match="10"):
        services.reopen(
            actor=town["citizen"], complaint_id=complaint.pk, reason="ما زالت", now=late
        )
    services.reopen(
        actor=town["citizen"],
        complaint_id=complaint.pk,
        reason="ما زالت الحفرة",
        now=timezone.now() + dt.timedelta(days=9),
    )
    complaint.refresh_from_db()
    assert complaint.case.state.key == "in-progress" and complaint.reopened_count == 1


def test_pages_for_the_citizen_and_staff(town: Any) -> None:
    citizen = Client()
    citizen.force_login(town["citizen"])
    page = citizen.get("/complaints/new/")
    assert page.status_code == 200 and "vendor/leaflet/leaflet.js" in page.content.decode()
    response = citizen.post(
        "/complaints/new/",
        {
            "category": "streetlight",
            "description": "عمود الإنارة لا يعمل منذ أسبوع",
            "latitude": "31.5400",
            "longitude": "35.0500",
            "photos": [photo()],
            "idempotency_key": "form-1",
        },
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    reference = complaint.case.reference
    assert reference in citizen.get(response.url).content.decode()
    # Submitting the same form again (double click) creates nothing new.
    citizen.post(
        "/complaints/new/",
        {
            "category": "streetlight",
            "description": "مكرر مرة",
            "address": "x",
            "idempotency_key": "form-1",
        },
    )
    assert Complaint.objects.count() == 1
    assert citizen.get(f"/complaints/{reference}/").status_code == 200
    stranger = Client()
    stranger.force_login(town["other"])
    assert stranger.get(f"/complaints/{reference}/").status_code == 404
    clerk = Client()
    clerk.force_login(town["clerk"])
    assert clerk.get(f"/complaints/{reference}/").status_code in (200, 302, 404)
    staff = Client()
    staff.force_login(town["eng_head"])  # streetlights go to ELC, not ENG
    assert staff.get(f"/staff/complaints/{reference}/").status_code == 404


def test_an_invalid_form_keeps_what_was_typed(town: Any) -> None:
    client = Client()
    client.force_login(town["citizen"])
    response = client.post("/complaints/new/", {"category": "pothole", "description": "حفرة عميقة"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "حفرة عميقة" in html
    assert "ضع دبوساً على الخريطة أو اكتب العنوان" in html or "address" in html
