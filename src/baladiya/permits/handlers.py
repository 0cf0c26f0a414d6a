"""The permits' reactions to other apps' events: a permit for a case opened by
the one-stop journey, fees raised when the engineer approves, the case moved on
when revenue reports the fees paid."""

from __future__ import annotations

from baladiya.core import api as core
from baladiya.permits import selectors, services
from baladiya.revenue import api as revenue
from baladiya.workflow import api as workflow


def on_case_opened(event: workflow.CaseOpened) -> None:
    if event.service_key in services.KIND_OF_SERVICE:
        services.adopt_case(case_id=event.case_id)


def on_case_transitioned(event: workflow.CaseTransitioned) -> None:
    if event.service_key not in services.KIND_OF_SERVICE or event.to_state != "fees-due":
        return
    permit = selectors.permit_id_of_case(event.case_id)
    if permit is not None:
        services.raise_fees(permit_id=permit)


def on_demand_settled(event: revenue.DemandSettled) -> None:
    if event.source_type != selectors.SOURCE_TYPE or event.status != revenue.DemandStatus.PAID:
        return
    services.record_payment(actor=None, permit_id=int(event.source_id))


def register() -> None:
    core.subscribe(workflow.CaseOpened, on_case_opened)
    core.subscribe(workflow.CaseTransitioned, on_case_transitioned)
    core.subscribe(revenue.DemandSettled, on_demand_settled)
