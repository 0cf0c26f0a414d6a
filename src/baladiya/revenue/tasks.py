"""Periodic revenue jobs (idempotent: running one twice changes nothing more)."""

from __future__ import annotations

from celery import shared_task

from baladiya.revenue import services


@shared_task(name="revenue.apply_penalties")
def apply_penalties() -> int:
    """Late-payment lines on overdue demands, per the active penalty rules."""
    return services.apply_penalties(actor=None)


@shared_task(name="revenue.reconcile_online_payments")
def reconcile_online_payments() -> dict[str, int]:
    """Settle, fail or expire online payments the gateway never called back about."""
    return services.reconcile_online_payments()
