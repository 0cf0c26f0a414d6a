"""Reference numbers: gap-free and safe under concurrency."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from baladiya.core.models import Sequence
from baladiya.core.services import next_number, next_numbers, next_reference


@pytest.mark.django_db
def test_numbers_follow_each_other_per_key() -> None:
    with transaction.atomic():
        assert [next_number(key="a") for _ in range(3)] == [1, 2, 3]
        assert next_number(key="b") == 1


@pytest.mark.django_db
def test_a_block_of_numbers_is_reserved_in_one_step() -> None:
    with transaction.atomic():
        assert next_numbers(key="batch", count=5) == 1  # 1–5
        assert next_number(key="batch") == 6
        assert next_numbers(key="batch", count=3) == 7  # 7–9
        with pytest.raises(ValueError):
            next_numbers(key="batch", count=0)


@pytest.mark.django_db
def test_reference_format_per_prefix_year_and_branch() -> None:
    with transaction.atomic():
        assert next_reference(prefix="TAF", year=2026) == "TAF-2026-000001"
        assert next_reference(prefix="TAF", year=2026) == "TAF-2026-000002"
        assert next_reference(prefix="TAF", year=2027) == "TAF-2027-000001"
        assert next_reference(prefix="QTF", year=2026, branch_code="SHT") == "QTF-SHT-2026-000001"


@pytest.mark.django_db
def test_a_rolled_back_transaction_gives_its_number_back() -> None:
    with transaction.atomic():
        assert next_number(key="receipts") == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        assert next_number(key="receipts") == 2
        raise RuntimeError("payment failed")
    with transaction.atomic():
        assert next_number(key="receipts") == 2  # no gap


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError, match=r"inside transaction\.atomic"):
        next_number(key="x")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_threads_take_1000_distinct_numbers_without_a_gap() -> None:
    """Two threads × 500 numbers from one gap-free sequence, each number in its own
    transaction; one in ten transactions rolls back after taking its number."""
    taken: list[list[int]] = [[], []]
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def worker(slot: int) -> None:
        try:
            barrier.wait()
            attempt = 0
            while len(taken[slot]) < 500:
                attempt += 1
                try:
                    with transaction.atomic():
                        number = next_number(key="receipt:HQ:2026")
                        if attempt % 10 == 0:
                            raise _Rollback
                except _Rollback:
                    continue
                taken[slot].append(number)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(slot,)) for slot in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    numbers = taken[0] + taken[1]
    assert len(numbers) == 1000
    assert sorted(numbers) == list(range(1, 1001))  # distinct, and no gap
    assert Sequence.objects.get(key="receipt:HQ:2026").last_value == 1000
    # Both threads really ran concurrently: each got numbers from across the range.
    assert min(taken[0]) < 500 and min(taken[1]) < 500


class _Rollback(Exception):
    pass
