"""The complaint lifecycle over the API (what the mobile app and the benchmark
call): file, assign, act, resolve, search — and who is refused what."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from baladiya.workflow import api as workflow

pytestmark = pytest.mark.django_db


def api(user: Any, language: str = "en") -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def file(client: APIClient, **kw: Any) -> Any:
    body = {
        "category": "pothole",
        "description": "pothole in front of the school",
        "latitude": "31.541700",
        "longitude": "35.053000",
        **kw,
    }
    return client.post("/api/v1/complaints/", body, format="json")


def test_the_whole_lifecycle(town: dict[str, Any]) -> None:
    citizen, clerk, inspector = api(town["citizen"]), api(town["clerk"]), api(town["inspector"])
    created = file(citizen)
    assert created.status_code == 201, created.content
    body = created.json()
    ref = body["reference"]
    assert body["state"] == "new" and body["department"] == "ENG"
    assert body["latitude"] == "31.541700" and body["rating"] is None

    assigned = clerk.post(f"/api/v1/cases/{ref}/assign/", {"assignee": town["inspector"].username})
    assert assigned.status_code == 200, assigned.content
    assert assigned.json()["assignee"] == town["inspector"].username
    assert assigned.json()["branch"] == "HQ" and assigned.json()["department"] == "ENG"

    started = inspector.post(f"/api/v1/cases/{ref}/actions/", {"action": "start"})
    assert started.status_code == 200, started.content
    assert started.json()["state"] == "in-progress"
    assert started.json()["state_name"] == "In progress"
    assert started.json()["assignee"] == town["inspector"].username

    resolved = inspector.post(f"/api/v1/complaints/{ref}/resolve/", {"note": "filled"})
    assert resolved.status_code == 200, resolved.content
    assert resolved.json()["state"] == "resolved"
    assert resolved.json()["resolution_note"] == "filled"

    found = clerk.get("/api/v1/cases/", {"q": ref}).json()
    assert found["count"] == 1 and found["results"][0]["reference"] == ref
    assert found["results"][0]["state"] == "resolved"
    mine = citizen.get("/api/v1/cases/").json()
    assert [row["reference"] for row in mine["results"]] == [ref]

    case = workflow.case_for(town["clerk"], reference=ref)
    kinds = [event.kind for event in workflow.history(case)]
    assert kinds == ["submitted", "assigned", "action", "action"]


def test_a_case_the_user_may_not_see_is_not_found(town: dict[str, Any]) -> None:
    ref = file(api(town["citizen"])).json()["reference"]
    other = api(town["other"])
    assert other.post(f"/api/v1/cases/{ref}/actions/", {"action": "close"}).status_code == 404
    assert other.post(f"/api/v1/complaints/{ref}/resolve/", {"note": "x"}).status_code == 404
    assert other.post(f"/api/v1/cases/{ref}/assign/", {"assignee": ""}).status_code == 404
    assert other.get("/api/v1/cases/", {"q": ref}).json()["count"] == 0
    clerk = api(town["clerk"])
    for url in ("/api/v1/cases/TAF-2026-999999/actions/", "/api/v1/complaints/NOPE/resolve/"):
        assert clerk.post(url, {"action": "start", "note": "x"}).status_code == 404


def test_an_action_not_among_the_users_roles_is_refused_in_his_language(
    town: dict[str, Any],
) -> None:
    ref = file(api(town["citizen"])).json()["reference"]
    api(town["clerk"]).post(f"/api/v1/cases/{ref}/actions/", {"action": "start"})
    refused = api(town["clerk"]).post(f"/api/v1/complaints/{ref}/resolve/", {"note": "done"})
    assert refused.status_code == 403
    assert "not allowed" in refused.json()["detail"]
    in_arabic = api(town["clerk"], "ar").post(f"/api/v1/complaints/{ref}/resolve/", {"note": "x"})
    assert in_arabic.status_code == 403 and "لا يحق لك" in in_arabic.json()["detail"]
    case = workflow.case_for(town["clerk"], reference=ref)
    assert case.state.key == "in-progress"  # nothing moved


def test_bad_requests_get_clear_errors(town: dict[str, Any]) -> None:
    ref = file(api(town["citizen"])).json()["reference"]
    clerk = api(town["clerk"])
    unknown = clerk.post(f"/api/v1/cases/{ref}/assign/", {"assignee": "nobody"})
    assert unknown.status_code == 400
    assert unknown.json() == {"assignee": ["There is no user with this username."]}
    wrong = clerk.post(f"/api/v1/cases/{ref}/actions/", {"action": "close"})
    assert wrong.status_code == 400
    no_note = api(town["inspector"]).post(f"/api/v1/complaints/{ref}/resolve/", {})
    assert no_note.status_code == 400 and "note" in no_note.json()
    bad = file(api(town["citizen"]), description="x", latitude="95")
    assert bad.status_code == 400 and {"description", "latitude"} <= set(bad.json())
