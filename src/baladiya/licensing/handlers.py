"""Licensing's reactions to other apps' events (registered in ``apps.py``):
a case reaching "awaiting payment" raises the fee, a fee paid issues the
licence, a rejected case closes the application, a case opened from the
one-stop shop's form gets its establishment."""

from __future__ import annotations

from baladiya.core import api as core
from baladiya.licensing import services
from baladiya.revenue import api as revenue
from baladiya.workflow import api as workflow

LICENCE_SERVICES = {services.NEW, services.RENEW}
CERTIFICATE_SERVICES = {services.HEALTH_NEW, services.HEALTH_RENEW}


def on_case_opened(event: workflow.CaseOpened) -> None:
    if event.service_key in services.PROCESSES:
        services.adopt_case(case_id=event.case_id, service_key=event.service_key)


def on_case_transitioned(event: workflow.CaseTransitioned) -> None:
    if event.service_key in LICENCE_SERVICES:
        if event.to_state == "awaiting-payment":
            services.raise_licence_fee(case_id=event.case_id)
        elif event.to_state == "rejected":
            services.close_refused(case_id=event.case_id)
    elif event.service_key in CERTIFICATE_SERVICES:
        if event.to_state == "awaiting-payment":
            services.raise_certificate_fee(case_id=event.case_id)
        elif event.action_key in ("fit", "unfit"):
            services.certificate_from_case(case_id=event.case_id, action_key=event.action_key)
    elif event.service_key == services.CANCEL:
        if event.to_state == "approved":
            services.cancel_from_case(case_id=event.case_id)
    elif event.service_key == services.TRANSFER:
        if event.to_state == "approved":
            services.transfer_from_case(case_id=event.case_id)
    elif event.service_key == services.BILLBOARD:
        if event.to_state == "awaiting-payment":
            services.raise_billboard_fee(case_id=event.case_id)
        elif event.to_state == "rejected":
            services.close_refused(case_id=event.case_id)


def on_demand_settled(event: revenue.DemandSettled) -> None:
    if event.source_type.startswith("licensing."):
        services.settle(source_type=event.source_type, source_id=event.source_id)


def register() -> None:
    core.subscribe(workflow.CaseOpened, on_case_opened)
    core.subscribe(workflow.CaseTransitioned, on_case_transitioned)
    core.subscribe(revenue.DemandSettled, on_demand_settled)
