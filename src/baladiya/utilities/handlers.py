"""Reactions to other apps' events and hooks on the connection process."""

from __future__ import annotations

from baladiya.core import api as core
from baladiya.utilities import selectors, services
from baladiya.utilities.apps import CONNECTION_SERVICES, TRANSFER_SERVICE
from baladiya.workflow import api as workflow


def on_case_opened(event: workflow.CaseOpened) -> None:
    """A new connection case registers the connection it applies for."""
    if event.service_key in CONNECTION_SERVICES:
        services.connection_from_case(case=selectors.case_row(event.case_id))


def connect() -> None:
    core.subscribe(workflow.CaseOpened, on_case_opened)
    for service in CONNECTION_SERVICES:
        workflow.register_action_hooks(service, "approve", effect=services.approve_effect)
        workflow.register_action_hooks(
            service, "connect", guard=services.check_connect, effect=services.connect_effect
        )
        workflow.register_action_hooks(service, "suspend", effect=services.suspend_effect)
        workflow.register_action_hooks(service, "reactivate", effect=services.reactivate_effect)
        for action in ("close", "close-suspended", "reject"):
            workflow.register_action_hooks(service, action, effect=services.close_effect)
    workflow.register_action_hooks(TRANSFER_SERVICE, "approve", effect=services.transfer_effect)
