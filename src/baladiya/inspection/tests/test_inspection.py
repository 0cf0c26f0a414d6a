"""Violations, fines as revenue demands, the violation inquiry and objections
whose reduction or cancellation is a maker-checker revenue amendment."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from baladiya.core.api import AccessDenied
from baladiya.inspection import selectors, services
from baladiya.inspection.models import Objection, Violation, ViolationStatus, Visit
from baladiya.revenue import api as revenue
from baladiya.workflow import api as workflow

pytestmark = pytest.mark.django_db


def _photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (120, 40, 40)).save(buffer, format="PNG")
    return SimpleUploadedFile("shelf.png", buffer.getvalue(), content_type="image/png")


def _record(town: dict[str, Any], **kwargs: Any) -> Violation:
    params: dict[str, Any] = {
        "actor": town["health_inspector"],
        "party": town["shop"],
        "article_code": "H-01",
        "description": "مواد غذائية منتهية الصلاحية على الرفوف",
        "latitude": "31.541700",
        "longitude": "35.053000",
    }
    params.update(kwargs)
    return services.record_violation(**params)


def test_a_violation_raises_its_fine_and_repeat_offences_cost_more(town: dict[str, Any]) -> None:
    first = _record(town, photos=[_photo()], idempotency_key="v-1")
    assert first.number.startswith("V-")
    assert first.fine == Decimal("500.00")
    assert first.demand is not None
    assert first.demand.source_type == "inspection.violation"
    assert first.demand.source_id == str(first.pk)
    assert first.demand.outstanding == Decimal("500.00")
    assert first.demand.lines.get().head.code == "fine-health"
    assert first.photos.count() == 1
    assert _record(town, idempotency_key="v-1").pk == first.pk  # a retry
    second = _record(town)
    third = _record(town)
    fourth = _record(town)
    assert [second.offence_number, second.fine] == [2, Decimal("1000.00")]
    assert third.fine == Decimal("2000.00")
    assert fourth.fine == Decimal("2000.00")  # capped at four times


def test_bad_input_is_refused_with_every_reason(town: dict[str, Any]) -> None:
    bad = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    with pytest.raises(ValidationError) as caught:
        _record(
            town,
            party=None,
            article_code="nope",
            description="",
            latitude="",
            longitude="",
            photos=[bad],
        )
    assert {"party", "article", "description", "address", "photos"} <= set(
        caught.value.message_dict
    )
    assert not Violation.objects.exists()


def test_a_citizen_records_nothing(town: dict[str, Any]) -> None:
    with pytest.raises(AccessDenied):
        _record(town, actor=town["citizen"])


def test_the_inquiry_shows_a_person_his_and_his_establishments_violations_only(
    town: dict[str, Any],
) -> None:
    shop_violation = _record(town)
    own = _record(town, party=town["citizen"].party, article_code="B-03")
    _record(town, party=town["other"].party, article_code="B-03")
    assert {v.pk for v in selectors.violations_for(town["citizen"])} == {
        shop_violation.pk,
        own.pk,
    }
    with pytest.raises(Violation.DoesNotExist):
        selectors.violation_for(town["other"], shop_violation.number)
    client = Client()
    client.force_login(town["other"])
    assert client.get(f"/violations/{shop_violation.number}/").status_code == 404
    assert client.get(f"/api/v1/inspection/violations/{shop_violation.number}/").status_code == 404
    client.force_login(town["citizen"])
    page = client.get("/violations/")
    assert shop_violation.number in page.content.decode()
    api = client.get("/api/v1/inspection/violations/").json()
    assert {row["number"] for row in api} == {shop_violation.number, own.number}


def _objection(town: dict[str, Any]) -> Objection:
    violation = _record(town)
    objection = services.file_objection(
        actor=town["citizen"],
        violation_number=violation.number,
        grounds="المواد كانت في المستودع للإتلاف وليست معروضة للبيع",
        idempotency_key="obj-1",
    )
    workflow.take_action(
        actor=town["health_inspector"], case_id=objection.case_id, action_key="start-review"
    )
    return objection


def test_the_owner_objects_and_the_fine_is_reduced_by_maker_and_checker(
    town: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    objection = _objection(town)
    assert objection.case.service_key == "violation-objection"
    assert objection.case.department.code == "HLT"
    assert objection.violation.status == ViolationStatus.OBJECTED
    with pytest.raises(ValidationError):  # only one objection per violation
        services.file_objection(
            actor=town["citizen"],
            violation_number=objection.violation.number,
            grounds="اعتراض ثانٍ على المخالفة نفسها",
        )
    services.propose_decision(
        actor=town["health_inspector"],
        objection_id=objection.pk,
        decision="reduce",
        new_fine="١٥٠",  # Arabic-Indic digits
        comment="المخالفة الأولى للمنشأة",
    )
    with pytest.raises(AccessDenied):  # the proposer cannot approve his own proposal
        services.approve_decision(actor=town["health_inspector"], objection_id=objection.pk)
    objection = services.approve_decision(actor=town["health_head"], objection_id=objection.pk)
    assert objection.violation.status == ViolationStatus.OBJECTED  # finance has not decided
    with django_capture_on_commit_callbacks(execute=True):
        revenue.approve_amendment(actor=town["finance_manager"], amendment=objection.amendment)
    violation = Violation.objects.get(pk=objection.violation_id)
    assert violation.status == ViolationStatus.REDUCED
    assert violation.fine == Decimal("150.00")
    demand = revenue.demand(violation.demand_id)
    assert demand.total == Decimal("500.00")  # nothing deleted: an amendment
    assert demand.outstanding == Decimal("150.00")
    statement = revenue.statement(user=None, party=town["shop"])
    assert [r.kind for r in statement.rows] == ["demand", "amendment"]
    assert statement.owed == Decimal("150.00")
    case = workflow.case_for(town["citizen"], case_id=objection.case_id)
    assert case.state.key == "reduced" and case.closed_at is not None


def test_finance_rejecting_the_amendment_keeps_the_fine(
    town: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    objection = _objection(town)
    services.propose_decision(
        actor=town["health_inspector"],
        objection_id=objection.pk,
        decision="reduce",
        new_fine="100",
        comment="تخفيض",
    )
    objection = services.approve_decision(actor=town["health_head"], objection_id=objection.pk)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.take_action(  # the finance manager's page of the amendment case
            actor=town["finance_manager"],
            case_id=objection.amendment.case_id,
            action_key="reject",
            comment="لا مسوغ",
        )
    violation = Violation.objects.get(pk=objection.violation_id)
    assert violation.status == ViolationStatus.OPEN
    assert violation.fine == Decimal("500.00")


def test_a_cancelled_fine_is_written_off(
    town: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    objection = _objection(town)
    services.propose_decision(
        actor=town["health_inspector"],
        objection_id=objection.pk,
        decision="cancel",
        comment="خطأ في تحديد المنشأة",
    )
    objection = services.approve_decision(actor=town["health_head"], objection_id=objection.pk)
    with django_capture_on_commit_callbacks(execute=True):
        revenue.approve_amendment(actor=town["finance_manager"], amendment=objection.amendment)
    violation = Violation.objects.get(pk=objection.violation_id)
    assert violation.status == ViolationStatus.CANCELLED
    assert revenue.demand(violation.demand_id).status == "written-off"


def test_an_upheld_objection_leaves_the_fine(town: dict[str, Any]) -> None:
    objection = _objection(town)
    services.propose_decision(
        actor=town["health_inspector"],
        objection_id=objection.pk,
        decision="uphold",
        comment="المخالفة ثابتة بالصور",
    )
    violation = Violation.objects.get(pk=objection.violation_id)
    assert violation.status == ViolationStatus.OPEN
    assert revenue.demand(violation.demand_id).outstanding == Decimal("500.00")


def test_a_reduction_must_be_below_the_fine(town: dict[str, Any]) -> None:
    objection = _objection(town)
    with pytest.raises(ValidationError) as caught:
        services.propose_decision(
            actor=town["health_inspector"],
            objection_id=objection.pk,
            decision="reduce",
            new_fine="900",
            comment="تخفيض",
        )
    assert "new_fine" in caught.value.message_dict


def test_someone_else_cannot_object(town: dict[str, Any]) -> None:
    violation = _record(town)
    with pytest.raises(ValidationError) as caught:
        services.file_objection(
            actor=town["other"], violation_number=violation.number, grounds="ليست مخالفتي أصلاً"
        )
    assert "violation_number" in caught.value.message_dict


def test_visits_are_planned_for_a_day_and_their_result_recorded(town: dict[str, Any]) -> None:
    day = dt.date(2026, 3, 1)
    inspector = town["health_inspector"]
    visit = services.plan_visit(
        actor=inspector,
        inspector=inspector,
        day=day,
        purpose="تفتيش دوري",
        category="health",
        party=town["shop"],
        source_type="licensing.application",
        source_id="7",
        idempotency_key="lic-7",
    )
    again = services.plan_visit(
        actor=None,
        inspector=inspector,
        day=day,
        purpose="تفتيش دوري",
        category="health",
        party=town["shop"],
        idempotency_key="lic-7",
    )
    assert again.pk == visit.pk
    assert [v.pk for v in selectors.visits_of_day(inspector, day=day)] == [visit.pk]
    services.record_result(actor=inspector, visit_id=visit.pk, result="compliant")
    assert Visit.objects.get(pk=visit.pk).status == "done"
    with pytest.raises(ValidationError):
        services.plan_visit(actor=inspector, inspector=inspector, day=day, purpose="", category="x")


def test_the_pages_render(town: dict[str, Any]) -> None:
    objection = _objection(town)
    staff = Client()
    staff.force_login(town["health_inspector"])
    for url in (
        "/staff/inspections/",
        "/staff/violations/",
        "/staff/violations/new/",
        f"/staff/violations/{objection.violation.number}/",
        f"/staff/objections/{objection.case.reference}/",
    ):
        assert staff.get(url).status_code == 200, url
    citizen = Client()
    citizen.force_login(town["citizen"])
    assert citizen.get(f"/objections/{objection.case.reference}/").status_code == 200
    assert citizen.get(f"/violations/{objection.violation.number}/").status_code == 200


def test_an_objection_through_the_one_stop_form_is_linked_to_its_violation(
    town: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    violation = _record(town)
    with django_capture_on_commit_callbacks(execute=True):
        case = workflow.open_case(
            actor=town["citizen"],
            service_key="violation-objection",
            data={"violation-number": violation.number, "grounds": "لم تكن المواد معروضة للبيع"},
        )
    objection = Objection.objects.get(case=case)
    assert objection.violation_id == violation.pk
    assert Violation.objects.get(pk=violation.pk).status == ViolationStatus.OBJECTED
    with django_capture_on_commit_callbacks(execute=True):  # someone else's number: not linked
        other = workflow.open_case(
            actor=town["other"],
            service_key="violation-objection",
            data={"violation-number": violation.number, "grounds": "اعتراض"},
        )
    assert not Objection.objects.filter(case=other).exists()


def test_violations_show_on_the_map(town: dict[str, Any]) -> None:
    violation = _record(town)
    features = selectors.map_features((35.0, 31.5, 35.1, 31.6))
    assert [f["properties"]["reference"] for f in features] == [violation.number]
    assert selectors.map_features((36.0, 32.0, 36.1, 32.1)) == []


def test_the_head_edits_the_fine_schedule_from_its_page(town: dict[str, Any]) -> None:
    head = Client()
    head.force_login(town["health_head"])
    data = {
        "code": "H-09",
        "category": "health",
        "name_ar": "التدخين في مكان مغلق",
        "name_en": "Smoking indoors",
        "amount": "abc",
        "repeat_factor": "2",
        "max_factor": "3",
        "is_active": "on",
    }
    refused = head.post("/staff/violations/schedule/", data)
    assert refused.status_code == 200 and "التدخين في مكان مغلق" in refused.content.decode()
    data["amount"] = "١٥٠"
    assert head.post("/staff/violations/schedule/", data).status_code == 302
    assert selectors.article_by_code("H-09").amount == Decimal("150.00")
    inspector = Client()
    inspector.force_login(town["health_inspector"])
    page = inspector.get("/staff/violations/schedule/")
    assert page.status_code == 200 and 'id="article-form"' not in page.content.decode()


def test_the_objection_process_comes_back_if_the_generic_one_replaced_it(
    town: dict[str, Any],
) -> None:
    spec = {**workflow.process_spec("application"), "key": "violation-objection"}
    workflow.install_definition(actor=None, spec=spec)
    violation = _record(town)
    objection = services.file_objection(
        actor=town["citizen"],
        violation_number=violation.number,
        grounds="المواد كانت في المستودع للإتلاف",
    )
    assert objection.case.state.key == "submitted"
    assert objection.case.definition.states.filter(key="committee-review").exists()


def test_the_violation_notice_is_a_pdf(town: dict[str, Any]) -> None:
    violation = _record(town)
    client = Client()
    client.force_login(town["citizen"])
    response = client.get(f"/violations/{violation.number}/pdf/")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    client.force_login(town["other"])
    assert client.get(f"/violations/{violation.number}/pdf/").status_code == 404


def test_an_inspector_plans_a_visit_and_saves_its_result_from_the_pages(
    town: dict[str, Any],
) -> None:
    inspector = town["health_inspector"]
    client = Client()
    client.force_login(inspector)
    data = {
        "day": "2026-03-02",
        "party": "000",
        "parcel": "",
        "category": "health",
        "purpose": "تفتيش دوري",
        "inspector": inspector.username,
    }
    refused = client.post("/staff/inspections/", data)
    assert refused.status_code == 200 and "تفتيش دوري" in refused.content.decode()
    data["party"] = town["shop"].commercial_registration
    assert client.post("/staff/inspections/", data).status_code == 302
    visit = Visit.objects.get()
    assert visit.day == dt.date(2026, 3, 2)
    assert "تفتيش دوري" in client.get("/staff/inspections/?day=2026-03-02").content.decode()
    done = client.post(f"/staff/inspections/visits/{visit.pk}/", {"result": "warning"})
    assert done.status_code == 302
    assert Visit.objects.get().result == "warning"
    citizen = Client()
    citizen.force_login(town["citizen"])
    assert citizen.get("/staff/inspections/").status_code == 403
