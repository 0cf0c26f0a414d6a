from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from baladiya.core.api import AccessDenied
from baladiya.correspondence import selectors, services
from baladiya.correspondence.models import Letter, LetterStatus

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 10)


def _incoming(town: dict[str, Any], subject: str = "طلب صيانة طريق", **kwargs: Any) -> Letter:
    entity = services.ensure_entity(actor=town["archivist"], name_ar="مديرية التربية والتعليم")
    values: dict[str, Any] = {
        "actor": town["archivist"],
        "direction": "incoming",
        "subject": subject,
        "letter_date": timezone.localdate() - dt.timedelta(days=1),
        "entity": entity,
    }
    values.update(kwargs)
    return services.register_letter(**values)


def test_numbers_run_per_direction_and_year_without_gaps(town: dict[str, Any]) -> None:
    with freeze_time("2026-03-10 09:00:00"):
        first = _incoming(town)
        second = _incoming(town)
        outgoing = services.register_letter(
            actor=town["archivist"],
            direction="outgoing",
            subject="رد على الطلب",
            letter_date=TODAY,
            entity=first.entity,
            department=town["ENG"],
        )
        # A failed registration (bad input) gives no number away.
        with pytest.raises(ValidationError):
            _incoming(town, subject="")
        third = _incoming(town)
    with freeze_time("2027-01-02 09:00:00"):
        next_year = _incoming(town)
    assert [first.number, second.number, third.number] == [
        "IN-2026-000001",
        "IN-2026-000002",
        "IN-2026-000003",
    ]
    assert outgoing.number == "OUT-2026-000001"
    assert next_year.number == "IN-2027-000001"


def test_rollback_returns_the_number(town: dict[str, Any]) -> None:
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        _incoming(town)
        raise Boom
    year = timezone.localdate().year
    assert _incoming(town).number == f"IN-{year}-000001"


def test_retry_with_the_same_key_registers_once(town: dict[str, Any]) -> None:
    one = _incoming(town, idempotency_key="k-1")
    two = _incoming(town, idempotency_key="k-1")
    assert one.pk == two.pk
    assert Letter.objects.count() == 1


