"""Shop licences: application through inspection, approval and payment to the
issued licence and its PDF; renewal refused while a fine is unpaid; food
establishments and health certificates; transfer, cancellation, reminders and
expiry; public verification; who may see what."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from baladiya.core.api import AccessDenied, notifications_of
from baladiya.licensing import services
from baladiya.licensing.models import Licence, LicenceStatus, TransferConsent
from baladiya.revenue import api as revenue
from baladiya.workflow import api as workflow

pytestmark = pytest.mark.django_db


def apply(town: dict[str, Any], **kw: Any) -> Licence:
    values = {
        "name": "بقالة الأمل",
        "activity": "grocery",
        "area": "80",
        "commercial_registration": "562000111",
        "address": "شارع المدارس، تفوح",
        "idempotency_key": "k1",
    }
    values.update(kw)
    return services.apply_for_licence(actor=town["owner"], **values)


def pay(town: dict[str, Any], party: Any, key: str) -> None:
    owed = revenue.amount_owed(party)
    revenue.take_payment(
        actor=None,
        party=party,
        amount=owed,
        tender="cash",
        channel="bank",
        branch=town["hq"],
        idempotency_key=key,
    )


def walk_to_payment(town: dict[str, Any], licence: Licence, capture: Any) -> Licence:
    case_id = licence.case_id
    with capture(execute=True):
        workflow.take_action(actor=town["clerk"], case_id=case_id, action_key="accept")
        workflow.take_action(
            actor=town["hlt_inspector"], case_id=case_id, action_key="pass-inspection"
        )
        workflow.take_action(actor=town["hlt_head"], case_id=case_id, action_key="approve")
    licence.refresh_from_db()
    return licence


def issued(town: dict[str, Any], capture: Any, **kw: Any) -> Licence:
    licence = walk_to_payment(town, apply(town, **kw), capture)
    with capture(execute=True):
        pay(town, licence.holder, f"pay-{licence.pk}")
    licence.refresh_from_db()
    return licence


def test_a_licence_goes_from_application_to_issue_once_paid(
    town: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    licence = apply(town)
    assert apply(town).pk == licence.pk  # a retried submission
    assert licence.status == LicenceStatus.APPLIED and licence.number is None
    assert licence.case.service_key == "shop-license-new"
    assert licence.case.department.code == "HLT"
    assert licence.establishment.party.commercial_registration == "562000111"
    licence = walk_to_payment(town, licence, django_capture_on_commit_callbacks)
    assert licence.status == LicenceStatus.AWAITING_PAYMENT
    # 50 m² at 4 + 30 m² at 3 = 290 (grocery slabs).
    assert licence.fee == Decimal("290.000") or licence.fee == Decimal("290")
    assert revenue.amount_owed(licence.holder) == Decimal("290")
    with django_capture_on_commit_callbacks(execute=True):
        pay(town, licence.holder, "pay-1")
    licence.refresh_from_db()
    year = timezone.localdate().year
    assert licence.number == f"LIC-{year}-000001"
    assert licence.status == LicenceStatus.ACTIVE and licence.is_valid
    assert licence.valid_until == licence.valid_from.replace(year=licence.valid_from.year + 1) - (
        dt.timedelta(days=1)
    )
    licence.case.refresh_from_db()
    assert licence.case.state.key == "issued" and licence.case.closed_at is not None


def test_the_inspector_of_another_department_cannot_pass_the_visit(
    town: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    licence = apply(town)
    workflow.take_action(actor=town["clerk"], case_id=licence.case_id, action_key="accept")
    with pytest.raises((AccessDenied, ObjectDoesNotExist)):
        workflow.take_action(
            actor=town["inspector"], case_id=licence.case_id, action_key="pass-inspection"
        )
    workflow.take_action(
        actor=town["hlt_inspector"], case_id=licence.case_id, action_key="pass-inspection"
    )
    workflow.take_action(actor=town["hlt_head"], case_id=licence.case_id, action_key="approve")
    with pytest.raises(AccessDenied):  # nobody but the system issues, once paid
        workflow.take_action(actor=town["hlt_head"], case_id=licence.case_id, action_key="issue")


def test_bad_input_is_refused_with_every_error_and_nothing_saved(town: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as error:
        services.apply_for_licence(
            actor=town["owner"], name=" ", activity="casino", area="-3", address=""
        )
    assert set(error.value.message_dict) == {"name", "activity", "area", "address"}
    assert not Licence.objects.exists()
    with pytest.raises(ValidationError) as error:
        apply(town, commercial_registration="12")
    assert "commercial_registration" in error.value.message_dict
    assert not Licence.objects.exists()
    fake = SimpleUploadedFile("approval.pdf", b"MZ\x90 not a pdf", "application/pdf")
    with pytest.raises(ValidationError) as error:
        apply(town, documents={"civil-defence-approval": fake})
    assert "civil-defence-approval" in error.value.message_dict
    assert not Licence.objects.exists()
    # Through the page: the error is shown on the field and the answers are kept.
    owner = Client()
    owner.force_login(town["owner"])
    form = {"name": "بقالة الأمل", "activity": "grocery", "area": "80", "address": "تفوح"}
    fake.seek(0)
    page = owner.post(reverse("licensing:apply"), {**form, "civil_defence_approval": fake})
    body = page.content.decode()
    assert page.status_code == 200 and "id_civil_defence_approval_error" in body
    assert 'value="بقالة الأمل"' in body
    good = SimpleUploadedFile("approval.pdf", b"%PDF-1.4 approval", "application/pdf")
    licence = apply(town, documents={"civil-defence-approval": good})
    assert list(licence.case.attachments.values_list("kind", flat=True)) == [
        "civil-defence-approval"
    ]


def test_the_licence_pdf_carries_the_verification_url_and_the_page_shows_no_personal_data(
    town: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    licence = issued(town, django_capture_on_commit_callbacks)
    owner = Client()
    owner.force_login(town["owner"])
    response = owner.get(reverse("licensing:pdf", args=[licence.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    url = reverse("licensing:verify-number", args=[licence.number])
    assert url in text.replace("\n", "")
    public = Client().get(url)
    assert public.status_code == 200
    body = public.content.decode()
    assert "بقالة الأمل" in body and 'id="verdict"' in body and "alert-success" in body
    assert town["owner"].party.national_id not in body
    assert town["owner"].party.name_ar not in body
    assert Client().get(reverse("licensing:verify-number", args=["LIC-1999-9"])).status_code == 404
    api = Client().get(f"/api/v1/licences/verify/{licence.number}/")
    assert api.status_code == 200 and api.json()["valid"] is True


def test_renewal_is_refused_while_a_fine_is_unpaid_and_accepted_once_paid(
    town: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    licence = issued(town, django_capture_on_commit_callbacks)
    establishment_party = licence.establishment.party
    revenue.create_revenue_head(
        actor=None,
        code="violation-fine",
        name_ar="غرامة مخالفة",
        name_en="Violation fine",
        account_code="4401",
    )
    fine = revenue.create_demand(
        actor=None,
        party=establishment_party,
        lines=[revenue.DemandLineSpec(head="violation-fine", amount=Decimal("500"))],
        due_date=timezone.localdate(),
        description="مخالفة صحية",
        source_type="inspection.violation",
        source_id="7",
    )
    with pytest.raises(ValidationError) as error:
        services.apply_for_renewal(actor=town["owner"], licence_id=licence.pk)
    message = " ".join(error.value.messages)
    assert fine.number in message and "500" in message
    # The owner's page says what is owed and links to the dues.
    owner = Client()
    owner.force_login(town["owner"])
    page = owner.get(reverse("licensing:licence", args=[licence.pk])).content.decode()
    assert fine.number in page
    assert reverse("licensing:dues", args=[licence.establishment_id]) in page
    dues = owner.get(reverse("licensing:dues", args=[licence.establishment_id])).content.decode()
    assert fine.number in dues
    # Refused through the page too: nothing opened.
    owner.post(reverse("licensing:renew", args=[licence.pk]))
    assert not Licence.objects.filter(previous=licence).exists()

    with django_capture_on_commit_callbacks(execute=True):
        pay(town, establishment_party, "fine-1")
    renewal = services.apply_for_renewal(actor=town["owner"], licence_id=licence.pk)
    assert renewal.previous_id == licence.pk and renewal.case.service_key == "shop-license-renew"
    assert services.apply_for_renewal(actor=town["owner"], licence_id=licence.pk).pk == renewal.pk
    with django_capture_on_commit_callbacks(execute=True):
        workflow.take_action(actor=town["clerk"], case_id=renewal.case_id, action_key="accept")
    with django_capture_on_commit_callbacks(execute=True):
        pay(town, licence.holder, "renewal-1")
    renewal.refresh_from_db()
    licence.refresh_from_db()
    assert renewal.status == LicenceStatus.ACTIVE and renewal.number != licence.number
    assert renewal.valid_from == licence.valid_until + dt.timedelta(days=1)
    assert licence.status == LicenceStatus.RENEWED


def test_a_food_licence_is_not_renewed_while_a_worker_lacks_a_valid_certificate(
    town: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    licence = issued(town, django_capture_on_commit_callbacks)
    worker = services.add_worker(
        actor=town["owner"],
        establishment_id=licence.establishment_id,
        name="رحيم الدين",
        nationality="بنغلاديشي",
        id_number="٢٣٤٥٦٧٨٩",
        job="بائع",
    )
    assert worker.id_number == "23456789"
    with pytest.raises(ValidationError) as error:
        services.add_worker(
            actor=town["owner"],
            establishment_id=licence.establishment_id,
            name="x",
            nationality="y",
            id_number="23456789",
            job="z",
        )
    assert "id_number" in error.value.message_dict
    with pytest.raises(ValidationError, match="رحيم الدين"):
        services.apply_for_renewal(actor=town["owner"], licence_id=licence.pk)
    with pytest.raises(AccessDenied):
        services.record_medical_check(actor=town["clerk"], worker_id=worker.pk, result="fit")
    certificate = services.record_medical_check(
        actor=town["hlt_head"], worker_id=worker.pk, result="fit"
    )
    assert certificate.is_valid and certificate.number.startswith("HC-")
    # The certificate fee is owed by the owner: pay it, then renewal goes through.
    with django_capture_on_commit_callbacks(execute=True):
        pay(town, licence.holder, "certificate-1")
    assert services.apply_for_renewal(actor=town["owner"], licence_id=licence.pk).previous_id
    owner = Client()
    owner.force_login(town["owner"])
    card = owner.get(reverse("licensing:certificate-pdf", args=[certificate.pk]))
    assert card.content.startswith(b"%PDF")
    stranger = Client()
    stranger.force_login(town["other"])
    assert (
        stranger.get(reverse("licensing:certificate-pdf", args=[certificate.pk])).status_code == 404
    )
    verify = Client().get(reverse("licensing:verify-certificate", args=[certificate.token]))
    assert verify.status_code == 200 and "رحيم الدين" in verify.content.decode()


def test_another_citizen_cannot_reach_the_licence_by_changing_the_id(
    town: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    licence = issued(town, django_capture_on_commit_callbacks)
    other = Client()
    other.force_login(town["other"])
    for name in ("licensing:licence", "licensing:pdf", "licensing:dues", "licensing:workers"):
        pk = (
            licence.establishment_id
            if name in ("licensing:dues", "licensing:workers")
            else licence.pk
        )
        assert other.get(reverse(name, args=[pk])).status_code == 404, name
    assert other.post(reverse("licensing:renew", args=[licence.pk])).status_code == 404
    with pytest.raises(Licence.DoesNotExist):
        services.apply_for_renewal(actor=town["other"], licence_id=licence.pk)
    assert other.get("/api/v1/licences/").json() == []


def test_transfer_needs_both_owners_and_cancellation_closes_the_shop(
    town: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    licence = issued(town, django_capture_on_commit_callbacks)
    buyer = town["other"]
    with pytest.raises(ValidationError):
        services.request_transfer(
            actor=town["owner"], licence_id=licence.pk, new_owner_id_number="400000000"
        )
    transfer = services.request_transfer(
        actor=town["owner"], licence_id=licence.pk, new_owner_id_number=buyer.party.national_id
    )
    with pytest.raises(Exception):  # noqa: B017 - only the buyer may consent
        services.consent_to_transfer(actor=town["owner"], transfer_id=transfer.pk)
    new = services.consent_to_transfer(actor=buyer, transfer_id=transfer.pk)
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.TRANSFERRED
    assert new.holder_id == buyer.party_id and new.valid_until == licence.valid_until
    assert new.establishment.owner_id == buyer.party_id
    cancelled = services.cancel_licence(
        actor=buyer, licence_id=new.pk, closure_date=timezone.localdate(), reason="إغلاق المحل"
    )
    assert cancelled.status == LicenceStatus.CANCELLED
    cancelled.establishment.refresh_from_db()
    assert cancelled.establishment.closed_on == timezone.localdate()
    with pytest.raises(ValidationError):
        services.apply_for_renewal(actor=buyer, licence_id=new.pk)


def test_reminders_30_and_7_days_before_and_expiry_run_once(
    town: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    licence = issued(town, django_capture_on_commit_callbacks)
    end = licence.valid_until
    first = services.remind_and_expire(today=end - dt.timedelta(days=30))
    again = services.remind_and_expire(today=end - dt.timedelta(days=29))
    assert first["reminded"] == 1 and again["reminded"] == 0
    assert services.remind_and_expire(today=end - dt.timedelta(days=7))["reminded"] == 1
    subjects = [n.subject for n in notifications_of(town["owner"])]
    assert sum(end.isoformat() in s for s in subjects) == 2
    assert services.remind_and_expire(today=end)["expired"] == 0
    assert services.remind_and_expire(today=end + dt.timedelta(days=1))["expired"] == 1
    assert services.remind_and_expire(today=end + dt.timedelta(days=2))["expired"] == 0
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.EXPIRED


def test_an_application_from_the_one_stop_form_gets_its_establishment(
    town: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        case = workflow.open_case(
            actor=town["owner"],
            service_key="shop-license-new",
            data={"trade-name": "مخبز السلام", "activity": "bakery", "area": "40"},
            title="رخصة محل جديدة",
        )
    licence = Licence.objects.get(case=case)
    assert licence.establishment.name == "مخبز السلام"
    assert licence.establishment.activity.is_food


def test_install_is_idempotent(town: dict[str, Any]) -> None:
    from baladiya.licensing.models import Activity

    count = Activity.objects.count()
    assert services.install(actor=None) == {"activities": 0}
    assert Activity.objects.count() == count
    assert workflow.active_definition("shop-license-new").version == 1


def test_a_health_certificate_runs_on_its_process_fee_then_medical_check(
    town: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    licence = apply(town)
    worker = services.add_worker(
        actor=town["owner"],
        establishment_id=licence.establishment_id,
        name="يوسف عودة",
        nationality="أردني",
        id_number="98765432",
        job="طاهٍ",
    )
    application = services.apply_for_certificate(actor=town["owner"], worker_id=worker.pk)
    assert application.case.service_key == "health-certificate-new"
    assert services.apply_for_certificate(actor=town["owner"], worker_id=worker.pk) == application
    with pytest.raises(ObjectDoesNotExist):
        services.apply_for_certificate(actor=town["other"], worker_id=worker.pk)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.take_action(actor=town["clerk"], case_id=application.case_id, action_key="accept")
    with pytest.raises(ValidationError):  # the fee is not paid yet
        services.record_medical_check(actor=town["hlt_head"], worker_id=worker.pk, result="fit")
    with django_capture_on_commit_callbacks(execute=True):
        pay(town, licence.holder, "hc-1")
    application.case.refresh_from_db()
    assert application.case.state.key == "medical-check"
    with django_capture_on_commit_callbacks(execute=True):
        certificate = services.record_medical_check(
            actor=town["hlt_head"], worker_id=worker.pk, result="fit"
        )
    application.refresh_from_db()
    application.case.refresh_from_db()
    assert application.certificate == certificate and certificate.is_valid
    assert application.case.state.key == "issued"
    assert revenue.amount_owed(licence.holder) == 0  # no second fee


def test_a_renewal_asked_on_the_one_stop_form_is_refused_while_dues_are_unpaid(
    town: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    licence = issued(town, django_capture_on_commit_callbacks)
    revenue.create_revenue_head(
        actor=None, code="fine", name_ar="غرامة", name_en="Fine", account_code="4401"
    )
    revenue.create_demand(
        actor=None,
        party=licence.establishment.party,
        lines=[revenue.DemandLineSpec(head="fine", amount=Decimal("75"))],
        due_date=timezone.localdate(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        case = workflow.open_case(
            actor=town["owner"],
            service_key="shop-license-renew",
            data={"licence-number": licence.number},
        )
    case.refresh_from_db()
    assert case.state.key == "rejected"
    assert "75" in list(workflow.history(case))[-1].comment
    with django_capture_on_commit_callbacks(execute=True):
        pay(town, licence.establishment.party, "fine-75")
        again = workflow.open_case(
            actor=town["owner"],
            service_key="shop-license-renew",
            data={"licence-number": licence.number},
        )
    assert Licence.objects.get(case=again).previous_id == licence.pk


def test_the_pages_and_the_pdf_work_in_english(
    town: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    from django.conf import settings

    licence = issued(town, django_capture_on_commit_callbacks)
    owner = Client()
    owner.force_login(town["owner"])
    owner.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for url in (
        reverse("licensing:home"),
        reverse("licensing:licence", args=[licence.pk]),
        reverse("licensing:apply"),
        reverse("licensing:workers", args=[licence.establishment_id]),
        reverse("licensing:billboard-new"),
    ):
        page = owner.get(url).content.decode()
        assert 'dir="ltr"' in page, url
    assert (
        "Renew for another year"
        in owner.get(reverse("licensing:licence", args=[licence.pk])).content.decode()
    )
    pdf = owner.get(reverse("licensing:pdf", args=[licence.pk]) + "?lang=en")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Shop licence" in text and licence.number in text
    public = Client()
    public.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    verdict = public.get(reverse("licensing:verify-number", args=[licence.number]))
    assert "This licence is genuine and valid." in verdict.content.decode()


def test_a_cancellation_approved_on_the_standard_process_cancels_the_licence(
    town: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    spec = {
        **workflow.process_spec("application"),
        "key": "shop-license-cancel",
        "department": "HLT",
    }
    workflow.install_definition(actor=None, spec=spec)
    licence = issued(town, django_capture_on_commit_callbacks)
    closure = timezone.localdate() + dt.timedelta(days=3)
    case = workflow.open_case(
        actor=town["owner"],
        service_key="shop-license-cancel",
        data={"licence-number": licence.number, "closure-date": closure.isoformat()},
    )
    workflow.take_action(actor=town["clerk"], case_id=case.pk, action_key="accept")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.take_action(actor=town["hlt_head"], case_id=case.pk, action_key="approve")
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.CANCELLED and licence.ended_on == closure
    verify = Client().get(reverse("licensing:verify-number", args=[licence.number]))
    assert "alert-danger" in verify.content.decode()


def test_a_transfer_approved_on_the_standard_process_waits_for_the_new_owner(
    town: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    spec = {
        **workflow.process_spec("application"),
        "key": "shop-license-transfer",
        "department": "HLT",
    }
    workflow.install_definition(actor=None, spec=spec)
    licence = issued(town, django_capture_on_commit_callbacks)
    buyer = town["other"]
    case = workflow.open_case(
        actor=town["owner"],
        service_key="shop-license-transfer",
        data={"licence-number": licence.number, "new-owner-id": buyer.party.national_id},
    )
    workflow.take_action(actor=town["clerk"], case_id=case.pk, action_key="accept")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.take_action(actor=town["hlt_head"], case_id=case.pk, action_key="approve")
    transfer = TransferConsent.objects.get(licence=licence)
    page = Client()
    page.force_login(buyer)
    assert licence.number in page.get(reverse("licensing:home")).content.decode()
    response = page.post(reverse("licensing:consent", args=[transfer.pk]))
    new = Licence.objects.get(previous=licence)
    assert response.url == reverse("licensing:licence", args=[new.pk])
    assert new.holder_id == buyer.party_id
