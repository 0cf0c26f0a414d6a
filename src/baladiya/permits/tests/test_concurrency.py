"""Races that only a real database with row locks can show."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from baladiya.permits import services
from baladiya.permits.models import DepositRefund
from baladiya.permits.tests.test_permits import excavation, issued

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_clerks_refunding_the_same_deposit_make_one_refund(
    town: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    permit = issued(town, excavation(town), django_capture_on_commit_callbacks)
    services.record_inspection(
        actor=town["inspector"], permit_id=permit.pk, stage="reinstatement", result="passed"
    )
    barrier = threading.Barrier(2)
    results: list[Any] = []

    def refund() -> None:
        try:
            barrier.wait()
            results.append(services.refund_deposit(actor=town["accountant"], permit_id=permit.pk))
        except Exception as exc:
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=refund) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(isinstance(r, DepositRefund) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert DepositRefund.objects.count() == 1
