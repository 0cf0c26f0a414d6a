"""The workflow's own reactions to its events: tell the applicant what happened.

The handlers only queue a background task (one message), so telling the
applicant never slows down the clerk who moved the case; the task is idempotent.
"""

from __future__ import annotations

from baladiya.core import api as core
from baladiya.workflow import events, tasks


def on_opened(event: events.CaseOpened) -> None:
    tasks.notify_applicant.delay(event.history_id)


def on_transitioned(event: events.CaseTransitioned) -> None:
    tasks.notify_applicant.delay(event.history_id)


def register() -> None:
    core.subscribe(events.CaseOpened, on_opened)
    core.subscribe(events.CaseTransitioned, on_transitioned)
