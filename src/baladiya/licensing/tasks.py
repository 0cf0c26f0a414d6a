"""Periodic licensing jobs (idempotent: running one twice changes nothing more)."""

from __future__ import annotations

from celery import shared_task

from baladiya.licensing import services


@shared_task(name="licensing.remind_and_expire")
def remind_and_expire() -> dict[str, int]:
    """Reminders 30 and 7 days before a licence expires; expiry after its last day."""
    return services.remind_and_expire()
