"""Workflow background jobs (idempotent: safe to run twice)."""

from __future__ import annotations

from celery import shared_task
from django.utils.translation import gettext_lazy as _

from baladiya.core import api as core
from baladiya.workflow import registry, services
from baladiya.workflow.models import CaseEvent


@shared_task(name="workflow.escalate_overdue")
def escalate_overdue() -> int:
    return services.escalate_overdue()


@shared_task(name="workflow.notify_applicant", acks_late=True)
def notify_applicant(history_id: int) -> bool:
    """Tell the applicant about one step of his case, in his language.

    Keyed by the step, so a retried task never sends the same message twice.
    """
    step = (
        CaseEvent.objects.select_related("case", "case__applicant", "to_state")
        .filter(pk=history_id)
        .first()
    )
    if step is None or step.case.applicant is None:
        return False
    case = step.case
    link = registry.applicant_url(case.service_key, case.reference)
    if step.kind == "submitted":
        subject = _("Request %(reference)s received")
        body = _(
            "We received your request %(reference)s. You can follow it with its reference "
            "number on the municipality's website."
        )
    else:
        subject = _("Request %(reference)s: %(state)s")
        body = _("The status of your request %(reference)s is now: %(state)s.")
    note = core.notify(
        event_key=f"case:{case.reference}:event:{step.pk}",
        party=case.applicant,
        subject=subject,
        body=body,
        params={"reference": case.reference, "state": step.to_state},
        link=link,
    )
    return note is not None
