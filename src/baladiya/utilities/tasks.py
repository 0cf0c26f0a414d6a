"""Background jobs of the utilities app (idempotent and restartable)."""

from __future__ import annotations

from celery import shared_task

from baladiya.utilities import services


@shared_task(name="utilities.run_billing", acks_late=True)
def run_billing(run_id: int) -> int:
    """Bill what is left of a billing run; safe to run again after a crash."""
    return services.execute_billing_run(run_id=run_id).billed
