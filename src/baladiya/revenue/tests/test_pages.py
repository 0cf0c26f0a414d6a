"""The revenue pages: cashier desk, receipt PDF, shift close, approvals, the
citizen's statement, online payment through the sandbox and verification."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from baladiya.core import api as core_api
from baladiya.core.services import assign_role
from baladiya.core.tests.factories import CitizenUserFactory, PersonFactory
from baladiya.revenue import selectors, services
from baladiya.revenue.gateways import CallbackData, gateway
from baladiya.revenue.models import OnlinePayment, Payment, Receipt, ShiftStatus
from baladiya.revenue.tests.conftest import water_demand

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen(roles: Any) -> Any:
    user = CitizenUserFactory()
    assign_role(actor=None, user=user, role_key="citizen")
    return user


def test_cashier_desk_open_shift_pay_print_and_close(
    client: Any, heads: Any, cashier: Any, hq: Any, citizen: Any
) -> None:
    water_demand(citizen.party, "80")
    client.force_login(cashier)
    assert client.get(reverse("revenue:desk")).status_code == 200
    client.post(reverse("revenue:desk"), {"action": "open", "branch": "HQ", "float": "50"})
    shift = selectors.open_shift_of(cashier)
    assert shift is not None and shift.opening_float == Decimal("50")
    page = client.get(reverse("revenue:desk"), {"q": citizen.party.national_id})
    assert "80" in page.content.decode()
    response = client.post(
        reverse("revenue:take-payment"),
        {
            "party": citizen.party.national_id,
            "amount": "80",
            "tender": "cash",
            "idempotency_key": "form-1",
        },
    )
    receipt = Receipt.objects.get()
    assert response.url == reverse("revenue:receipt", args=[receipt.pk])
    # The browser submitting twice changes nothing.
    client.post(
        reverse("revenue:take-payment"),
        {
            "party": citizen.party.national_id,
            "amount": "80",
            "tender": "cash",
            "idempotency_key": "form-1",
        },
    )
    assert Payment.objects.count() == 1
    pdf = client.get(reverse("revenue:receipt-pdf", args=[receipt.pk]) + "?lang=ar")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    client.get(reverse("revenue:receipt-pdf", args=[receipt.pk]))
    receipt.refresh_from_db()
    assert receipt.print_count == 2
    response = client.post(
        reverse("revenue:shift", args=[shift.pk]), {"counted_cash": "120", "note": "short 10"}
    )
    shift.refresh_from_db()
    assert shift.status == ShiftStatus.PENDING and shift.variance == Decimal("-10")
    z = client.get(reverse("revenue:shift-pdf", args=[shift.pk]))
    assert z.content.startswith(b"%PDF")


def test_approvals_page(
    client: Any, heads: Any, cashier: Any, supervisor: Any, shift: Any, party: Any
) -> None:
    water_demand(party, "80")
    payment = services.take_payment(
        actor=cashier, party=party, amount="80", tender="cash", idempotency_key="a", shift=shift
    )
    request = services.request_receipt_cancellation(
        actor=cashier, receipt=payment.receipt, reason="x"
    )
    client.force_login(supervisor)
    assert "x" in client.get(reverse("revenue:approvals")).content.decode()
    client.post(
        reverse("revenue:approvals"),
        {"kind": "cancellation", "pk": request.pk, "decision": "approve"},
    )
    payment.receipt.refresh_from_db()
    assert payment.receipt.status == "cancelled"
    client.force_login(cashier)
    assert client.get(reverse("revenue:approvals")).status_code == 403


def test_statement_online_payment_and_clearance(client: Any, heads: Any, citizen: Any) -> None:
    water_demand(citizen.party, "80")
    client.force_login(citizen)
    page = client.get(reverse("revenue:statement"))
    assert page.status_code == 200 and "D-" in page.content.decode()
    assert client.get(reverse("revenue:statement-pdf")).content.startswith(b"%PDF")
    refused = client.post(reverse("revenue:clearance"))
    assert refused.status_code == 302
    response = client.post(reverse("revenue:pay-online"))
    online = OnlinePayment.objects.get()
    assert response.url == reverse("revenue:sandbox-gateway", args=[online.token])
    assert client.get(response.url).status_code == 200
    client.post(response.url, {"outcome": "pay"})
    online.refresh_from_db()
    assert online.status == "paid" and online.payment.receipt.series == "WEB"
    assert selectors.amount_owed(citizen.party) == 0
    certificate = client.post(reverse("revenue:clearance"))
    assert certificate["Content-Type"] == "application/pdf"
    from baladiya.revenue.models import ClearanceCertificate

    token = ClearanceCertificate.objects.get().token
    assert (
        "verdict" in client.get(reverse("revenue:verify-clearance", args=[token])).content.decode()
    )
    receipt = online.payment.receipt
    verify = client.get(reverse("revenue:verify-receipt", args=[receipt.token]))
    assert receipt.number in verify.content.decode()
    assert client.get(reverse("revenue:verify-receipt", args=["nope"])).status_code == 404


def test_forged_callback_is_refused_and_reconciliation_settles(
    client: Any, heads: Any, citizen: Any
) -> None:
    water_demand(citizen.party, "80")
    online = services.start_online_payment(actor=citizen, party=citizen.party)
    forged = client.post(
        reverse("revenue:gateway-callback", args=["sandbox"]),
        {
            "token": online.token,
            "status": "paid",
            "amount": "80.00",
            "provider_ref": "X",
            "signature": "bad",
        },
    )
    assert forged.status_code == 400
    data = CallbackData(online.token, "paid", online.amount, "SBX-1")
    ok = client.post(
        reverse("revenue:gateway-callback", args=["sandbox"]),
        {
            "token": online.token,
            "status": "paid",
            "amount": str(online.amount),
            "provider_ref": "SBX-1",
            "signature": gateway().sign(data),
        },
    )
    assert ok.status_code == 200
    online.refresh_from_db()
    assert online.status == "paid"

    # A payment left pending: the job asks the gateway and settles it once.
    water_demand(citizen.party, "20")
    pending = services.start_online_payment(actor=citizen, party=citizen.party)
    gateway().record(CallbackData(pending.token, "paid", pending.amount, "SBX-2"))  # type: ignore[attr-defined]
    OnlinePayment.objects.filter(pk=pending.pk).update(
        created_at=pending.created_at.replace(year=2020)
    )
    assert services.reconcile_online_payments() == {"paid": 1, "failed": 0, "expired": 0}
    assert services.reconcile_online_payments() == {"paid": 0, "failed": 0, "expired": 0}
    assert selectors.amount_owed(citizen.party) == 0


def test_api_statement_and_idempotent_bank_payment(
    client: Any, heads: Any, make_staff: Any, hq: Any, citizen: Any
) -> None:
    water_demand(citizen.party, "80")
    client.force_login(citizen)
    data = client.get(reverse("api-my-statement")).json()
    assert data["owed"] == "80.00" and len(data["open_demands"]) == 1
    client.force_login(make_staff("cashier", branch=hq))
    body = {
        "national_id": citizen.party.national_id,
        "amount": "80",
        "tender": "transfer",
        "channel": "bank",
        "branch": "HQ",
    }
    first = client.post(reverse("api-payments"), body, HTTP_IDEMPOTENCY_KEY="bank-1")
    again = client.post(reverse("api-payments"), body, HTTP_IDEMPOTENCY_KEY="bank-1")
    assert first.status_code == 201 and first.json() == again.json()
    assert Payment.objects.count() == 1


def test_an_amendment_runs_as_a_case_with_its_documents(
    client: Any, heads: Any, make_staff: Any, supervisor: Any, citizen: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from baladiya.workflow.models import Case

    accountant = make_staff("accountant", username="accountant")
    demand = water_demand(citizen.party, "80")
    client.force_login(accountant)
    url = reverse("revenue:demand", args=[demand.number])
    assert (
        demand.number
        in client.get(reverse("revenue:demands"), {"q": demand.number}).content.decode()
    )
    # A bad amount: refused in the user's words, and what he typed is kept.
    bad = client.post(url, {"kind": "write-off", "amount": "3,5", "reason": "عسر مالي"})
    assert bad.status_code == 400 and "عسر مالي" in bad.content.decode()
    letter = SimpleUploadedFile(
        "letter.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\n", "application/pdf"
    )
    client.post(
        url, {"kind": "write-off", "amount": "30", "reason": "عسر مالي", "documents": letter}
    )
    case = Case.objects.get(service_key="revenue-amendment")
    assert case.attachments.count() == 1 and case.data["demand"] == demand.number
    # The finance manager decides on the case page; the demand changes with it.
    client.force_login(supervisor)
    assert case.reference in client.get(reverse("revenue:approvals")).content.decode()
    client.post(
        reverse("revenue:approvals"),
        {
            "kind": "amendment",
            "pk": str(demand.amendments.get().pk),
            "decision": "approve",
        },
    )
    demand.refresh_from_db()
    case.refresh_from_db()
    assert demand.outstanding == Decimal("50") and case.state.key == "approved"
    assert selectors.party_balance(citizen.party) == Decimal("50")


def test_rejecting_an_amendment_needs_a_reason_and_changes_nothing(
    heads: Any, make_staff: Any, supervisor: Any, citizen: Any
) -> None:
    from django.core.exceptions import ValidationError

    accountant = make_staff("accountant", username="accountant")
    demand = water_demand(citizen.party, "80")
    amendment = services.request_amendment(
        actor=accountant, demand=demand, kind="correction", amount="10", reason="خطأ في القراءة"
    )
    with pytest.raises(ValidationError):
        services.reject_amendment(actor=supervisor, amendment=amendment)
    amendment = services.reject_amendment(actor=supervisor, amendment=amendment, note="لا يوجد خطأ")
    demand.refresh_from_db()
    assert amendment.status == "rejected" and demand.outstanding == Decimal("80")


def test_a_bill_is_paid_by_its_number_until_it_expires(
    client: Any, heads: Any, cashier: Any, hq: Any, citizen: Any
) -> None:
    import datetime as dt

    from django.utils import timezone
    from freezegun import freeze_time

    old = water_demand(citizen.party, "40", days=-30)
    water_demand(citizen.party, "25")
    # The citizen prints a bill of what he owes from his account page.
    client.force_login(citizen)
    response = client.post(reverse("revenue:issue-bill"))
    bill = citizen.party.bill_set.get()
    assert response.url == reverse("revenue:bill-pdf", args=[bill.pk])
    assert bill.amount == Decimal("65") and bill.number.startswith("B-")
    assert client.get(response.url)["Content-Type"] == "application/pdf"
    verify = client.get(reverse("revenue:verify-bill", args=[bill.token])).content.decode()
    assert bill.number in verify and citizen.party.name not in verify  # no personal data
    # Another citizen cannot open it.
    other = CitizenUserFactory()
    client.force_login(other)
    assert client.get(reverse("revenue:bill-pdf", args=[bill.pk])).status_code == 404
    # The cashier finds it by its number and takes exactly its demands.
    client.force_login(cashier)
    client.post(reverse("revenue:desk"), {"action": "open", "branch": "HQ", "float": "0"})
    desk = client.get(reverse("revenue:desk"), {"q": bill.number.lower()}).content.decode()
    assert f'name="bill" value="{bill.number}"' in desk
    later = water_demand(citizen.party, "10")
    with freeze_time(timezone.now() + dt.timedelta(days=31)):
        expired = client.get(reverse("revenue:desk"), {"q": bill.number}).content.decode()
        assert 'name="bill"' not in expired
        with pytest.raises(services.RevenueError):
            services.take_payment(
                actor=cashier,
                party=citizen.party,
                amount="65",
                tender="cash",
                idempotency_key="b-late",
                shift=selectors.open_shift_of(cashier),
                bill=bill,
            )
    payment = services.take_payment(
        actor=cashier,
        party=citizen.party,
        amount="65",
        tender="cash",
        idempotency_key="b-1",
        shift=selectors.open_shift_of(cashier),
        bill=bill,
    )
    old.refresh_from_db()
    later.refresh_from_db()
    assert old.outstanding == 0 and later.outstanding == Decimal("10")
    assert payment.advance == 0
    with pytest.raises(services.RevenueError):  # nothing left to bill for someone clear
        services.issue_bill(actor=None, party=PersonFactory())


def test_an_owner_sees_and_pays_his_establishments_dues_and_no_one_elses(
    client: Any, heads: Any, citizen: Any
) -> None:
    from baladiya.core.services import register_establishment

    shop = register_establishment(
        actor=None,
        commercial_registration="562233445",
        name_ar="بقالة الأمل",
        owner=citizen.party,
        phone="0599000111",
    )
    water_demand(shop, "70")
    client.force_login(citizen)
    page = client.get(reverse("revenue:statement"), {"party": shop.pk}).content.decode()
    assert 'id="parties"' in page and "بقالة الأمل" in page and "70" in page
    response = client.post(reverse("revenue:pay-online"), {"party_id": shop.pk})
    online = OnlinePayment.objects.get()
    assert online.party_id == shop.pk and response.status_code == 302
    stranger = CitizenUserFactory()
    client.force_login(stranger)
    assert client.get(reverse("revenue:statement"), {"party": shop.pk}).status_code == 404
    assert client.post(reverse("revenue:pay-online"), {"party_id": shop.pk}).status_code == 404
    with pytest.raises(core_api.AccessDenied):
        selectors.statement(user=stranger, party=shop)
