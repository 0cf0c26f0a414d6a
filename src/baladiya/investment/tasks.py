"""Periodic investment jobs (idempotent: a second run raises nothing more)."""

from __future__ import annotations

from celery import shared_task

from baladiya.investment import services


@shared_task(name="investment.raise_due_rent")
def raise_due_rent() -> int:
    """Rent demands for the instalments falling due within the next month."""
    return services.raise_due_rent()
