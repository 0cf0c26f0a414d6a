"""The ledger: balanced append-only entries, periods that close, maker-checker
manual journals, reversal, the balance table and the reports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from baladiya.core.permissions import AccessDenied
from baladiya.finance import selectors, services
from baladiya.finance.models import AccountBalance, EntryStatus, FiscalPeriod, JournalEntry
from baladiya.finance.services import LineSpec

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 15)


@pytest.fixture
def books(org_ps: Any) -> Any:
    services.load_municipal_chart(actor=None)
    services.open_fiscal_year(actor=None, year=2025)
    return services.open_fiscal_year(actor=None, year=2026)


def cash_sale(amount: str, date: dt.date = DAY, **kw: Any) -> JournalEntry:
    return services.post_entry(
        actor=None,
        date=date,
        lines=[
            LineSpec("1101", debit=Decimal(amount)),
            LineSpec("4101", credit=Decimal(amount), analysis="shop-licence"),
        ],
        memo="licence",
        **kw,
    )


def test_chart_and_year_are_idempotent(books: Any) -> None:
    assert services.load_municipal_chart(actor=None) == 0
    assert services.open_fiscal_year(actor=None, year=2026) == books
    assert books.periods.count() == 12
    assert books.periods.get(number=2).end == dt.date(2026, 2, 28)


def test_unbalanced_or_two_sided_lines_are_refused(books: Any) -> None:
    with pytest.raises(services.LedgerError):
        services.post_entry(
            actor=None,
            date=DAY,
            lines=[LineSpec("1101", debit=Decimal(10)), LineSpec("4101", credit=Decimal(9))],
        )
    with pytest.raises(services.LedgerError):
        services.post_entry(
            actor=None,
            date=DAY,
            lines=[
                LineSpec("1101", debit=Decimal(10), credit=Decimal(10)),
                LineSpec("4101", credit=Decimal(0)),
            ],
        )
    with pytest.raises(services.LedgerError):  # a parent account takes no postings
        services.post_entry(
            actor=None,
            date=DAY,
            lines=[LineSpec("11", debit=Decimal(10)), LineSpec("4101", credit=Decimal(10))],
        )
    assert not JournalEntry.objects.exists()


def test_entries_are_append_only_and_reversed(books: Any) -> None:
    entry = cash_sale("100")
    with pytest.raises(RuntimeError):
        entry.delete()
    reversal = services.reverse_entry(actor=None, entry=entry, date=DAY)
    assert reversal.reverses == entry
    assert services.reverse_entry(actor=None, entry=entry, date=DAY) == reversal
    balance = AccountBalance.objects.get(account__code="1101")
    assert balance.debit == balance.credit == Decimal("100")


def test_idempotent_posting(books: Any) -> None:
    first = cash_sale("50", idempotency_key="k")
    assert cash_sale("50", idempotency_key="k") == first
    assert JournalEntry.objects.count() == 1


def test_closed_period_refuses_postings_and_reopens_only_with_permission(
    books: Any, make_staff: Any
) -> None:
    manager = make_staff("finance-manager")
    accountant = make_staff("accountant")
    march = FiscalPeriod.objects.get(year=books, number=3)
    with pytest.raises(AccessDenied):
        services.close_period(actor=accountant, period=march)
    services.close_period(actor=manager, period=march)
    with pytest.raises(services.LedgerError):
        cash_sale("10")
    with pytest.raises(AccessDenied):
        services.reopen_period(actor=accountant, period=march, reason="late invoice")
    with pytest.raises(services.LedgerError):
        services.reopen_period(actor=manager, period=march, reason=" ")
    services.reopen_period(actor=manager, period=march, reason="late invoice")
    assert cash_sale("10").period == march


def test_manual_journal_needs_another_users_approval(books: Any, make_staff: Any) -> None:
    accountant = make_staff("accountant")
    manager = make_staff("finance-manager")
    entry = services.create_manual_entry(
        actor=accountant,
        date=DAY,
        lines=[LineSpec("5105", debit=Decimal(40)), LineSpec("1103", credit=Decimal(40))],
        memo="stationery",
    )
    assert entry.status == EntryStatus.PENDING and not AccountBalance.objects.exists()
    with pytest.raises(AccessDenied):
        services.approve_manual_entry(actor=accountant, entry=entry)
    own = services.create_manual_entry(
        actor=manager,
        date=DAY,
        lines=[LineSpec("5105", debit=Decimal(1)), LineSpec("1103", credit=Decimal(1))],
        memo="own",
    )
    with pytest.raises(services.LedgerError):
        services.approve_manual_entry(actor=manager, entry=own)
    posted = services.approve_manual_entry(actor=manager, entry=entry)
    assert posted.status == EntryStatus.POSTED and posted.number.startswith("JE-2026-")
    services.reject_manual_entry(actor=manager, entry=own, reason="duplicate")
    assert AccountBalance.objects.get(account__code="5105").debit == Decimal(40)


def test_reports_from_the_balance_table(books: Any, make_staff: Any) -> None:
    auditor = make_staff("auditor")
    cash_sale("100", date=dt.date(2025, 12, 20))
    cash_sale("250", date=dt.date(2026, 1, 5))
    cash_sale("30", date=dt.date(2026, 2, 5))
    services.post_entry(
        actor=None,
        date=dt.date(2026, 2, 10),
        lines=[LineSpec("5101", debit=Decimal(80)), LineSpec("1103", credit=Decimal(80))],
    )
    tb = selectors.trial_balance(user=auditor, year=books)
    assert tb.meta["balanced"]
    cash = next(r for r in tb.rows if r["code"] == "1101")
    assert cash["opening_debit"] == 100 and cash["debit"] == 280 and cash["closing_debit"] == 380
    assert tb.totals["closing_debit"] == tb.totals["closing_credit"]

    account = selectors.account_by_code("1101")
    gl = selectors.general_ledger(
        user=auditor, account=account, date_from=dt.date(2026, 1, 10), date_to=dt.date(2026, 12, 31)
    )
    assert gl.meta["opening"] == 350 and gl.meta["closing"] == 380 and len(gl.rows) == 1

    book = selectors.cash_book(
        user=auditor, date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 12, 31)
    )
    assert book.meta["opening"] == 100 and book.meta["closing"] == 300

    revenue = selectors.revenue_by_head_and_month(user=auditor, year=books)
    assert revenue.rows[0]["head"] == "shop-licence"
    assert revenue.rows[0]["m1"] == 250 and revenue.rows[0]["m2"] == 30

    ipsas = selectors.ipsas_cash_statement(user=auditor, year=books)
    assert ipsas.totals["receipts"] == 280 and ipsas.totals["payments"] == 80
    assert ipsas.meta["opening"] == 100 and ipsas.meta["closing"] == 300
    assert ipsas.as_json()["meta"]["closing"] == "300.00"

    with pytest.raises(AccessDenied):
        selectors.trial_balance(user=make_staff("clerk"), year=books)


def test_bulk_posting_keeps_balances(books: Any) -> None:
    specs = [
        services.EntrySpec(
            date=dt.date(2026, 1 + i % 12, 1),
            lines=[LineSpec("1101", debit=Decimal(i + 1)), LineSpec("4201", credit=Decimal(i + 1))],
        )
        for i in range(50)
    ]
    assert services.post_entries_bulk(actor=None, entries=specs) == 100
    totals = selectors.ledger_totals()
    assert totals["line_debit"] == totals["balance_debit"] == totals["balance_credit"] == 1275


def test_balance_shards_sum_to_the_same_reports(books: Any, make_staff: Any) -> None:
    """Postings spread over balance shards (one per counter) give exactly the
    trial balance, cash book and ledger totals of postings kept on one row."""
    auditor = make_staff("auditor")
    cash_sale("100", date=dt.date(2025, 12, 20), balance_shard=services.balance_shard_for(7))
    for n, amount in enumerate(["250", "30", "12.5", "7.25"]):
        cash_sale(amount, date=dt.date(2026, 1, 5), balance_shard=services.balance_shard_for(n))
    cash_sale("40", date=dt.date(2026, 2, 5), balance_shard=services.balance_shard_for(33))
    rows = AccountBalance.objects.filter(account__code="1101", period__year=books)
    assert sorted(rows.values_list("shard", flat=True)) == [0, 1, 1, 2, 3]  # 33 → 1
    assert services.balance_shard_for(None) == 0

    totals = selectors.ledger_totals()
    assert totals["line_debit"] == totals["balance_debit"] == totals["balance_credit"]
    assert totals["balance_debit"] == Decimal("439.75")
    tb = selectors.trial_balance(user=auditor, year=books)
    cash = next(r for r in tb.rows if r["code"] == "1101")
    assert cash["opening_debit"] == 100 and cash["debit"] == Decimal("339.75")
    assert cash["closing_debit"] == Decimal("439.75") and tb.meta["balanced"]
    book = selectors.cash_book(
        user=auditor, date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 12, 31)
    )
    assert book.meta["opening"] == 100 and book.meta["closing"] == Decimal("439.75")
    ipsas = selectors.ipsas_cash_statement(user=auditor, year=books)
    assert ipsas.meta["closing"] == Decimal("439.75")
    with pytest.raises(ValueError):
        cash_sale("1", balance_shard=99)


def test_a_prepared_entry_posts_like_post_entry(books: Any) -> None:
    from django.db import transaction

    lines = [LineSpec("1101", debit=Decimal(5)), LineSpec("4101", credit=Decimal(5))]
    with transaction.atomic():
        prepared = services.prepare_entry(
            actor=None, date=DAY, lines=lines, idempotency_key="prep-1", balance_shard=4
        )
        assert prepared.entry.pk is None and not JournalEntry.objects.exists()
        entry = services.post_prepared(prepared)
    assert entry.number.startswith("JE-2026-") and entry.lines.count() == 2
    assert AccountBalance.objects.get(account__code="1101").shard == 4
    with transaction.atomic():  # a retry finds the posted entry and writes nothing
        again = services.prepare_entry(actor=None, date=DAY, lines=lines, idempotency_key="prep-1")
        assert services.post_prepared(again) == entry
    assert JournalEntry.objects.count() == 1
