"""The vend desk, the sale and its receipt PDF, the citizen's page and the API."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from baladiya.revenue import services as revenue
from baladiya.revenue.models import CashierShift, OnlinePayment
from baladiya.vending import services
from baladiya.vending.models import Vend
from baladiya.vending.tests.factories import PASSWORD, vending_scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(org_ps: Any, roles: Any) -> dict[str, Any]:
    return vending_scene()


def login(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="ar")
    assert client.login(username=user.username, password=PASSWORD)
    return client


def pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_cashier_opens_a_shift_at_his_charging_point_and_sells(scene: dict[str, Any]) -> None:
    client = login(scene["cashier"])
    page = client.get("/staff/vending/")
    assert page.status_code == 200 and "CP3" in page.content.decode()
    client.post("/staff/vending/", {"point": "CP3", "float": "100"})
    shift = CashierShift.objects.get()
    assert shift.branch == scene["point"] and shift.opening_float == Decimal("100")
    found = client.get("/staff/vending/", {"q": scene["person"].national_id})
    assert scene["meter"].serial in found.content.decode()
    response = client.post(
        "/staff/vending/sell/",
        {"meter": scene["meter"].serial, "amount": "٢٠", "tender": "cash", "idempotency_key": "p1"},
    )
    vend = Vend.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{vend.number}/")
    detail = client.get(response["Location"]).content.decode()
    assert vend.token[:4] + " " + vend.token[4:8] in detail


def test_a_bad_amount_keeps_what_was_typed(scene: dict[str, Any]) -> None:
    revenue.open_shift(actor=scene["cashier"], branch=scene["point"], opening_float=Decimal("0"))
    client = login(scene["cashier"])
    response = client.post(
        "/staff/vending/sell/",
        {
            "meter": scene["meter"].serial,
            "amount": "20,5",
            "tender": "card",
            "idempotency_key": "p2",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400 and 'value="20,5"' in body and 'value="p2"' in body
    assert "مثلا" in body or "على سبيل المثال" in body or "50" in body
    assert not Vend.objects.exists()


def test_the_receipt_shows_the_token_in_groups_and_a_reprint_is_a_copy(
    scene: dict[str, Any],
) -> None:
    revenue.open_shift(actor=scene["cashier"], branch=scene["point"], opening_float=Decimal("0"))
    vend = services.sell(
        actor=scene["cashier"], meter=scene["meter"], amount=Decimal("20"), idempotency_key="p3"
    )
    client = login(scene["cashier"])
    first = client.get(f"/staff/vending/sales/{vend.number}/pdf/?lang=en")
    assert first["Content-Type"] == "application/pdf"
    grouped = " ".join(vend.token[i : i + 4] for i in range(0, 20, 4))
    text = pdf_text(first.content)
    assert grouped in text and "COPY" not in text
    again = pdf_text(client.get(f"/staff/vending/sales/{vend.number}/pdf/?lang=en").content)
    assert grouped in again and "COPY" in again
    assert Vend.objects.count() == 1


def test_the_citizen_sees_his_meters_purchases_and_tokens(scene: dict[str, Any]) -> None:
    revenue.open_shift(actor=scene["cashier"], branch=scene["point"], opening_float=Decimal("0"))
    vend = services.sell(
        actor=scene["cashier"], meter=scene["meter"], amount=Decimal("20"), idempotency_key="p4"
    )
    client = login(scene["citizen"])
    account = client.get("/account/").content.decode()
    assert "/account/meters/" in account
    body = client.get("/account/meters/").content.decode()
    assert scene["meter"].serial in body and vend.number in body and vend.token[:4] in body
    pdf = client.get(f"/account/meters/tokens/{vend.number}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"


def test_the_citizen_tops_up_online(
    scene: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    client = login(scene["citizen"])
    response = client.post(
        f"/account/meters/{scene['meter'].serial}/top-up/",
        {"amount": "25", "idempotency_key": "t1"},
    )
    online = OnlinePayment.objects.get()
    assert response.status_code == 302 and online.token in response["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        paid = client.post(response["Location"], {"outcome": "pay"})
    assert paid.status_code == 302
    vend = Vend.objects.get()
    assert vend.status == "issued" and vend.token


def test_no_one_reaches_another_citizens_sale(scene: dict[str, Any]) -> None:
    from baladiya.core.services import create_party_login, register_person
    from baladiya.core.tests.factories import ps_mobile, ps_national_id

    revenue.open_shift(actor=scene["cashier"], branch=scene["point"], opening_float=Decimal("0"))
    vend = services.sell(
        actor=scene["cashier"], meter=scene["meter"], amount=Decimal("20"), idempotency_key="p5"
    )
    other = register_person(
        actor=None, national_id=ps_national_id(97), name_ar="جار", phone=ps_mobile(97)
    )
    target = login(
        create_party_login(actor=None, party=other, password=PASSWORD, role_key="citizen")
    )
    assert target.get(f"/account/meters/tokens/{vend.number}/pdf/").status_code == 404
    assert target.get(f"/staff/vending/sales/{vend.number}/").status_code in (403, 404)
    assert (
        target.post(
            f"/account/meters/{scene['meter'].serial}/top-up/", {"amount": "20"}
        ).status_code
        == 404
    )


def test_the_api_sells_and_reads_back_the_same_token(scene: dict[str, Any]) -> None:
    revenue.open_shift(actor=scene["cashier"], branch=scene["point"], opening_float=Decimal("0"))
    client = login(scene["cashier"])
    body = {"meter": scene["meter"].serial, "amount": "20", "idempotency_key": "api-1"}
    created = client.post("/api/v1/vending/vends/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert len(data["token"]) == 20 and data["token_grouped"].count(" ") == 4
    retry = client.post("/api/v1/vending/vends/", body, content_type="application/json")
    assert retry.json()["token"] == data["token"] and Vend.objects.count() == 1
    read = client.get(f"/api/v1/vending/vends/{data['number']}/")
    assert read.json()["token"] == data["token"]
    bad = client.post(
        "/api/v1/vending/vends/",
        {"meter": scene["meter"].serial, "amount": "0.5", "idempotency_key": "api-2"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["detail"]


def test_the_finance_manager_sets_the_policy(scene: dict[str, Any], make_staff: Any) -> None:
    from baladiya.vending.models import VendingPolicy

    manager = make_staff("finance-manager")
    client = Client(HTTP_ACCEPT_LANGUAGE="ar")
    client.force_login(manager)
    bad = client.post(
        "/staff/vending/policy/",
        {"arrears_percent": "١٠٠", "minimum_amount": "abc", "maximum_amount": "500"},
    )
    assert bad.status_code == 400 and 'value="abc"' in bad.content.decode()
    assert not VendingPolicy.objects.exists()
    client.post(
        "/staff/vending/policy/",
        {"arrears_percent": "٣٠", "minimum_amount": "2", "maximum_amount": "500"},
    )
    assert VendingPolicy.objects.get().arrears_percent == Decimal("30")
    cashier = login(scene["cashier"])
    assert cashier.get("/staff/vending/policy/").status_code == 403
