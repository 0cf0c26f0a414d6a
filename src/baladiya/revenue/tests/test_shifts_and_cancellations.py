"""Cashier shifts (float, X/Z, close with variance, approval) and receipt
cancellation through maker-checker with a reversing entry."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from baladiya.core.permissions import AccessDenied
from baladiya.finance import selectors as fin
from baladiya.finance.models import JournalEntry
from baladiya.revenue import selectors, services
from baladiya.revenue.models import DemandStatus, PaymentStatus, ReceiptStatus, ShiftStatus
from baladiya.revenue.tests.conftest import water_demand

pytestmark = pytest.mark.django_db


def test_close_with_cash_short_needs_approval_and_refuses_payments(
    heads: Any, cashier: Any, supervisor: Any, shift: Any, party: Any
) -> None:
    water_demand(party, "500")
    services.take_payment(
        actor=cashier, party=party, amount="120", tender="cash", idempotency_key="c1", shift=shift
    )
    services.take_payment(
        actor=cashier, party=party, amount="60", tender="card", idempotency_key="c2", shift=shift
    )
    report = selectors.shift_report(user=cashier, shift=shift)  # the X report
    assert report.expected == {"cash": Decimal("220.000"), "card": Decimal("60.000")}

    closed = services.close_shift(
        actor=cashier, shift=shift, counted={"cash": "210", "card": "60"}, note="short"
    )
    assert closed.status == ShiftStatus.PENDING
    assert closed.variance == Decimal("-10.00")

    with pytest.raises(services.RevenueError):
        services.take_payment(
            actor=cashier, party=party, amount="5", tender="cash", idempotency_key="c3", shift=shift
        )
    services.approve_shift(actor=supervisor, shift=closed, note="counted twice")
    with pytest.raises(services.RevenueError):  # decided once
        services.approve_shift(actor=supervisor, shift=closed)
    closed.refresh_from_db()
    assert closed.status == ShiftStatus.CLOSED and closed.approved_by == supervisor


def test_cashier_cannot_approve_own_shift(cashier: Any, shift: Any, supervisor: Any) -> None:
    services.close_shift(actor=cashier, shift=shift, counted={"cash": "90"})
    with pytest.raises(AccessDenied):
        services.approve_shift(actor=cashier, shift=shift)


def test_balanced_shift_closes_without_approval(cashier: Any, shift: Any, hq: Any) -> None:
    closed = services.close_shift(actor=cashier, shift=shift, counted={"cash": "100"})
    assert closed.status == ShiftStatus.CLOSED and closed.variance == 0
    again = services.open_shift(actor=cashier, branch=hq)
    assert again.status == ShiftStatus.OPEN
    with pytest.raises(services.RevenueError):
        services.open_shift(actor=cashier, branch=hq)


def test_cancellation_is_maker_checker_and_reverses(
    heads: Any, cashier: Any, supervisor: Any, shift: Any, party: Any
) -> None:
    demand = water_demand(party, "80")
    payment = services.take_payment(
        actor=cashier, party=party, amount="80", tender="cash", idempotency_key="r1", shift=shift
    )
    receipt = payment.receipt
    with pytest.raises(services.RevenueError):
        services.request_receipt_cancellation(actor=cashier, receipt=receipt, reason=" ")
    request = services.request_receipt_cancellation(
        actor=cashier, receipt=receipt, reason="Wrong party"
    )
    with pytest.raises(AccessDenied):
        services.approve_receipt_cancellation(actor=cashier, request=request)
    services.approve_receipt_cancellation(actor=supervisor, request=request, note="ok")
    receipt.refresh_from_db()
    payment.refresh_from_db()
    demand.refresh_from_db()
    assert receipt.status == ReceiptStatus.CANCELLED
    assert payment.status == PaymentStatus.CANCELLED
    assert demand.status == DemandStatus.OPEN and demand.outstanding == Decimal("80")
    reversal = JournalEntry.objects.get(pk=receipt.reversal_entry_id)
    assert reversal.reverses_id == payment.journal_entry_id
    totals = fin.ledger_totals()
    assert totals["line_debit"] == totals["line_credit"]
    # Nothing was deleted, the receipt number stays used.
    assert selectors.receipt_numbers("HQ", receipt.fiscal_year) == [1]
    assert selectors.party_balance(party) == Decimal("80.00")


def test_rejected_cancellation_keeps_the_receipt(
    heads: Any, cashier: Any, supervisor: Any, shift: Any, party: Any
) -> None:
    water_demand(party, "80")
    payment = services.take_payment(
        actor=cashier, party=party, amount="80", tender="cash", idempotency_key="r2", shift=shift
    )
    request = services.request_receipt_cancellation(
        actor=cashier, receipt=payment.receipt, reason="typo"
    )
    services.reject_receipt_cancellation(actor=supervisor, request=request, note="no")
    payment.receipt.refresh_from_db()
    assert payment.receipt.status == ReceiptStatus.VALID


def test_reprint_is_a_copy(heads: Any, cashier: Any, shift: Any, party: Any) -> None:
    water_demand(party, "80")
    payment = services.take_payment(
        actor=cashier, party=party, amount="80", tender="cash", idempotency_key="p", shift=shift
    )
    assert services.mark_receipt_printed(actor=cashier, receipt=payment.receipt) is False
    assert services.mark_receipt_printed(actor=cashier, receipt=payment.receipt) is True
