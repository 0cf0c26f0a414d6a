"""Periodic workflow jobs (idempotent)."""

from __future__ import annotations

from celery import shared_task

from baladiya.workflow import services


@shared_task(name="workflow.escalate_overdue")
def escalate_overdue() -> int:
    return services.escalate_overdue()
