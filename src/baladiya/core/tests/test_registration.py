"""Citizen self-registration on the portal."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from baladiya.core.models import Party, User
from baladiya.core.profiles import luhn_check_digit

pytestmark = pytest.mark.django_db

VALID_PS_ID = "40000000" + luhn_check_digit("40000000")
INVALID_PS_ID = "40000000" + str((int(luhn_check_digit("40000000")) + 1) % 10)


def _form(**overrides: str) -> dict[str, str]:
    data = {
        "national_id": VALID_PS_ID,
        "name_ar": "سارة محمود علي التميمي",
        "name_en": "Sara Mahmoud Ali Al-Tamimi",
        "phone": "0599123456",
        "email": "sara@example.org",
        "password1": "Zeitoun-2026!",
        "password2": "Zeitoun-2026!",
    }
    data.update(overrides)
    return data


def test_a_valid_registration_creates_the_person_and_signs_in(
    org_ps: object, roles: object
) -> None:
    client = Client()
    response = client.post("/accounts/register/", _form())
    assert response.status_code == 302
    user = User.objects.get(username=VALID_PS_ID)
    assert user.party is not None and user.party.phone == "+970599123456"
    assert user.party.name_ar == "سارة محمود علي التميمي"
    assert user.role_assignments.filter(role__key="citizen").exists()
    assert client.get("/accounts/profile/").status_code == 200


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("ar", "رقم الهوية هذا غير صحيح"),
        ("en", "This ID number is not valid: its check digit does not match."),
    ],
)
def test_an_invalid_id_is_refused_in_the_page_language_and_the_form_keeps_its_input(
    org_ps: object, roles: object, language: str, message: str
) -> None:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post("/accounts/register/", _form(national_id=INVALID_PS_ID))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    # What the person typed is still there (except the passwords).
    assert f'value="{INVALID_PS_ID}"' in html
    assert 'value="سارة محمود علي التميمي"' in html
    assert 'value="0599123456"' in html
    assert 'value="sara@example.org"' in html
    assert not Party.objects.exists()
    assert not User.objects.exists()


def test_a_saudi_municipality_applies_the_saudi_rules(org_sa: object, roles: object) -> None:
    client = Client()
    stem = "300000000"
    response = client.post(
        "/accounts/register/", _form(national_id=stem + luhn_check_digit(stem), phone="0501234567")
    )
    assert response.status_code == 200
    assert "يبدأ رقم الهوية السعودي بالرقم 1" in response.content.decode()
    saudi = "1" + "0" * 8
    saudi += luhn_check_digit(saudi)
    response = client.post("/accounts/register/", _form(national_id=saudi, phone="0501234567"))
    assert response.status_code == 302
    assert User.objects.get(username=saudi).party.phone == "+966501234567"


def test_every_problem_is_reported_at_once(org_ps: object, roles: object) -> None:
    client = Client()
    response = client.post(
        "/accounts/register/",
        _form(national_id="12", phone="123", password1="123", password2="123"),
    )
    form = response.context["form"]
    assert set(form.errors) >= {"national_id", "phone", "password1"}


def test_an_id_can_register_only_once(org_ps: object, roles: object) -> None:
    assert Client().post("/accounts/register/", _form()).status_code == 302
    response = Client().post("/accounts/register/", _form(phone="0569999999"))
    assert response.status_code == 200
    assert "national_id" in response.context["form"].errors
    assert User.objects.count() == 1