def test_bad_input_is_refused_with_messages_per_field(town: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as caught:
        services.register_letter(
            actor=town["archivist"],
            direction="incoming",
            subject="x",
            letter_date=timezone.localdate() + dt.timedelta(days=3),
            classification="top",
        )
    errors = caught.value.message_dict
    assert set(errors) >= {"subject", "letter_date", "entity_name", "classification"}
    with pytest.raises(ValidationError) as caught:
        services.register_letter(
            actor=town["archivist"],
            direction="internal",
            subject="مذكرة داخلية",
            letter_date=timezone.localdate(),
            department=town["ENG"],
            to_department=town["ENG"],
        )
    assert "to_department" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.ensure_entity(actor=town["archivist"], name_ar=" ")


def test_only_the_registry_registers_incoming_letters(town: dict[str, Any]) -> None:
    with pytest.raises(AccessDenied):
        _incoming(town, actor=town["cashier"])
    with pytest.raises(AccessDenied):
        _incoming(town, actor=town["eng_head"])
    # A head writes his own department's outgoing letter, not another's.
    entity = services.ensure_entity(actor=None, name_ar="سلطة المياه")
    own = services.register_letter(
        actor=town["eng_head"],
        direction="outgoing",
        subject="خطة الطوارئ",
        letter_date=timezone.localdate(),
        entity=entity,
        department=town["ENG"],
    )
    assert own.number.startswith("OUT-")
    with pytest.raises(AccessDenied):
        services.register_letter(
            actor=town["eng_head"],
            direction="outgoing",
            subject="خطة الطوارئ",
            letter_date=timezone.localdate(),
            entity=entity,
            department=town["HLT"],
        )


def test_referral_flow_and_department_inbox(town: dict[str, Any]) -> None:
    from baladiya.workflow import api as workflow

    letter = _incoming(town)
    due = timezone.localdate() + dt.timedelta(days=5)
    referral = services.refer(
        actor=town["archivist"], letter_id=letter.pk, department=town["ENG"], due_date=due
    )
    letter.refresh_from_db()
    assert letter.status == LetterStatus.REFERRED
    assert referral.case.state.key == "referred"
    assert referral.case.department == town["ENG"]
    inbox = list(workflow.inbox(town["eng_head"]))
    assert referral.case in inbox
    assert referral.case not in list(workflow.inbox(town["hlt_head"]))
    services.act(actor=town["eng_head"], referral_id=referral.pk, action_key="start")
    referral.refresh_from_db()
    assert referral.case.state.key == "in-progress"
    with pytest.raises(ValidationError):  # closing needs a comment
        services.act(actor=town["eng_head"], referral_id=referral.pk, action_key="close")
    services.act(
        actor=town["eng_head"],
        referral_id=referral.pk,
        action_key="close",
        comment="للعلم فقط",
    )
    letter.refresh_from_db()
    assert letter.status == LetterStatus.CLOSED


def test_refer_refuses_bad_input(town: dict[str, Any]) -> None:
    letter = _incoming(town)
    with pytest.raises(ValidationError) as caught:
        services.refer(
            actor=town["archivist"],
            letter_id=letter.pk,
            department=None,
            due_date=timezone.localdate() - dt.timedelta(days=1),
        )
    assert set(caught.value.message_dict) == {"department", "due_date"}
    services.refer(
        actor=town["archivist"],
        letter_id=letter.pk,
        department=town["ENG"],
        due_date=timezone.localdate(),
    )
    with pytest.raises(ValidationError) as caught:
        services.refer(
            actor=town["archivist"],
            letter_id=letter.pk,
            department=town["ENG"],
            due_date=timezone.localdate(),
        )
    assert "department" in caught.value.message_dict
    with pytest.raises(AccessDenied):
        services.refer(
            actor=town["eng_head"],
            letter_id=letter.pk,
            department=town["HLT"],
            due_date=timezone.localdate(),
        )


def test_reply_closes_the_referral(town: dict[str, Any]) -> None:
    letter = _incoming(town)
    eng = services.refer(
        actor=town["archivist"],
        letter_id=letter.pk,
        department=town["ENG"],
        due_date=timezone.localdate() + dt.timedelta(days=3),
    )
    hlt = services.refer(
        actor=town["archivist"],
        letter_id=letter.pk,
        department=town["HLT"],
        due_date=timezone.localdate() + dt.timedelta(days=3),
    )
    reply = services.register_letter(
        actor=town["eng_head"],
        direction="outgoing",
        subject="رد: طلب صيانة طريق",
        letter_date=timezone.localdate(),
        entity=letter.entity,
        department=town["ENG"],
        in_reply_to=letter,
    )
    eng.refresh_from_db()
    hlt.refresh_from_db()
    assert eng.case.state.key == "answered"
    assert eng.reply == reply
    assert hlt.case.is_open  # the health department has not answered yet
    letter.refresh_from_db()
    assert letter.status == LetterStatus.REFERRED
    services.act(actor=town["hlt_head"], referral_id=hlt.pk, action_key="answer", comment="تم")
    letter.refresh_from_db()
    assert letter.status == LetterStatus.ANSWERED
    assert [t.number for t in selectors.thread(town["archivist"], reply)] == [
        letter.number,
        reply.number,
    ]


def test_a_department_not_referred_cannot_see_the_letter(town: dict[str, Any]) -> None:
    letter = _incoming(town)
    services.refer(
        actor=town["archivist"],
        letter_id=letter.pk,
        department=town["ENG"],
        due_date=timezone.localdate() + dt.timedelta(days=3),
    )
    assert selectors.letter_for(town["eng_head"], letter.number) == letter
    with pytest.raises(Letter.DoesNotExist):
        selectors.letter_for(town["hlt_head"], letter.number)
    with pytest.raises(Letter.DoesNotExist):
        selectors.letter_for(town["cashier"], letter.number)
    assert not selectors.register(town["hlt_head"]).exists()
    # …nor act on its referral or answer it.
    with pytest.raises(Letter.DoesNotExist):
        services.register_letter(
            actor=town["hlt_head"],
            direction="outgoing",
            subject="رد",
            letter_date=timezone.localdate(),
            entity=letter.entity,
            department=town["HLT"],
            in_reply_to=letter,
        )


def test_confidential_letters_stay_with_the_archivist_and_the_referred(
    town: dict[str, Any],
) -> None:
    secret = _incoming(town, classification="confidential")
    assert selectors.can_view(town["archivist"], secret)
    assert not selectors.can_view(town["clerk"], secret)
    plain = _incoming(town)
    assert selectors.can_view(town["clerk"], plain)
    # The referral's case (seen in case lists) does not carry the subject.
    referral = services.refer(
        actor=town["archivist"],
        letter_id=secret.pk,
        department=town["ENG"],
        due_date=timezone.localdate(),
    )
    assert referral.case.title == secret.number
    assert selectors.can_view(town["eng_head"], secret)


def test_register_filters(town: dict[str, Any]) -> None:
    letter = _incoming(town, subject="جدول توزيع المياه")
    other = _incoming(town, subject="دعوة اجتماع")
    services.refer(
        actor=town["archivist"],
        letter_id=letter.pk,
        department=town["ENG"],
        due_date=timezone.localdate(),
    )
    user = town["archivist"]

    def numbers(**filters: Any) -> set[str]:
        return {x.number for x in selectors.register(user, selectors.LetterFilters(**filters))}

    assert numbers(query="المياه") == {letter.number}
    assert numbers(query=letter.number.lower()) == {letter.number}
    assert numbers(status="registered") == {other.number}
    assert numbers(department_id=town["ENG"].pk) == {letter.number}
    assert numbers(direction="outgoing") == set()
    assert numbers(year=letter.year) == {letter.number, other.number}
    assert numbers(overdue=True) == set()
    with freeze_time(timezone.now() + dt.timedelta(days=3)):
        assert numbers(overdue=True) == {letter.number}


def test_pages(client: Any, town: dict[str, Any]) -> None:
    letter = _incoming(town)
    client.force_login(town["archivist"])
    assert client.get(reverse("correspondence:register")).status_code == 200
    assert client.get(reverse("correspondence:new")).status_code == 200
    response = client.post(
        reverse("correspondence:detail", args=[letter.number]),
        {"op": "refer", "department": town["ENG"].pk, "due_date": "2000-01-01"},
    )
    assert response.status_code == 200
    assert "cannot be in the past" in response.content.decode() or "الماضي" in (
        response.content.decode()
    )
    response = client.post(
        reverse("correspondence:new"),
        {
            "direction": "incoming",
            "letter_date": timezone.localdate().isoformat(),
            "entity_name": "",
            "subject": "موضوع محفوظ",
            "classification": "internal",
            "priority": "normal",
        },
    )
    assert response.status_code == 200
    assert "موضوع محفوظ" in response.content.decode()  # nothing typed is lost
    client.force_login(town["hlt_head"])
    assert client.get(reverse("correspondence:detail", args=[letter.number])).status_code == 404
    assert client.get(reverse("correspondence:register")).status_code == 403


def test_slip_pdf_and_verification(client: Any, town: dict[str, Any]) -> None:
    letter = _incoming(town)
    client.force_login(town["archivist"])
    response = client.get(reverse("correspondence:pdf", args=[letter.number]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    client.logout()
    assert client.get(reverse("correspondence:verify", args=[letter.token])).status_code == 200
    assert client.get(reverse("correspondence:verify", args=["nope"])).status_code == 404


def test_rest_register_and_refer(client: Any, town: dict[str, Any]) -> None:
    client.force_login(town["archivist"])
    response = client.post(
        "/api/v1/correspondence/letters/",
        {
            "direction": "incoming",
            "letter_date": timezone.localdate().isoformat(),
            "entity": "وزارة المالية",
            "subject": "تدقيق الحسابات",
            "idempotency_key": "abc",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    number = response.json()["number"]
    response = client.post(
        f"/api/v1/correspondence/letters/{number}/referrals/",
        {"department": "FIN", "due_date": timezone.localdate().isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    listing = client.get("/api/v1/correspondence/letters/", {"status": "referred"}).json()
    assert [x["number"] for x in listing["results"]] == [number]
    bad = client.post(
        "/api/v1/correspondence/letters/",
        {"direction": "incoming", "letter_date": "2026-01-01", "subject": "س"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    client.force_login(town["hlt_head"])
    assert client.get(f"/api/v1/correspondence/letters/{number}/").status_code == 404


def test_department_head_replies_from_the_referral(client: Any, town: dict[str, Any]) -> None:
    letter = _incoming(town)
    referral = services.refer(
        actor=town["archivist"],
        letter_id=letter.pk,
        department=town["ENG"],
        due_date=timezone.localdate() + dt.timedelta(days=3),
    )
    client.force_login(town["eng_head"])
    page = client.get(reverse("correspondence:referral", args=[referral.case.reference]))
    assert page.status_code == 200
    form = client.get(reverse("correspondence:new"), {"reply_to": letter.number})
    assert form.context["form"].initial["in_reply_to"] == letter.number
    response = client.post(
        reverse("correspondence:new"),
        {
            "direction": "outgoing",
            "letter_date": timezone.localdate().isoformat(),
            "entity_name": letter.entity.name_ar,
            "subject": "رد: طلب صيانة طريق",
            "classification": "internal",
            "priority": "normal",
            "department": town["ENG"].pk,
            "in_reply_to": letter.number,
            "idempotency_key": "reply-1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    referral.refresh_from_db()
    assert referral.case.state.key == "answered"
    assert referral.reply is not None and referral.reply.in_reply_to == letter


def test_overdue_referrals_remind_the_head_once_a_day(town: dict[str, Any]) -> None:
    from baladiya.core.models import Notification

    letter = _incoming(town)
    services.refer(
        actor=town["archivist"],
        letter_id=letter.pk,
        department=town["ENG"],
        due_date=timezone.localdate(),
    )
    assert services.remind_overdue() == 0  # due today: not late yet
    later = timezone.localdate() + dt.timedelta(days=2)
    assert services.remind_overdue(today=later) == 1
    assert services.remind_overdue(today=later) == 0
    notes = Notification.objects.filter(recipient=town["eng_head"])
    assert notes.count() == 1
    assert letter.number in notes.get().subject
    assert not Notification.objects.filter(recipient=town["hlt_head"]).exists()
    assert services.remind_overdue(today=later + dt.timedelta(days=1)) == 1


def test_pages_in_english(client: Any, town: dict[str, Any], settings: Any) -> None:
    letter = _incoming(town)
    client.force_login(town["archivist"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("correspondence:register")).content.decode()
    assert 'dir="ltr"' in page and "Correspondence register" in page
    detail = client.get(reverse("correspondence:detail", args=[letter.number])).content.decode()
    assert "Refer to a department" in detail and "Incoming" in detail
    pdf = client.get(reverse("correspondence:pdf", args=[letter.number]), {"lang": "en"})
    assert pdf.content.startswith(b"%PDF")


def test_correspondents_page(client: Any, town: dict[str, Any]) -> None:
    from baladiya.core.profiles import luhn_check_digit
    from baladiya.core.services import register_person

    stem = "4100000"
    person = register_person(
        actor=None,
        national_id=stem + "0" + luhn_check_digit(stem + "0"),
        name_ar="سامي التميمي",
        phone="0599555666",
    )
    _incoming(town)  # creates "مديرية التربية والتعليم"
    client.force_login(town["archivist"])
    url = reverse("correspondence:entities")
    assert "مديرية التربية والتعليم" in client.get(url).content.decode()
    bad = client.post(url, {"name_ar": "سامي التميمي", "kind": "person", "party_number": "123"})
    assert bad.status_code == 200
    assert bad.context["form"].errors["party_number"]
    ok = client.post(
        url,
        {
            "name_ar": "مديرية التربية والتعليم",
            "name_en": "Directorate of Education",
            "kind": "government",
        },
    )
    assert ok.status_code == 302
    client.post(
        url, {"name_ar": "سامي التميمي", "kind": "person", "party_number": person.national_id}
    )
    from baladiya.correspondence.models import Entity

    assert Entity.objects.get(name_ar="مديرية التربية والتعليم").name_en == (
        "Directorate of Education"
    )
    assert Entity.objects.get(name_ar="سامي التميمي").party == person
    client.force_login(town["eng_head"])
    assert client.get(url).status_code == 403


def test_a_citizen_sees_his_own_letters_only(client: Any, town: dict[str, Any]) -> None:
    from baladiya.core.profiles import luhn_check_digit
    from baladiya.core.services import create_party_login, register_person

    people = []
    for stem in ("4100000", "4100001"):
        party = register_person(
            actor=None,
            national_id=stem + "0" + luhn_check_digit(stem + "0"),
            name_ar=f"مواطن {stem}",
            phone="0599555666",
        )
        people.append(
            create_party_login(actor=None, party=party, password="x-Pass-2026", role_key="citizen")
        )
    mine = services.ensure_entity(
        actor=None, name_ar="سامي التميمي", kind="person", party=people[0].party
    )
    letter = _incoming(town, subject="اعتراض على رسوم", entity=mine)
    _incoming(town, subject="كتاب جهة أخرى")
    client.force_login(people[0])
    page = client.get(reverse("correspondence:mine")).content.decode()
    assert letter.number in page and "كتاب جهة أخرى" not in page
    client.force_login(people[1])
    assert letter.number not in client.get(reverse("correspondence:mine")).content.decode()
    # …and no staff page of the register opens for a citizen.
    assert client.get(reverse("correspondence:detail", args=[letter.number])).status_code == 403
