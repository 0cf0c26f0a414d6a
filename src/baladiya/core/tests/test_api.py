"""The public REST API: organisation, branches, the service catalogue, parties, me."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from django.conf import settings

from baladiya.core import services
from baladiya.core.tests.factories import (
    TEST_PASSWORD,
    BranchFactory,
    CitizenUserFactory,
    EstablishmentFactory,
    PersonFactory,
)
from baladiya.onestop.services import load_catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db: Any) -> dict[str, int]:
    return load_catalogue(actor=None)


@pytest.fixture
def citizen(roles: Any) -> Any:
    user = CitizenUserFactory()
    services.assign_role(actor=None, user=user, role_key="citizen")
    return user


def english(client: Any) -> Any:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# --- organisation and branches ----------------------------------------------------------


def test_organisation(client, org_sa) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/organisation/")
    assert response.status_code == 200
    data = response.json()
    assert data["name_ar"] == "بلدية محافظة القطيف"
    assert data["country"] == "SA"
    assert data["currency"] == "SAR"
    assert data["calendar"] == "hijri-umm-al-qura"
    assert data["reference_prefix"] == "QTF"


def test_organisation_not_configured(client, db) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/api/v1/organisation/").status_code == 404


def test_branches(client, org_ps) -> None:  # type: ignore[no-untyped-def]
    hq = BranchFactory(code="HQ", kind="headquarters", name_ar="المبنى الرئيسي")
    BranchFactory(code="CP1", kind="charging-point", parent=hq)
    BranchFactory(code="OLD", is_active=False)
    response = client.get("/api/v1/branches/")
    assert response.status_code == 200
    rows = {row["code"]: row for row in response.json()["results"]}
    assert set(rows) == {"HQ", "CP1"}  # inactive branches are not published
    assert rows["CP1"]["parent"] == "HQ"
    assert rows["CP1"]["kind"] == "charging-point"
    assert rows["HQ"]["name_ar"] == "المبنى الرئيسي"


def test_a_list_that_fits_in_one_page_is_not_counted(
    client, org_ps, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for n in range(3):
        BranchFactory(code=f"B{n}")
    client.get("/api/v1/organisation/")  # the organisation is cached from here on
    with django_assert_num_queries(1):  # the rows, no COUNT
        body = client.get("/api/v1/branches/").json()
    assert body["count"] == 3 and body["next"] is None and len(body["results"]) == 3


@pytest.mark.parametrize("total", [50, 51, 120])
def test_lists_are_paginated_and_counted(client, org_ps, settings, total) -> None:  # type: ignore[no-untyped-def]
    for n in range(total):
        BranchFactory(code=f"B{n:03d}")
    first = client.get("/api/v1/branches/").json()
    assert first["count"] == total and len(first["results"]) == min(total, 50)
    assert (first["next"] is not None) == (total > 50) and first["previous"] is None
    codes = [row["code"] for row in first["results"]]
    url = first["next"]
    while url:
        page = client.get(url).json()
        assert page["count"] == total
        codes += [row["code"] for row in page["results"]]
        url = page["next"]
    assert codes == [f"B{n:03d}" for n in range(total)]  # every row once, in order


# --- the service catalogue ----------------------------------------------------------------


def test_services_list_is_public_and_hides_employee_services(client, catalogue) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/services/")
    assert response.status_code == 200
    data = response.json()
    keys = {row["audience"] for row in data["results"]}
    assert "employee" not in keys
    listed = {row["key"] for row in data["results"]}
    assert {"complaint", "building-permit", "shop-license-new"} <= listed
    assert not {"leave-request", "payslip"} & listed
    assert data["count"] == len(listed)


def test_service_search_folds_arabic_spelling(client, catalogue) -> None:  # type: ignore[no-untyped-def]
    # رخصه (with ha) finds every service called رخصة (with ta marbuta).
    with_ha = client.get("/api/v1/services/", {"q": "رخصه"}).json()["results"]
    with_ta = client.get("/api/v1/services/", {"q": "رخصة"}).json()["results"]
    keys = [row["key"] for row in with_ha]
    assert "building-permit" in keys
    assert "shop-license-new" in keys
    assert keys == [row["key"] for row in with_ta]
    # Every hit says رخصة in its own name or its category's name.
    categories = {"licenses": "الرخص التجارية والصحية"}
    assert all("رخص" in row["name_ar"] + categories.get(row["category"], "") for row in with_ha)


def test_service_search_every_word_must_match(client, catalogue) -> None:  # type: ignore[no-untyped-def]
    rows = client.get("/api/v1/services/", {"q": "رخصه هدم"}).json()["results"]
    assert [row["key"] for row in rows] == ["demolition-permit"]
    rows = client.get("/api/v1/services/", {"q": "رُخْصَة  تسوير"}).json()["results"]
    assert [row["key"] for row in rows] == ["fencing-permit"]
    assert client.get("/api/v1/services/", {"q": "xyzzy"}).json()["count"] == 0


def test_service_search_in_english_and_by_category(client, catalogue) -> None:  # type: ignore[no-untyped-def]
    rows = client.get("/api/v1/services/", {"q": "POTHOLE"}).json()["results"]
    assert [row["key"] for row in rows] == ["complaint"]  # found by its subcategory
    rows = client.get("/api/v1/services/", {"category": "licenses"}).json()["results"]
    assert rows and {row["category"] for row in rows} == {"licenses"}


def test_service_detail(client, catalogue) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/services/complaint/")
    assert response.status_code == 200
    data = response.json()
    assert data["name_ar"] == "تقديم بلاغ أو شكوى"
    assert data["sla_days"] == 3
    assert "pothole" in [sub["code"] for sub in data["subcategories"]]
    permit = client.get("/api/v1/services/building-permit/").json()
    assert permit["fee"] is None
    assert permit["fee_note_en"] == "per square metre by zone"
    assert permit["fee_note_ar"]
    assert "ownership-deed" in permit["documents"]


@pytest.mark.parametrize("key", ["no-such-service", "leave-request", "payslip"])
def test_service_detail_404_for_unknown_or_employee_only(client, catalogue, key) -> None:  # type: ignore[no-untyped-def]
    assert client.get(f"/api/v1/services/{key}/").status_code == 404


# --- parties ------------------------------------------------------------------------------


def test_parties_refused_to_anonymous(client, org_ps) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/api/v1/parties/").status_code in (401, 403)


def test_parties_refused_to_a_citizen(client, org_ps, citizen) -> None:  # type: ignore[no-untyped-def]
    client.force_login(citizen)
    response = english(client).get("/api/v1/parties/")
    assert response.status_code == 403
    assert "View citizens and establishments" in response.json()["detail"]


def test_parties_for_a_clerk(client, org_ps, make_staff) -> None:  # type: ignore[no-untyped-def]
    ahmad = PersonFactory(name_ar="أحمد محمود الجعبري", name_en="Ahmad Al-Jaabari")
    PersonFactory(name_ar="فاطمة علي", name_en="Fatima Ali")
    EstablishmentFactory(name_ar="مخبز الجعبري", owner=ahmad)
    client.force_login(make_staff("clerk"))
    response = client.get("/api/v1/parties/")
    assert response.status_code == 200
    assert response.json()["count"] == 3
    rows = client.get("/api/v1/parties/", {"q": "احمد"}).json()["results"]
    assert [row["national_id"] for row in rows] == [ahmad.national_id]
    rows = client.get("/api/v1/parties/", {"q": "الجعبري", "kind": "establishment"}).json()
    assert [row["name_ar"] for row in rows["results"]] == ["مخبز الجعبري"]


# --- token auth and me ----------------------------------------------------------------------


def test_me_with_a_token(client, org_ps, citizen) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        "/api/v1/auth/token/", {"username": citizen.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 200
    token = response.json()["token"]
    me = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert me.status_code == 200
    data = me.json()
    assert data["username"] == citizen.username
    assert data["roles"] == ["citizen"]
    assert data["is_staff"] is False
    assert data["party"]["national_id"] == citizen.party.national_id


def test_token_refused_for_a_wrong_password(client, org_ps, citizen) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        "/api/v1/auth/token/", {"username": citizen.username, "password": "wrong"}
    )
    assert response.status_code == 400
    assert "token" not in response.json()


def test_me_refused_without_credentials(client, org_ps) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/api/v1/me/").status_code in (401, 403)
    bogus = client.get("/api/v1/me/", HTTP_AUTHORIZATION="Token not-a-real-token")
    assert bogus.status_code in (401, 403)


def test_me_for_staff(client, org_ps, make_staff) -> None:  # type: ignore[no-untyped-def]
    client.force_login(make_staff("auditor", username="auditor-x"))
    data = client.get("/api/v1/me/").json()
    assert data["username"] == "auditor-x"
    assert data["roles"] == ["auditor"]
    assert data["is_staff"] is True
    assert data["party"] is None


# --- schema and docs --------------------------------------------------------------------------


def test_openapi_schema(client, db) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert str(schema["openapi"]).startswith("3.")
    assert schema["info"]["title"] == "Baladiya API"
    for path in (
        "/api/v1/organisation/",
        "/api/v1/services/",
        "/api/v1/services/{key}/",
        "/api/v1/parties/",
        "/api/v1/me/",
        "/api/v1/auth/token/",
    ):
        assert path in schema["paths"], path


def test_api_docs_page(client, db) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()
    assert b"cdn." not in response.content  # assets served locally (intranet without internet)
