"""Real concurrency on PostgreSQL: a licence issued by several workers at once
gets one number; a renewal asked twice at once opens one case."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from baladiya.licensing import services
from baladiya.licensing.models import Licence
from baladiya.revenue import api as revenue
from baladiya.workflow import api as workflow

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(count: int, job: Callable[[], Any]) -> tuple[list[Any], list[BaseException]]:
    barrier = threading.Barrier(count)
    results: list[Any] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(job())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_concurrent_issue_gives_one_number_and_concurrent_renewal_one_case(
    town: dict[str, Any],
) -> None:
    licence = services.apply_for_licence(
        actor=town["owner"], name="مخبز الفجر", activity="bakery", area="60", address="تفوح"
    )
    for actor, action in (
        (town["clerk"], "accept"),
        (town["hlt_inspector"], "pass-inspection"),
        (town["hlt_head"], "approve"),
    ):
        workflow.take_action(actor=actor, case_id=licence.case_id, action_key=action)
    results, errors = race(8, lambda: services.issue_licence(licence_id=licence.pk).number)
    assert errors == []
    assert len(set(results)) == 1 and results[0].endswith("-000001")
    licence.refresh_from_db()
    assert licence.case.state.key == "issued"
    revenue.take_payment(
        actor=None,
        party=licence.holder,
        amount=revenue.amount_owed(licence.holder),
        tender="cash",
        channel="bank",
        branch=town["hq"],
        idempotency_key="bakery-fee",
    )

    results, errors = race(
        6,
        lambda: services.apply_for_renewal(actor=town["owner"], licence_id=licence.pk).pk,
    )
    assert errors == []
    assert len(set(results)) == 1
    assert Licence.objects.filter(previous=licence).count() == 1
