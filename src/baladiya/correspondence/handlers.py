"""Reactions to other apps' events: a referral moved on the workflow engine (from
any page or API) brings its letter's status up to date."""

from __future__ import annotations

from baladiya.core import api as core
from baladiya.correspondence import services
from baladiya.correspondence.models import Referral
from baladiya.correspondence.selectors import PROCESS_KEY
from baladiya.workflow import api as workflow


def on_transitioned(event: workflow.CaseTransitioned) -> None:
    if event.service_key != PROCESS_KEY:
        return
    letter_id = Referral.objects.filter(case_id=event.case_id).values_list("letter_id", flat=True)
    for pk in letter_id:
        services.sync_status(letter_id=pk)


def register() -> None:
    core.subscribe(workflow.CaseTransitioned, on_transitioned)
