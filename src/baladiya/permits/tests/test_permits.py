"""Applying, the engineer's decision, fees by m² and zone, payment, issue, site
inspections, the deposit refund, the PDF with its verification page, access."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from baladiya.core.api import AccessDenied, PDFUnavailable
from baladiya.permits import selectors, services
from baladiya.permits.models import DepositRefund, Permit, SiteInspection
from baladiya.permits.tests.conftest import building
from baladiya.revenue import api as revenue
from baladiya.workflow import api as workflow

pytestmark = pytest.mark.django_db


def state(permit: Permit) -> str:
    permit.case.refresh_from_db()
    return permit.case.state.key


def to_review(town: dict[str, Any], permit: Permit) -> None:
    workflow.take_action(actor=town["clerk"], case_id=permit.case_id, action_key="accept")


def approve(town: dict[str, Any], permit: Permit, capture: Any) -> Permit:
    to_review(town, permit)
    with capture(execute=True):
        services.decide(actor=town["engineer"], permit_id=permit.pk, decision="approve")
    permit.refresh_from_db()
    return permit


def pay(permit: Permit, capture: Any, key: str = "pay-1") -> None:
    demand = revenue.demand(permit.fee_demand_id)
    with capture(execute=True):
        revenue.take_payment(
            actor=None,
            party=permit.holder,
            amount=demand.total,
            tender=revenue.Tender.ONLINE,
            channel=revenue.Channel.ONLINE,
            idempotency_key=key,
            demands=[demand],
        )
    permit.refresh_from_db()


def excavation(town: dict[str, Any], **overrides: Any) -> Permit:
    start = timezone.localdate() + dt.timedelta(days=2)
    values = {
        "kind": "excavation",
        "route": {"type": "LineString", "coordinates": [[35.05, 31.54], [35.051, 31.54]]},
        "purpose": "تمديد خط مياه",
        "start_date": start.isoformat(),
        "end_date": (start + dt.timedelta(days=10)).isoformat(),
        **overrides,
    }
    return services.apply(
        actor=town["contractor"], application=services.PermitApplication(**values)
    )


# --- Applying ------------------------------------------------------------------------


def test_a_citizen_applies_for_a_building_permit_on_his_parcel(town) -> None:
    permit = services.apply(actor=town["citizen"], application=building(floors="٣"))
    assert permit.holder == town["citizen"].party
    assert permit.parcel == town["parcel"] and permit.zone_code == "res-a"
    assert permit.floors == 3 and permit.built_area_m2 == Decimal("1200.00")
    assert state(permit) == "submitted"
    assert permit.case.department.code == "ENG"


def test_every_problem_is_reported_at_once(town) -> None:
    with pytest.raises(ValidationError) as caught:
        services.apply(
            actor=town["citizen"],
            application=building(parcel_number="999", floors="", height_m="abc", use="castle"),
        )
    assert {"parcel_number", "floors", "height_m", "use"} <= set(caught.value.message_dict)
    assert not Permit.objects.exists()


def test_a_retried_application_returns_the_first_permit(town) -> None:
    first = services.apply(actor=town["citizen"], application=building(), idempotency_key="k1")
    again = services.apply(actor=town["citizen"], application=building(), idempotency_key="k1")
    assert first.pk == again.pk and Permit.objects.count() == 1


def test_only_a_contractor_applies_for_an_excavation(town) -> None:
    with pytest.raises(AccessDenied):
        services.apply(
            actor=town["citizen"],
            application=services.PermitApplication(kind="excavation", purpose="x"),
        )
    permit = excavation(town)
    # 0.001° of longitude at 31.54° N on the WGS84 ellipsoid.
    assert Decimal("94.5") < permit.trench_length_m < Decimal("95.2")
    assert permit.route["type"] == "LineString"


def test_an_excavation_cannot_end_before_it_starts(town) -> None:
    start = timezone.localdate() + dt.timedelta(days=5)
    with pytest.raises(ValidationError) as caught:
        excavation(
            town,
            start_date=start.isoformat(),
            end_date=(start - dt.timedelta(days=1)).isoformat(),
            route={"type": "LineString", "coordinates": [[35.05, 31.54]]},
        )
    assert {"end_date", "route"} <= set(caught.value.message_dict)


def test_a_case_opened_by_the_one_stop_journey_gets_its_permit(
    town, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        case = workflow.open_case(
            actor=town["citizen"],
            service_key="building-permit",
            data={"parcel": "7/12", "floors": "2", "built-area": "300", "use": "residential"},
        )
    permit = Permit.objects.get(case=case)
    assert permit.parcel == town["parcel"] and permit.floors == 2 and permit.use == "residential"


# --- Review ------------------------------------------------------------------------


def test_a_proposal_with_breaches_cannot_be_approved_and_its_rejection_lists_them(town) -> None:
    permit = services.apply(
        actor=town["citizen"], application=building(floors="6", setback_front_m="2")
    )
    to_review(town, permit)
    with pytest.raises(ValidationError):
        services.decide(actor=town["engineer"], permit_id=permit.pk, decision="approve")
    services.decide(actor=town["engineer"], permit_id=permit.pk, decision="reject")
    permit.refresh_from_db()
    assert state(permit) == "rejected"
    assert [b["rule"] for b in permit.breaches] == ["floors", "setback-front"]
    with translation.override("ar"):
        seen = selectors.stored_breaches(
            selectors.permit_for(town["citizen"], permit.number or permit.case.reference)
        )
    assert "الطوابق" in seen[0]
    last = list(workflow.history(permit.case))[-1]
    assert "6" in last.comment and last.actor == town["engineer"]


def test_only_an_engineer_decides(town) -> None:
    permit = services.apply(actor=town["citizen"], application=building())
    to_review(town, permit)
    with pytest.raises(AccessDenied):
        services.decide(actor=town["clerk"], permit_id=permit.pk, decision="approve")


# --- Fees --------------------------------------------------------------------------


def test_building_fees_are_by_square_metre_and_zone(
    town, django_capture_on_commit_callbacks
) -> None:
    home = approve(
        town,
        services.apply(actor=town["citizen"], application=building()),
        django_capture_on_commit_callbacks,
    )
    assert state(home) == "fees-due"
    demand = revenue.demand(home.fee_demand_id)
    assert demand.total == Decimal("4800.000")  # 1200 m² × 4.000 (res-a)
    assert demand.source_type == "permits.permit" and demand.source_id == str(home.pk)
    shop = services.apply(
        actor=town["citizen"],
        application=building(parcel_number="13", use="commercial", built_area_m2="1000"),
    )
    shop = approve(town, shop, django_capture_on_commit_callbacks)
    assert revenue.demand(shop.fee_demand_id).total == Decimal("6000.000")  # × 6.000


def test_a_zone_without_its_own_rate_pays_the_general_rate(town) -> None:
    permit = services.apply(actor=town["citizen"], application=building(parcel_number="14"))
    demand = services.raise_fees(permit_id=permit.pk)
    assert demand.total == Decimal("3600.000")  # 1200 m² × 3.000
    assert services.raise_fees(permit_id=permit.pk).pk == demand.pk  # idempotent


def test_fencing_fees_are_by_metre(town) -> None:
    permit = services.apply(
        actor=town["citizen"],
        application=services.PermitApplication(
            kind="fencing", parcel_block="7", parcel_number="12", fence_length_m="80"
        ),
    )
    assert services.raise_fees(permit_id=permit.pk).total == Decimal("400.000")


def test_payment_moves_the_case_on_and_the_permit_is_issued(
    town, django_capture_on_commit_callbacks
) -> None:
    permit = approve(
        town,
        services.apply(actor=town["citizen"], application=building()),
        django_capture_on_commit_callbacks,
    )
    with pytest.raises(ValidationError):
        services.issue(actor=town["engineer"], permit_id=permit.pk)
    pay(permit, django_capture_on_commit_callbacks)
    assert permit.fees_paid_at is not None and state(permit) == "paid"
    permit = services.issue(actor=town["engineer"], permit_id=permit.pk)
    year = timezone.localdate().year
    assert permit.number == f"BP-{year}-000001" and state(permit) == "issued"
    assert permit.valid_until == timezone.localdate().replace(year=year + 3)


# --- Inspections and the deposit ---------------------------------------------------


def issued(town: dict[str, Any], permit: Permit, capture: Any) -> Permit:
    approve(town, permit, capture)
    pay(permit, capture, key=f"pay-{permit.pk}")
    return services.issue(actor=town["engineer"], permit_id=permit.pk)


def test_site_inspections_follow_the_stages_and_complete_the_permit(
    town, django_capture_on_commit_callbacks
) -> None:
    permit = issued(
        town,
        services.apply(actor=town["citizen"], application=building()),
        django_capture_on_commit_callbacks,
    )
    inspector = town["inspector"]
    with pytest.raises(ValidationError):
        services.record_inspection(
            actor=inspector, permit_id=permit.pk, stage="frame", result="passed"
        )
    with pytest.raises(ValidationError):  # a failure says what to correct
        services.record_inspection(
            actor=inspector, permit_id=permit.pk, stage="foundation", result="failed"
        )
    for stage in ("foundation", "frame"):
        services.record_inspection(
            actor=inspector, permit_id=permit.pk, stage=stage, result="passed"
        )
    assert state(permit) == "issued"
    services.record_inspection(
        actor=inspector,
        permit_id=permit.pk,
        stage="completion",
        result="passed",
        idempotency_key="c",
    )
    services.record_inspection(
        actor=inspector,
        permit_id=permit.pk,
        stage="completion",
        result="passed",
        idempotency_key="c",
    )
    assert state(permit) == "completed" and SiteInspection.objects.count() == 3


def test_the_deposit_is_refunded_only_after_a_passed_reinstatement(
    town, django_capture_on_commit_callbacks
) -> None:
    permit = issued(town, excavation(town), django_capture_on_commit_callbacks)
    demand = revenue.demand(permit.fee_demand_id)
    heads = {line.head.code: line.amount for line in demand.lines.all()}
    assert heads["PRM-DEPOSIT"] == permit.deposit_amount == permit.trench_length_m * 50
    assert permit.number.startswith("EX-")
    accountant = town["accountant"]
    with pytest.raises(ValidationError):
        services.refund_deposit(actor=accountant, permit_id=permit.pk)
    services.record_inspection(
        actor=town["inspector"],
        permit_id=permit.pk,
        stage="reinstatement",
        result="failed",
        notes="الإسفلت غير مطابق",
    )
    with pytest.raises(ValidationError):
        services.refund_deposit(actor=accountant, permit_id=permit.pk)
    with pytest.raises(AccessDenied):
        services.refund_deposit(actor=town["inspector"], permit_id=permit.pk)
    services.record_inspection(
        actor=town["inspector"], permit_id=permit.pk, stage="reinstatement", result="passed"
    )
    refund = services.refund_deposit(actor=accountant, permit_id=permit.pk)
    assert refund.amount == permit.deposit_amount and refund.journal_entry_id
    assert services.refund_deposit(actor=accountant, permit_id=permit.pk).pk == refund.pk
    assert DepositRefund.objects.count() == 1
    demand.refresh_from_db()
    assert demand.status == revenue.DemandStatus.PAID  # the paid demand stays as it was
    assert selectors.deposits_of(town["contractor"])[0]["refund"] == refund


def test_the_deposit_amount_is_exact(town) -> None:
    permit = excavation(town, route=None, trench_length_m="94.80")
    # 94.80 m × (10 + 50)
    assert services.raise_fees(permit_id=permit.pk).total == Decimal("5688.00")


# --- The PDF, its verification page and access -----------------------------------------


def test_the_permit_pdf_carries_a_qr_code_to_its_verification_page(
    town, client, django_capture_on_commit_callbacks
) -> None:
    permit = issued(
        town,
        services.apply(actor=town["citizen"], application=building()),
        django_capture_on_commit_callbacks,
    )
    client.force_login(town["citizen"])
    response = client.get(reverse("permits:pdf", args=[permit.case.reference]))
    if response.status_code == 500:
        pytest.skip("WeasyPrint cannot run here")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert permit.number in text and f"/verify/permit/{permit.token}/" in text
    page = client.get(reverse("permits:verify", args=[permit.token]))
    assert page.status_code == 200 and permit.number in page.content.decode()
    assert client.get(reverse("permits:verify", args=["forged"])).status_code == 404


def test_pdf_context_has_the_qr(town, django_capture_on_commit_callbacks) -> None:
    from baladiya.permits.views import _pdf_context

    permit = issued(
        town,
        services.apply(actor=town["citizen"], application=building()),
        django_capture_on_commit_callbacks,
    )
    context = _pdf_context(permit)
    assert context["qr"].startswith("data:image/svg+xml;base64,")
    assert context["verify_url"].endswith(f"/verify/permit/{permit.token}/")


def test_a_citizen_never_reaches_another_citizens_permit(town, client) -> None:
    permit = services.apply(actor=town["citizen"], application=building())
    with pytest.raises(Permit.DoesNotExist):
        selectors.permit_for(town["other"], permit.case.reference)
    client.force_login(town["other"])
    assert client.get(reverse("permits:detail", args=[permit.case.reference])).status_code == 404
    assert client.get(f"/api/v1/permits/{permit.case.reference}/").status_code == 404
    assert selectors.permits_of(town["other"]) == []


def test_pages_render(town, client) -> None:
    permit = services.apply(actor=town["citizen"], application=building(floors="6"))
    to_review(town, permit)
    client.force_login(town["citizen"])
    assert client.get(reverse("permits:mine")).status_code == 200
    assert client.get(reverse("permits:apply", args=["building"])).status_code == 200
    assert client.get(reverse("permits:detail", args=[permit.case.reference])).status_code == 200
    client.force_login(town["engineer"])
    page = client.get(reverse("permits:staff-detail", args=[permit.case.reference]))
    assert page.status_code == 200 and 'data-rule="floors"' in page.content.decode()
    assert client.get(reverse("permits:staff-list")).status_code == 200
    checks = client.get(f"/api/v1/permits/{permit.case.reference}/zone-check/").json()
    assert [c["rule"] for c in checks if not c["ok"]] == ["floors"]


def test_a_bad_application_keeps_what_was_typed(town, client) -> None:
    client.force_login(town["citizen"])
    response = client.post(
        reverse("permits:apply", args=["building"]),
        {
            "parcel_block": "7",
            "parcel_number": "999",
            "use": "residential",
            "floors": "3",
            "height_m": "9",
            "footprint_m2": "300",
            "built_area_m2": "900",
            "setback_front_m": "5",
            "setback_side_m": "3",
            "setback_rear_m": "3",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200 and 'value="999"' in body and 'value="900"' in body
    assert not Permit.objects.exists()


def test_the_api_applies_and_lists(town, client) -> None:
    client.force_login(town["contractor"])
    start = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        "/api/v1/permits/",
        {
            "kind": "excavation",
            "trench_length_m": "40",
            "purpose": "كابل",
            "start_date": start.isoformat(),
            "end_date": start.isoformat(),
            "idempotency_key": "a1",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert [p["kind"] for p in client.get("/api/v1/permits/").json()] == ["excavation"]


def test_pdf_unavailable_is_a_clear_error() -> None:
    assert issubclass(PDFUnavailable, RuntimeError)


def test_the_contractors_page_shows_his_excavations_deposits_and_inspections(
    town, client, django_capture_on_commit_callbacks
) -> None:
    permit = issued(town, excavation(town), django_capture_on_commit_callbacks)
    services.record_inspection(
        actor=town["inspector"], permit_id=permit.pk, stage="reinstatement", result="passed"
    )
    refund = services.refund_deposit(actor=town["accountant"], permit_id=permit.pk)
    client.force_login(town["contractor"])
    body = client.get(reverse("permits:mine")).content.decode()
    assert permit.number in body and refund.number in body and 'id="deposits"' in body
    assert reverse("permits:apply", args=["excavation"]) in body
    page = client.get(reverse("permits:detail", args=[permit.case.reference])).content.decode()
    assert 'id="inspections"' in page and 'id="route-map"' in page


def test_the_map_layer_and_the_parcel_card_show_permits(town) -> None:
    from baladiya.gis import api as gis

    permit = services.apply(actor=town["citizen"], application=building())
    features = selectors.map_features((35.0, 31.5, 35.1, 31.6))
    assert [f["properties"]["reference"] for f in features] == [permit.case.reference]
    assert selectors.map_features((36.0, 32.0, 36.1, 32.1)) == []
    records = gis.linked_records(town["parcel"], town["engineer"])
    assert permit.case.reference in [r.reference for r in records]
    assert gis.linked_records(town["parcel"], town["citizen"]) == []


def test_a_returned_application_is_amended_and_then_approved(
    town, client, django_capture_on_commit_callbacks
) -> None:
    permit = services.apply(actor=town["citizen"], application=building(floors="6"))
    to_review(town, permit)
    services.decide(actor=town["engineer"], permit_id=permit.pk, decision="return")
    assert state(permit) == "with-applicant"
    with pytest.raises(Permit.DoesNotExist):
        services.amend(actor=town["other"], permit_id=permit.pk, application=building())
    client.force_login(town["citizen"])
    url = reverse("permits:amend", args=[permit.case.reference])
    form = client.get(url).content.decode()
    assert 'value="6"' in form and 'id="breaches"' in form
    fields = {
        "parcel_block": "7",
        "parcel_number": "12",
        "use": "residential",
        "floors": "4",
        "height_m": "13",
        "footprint_m2": "400",
        "built_area_m2": "1600",
        "setback_front_m": "5",
        "setback_side_m": "3",
        "setback_rear_m": "3",
        "comment": "خفضنا عدد الطوابق إلى أربعة",
    }
    assert client.post(url, {**fields, "floors": "x"}).status_code == 200  # kept, not lost
    assert client.post(url, fields).status_code == 302
    permit.refresh_from_db()
    assert permit.floors == 4 and state(permit) == "submitted"
    approve(town, permit, django_capture_on_commit_callbacks)
    assert state(permit) == "fees-due"
    with pytest.raises(ValidationError):
        services.amend(actor=town["citizen"], permit_id=permit.pk, application=building())
