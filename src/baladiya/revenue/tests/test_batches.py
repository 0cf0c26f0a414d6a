"""A batch of demands (create_demands) written from plain rows: COPY on
PostgreSQL, one executemany elsewhere. The rows are those bulk_create would
write, the demands returned are the rows as stored, and the table's id sequence
stays ahead of the ids the batch took."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from baladiya.revenue import services
from baladiya.revenue.models import Demand, DemandLine, DemandStatus, RevenueHead

pytestmark = pytest.mark.django_db

DEMAND_SKIP = ("id", "number", "idempotency_key", "source_id", "created_at")


def specs(party: Any, count: int, tag: str = "bill") -> list[services.DemandSpec]:
    return [
        services.DemandSpec(
            party_id=party.pk,
            lines=[
                services.DemandLineSpec(
                    head="water",
                    amount=Decimal("10.505"),
                    quantity=Decimal("7.25"),
                    description="استهلاك 0–10 بسعر 2",
                ),
                services.DemandLineSpec(head="shop-licence", amount=Decimal(2)),
            ],
            due_date=dt.date(2026, 2, 20),
            description="فاتورة مياه 2026-01",
            source_type="utilities.connectionbill",
            source_id=f"{tag}:{n}",
            period_from=dt.date(2026, 1, 1),
            period_to=dt.date(2026, 1, 31),
            idempotency_key=f"{tag}:{n}",
        )
        for n in range(count)
    ]


def test_a_batch_writes_the_rows_bulk_create_would(heads: Any, party: Any) -> None:
    [made] = services.create_demands(actor=None, specs=specs(party, 1))
    water, licence = heads["water"], heads["licence"]
    [reference] = Demand.objects.bulk_create(
        [
            Demand(
                number="reference",
                party=party,
                source_type="utilities.connectionbill",
                source_id="reference",
                description="فاتورة مياه 2026-01",
                period_from=dt.date(2026, 1, 1),
                period_to=dt.date(2026, 1, 31),
                due_date=dt.date(2026, 2, 20),
                currency="ILS",
                total=Decimal("12.51"),
            )
        ]
    )
    if reference.pk is None:
        reference = Demand.objects.get(number="reference")
    DemandLine.objects.bulk_create(
        [
            DemandLine(
                demand=reference,
                head=water,
                amount=Decimal("10.51"),
                quantity=Decimal("7.25"),
                description="استهلاك 0–10 بسعر 2",
            ),
            # a line without a description takes the head's name
            DemandLine(
                demand=reference, head=licence, amount=Decimal(2), description=licence.name_ar
            ),
        ]
    )
    ours, theirs = (Demand.objects.filter(pk=pk).values().get() for pk in (made.pk, reference.pk))
    assert ours["status"] == DemandStatus.OPEN and ours["total"] == Decimal("12.51")
    assert {k: v for k, v in ours.items() if k not in DEMAND_SKIP} == {
        k: v for k, v in theirs.items() if k not in DEMAND_SKIP
    }
    assert abs(ours["created_at"] - timezone.now()) < dt.timedelta(minutes=1)

    def lines(demand: Any) -> list[dict[str, Any]]:
        rows = DemandLine.objects.filter(demand=demand).order_by("pk").values()
        return [{k: v for k, v in row.items() if k not in ("id", "demand_id")} for row in rows]

    assert lines(made) == lines(reference)


def test_the_demands_returned_are_the_rows_stored(heads: Any, party: Any) -> None:
    made = services.create_demands(actor=None, specs=specs(party, 3))
    assert len({d.pk for d in made}) == 3
    for demand in made:
        stored = Demand.objects.get(pk=demand.pk)
        for field in Demand._meta.concrete_fields:
            assert getattr(demand, field.attname) == getattr(stored, field.attname), field.name
        assert not demand._state.adding
        assert demand.lines.count() == 2


def test_demands_raised_after_a_batch_get_fresh_ids(heads: Any, party: Any) -> None:
    made = services.create_demands(actor=None, specs=specs(party, 3))
    single = services.create_demand(
        actor=None,
        party=party,
        lines=[services.DemandLineSpec(head="water", amount=Decimal(5))],
        due_date=timezone.localdate(),
    )
    again = services.create_demands(actor=None, specs=specs(party, 2, tag="next"))
    ids = [d.pk for d in made] + [single.pk] + [d.pk for d in again]
    assert ids == sorted(ids) and len(set(ids)) == 6
    numbers = [d.number for d in made] + [single.number] + [d.number for d in again]
    assert [int(n[-7:]) for n in numbers] == list(range(1, 7))  # gap-free across both ways


def test_a_head_that_is_not_active_refuses_the_batch(heads: Any, party: Any) -> None:
    RevenueHead.objects.filter(code="water").update(is_active=False)
    with pytest.raises(services.RevenueError):
        services.create_demands(actor=None, specs=specs(party, 1))
    assert not Demand.objects.exists()


@pytest.mark.postgres
def test_a_batch_is_streamed_with_copy_on_postgresql(heads: Any, party: Any) -> None:
    with CaptureQueriesContext(connection) as queries:
        made = services.create_demands(actor=None, specs=specs(party, 4))
    statements = [q["sql"] for q in queries.captured_queries]
    assert any(s.startswith('COPY "revenue_demand"') for s in statements)
    assert any(s.startswith('COPY "revenue_demandline"') for s in statements)
    assert not any(
        s.startswith(('INSERT INTO "revenue_demand', 'INSERT INTO "revenue_demandline'))
        for s in statements
    )
    assert DemandLine.objects.filter(demand__in=made).count() == 8
