"""The periodic revenue jobs are registered, scheduled and safe to run twice."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from baladiya.config.celery import app
from baladiya.revenue import tasks

pytestmark = pytest.mark.django_db


def test_periodic_jobs_are_scheduled_and_registered() -> None:
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "revenue.apply_penalties",
        "revenue.reconcile_online_payments",
        "workflow.escalate_overdue",
        "core.retry_deliveries",
    } <= scheduled
    app.loader.import_default_modules()
    assert scheduled <= set(app.tasks)


def test_running_the_jobs_twice_changes_nothing_the_second_time(org_ps: Any) -> None:
    first = tasks.apply_penalties.delay().get()
    assert tasks.apply_penalties.delay().get() == 0
    assert first >= 0
    assert tasks.reconcile_online_payments.delay().get() == {"paid": 0, "failed": 0, "expired": 0}
