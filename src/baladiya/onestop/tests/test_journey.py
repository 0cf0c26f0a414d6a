"""Applying online: questions → check your answers → confirmation, drafts kept and
resumed, answers checked in the service layer, documents attached, PDF receipt."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from baladiya.core.profiles import luhn_check_digit
from baladiya.onestop.models import Draft
from baladiya.workflow.models import Case

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def citizen(org_ps: Any, roles: Any) -> Any:
    from baladiya.core.services import (
        create_branch,
        create_department,
        create_party_login,
        register_person,
    )
    from baladiya.onestop.api import public_services
    from baladiya.onestop.services import load_catalogue
    from baladiya.workflow import api as workflow

    load_catalogue(actor=None)
    workflow.install_standard_processes(actor=None, services=list(public_services()))
    create_branch(actor=None, code="HQ", name_ar="المقر", name_en="HQ", kind="headquarters")
    for code in ("CS", "ENG", "HLT", "WAT", "REV", "INV"):
        create_department(actor=None, code=code, name_ar=code, name_en=code)
    stem = "42000000"
    party = register_person(
        actor=None,
        national_id=stem + luhn_check_digit(stem),
        name_ar="ليلى أحمد",
        phone="0599123123",
    )
    return create_party_login(actor=None, party=party, password="x-Pass-2026", role_key="citizen")


def test_building_permit_journey_with_a_saved_draft(citizen: Any) -> None:
    client = Client()
    client.force_login(citizen)
    page = client.get("/services/building-permit/")
    assert "/services/building-permit/apply/" in page.content.decode()
    response = client.get("/services/building-permit/apply/")
    draft = Draft.objects.get()
    assert response.url == f"/services/apply/{draft.pk}/"
    # Wrong answers: kept, every problem reported, nothing submitted.
    bad = client.post(
        response.url,
        {
            "go": "continue",
            "parcel": "12/45",
            "floors": "٣٠٠",
            "built-area": "abc",
            "use": "palace",
        },
    )
    html = bad.content.decode()
    assert bad.status_code == 200
    assert 'value="٣٠٠"' in html or 'value="300"' in html or "٣٠٠" in html
    errors = bad.context["form"].errors
    assert set(errors) >= {"floors", "built-area", "use", "engineer"}
    assert "40" in errors["floors"][0]  # the largest allowed number of floors
    # Save and come back later: the answers are there.
    client.post(
        response.url,
        {
            "go": "save",
            "parcel": "12/45",
            "floors": "3",
            "built-area": "420",
            "use": "residential",
            "engineer": "م. سامي",
        },
    )
    resumed = client.get("/services/building-permit/apply/")
    assert resumed.url == response.url  # the same draft
    assert 'value="420"' in client.get(response.url).content.decode()
    files = {
        f"doc-{k}": SimpleUploadedFile(f"{k}.pdf", PDF, "application/pdf")
        for k in (
            "identity",
            "ownership-deed",
            "parcel-plan",
            "engineering-drawings",
            "engineer-undertaking",
        )
    }
    go = client.post(
        response.url,
        {
            "go": "continue",
            "parcel": "12/45",
            "floors": "3",
            "built-area": "420",
            "use": "residential",
            "engineer": "م. سامي",
            **files,
        },
    )
    assert go.status_code == 302 and go.url.endswith("/check/")
    check = client.get(go.url).content.decode()
    assert "420" in check and "سكني" in check and "identity.pdf" in check
    sent = client.post(go.url)
    assert sent.url.endswith("/done/")
    case = Case.objects.get()
    assert case.service_key == "building-permit" and case.applicant == citizen.party
    assert case.data == {
        "parcel": "12/45",
        "floors": "3",
        "built-area": "420",
        "use": "residential",
        "engineer": "م. سامي",
    }
    assert case.attachments.count() == 5
    assert case.department.code == "ENG"
    done = client.get(sent.url).content.decode()
    assert case.reference in done
    # Sending twice (back button) creates nothing new.
    client.post(go.url)
    assert Case.objects.count() == 1


def test_a_required_document_must_be_attached(citizen: Any) -> None:
    client = Client()
    client.force_login(citizen)
    start = client.get("/services/shop-license-new/apply/")
    response = client.post(
        start.url,
        {
            "go": "continue",
            "trade-name": "بقالة النور",
            "activity": "grocery",
            "area": "45",
            "location": "31.54,35.05",
        },
    )
    assert response.status_code == 200
    assert "doc-identity" in response.context["form"].errors


def test_someone_elses_draft_is_not_found(citizen: Any) -> None:
    from baladiya.core.services import create_party_login, register_person

    client = Client()
    client.force_login(citizen)
    start = client.get("/services/general-inquiry/apply/")
    stem = "42000001"
    party = register_person(
        actor=None, national_id=stem + luhn_check_digit(stem), name_ar="غريب", phone="0599000999"
    )
    other = create_party_login(actor=None, party=party, password="x-Pass-2026", role_key="citizen")
    stranger = Client()
    stranger.force_login(other)
    assert stranger.get(start.url).status_code == 404
    assert stranger.post(start.url, {"go": "save", "subject": "x"}).status_code == 404


def test_the_acknowledgement_is_a_pdf(citizen: Any) -> None:
    client = Client()
    client.force_login(citizen)
    start = client.get("/services/general-inquiry/apply/")
    client.post(
        start.url,
        {
            "go": "continue",
            "subject": "ساعات الدوام",
            "question": "ما ساعات دوام البلدية في رمضان؟",
        },
    )
    client.post(start.url + "check/")
    case = Case.objects.get()
    pdf = client.get(f"/services/acknowledgement/{case.reference}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    english = client.get(f"/services/acknowledgement/{case.reference}.pdf?lang=en")
    assert english.content.startswith(b"%PDF-") and english.content != pdf.content
