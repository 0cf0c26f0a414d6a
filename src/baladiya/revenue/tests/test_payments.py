"""Demands, payments, apportionment, idempotency, receipts and their postings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from baladiya.core.permissions import AccessDenied
from baladiya.finance import selectors as fin
from baladiya.finance.models import JournalEntry
from baladiya.revenue import selectors, services
from baladiya.revenue.models import DemandStatus, Receipt
from baladiya.revenue.tests.conftest import water_demand

pytestmark = pytest.mark.django_db


def pay(cashier: Any, shift: Any, party: Any, amount: str, key: str, **kw: Any) -> Any:
    return services.take_payment(
        actor=cashier,
        party=party,
        amount=Decimal(amount),
        tender=kw.pop("tender", "cash"),
        idempotency_key=key,
        shift=shift,
        **kw,
    )


def test_oldest_demand_first_then_head_priority(heads, cashier, shift, party) -> None:
    old = water_demand(party, "50", days=-40)
    new = services.create_demand(
        actor=None,
        party=party,
        lines=[
            services.DemandLineSpec(head="water", amount=Decimal("30")),
            services.DemandLineSpec(head="shop-licence", amount=Decimal("20")),
        ],
        due_date=timezone.localdate(),
    )
    payment = pay(cashier, shift, party, "70", "k1")
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.status == DemandStatus.PAID
    paid = {a.line.head.code: a.amount for a in payment.allocations.filter(line__demand=new)}
    assert paid == {"shop-licence": Decimal("20.000")}  # priority 10 before water
    assert new.status == DemandStatus.PART_PAID and new.outstanding == Decimal("30")


def test_part_payment_of_a_full_payment_head_is_refused(heads, cashier, shift, party) -> None:
    services.create_demand(
        actor=None,
        party=party,
        lines=[services.DemandLineSpec(head="shop-licence", amount=Decimal("200"))],
        due_date=timezone.localdate(),
    )
    with pytest.raises(services.RevenueError):
        pay(cashier, shift, party, "150", "k-part")
    assert not Receipt.objects.exists()


def test_part_payment_and_advance_where_allowed(heads, cashier, shift, party) -> None:
    demand = water_demand(party, "80")
    pay(cashier, shift, party, "30", "a")
    demand.refresh_from_db()
    assert demand.status == DemandStatus.PART_PAID and demand.outstanding == Decimal("50")
    payment = pay(cashier, shift, party, "70", "b")
    demand.refresh_from_db()
    assert demand.status == DemandStatus.PAID
    assert payment.advance == Decimal("20.00")
    assert selectors.party_balance(party) == Decimal("-20.00")


def test_same_idempotency_key_returns_the_first_payment(heads, cashier, shift, party) -> None:
    water_demand(party, "80")
    first = pay(cashier, shift, party, "80", "same")
    again = pay(cashier, shift, party, "80", "same")
    assert first.pk == again.pk
    assert Receipt.objects.count() == 1
    with pytest.raises(services.RevenueError):
        pay(cashier, shift, party, "10", "same")


def test_receipt_numbers_are_gap_free_per_branch_and_year(heads, cashier, shift, party) -> None:
    water_demand(party, "500")
    for i in range(3):
        pay(cashier, shift, party, "10", f"n{i}")
    year = str(timezone.localdate().year)
    assert selectors.receipt_numbers("HQ", year) == [1, 2, 3]
    assert Receipt.objects.order_by("sequence").first().number == f"HQ-{year}-000001"


def test_receipt_posts_cash_against_revenue(heads, cashier, shift, party) -> None:
    water_demand(party, "80")
    payment = pay(cashier, shift, party, "80", "post")
    entry = JournalEntry.objects.get(pk=payment.journal_entry_id)
    lines = {(line.account.code, line.debit, line.credit) for line in entry.lines.all()}
    assert lines == {
        ("1101", Decimal("80.000"), Decimal("0")),
        ("4201", Decimal("0"), Decimal("80.000")),
    }
    totals = fin.ledger_totals()
    assert totals["line_debit"] == totals["line_credit"] == totals["balance_debit"]


def test_counter_payment_needs_a_shift_and_the_capability(heads, make_staff, shift, party) -> None:
    water_demand(party, "80")
    with pytest.raises(services.RevenueError):
        services.take_payment(
            actor=None, party=party, amount="80", tender="cash", idempotency_key="x"
        )
    clerk = make_staff("clerk")
    with pytest.raises(AccessDenied):
        pay(clerk, shift, party, "80", "y")


def test_fee_schedules_fixed_per_unit_slabs_and_versions(heads) -> None:
    head = heads["water"]
    day = dt.date(2026, 1, 1)
    services.add_fee_schedule(
        actor=None,
        head=head,
        effective_from=day,
        method="slabs",
        unit="m3",
        slabs=[
            {"upto": "10", "rate": "2"},
            {"upto": "20", "rate": "3"},
            {"upto": None, "rate": "5"},
        ],
        minimum="5",
    )
    assert selectors.calculate_fee(head=head, on=day, quantity=25) == Decimal("75.00")
    assert selectors.calculate_fee(head=head, on=day, quantity=1) == Decimal("5.00")
    services.add_fee_schedule(
        actor=None, head=head, effective_from=dt.date(2026, 7, 1), method="per-unit", rate="4"
    )
    assert selectors.calculate_fee(head=head, on=dt.date(2026, 6, 30), quantity=25) == Decimal(
        "75.00"
    )
    assert selectors.calculate_fee(head=head, on=dt.date(2026, 7, 1), quantity=25) == Decimal(
        "100.00"
    )
    services.add_fee_schedule(
        actor=None, head=head, effective_from=day, method="fixed", rate="9", zone="A"
    )
    assert selectors.calculate_fee(head=head, on=day, zone="A") == Decimal("9.00")


def test_penalties_are_added_once(heads, party) -> None:
    from baladiya.revenue.models import PenaltyRule, RevenueHead

    penalty = RevenueHead.objects.create(
        code="late", name_ar="غرامة", name_en="Late", account_code="4401", allows_part_payment=True
    )
    PenaltyRule.objects.create(penalty_head=penalty, rate_percent=Decimal("2"), grace_days=0)
    demand = water_demand(party, "100", days=-70)
    assert services.apply_penalties(actor=None) == 1
    assert services.apply_penalties(actor=None) == 0
    demand.refresh_from_db()
    assert demand.total == Decimal("104.00")  # two full months at 2 %


def test_amendment_write_off_needs_another_user(heads, make_staff, supervisor, party) -> None:
    accountant = make_staff("accountant")
    demand = water_demand(party, "80")
    amendment = services.request_amendment(
        actor=accountant, demand=demand, kind="write-off", amount="30", reason="Hardship"
    )
    with pytest.raises(AccessDenied):
        services.approve_amendment(actor=accountant, amendment=amendment)
    own = services.request_amendment(
        actor=supervisor, demand=demand, kind="settlement", amount="1", reason="Own"
    )
    with pytest.raises(services.RevenueError):  # maker ≠ checker
        services.approve_amendment(actor=supervisor, amendment=own)
    demand = services.approve_amendment(actor=supervisor, amendment=amendment)
    assert demand.outstanding == Decimal("50.00")
    assert selectors.party_balance(party) == Decimal("50.00")


def test_clearance_only_when_nothing_is_owed(heads, cashier, shift, party) -> None:
    water_demand(party, "80")
    with pytest.raises(services.RevenueError):
        services.issue_clearance(actor=None, party=party)
    pay(cashier, shift, party, "80", "clear")
    certificate = services.issue_clearance(actor=None, party=party)
    assert selectors.clearance_by_token(certificate.token) == certificate


def test_statement_shows_demands_payments_and_a_running_balance(
    heads, cashier, shift, party
) -> None:
    water_demand(party, "80")
    pay(cashier, shift, party, "30", "s1")
    st = selectors.statement(user=None, party=party)
    assert [r.kind for r in st.rows] == ["demand", "payment"]
    assert st.balance == Decimal("50.00") == st.owed


def test_a_citizen_cannot_read_another_statement(heads, party, roles) -> None:
    from baladiya.core.tests.factories import CitizenUserFactory

    other = CitizenUserFactory()
    with pytest.raises(AccessDenied):
        selectors.statement(user=other, party=party)


def test_settling_a_demand_publishes_one_event(
    heads, cashier, shift, party, django_capture_on_commit_callbacks
) -> None:
    from baladiya.core.api import subscribe
    from baladiya.revenue import events

    seen: list[Any] = []
    subscribe(events.DemandSettled, seen.append)
    subscribe(events.PaymentReceived, seen.append)
    demand = water_demand(party, "50", days=-5)
    with django_capture_on_commit_callbacks(execute=True):
        pay(cashier, shift, party, "20", "e1")
    assert [type(e) for e in seen] == [events.PaymentReceived]
    with django_capture_on_commit_callbacks(execute=True):
        pay(cashier, shift, party, "30", "e2")
    settled = [e for e in seen if isinstance(e, events.DemandSettled)]
    assert len(settled) == 1 and settled[0].demand_id == demand.pk
    assert settled[0].status == DemandStatus.PAID


def test_a_batch_of_demands_takes_a_block_of_numbers_and_skips_used_keys(heads, party) -> None:
    from baladiya.core.models import AuditEntry

    today = timezone.localdate()
    spec = [
        services.DemandSpec(
            party_id=party.pk,
            lines=[
                services.DemandLineSpec(head="water", amount=Decimal("10.5"), quantity=Decimal(7)),
                services.DemandLineSpec(head="shop-licence", amount=Decimal("2")),
            ],
            due_date=today,
            source_type="utilities.bill",
            source_id=str(n),
            idempotency_key=f"bill:{n}",
        )
        for n in range(3)
    ]
    audits = AuditEntry.objects.count()
    made = services.create_demands(actor=None, specs=spec, audit_label="cycle 2026-10")
    assert [d.number[-3:] for d in made] == ["001", "002", "003"]
    assert all(d.total == Decimal("12.5") for d in made)
    assert made[1].lines.get(head__code="water").quantity == Decimal(7)
    assert AuditEntry.objects.count() == audits + 1
    # A rerun of the same batch (a restarted billing run) adds nothing.
    assert services.create_demands(actor=None, specs=spec) == []
    with pytest.raises(services.RevenueError):
        services.create_demands(
            actor=None,
            specs=[
                services.DemandSpec(
                    party_id=party.pk, lines=[services.DemandLineSpec(head="water")], due_date=today
                )
            ],
        )


def test_caps_limit_what_a_payment_puts_on_each_demand(heads, cashier, shift, party) -> None:
    arrears = water_demand(party, "100", days=-60)
    sale = water_demand(party, "30", days=0)
    payment = pay(
        cashier,
        shift,
        party,
        "55",
        "cap1",
        demands=[arrears, sale],
        caps={arrears.pk: Decimal("25")},
    )
    arrears.refresh_from_db()
    sale.refresh_from_db()
    assert arrears.paid == Decimal("25") and sale.paid == Decimal("30")
    assert payment.advance == Decimal("0")


def test_a_sale_raises_its_demand_and_pays_it_with_a_share_of_arrears(
    heads, cashier, shift, party, django_capture_on_commit_callbacks
) -> None:
    from baladiya.core.api import subscribe
    from baladiya.revenue import events

    seen: list[Any] = []
    subscribe(events.DemandSettled, seen.append)
    old = water_demand(party, "50", days=-40)
    sale = services.DemandSpec(
        party_id=party.pk,
        lines=[services.DemandLineSpec(head="water", amount=Decimal("30"), quantity=Decimal(12))],
        due_date=timezone.localdate(),
        description="credit",
        source_type="test.sale",
        source_id="1",
        idempotency_key="sale:1",
    )
    with django_capture_on_commit_callbacks(execute=True):
        payment, demand = services.take_sale_payment(
            actor=cashier,
            party=party,
            amount=Decimal("40"),
            tender="cash",
            idempotency_key="sale-pay:1",
            sale=sale,
            shift=shift,
            demands=[old],
            caps={old.pk: Decimal("10")},
            reference=lambda: "SALE-1",
        )
    old.refresh_from_db()
    demand.refresh_from_db()
    assert demand.status == DemandStatus.PAID and demand.total == demand.paid == 30
    assert demand.source_type == "test.sale" and demand.number.startswith("D-")
    assert old.status == DemandStatus.PART_PAID and old.paid == 10
    assert payment.reference == "SALE-1" and payment.advance == 0
    assert sorted(a.amount for a in payment.allocations.all()) == [10, 30]
    assert payment.receipt.number and payment.journal_entry_id
    entry = JournalEntry.objects.get(pk=payment.journal_entry_id)
    assert sum(line.debit for line in entry.lines.all()) == 40
    assert sum(line.credit for line in entry.lines.all()) == 40
    totals = fin.ledger_totals()
    assert totals["line_debit"] == totals["balance_debit"] == totals["balance_credit"] == 40
    assert [e.demand_id for e in seen] == [demand.pk]
    # a retry returns the same payment and demand, and writes nothing
    again = services.take_sale_payment(
        actor=cashier,
        party=party,
        amount=Decimal("40"),
        tender="cash",
        idempotency_key="sale-pay:1",
        sale=sale,
        shift=shift,
        demands=[old],
        caps={old.pk: Decimal("10")},
    )
    assert again == (payment, demand)
    assert JournalEntry.objects.count() == 1
    with pytest.raises(services.RevenueError):  # the amount must cover the sale
        services.take_sale_payment(
            actor=cashier,
            party=party,
            amount=Decimal("20"),
            tender="cash",
            idempotency_key="sale-pay:2",
            sale=services.DemandSpec(**{**sale.__dict__, "idempotency_key": "sale:2"}),
            shift=shift,
        )
