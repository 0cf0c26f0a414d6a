"""Property-based: any sequence of demands, payments (some refused) and
cancellations keeps the ledger balanced, receipt numbers gap-free and each
party's balance equal to its demands minus its payments."""

from __future__ import annotations

import contextlib
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baladiya.core.tests.factories import PersonFactory
from baladiya.finance import selectors as fin
from baladiya.finance.models import Account, AccountBalance
from baladiya.revenue import selectors, services
from baladiya.revenue.models import (
    Allocation,
    Demand,
    DemandLine,
    DemandStatus,
    Payment,
    PaymentStatus,
    Receipt,
    ReceiptStatus,
)

pytestmark = pytest.mark.django_db

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("500"), places=2)
operation = st.one_of(
    st.tuples(
        st.just("demand"), st.integers(0, 2), amounts, st.sampled_from(["water", "shop-licence"])
    ),
    st.tuples(st.just("pay"), st.integers(0, 2), amounts, st.booleans()),
    st.tuples(st.just("cancel"), st.integers(0, 30), st.just(Decimal(0)), st.just(False)),
)


class Rollback(Exception):
    pass


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(operation, min_size=1, max_size=14))
def test_any_sequence_keeps_the_books_straight(
    ops: list[tuple[Any, ...]], heads: Any, cashier: Any, supervisor: Any, hq: Any
) -> None:
    try:
        with transaction.atomic():
            run(ops, cashier, supervisor, hq)
            raise Rollback
    except Rollback:
        pass


def run(ops: list[tuple[Any, ...]], cashier: Any, supervisor: Any, hq: Any) -> None:
    parties = [PersonFactory() for _ in range(3)]
    shift = services.open_shift(actor=cashier, branch=hq)
    for n, (kind, index, amount, flag) in enumerate(ops):
        if kind == "demand":
            services.create_demand(
                actor=None,
                party=parties[index],
                lines=[services.DemandLineSpec(head=flag, amount=amount)],
                due_date=timezone.localdate(),
            )
        elif kind == "pay":
            # A refused payment (part of a licence, an unwanted advance) leaves no trace.
            with contextlib.suppress(services.RevenueError):
                services.take_payment(
                    actor=cashier,
                    party=parties[index],
                    amount=amount,
                    tender="cash" if flag else "card",
                    idempotency_key=f"op-{n}",
                    shift=shift,
                    allow_advance=flag,
                )
        else:
            valid = list(Receipt.objects.filter(status=ReceiptStatus.VALID).order_by("pk"))
            if valid:
                receipt = valid[index % len(valid)]
                request = services.request_receipt_cancellation(
                    actor=cashier, receipt=receipt, reason="test"
                )
                services.approve_receipt_cancellation(actor=supervisor, request=request)
    check_invariants(parties)


def check_invariants(parties: list[Any]) -> None:
    totals = fin.ledger_totals()
    assert totals["line_debit"] == totals["line_credit"]
    assert totals["balance_debit"] == totals["line_debit"]
    assert totals["balance_credit"] == totals["line_credit"]

    for series, year in Receipt.objects.values_list("series", "fiscal_year").distinct():
        numbers = selectors.receipt_numbers(series, year)
        assert numbers == list(range(1, len(numbers) + 1))

    completed = Payment.objects.filter(status=PaymentStatus.COMPLETED)
    for party in parties:
        demanded = Demand.objects.filter(party=party).exclude(status=DemandStatus.CANCELLED)
        owed = demanded.aggregate(s=Sum("total"))["s"] or Decimal(0)
        paid = completed.filter(party=party).aggregate(s=Sum("amount"))["s"] or Decimal(0)
        assert selectors.party_balance(party) == owed - paid
        outstanding = sum(
            (line.outstanding for line in DemandLine.objects.filter(demand__party=party)),
            Decimal(0),
        )
        advances = completed.filter(party=party).aggregate(s=Sum("advance"))["s"] or Decimal(0)
        assert owed - paid == outstanding - advances

    for line in DemandLine.objects.all():
        allocated = Allocation.objects.filter(
            line=line, payment__status=PaymentStatus.COMPLETED
        ).aggregate(s=Sum("amount"))["s"] or Decimal(0)
        assert line.paid == allocated
        assert 0 <= line.paid <= line.amount

    cash_ids = list(Account.objects.filter(is_cash=True).values_list("pk", flat=True))
    cash = AccountBalance.objects.filter(account_id__in=cash_ids).aggregate(
        d=Sum("debit"), c=Sum("credit")
    )
    in_cash = (cash["d"] or Decimal(0)) - (cash["c"] or Decimal(0))
    assert in_cash == (completed.aggregate(s=Sum("amount"))["s"] or Decimal(0))
