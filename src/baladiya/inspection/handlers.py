"""Reactions to other apps' events: a paid fine marks its violation paid; an
objection filed through the one-stop shop's form is linked to its violation; a
revenue amendment decided by the finance manager amends the violation's fine."""

from __future__ import annotations

from baladiya.core import api as core
from baladiya.inspection import services
from baladiya.revenue import api as revenue
from baladiya.workflow import api as workflow


def on_demand_settled(event: revenue.DemandSettled) -> None:
    if event.source_type == "inspection.violation" and event.status == "paid":
        services.mark_paid(violation_id=int(event.source_id))


def on_case_opened(event: workflow.CaseOpened) -> None:
    if event.service_key == services.SERVICE_KEY:
        services.link_journey_case(case_id=event.case_id)


def on_case_transitioned(event: workflow.CaseTransitioned) -> None:
    if event.service_key == "revenue-amendment" and event.terminal:
        services.amendment_decided(
            amendment_case_id=event.case_id, approved=event.to_state == "approved"
        )


def register() -> None:
    core.subscribe(revenue.DemandSettled, on_demand_settled)
    core.subscribe(workflow.CaseOpened, on_case_opened)
    core.subscribe(workflow.CaseTransitioned, on_case_transitioned)
