"""The workflow engine: data-defined processes, versioning, transitions with
role checks, inboxes in scope, SLA escalation, tracking and notifications."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

from baladiya.core.api import AccessDenied
from baladiya.core.models import Notification
from baladiya.core.services import create_branch, create_department, register_person
from baladiya.workflow import api, selectors, services
from baladiya.workflow.models import Case, CaseEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(org_ps: Any, roles: Any, make_staff: Any) -> dict[str, Any]:
    hq = create_branch(actor=None, code="HQ", name_ar="المقر", name_en="HQ", kind="headquarters")
    other = create_branch(actor=None, code="B2", name_ar="فرع", name_en="Branch 2")
    cs = create_department(actor=None, code="CS", name_ar="خدمة الجمهور", name_en="Customer")
    eng = create_department(actor=None, code="ENG", name_ar="الهندسة", name_en="Engineering")
    api.install_definition(actor=None, spec=api.process_spec("complaint"))
    # The same process under a key with no pages of its own (the complaint app
    # has its own pages for "complaint"), to exercise the generic case pages.
    api.install_definition(actor=None, spec={**api.process_spec("complaint"), "key": "road-report"})
    citizen = register_person(
        actor=None, national_id="400000006", name_ar="سامي التميمي", phone="0599111222"
    )
    neighbour = register_person(
        actor=None, national_id="400000014", name_ar="هدى الجعبري", phone="0599333444"
    )
    from baladiya.core.services import create_party_login

    return {
        "hq": hq,
        "other": other,
        "cs": cs,
        "eng": eng,
        "citizen": create_party_login(
            actor=None, party=citizen, password="x-Pass-2026", role_key="citizen"
        ),
        "neighbour": create_party_login(
            actor=None, party=neighbour, password="x-Pass-2026", role_key="citizen"
        ),
        "clerk": make_staff("clerk", branch=hq, department=cs),
        "far_clerk": make_staff("clerk", branch=other, department=cs),
        "inspector": make_staff("inspector", department=cs),
        "head": make_staff("department-head", department=cs),
    }


def _complaint(town: dict[str, Any], service_key: str = "complaint", **extra: Any) -> Case:
    user = town["citizen"]
    return services.open_case(
        actor=user,
        service_key=service_key,
        title="حفرة في الشارع",
        data={"category": "pothole"},
        branch=town["hq"],
        **extra,
    )


def test_a_case_gets_a_reference_a_start_state_and_deadlines(town: dict[str, Any]) -> None:
    now = timezone.now()
    case = _complaint(town)
    year = timezone.localtime(now).year
    assert case.reference == f"TAF-{year}-000001"
    assert _complaint(town).reference == f"TAF-{year}-000002"
    assert case.state.key == "new"
    assert case.department.code == "CS"  # routed by the process definition
    assert case.phone_last4 == "1222"
    assert case.due_at is not None and abs(
        (case.due_at - now) - dt.timedelta(hours=24)
    ) < dt.timedelta(minutes=1)
    assert case.events.get().kind == "submitted"


def test_a_retried_submission_returns_the_same_case(town: dict[str, Any]) -> None:
    first = _complaint(town, idempotency_key="k-1")
    again = _complaint(town, idempotency_key="k-1")
    assert first.pk == again.pk
    assert Case.objects.count() == 1


def test_the_whole_complaint_path_with_roles(town: dict[str, Any]) -> None:
    case = _complaint(town)
    with pytest.raises(AccessDenied):  # a citizen cannot start work on it
        services.take_action(actor=town["citizen"], case_id=case.pk, action_key="start")
    case = services.take_action(actor=town["clerk"], case_id=case.pk, action_key="start")
    assert case.state.key == "in-progress"
    with pytest.raises(ValidationError) as error:  # a comment is required to resolve
        services.take_action(actor=town["inspector"], case_id=case.pk, action_key="resolve")
    assert "comment" in error.value.message_dict
    case = services.take_action(
        actor=town["inspector"], case_id=case.pk, action_key="resolve", comment="تم ردم الحفرة"
    )
    assert case.state.key == "resolved" and case.closed_at is None
    case = services.take_action(actor=town["citizen"], case_id=case.pk, action_key="close")
    assert case.state.key == "closed" and case.closed_at is not None
    with pytest.raises(ValidationError):
        services.take_action(actor=town["clerk"], case_id=case.pk, action_key="start")
    history = list(case.events.values_list("kind", "action_key"))
    assert history == [
        ("submitted", ""),
        ("action", "start"),
        ("action", "resolve"),
        ("action", "close"),
    ]


def test_a_clerk_of_another_branch_can_neither_see_nor_act(town: dict[str, Any]) -> None:
    case = _complaint(town)
    with pytest.raises(Case.DoesNotExist):
        services.take_action(actor=town["far_clerk"], case_id=case.pk, action_key="start")
    assert not selectors.inbox(town["far_clerk"]).exists()
    assert list(selectors.inbox(town["clerk"])) == [case]


def test_a_citizen_reaches_only_his_own_cases(town: dict[str, Any]) -> None:
    case = _complaint(town, "road-report")
    with pytest.raises(Case.DoesNotExist):
        selectors.case_for(town["neighbour"], reference=case.reference)
    with pytest.raises(AccessDenied):
        services.open_case(
            actor=town["neighbour"], service_key="complaint", applicant=town["citizen"].party
        )
    client = Client()
    client.force_login(town["neighbour"])
    assert client.get(f"/account/cases/{case.reference}/").status_code == 404
    assert client.get(f"/staff/cases/{case.reference}/").status_code in (403, 404)
    client.force_login(town["citizen"])
    page = client.get(f"/account/cases/{case.reference}/")
    assert page.status_code == 200 and case.reference in page.content.decode()


def test_assign_to_me_and_to_a_colleague(town: dict[str, Any]) -> None:
    case = _complaint(town)
    case = services.assign(actor=town["clerk"], case_id=case.pk, assignee=town["clerk"])
    assert case.assignee == town["clerk"]
    # The head of department hands it to the inspector, who can act on "in progress"
    # but not on "new": refused with a clear message.
    with pytest.raises(ValidationError):
        services.assign(actor=town["head"], case_id=case.pk, assignee=town["citizen"])
    with pytest.raises(AccessDenied):  # an inspector may not assign others
        services.assign(actor=town["inspector"], case_id=case.pk, assignee=town["clerk"])
    counts = selectors.inbox_counts(town["clerk"])
    assert counts == {"total": 1, "mine": 1, "unassigned": 0, "overdue": 0}


def test_sla_breach_escalates_once(town: dict[str, Any]) -> None:
    with freeze_time("2026-03-01 08:00:00"):
        case = _complaint(town)
    with freeze_time("2026-03-01 20:00:00"):
        assert services.escalate_overdue() == 0  # 12 h in: still within 24 h
    with freeze_time("2026-03-02 08:30:00"):
        assert services.escalate_overdue() == 1
        assert services.escalate_overdue() == 0  # once per state visit
        assert selectors.inbox_counts(town["clerk"])["overdue"] == 1
    case.refresh_from_db()
    assert case.escalated_at is not None
    assert case.events.filter(kind="escalated").count() == 1
    with freeze_time("2026-03-02 09:00:00"):
        case = services.take_action(actor=town["clerk"], case_id=case.pk, action_key="start")
    assert case.escalated_at is None  # a new state starts a new clock
    assert case.due_at == timezone.make_aware(dt.datetime(2026, 3, 4, 9, 0), dt.UTC)


def test_the_clock_stops_while_the_case_is_with_the_applicant(town: dict[str, Any]) -> None:
    case = _complaint(town)
    services.take_action(actor=town["clerk"], case_id=case.pk, action_key="start")
    case = services.take_action(
        actor=town["inspector"],
        case_id=case.pk,
        action_key="ask-applicant",
        comment="أين الموقع بالضبط؟",
    )
    assert case.due_at is None and case.state.with_applicant
    assert list(selectors.waiting_for_applicant(town["citizen"])) == [case]
    case = services.take_action(
        actor=town["citizen"], case_id=case.pk, action_key="reply", comment="قرب المدرسة"
    )
    assert case.state.key == "in-progress" and case.due_at is not None


def test_a_new_version_does_not_change_running_cases(town: dict[str, Any]) -> None:
    running = _complaint(town)
    spec = api.process_spec("complaint")
    assert api.install_definition(actor=None, spec=spec).version == 1  # unchanged: no-op
    spec["states"][0]["sla_hours"] = 12
    v2 = api.install_definition(actor=None, spec=spec)
    assert v2.version == 2
    running.refresh_from_db()
    assert running.definition.version == 1
    assert _complaint(town).definition == v2
    services.take_action(actor=town["clerk"], case_id=running.pk, action_key="start")


def test_a_definition_that_could_strand_a_case_is_refused(town: dict[str, Any]) -> None:
    spec = api.process_spec("complaint")
    spec["actions"] = [a for a in spec["actions"] if a["from"] != "resolved"]
    with pytest.raises(ValidationError, match="resolved"):
        api.install_definition(actor=None, spec=spec)


def test_public_tracking_needs_the_phone_digits_and_shows_no_personal_data(
    town: dict[str, Any],
) -> None:
    case = _complaint(town)
    services.take_action(actor=town["clerk"], case_id=case.pk, action_key="start")
    assert selectors.track(reference=case.reference, phone_last4="0000") is None
    assert selectors.track(reference=case.reference.lower(), phone_last4="١٢٢٢") is not None
    page = Client().get("/track/", {"reference": case.reference, "phone_last4": "1222"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "قيد المعالجة" in html
    assert "سامي" not in html and "0599111222" not in html and "+970599111222" not in html
    wrong = Client().get("/track/", {"reference": case.reference, "phone_last4": "9999"})
    assert "قيد المعالجة" not in wrong.content.decode()


def test_the_applicant_is_notified_in_his_language(
    town: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    town["citizen"].preferred_language = "en"
    town["citizen"].save()
    with django_capture_on_commit_callbacks(execute=True):
        case = _complaint(town)
    with django_capture_on_commit_callbacks(execute=True):
        services.take_action(actor=town["clerk"], case_id=case.pk, action_key="start")
    notes = list(Notification.objects.filter(party=town["citizen"].party).order_by("pk"))
    assert [n.subject for n in notes] == [
        f"Request {case.reference} received",
        f"Request {case.reference}: In progress",
    ]
    assert all(d.status == "sent" for n in notes for d in n.deliveries.all())
    assert {d.channel for d in notes[0].deliveries.all()} == {"sms"}


def test_inbox_page_lists_and_bulk_assigns(town: dict[str, Any]) -> None:
    cases = [_complaint(town, "road-report") for _ in range(3)]
    client = Client()
    client.force_login(town["clerk"])
    page = client.get("/staff/inbox/")
    assert page.status_code == 200
    for case in cases:
        assert case.reference in page.content.decode()
    client.post("/staff/inbox/assign/", {"case": [c.pk for c in cases[:2]]})
    assert Case.objects.filter(assignee=town["clerk"]).count() == 2
    mine = client.get("/staff/inbox/", {"assigned": "me"}).content.decode()
    assert cases[2].reference not in mine and cases[0].reference in mine
    detail = client.get(f"/staff/cases/{cases[0].reference}/")
    assert detail.status_code == 200
    response = client.post(f"/staff/cases/{cases[0].reference}/", {"action": "start"})
    assert response.status_code == 302
    assert CaseEvent.objects.filter(case=cases[0], action_key="start").exists()


def test_the_process_diagram_page(town: dict[str, Any]) -> None:
    client = Client()
    client.force_login(town["clerk"])
    page = client.get("/staff/processes/complaint/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "قيد المعالجة" in html and "إعادة فتح البلاغ" in html


def test_action_hooks_guard_and_effect_run_inside_the_action(
    town: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from baladiya.workflow import registry

    monkeypatch.setattr(registry, "_GUARDS", {})
    monkeypatch.setattr(registry, "_EFFECTS", {})
    seen: list[tuple[str, str]] = []

    def guard(actor: Any, case: Case, action: Any) -> None:
        if "blocked" in case.title:
            raise ValidationError("Not while blocked.")

    def effect(actor: Any, case: Case, action: Any, comment: str) -> None:
        seen.append((case.reference, comment))
        if comment == "boom":
            raise RuntimeError("the effect failed")

    api.register_action_hooks("road-report", "start", guard=guard, effect=effect)
    api.register_action_hooks("road-report", "start", guard=guard, effect=effect)  # once only
    blocked = _complaint(town, "road-report", idempotency_key="b")
    Case.objects.filter(pk=blocked.pk).update(title="blocked road")
    with pytest.raises(ValidationError):
        services.take_action(actor=town["clerk"], case_id=blocked.pk, action_key="start")
    case = _complaint(town, "road-report", idempotency_key="c")
    with pytest.raises(RuntimeError):  # a failing effect leaves the case where it was
        services.take_action(
            actor=town["clerk"], case_id=case.pk, action_key="start", comment="boom"
        )
    case.refresh_from_db()
    assert case.state.key == "new"
    case = services.take_action(actor=town["clerk"], case_id=case.pk, action_key="start")
    assert case.state.key == "in-progress"
    assert seen == [(case.reference, "boom"), (case.reference, "")]


def test_standard_processes_leave_claimed_services_to_their_app(
    town: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from types import SimpleNamespace

    from baladiya.workflow import registry

    monkeypatch.setattr(registry, "_OWN_PROCESSES", {})
    category = SimpleNamespace(key="building")
    services_ = [
        SimpleNamespace(key=key, name_ar=key, name_en=key, sla_days=5, category=category)
        for key in ("fence-it", "paint-it")
    ]
    api.claim_processes("fence-it", spec=lambda key: {**api.process_spec("complaint"), "key": key})
    for _ in range(2):  # a second installation adds no version
        api.install_standard_processes(actor=None, services=services_)
    assert selectors.active_definition("paint-it").states.filter(key="under-review").exists()
    own = selectors.active_definition("fence-it")
    assert own.version == 1 and own.states.filter(key="in-progress").exists()
