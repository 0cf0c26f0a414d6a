"""Open311 GeoReport v2, driven by an independent client (the `georeport` package
from PyPI) against the live endpoint, in JSON and XML.

georeport reads (service list, definitions, requests) but has no method to post;
the POST is therefore sent as the specification describes it — a form-encoded
request with the api_key — and georeport then reads the new request back."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from georeport import GeoReport

from baladiya.open311.services import issue_api_key

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def endpoint(live_server: Any, town: dict[str, Any]) -> tuple[str, str]:
    _key, plain = issue_api_key(actor=None, name="test client")
    return f"{live_server.url}/open311/v2", plain


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_independent_client_lists_posts_and_reads_back(
    endpoint: tuple[str, str], fmt: str
) -> None:
    root, key = endpoint
    client = GeoReport(root, jurisdiction="taf", api_key=key, output_format=fmt)
    services = client.get_service_list()
    codes = {s["service_code"] for s in services}
    assert {"pothole", "garbage", "streetlight", "other"} <= codes
    definition = client.get_service_definition("pothole")
    attributes = definition["attributes"]
    if fmt == "xml":
        attributes = attributes["attribute"]
        attributes = attributes if isinstance(attributes, list) else [attributes]
    assert attributes[0]["code"] == "landmark"

    response = requests.post(
        f"{root}/requests.{fmt}",
        timeout=10,
        data={
            "api_key": key,
            "jurisdiction_id": "taf",
            "service_code": "pothole",
            "lat": "31.5417",
            "long": "35.0530",
            "first_name": "Sami",
            "phone": "0599000111",
            "description": "Deep pothole near the school / حفرة عميقة قرب المدرسة",
            "email": "reporter@example.org",
            "attribute[landmark]": "Boys' school",
        },
    )
    assert response.status_code == 201
    if fmt == "json":
        reference = response.json()[0]["service_request_id"]
    else:
        import xmltodict

        reference = xmltodict.parse(response.content)["service_requests"]["request"][
            "service_request_id"
        ]
    assert reference.startswith("TAF-")
    request = client.get_service_request(reference)
    assert request["service_request_id"] == reference
    assert "School" in request["description"] or "school" in request["description"]
    assert request["status"] == "open"
    assert request["service_code"] == "pothole"
    listed = client.get_service_requests(service_code="pothole", status="open")
    listed = listed if isinstance(listed, list) else [listed]
    assert reference in {r["service_request_id"] for r in listed}


def test_errors_follow_the_spec(endpoint: tuple[str, str]) -> None:
    root, key = endpoint
    no_key = requests.post(f"{root}/requests.json", data={"service_code": "pothole"}, timeout=10)
    assert no_key.status_code == 403 and no_key.json()[0]["code"] == 403
    bad = requests.post(
        f"{root}/requests.json",
        timeout=10,
        data={"api_key": key, "service_code": "volcano", "description": "x"},
    )
    assert bad.status_code == 400
    assert bad.json()[0]["code"] == 400 and "category" in bad.json()[0]["description"]
    wide = requests.get(
        f"{root}/requests.json",
        timeout=10,
        params={"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
    )
    assert wide.status_code == 400
    unknown = requests.get(f"{root}/services.json", params={"jurisdiction_id": "x"}, timeout=10)
    assert unknown.status_code == 404
    missing = requests.get(f"{root}/requests/TAF-1999-000001.xml", timeout=10)
    assert missing.status_code == 404 and b"<errors>" in missing.content


def test_a_token_resolves_to_the_request(endpoint: tuple[str, str]) -> None:
    root, key = endpoint
    posted = requests.post(
        f"{root}/requests.json",
        timeout=10,
        data={
            "api_key": key,
            "service_code": "garbage",
            "description": "Bins overflowing",
            "address_string": "Town centre",
            "email": "a@example.org",
        },
    ).json()[0]
    token = requests.get(f"{root}/tokens/{posted['token']}.json", timeout=10).json()[0]
    assert token["service_request_id"] == posted["service_request_id"]
