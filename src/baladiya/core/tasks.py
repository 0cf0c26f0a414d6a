"""Background jobs of the core app (idempotent: safe to run twice)."""

from __future__ import annotations

from celery import shared_task

from baladiya.core import notifications


@shared_task(name="core.deliver", acks_late=True)
def deliver(delivery_id: int) -> str:
    return notifications.attempt(delivery_id)


@shared_task(name="core.retry_deliveries")
def retry_deliveries() -> int:
    due = notifications.due_retries()
    for delivery_id in due:
        notifications.attempt(delivery_id)
    return len(due)
