"""The workflow's own reactions to its events: tell the applicant what happened,
tell the people a case was escalated to."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from baladiya.core import api as core
from baladiya.workflow import events
from baladiya.workflow.models import Case, CaseEvent


def _link(case: Case) -> str:
    return reverse("workflow:my-case", args=[case.reference])


def on_opened(event: events.CaseOpened) -> None:
    case = Case.objects.select_related("applicant").get(pk=event.case_id)
    if case.applicant is None:
        return
    core.notify(
        event_key=f"case:{case.reference}:opened",
        party=case.applicant,
        subject=_("Request %(reference)s received"),
        body=_(
            "We received your request %(reference)s. You can follow it with its reference "
            "number on the municipality's website."
        ),
        params={"reference": case.reference},
        link=_link(case),
    )


def on_transitioned(event: events.CaseTransitioned) -> None:
    case = Case.objects.select_related("applicant", "state").get(pk=event.case_id)
    if case.applicant is None:
        return
    last = CaseEvent.objects.filter(case=case, kind="action").order_by("-at", "-pk").first()
    core.notify(
        event_key=f"case:{case.reference}:event:{last.pk if last else 0}",
        party=case.applicant,
        subject=_("Request %(reference)s: %(state)s"),
        body=_("The status of your request %(reference)s is now: %(state)s."),
        params={"reference": case.reference, "state": case.state},
        link=_link(case),
    )


def register() -> None:
    core.subscribe(events.CaseOpened, on_opened)
    core.subscribe(events.CaseTransitioned, on_transitioned)
