"""Server-rendered pages: portal, catalogue, back office, sign-in and language."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.core import mail

from baladiya.core import services
from baladiya.core.models import User
from baladiya.core.tests.factories import (
    TEST_PASSWORD,
    CitizenUserFactory,
    EstablishmentFactory,
    PersonFactory,
)
from baladiya.onestop.services import load_catalogue

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME
HTML_TAG = re.compile(r"<html\b[^>]*>")


@pytest.fixture
def catalogue(org_ps: Any) -> dict[str, int]:
    return load_catalogue(actor=None)


@pytest.fixture
def citizen(roles: Any) -> Any:
    user = CitizenUserFactory()
    services.assign_role(actor=None, user=user, role_key="citizen")
    return user


def html_tag(response: Any) -> str:
    match = HTML_TAG.search(response.content.decode())
    assert match, "no <html> element"
    return match.group(0)


def text(response: Any) -> str:
    return response.content.decode()


def menu_names(response: Any) -> list[str]:
    return [item["name"] for item in response.context["staff_menu"]]


# --- public pages -------------------------------------------------------------------------


def test_home(client, catalogue) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/")
    assert response.status_code == 200
    page = text(response)
    assert "بلدية تفوح" in page
    assert 'href="/services/complaint/"' in page
    assert 'href="/services/leave-request/"' not in page  # employee-only
    assert 'id="today"' in page


def test_home_without_catalogue_or_organisation(client, db) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/")
    assert response.status_code == 200
    assert html_tag(response) == '<html lang="ar" dir="rtl">'


def test_catalogue_page(client, catalogue) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/services/")
    assert response.status_code == 200
    page = text(response)
    assert 'href="/services/building-permit/"' in page
    assert 'href="/services/payslip/"' not in page


def test_catalogue_search_folds_arabic(client, catalogue) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/services/", {"q": "رخصه هدم"})
    page = text(response)
    assert 'href="/services/demolition-permit/"' in page
    assert 'href="/services/complaint/"' not in page
    assert [s.key for s in response.context["page_obj"]] == ["demolition-permit"]


def test_catalogue_search_with_htmx_returns_only_the_results(client, catalogue) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/services/", {"q": "شكوى"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in text(response)
    assert 'href="/services/complaint/"' in text(response)


def test_service_detail_page(client, catalogue) -> None:  # type: ignore[no-untyped-def]
    client.cookies[COOKIE] = "en"
    response = client.get("/services/building-permit/")
    assert response.status_code == 200
    page = text(response)
    assert '<h1 class="h3">Building permit</h1>' in page
    assert "per square metre by zone" in page  # the fee note, as the fee is calculated
    assert "Land ownership deed" in page  # a required document


@pytest.mark.parametrize("key", ["no-such-service", "leave-request"])
def test_service_detail_404(client, catalogue, key) -> None:  # type: ignore[no-untyped-def]
    response = client.get(f"/services/{key}/")
    assert response.status_code == 404


# --- the staff back office ------------------------------------------------------------------


def test_staff_redirects_anonymous_to_login(client, org_ps) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "next=/staff/" in response["Location"]


def test_staff_refused_to_a_citizen(client, org_ps, citizen) -> None:  # type: ignore[no-untyped-def]
    client.force_login(citizen)
    client.cookies[COOKIE] = "en"
    response = client.get("/staff/")
    assert response.status_code == 403
    assert "403.html" in [t.name for t in response.templates]
    assert "Open the staff back office" in text(response)  # the missing permission, named


def test_staff_home_for_a_clerk(client, org_ps, make_staff) -> None:  # type: ignore[no-untyped-def]
    client.force_login(make_staff("clerk"))
    response = client.get("/staff/")
    assert response.status_code == 200
    assert "core:parties" in menu_names(response)
    assert "core:audit" not in menu_names(response)
    assert 'href="/staff/audit/"' not in text(response)


@pytest.mark.parametrize("role", ["auditor", "administrator"])
def test_staff_menu_shows_the_audit_log_to(client, org_ps, make_staff, role) -> None:  # type: ignore[no-untyped-def]
    client.force_login(make_staff(role))
    client.cookies[COOKIE] = "en"
    response = client.get("/staff/")
    assert response.status_code == 200
    assert "core:audit" in menu_names(response)
    assert 'href="/staff/audit/">Audit log</a>' in text(response)


@pytest.mark.parametrize("role", ["clerk", "cashier", "engineer"])
def test_staff_menu_hides_the_audit_log_from(client, org_ps, make_staff, role) -> None:  # type: ignore[no-untyped-def]
    client.force_login(make_staff(role))
    client.cookies[COOKIE] = "en"
    page = text(client.get("/staff/"))
    assert "Audit log" not in page


def test_party_search_page(client, org_ps, make_staff) -> None:  # type: ignore[no-untyped-def]
    ahmad = PersonFactory(name_ar="أحمد محمود الجعبري", name_en="Ahmad Al-Jaabari")
    PersonFactory(name_ar="فاطمة علي الخطيب", name_en="Fatima Al-Khatib")
    EstablishmentFactory(name_ar="مخبز الجعبري", owner=ahmad)
    client.force_login(make_staff("clerk"))

    response = client.get("/staff/parties/", {"q": "احمد"})
    assert response.status_code == 200
    assert [p.pk for p in response.context["page_obj"]] == [ahmad.pk]
    assert ahmad.national_id in text(response)

    response = client.get("/staff/parties/", {"q": "الجعبري", "kind": "establishment"})
    assert [p.name_ar for p in response.context["page_obj"]] == ["مخبز الجعبري"]

    response = client.get("/staff/parties/", {"q": ahmad.national_id[:5]})
    assert ahmad in list(response.context["page_obj"])

    partial = client.get("/staff/parties/", {"q": "فاطمه"}, HTTP_HX_REQUEST="true")
    assert "<html" not in text(partial)
    assert "فاطمة علي الخطيب" in text(partial)


def test_party_search_refused_without_capability(client, org_ps, make_staff) -> None:  # type: ignore[no-untyped-def]
    client.force_login(make_staff("storekeeper"))
    assert client.get("/staff/parties/").status_code == 403


def test_audit_page(client, org_ps, make_staff) -> None:  # type: ignore[no-untyped-def]
    PersonFactory()
    services.create_branch(actor=None, code="CP9", name_ar="نقطة", name_en="Point 9")
    client.force_login(make_staff("auditor"))
    response = client.get("/staff/audit/")
    assert response.status_code == 200
    assert "core.branch.create" in text(response)
    filtered = client.get("/staff/audit/", {"action": "core.branch"})
    assert {e.action for e in filtered.context["page_obj"]} == {"core.branch.create"}


def test_audit_page_refused_to_a_clerk(client, org_ps, make_staff) -> None:  # type: ignore[no-untyped-def]
    client.force_login(make_staff("clerk"))
    assert client.get("/staff/audit/").status_code == 403


# --- sign in, sign out, password reset ---------------------------------------------------------


def test_login_page(client, org_ps) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert 'name="username"' in text(response)


def test_staff_login_lands_in_the_back_office(client, org_ps, make_staff) -> None:  # type: ignore[no-untyped-def]
    make_staff("clerk", username="huda")
    response = client.post("/accounts/login/", {"username": "huda", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200


def test_citizen_login_with_national_id(client, org_ps, citizen) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        "/accounts/login/", {"username": citizen.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert int(client.session["_auth_user_id"]) == citizen.pk


def test_login_sets_the_saved_language(client, org_ps, citizen) -> None:  # type: ignore[no-untyped-def]
    User.objects.filter(pk=citizen.pk).update(preferred_language="en")
    response = client.post(
        "/accounts/login/", {"username": citizen.username, "password": TEST_PASSWORD}
    )
    assert response.cookies[COOKIE].value == "en"


def test_login_wrong_password(client, org_ps, citizen) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/accounts/login/", {"username": citizen.username, "password": "no"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_logout(client, org_ps, citizen) -> None:  # type: ignore[no-untyped-def]
    client.force_login(citizen)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get("/staff/").status_code == 302


def test_password_reset(client, org_ps, make_staff) -> None:  # type: ignore[no-untyped-def]
    user = make_staff("clerk")
    User.objects.filter(pk=user.pk).update(email="clerk@example.org")
    assert client.get("/accounts/password-reset/").status_code == 200
    response = client.post("/accounts/password-reset/", {"email": "clerk@example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["clerk@example.org"]
    assert "/accounts/reset/" in mail.outbox[0].body


# --- language ---------------------------------------------------------------------------------


def test_arabic_by_default(client, org_ps) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/")
    assert html_tag(response) == '<html lang="ar" dir="rtl">'
    assert "bootstrap.rtl.min.css" in text(response)
    assert response["Content-Language"] == "ar"


def test_accept_language_is_not_used(client, org_ps) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert html_tag(response) == '<html lang="ar" dir="rtl">'
    assert "Cookie" in response["Vary"]


def test_language_switch_sets_the_cookie(client, org_ps) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/i18n/language/", {"language": "en", "next": "/services/"})
    assert response.status_code == 302
    assert response["Location"] == "/services/"
    assert response.cookies[COOKIE].value == "en"
    page = client.get("/")
    assert html_tag(page) == '<html lang="en" dir="ltr">'
    assert "bootstrap.min.css" in text(page)
    back = client.post("/i18n/language/", {"language": "ar", "next": "/"})
    assert back.cookies[COOKIE].value == "ar"
    assert html_tag(client.get("/")) == '<html lang="ar" dir="rtl">'


def test_language_switch_saves_the_preference_of_a_signed_in_user(client, org_ps, citizen) -> None:  # type: ignore[no-untyped-def]
    client.force_login(citizen)
    client.post("/i18n/language/", {"language": "en", "next": "/"})
    citizen.refresh_from_db()
    assert citizen.preferred_language == "en"
    # The saved preference wins over the cookie on any device.
    client.cookies[COOKIE] = "ar"
    assert html_tag(client.get("/")) == '<html lang="en" dir="ltr">'


def test_language_switch_refuses_an_unknown_language_and_foreign_next(client, org_ps) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        "/i18n/language/", {"language": "fr", "next": "https://evil.example/phish"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert COOKIE not in response.cookies
    assert client.get("/i18n/language/").status_code == 405


def test_organisation_default_language(client, org_ps, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        services.configure_organisation(actor=None, default_language="en")
    assert html_tag(client.get("/")) == '<html lang="en" dir="ltr">'
    client.cookies[COOKIE] = "ar"
    assert html_tag(client.get("/")) == '<html lang="ar" dir="rtl">'
