"""Correspondence background jobs (idempotent and restartable)."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from baladiya.config.celery import app
from baladiya.correspondence import services

REMIND_EVERY_SECONDS = 3 * 3600.0  # reminders go out once a day; the job may run often


@shared_task(name="correspondence.remind_overdue")
def remind_overdue() -> int:
    return services.remind_overdue()


@app.on_after_finalize.connect
def _schedule(sender: Any, **kwargs: Any) -> None:
    sender.add_periodic_task(
        REMIND_EVERY_SECONDS, remind_overdue.s(), name="correspondence-remind-overdue"
    )
