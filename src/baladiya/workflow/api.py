"""The workflow app's public surface for other apps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from baladiya.core.api import User
from baladiya.workflow.events import (
    CaseAssigned,
    CaseEscalated,
    CaseOpened,
    CaseTransitioned,
)
from baladiya.workflow.registry import (
    applicant_url,
    claim_processes,
    claimed_processes,
    register_action_hooks,
    register_case_pages,
    staff_url,
)
from baladiya.workflow.selectors import (
    active_definition,
    available_actions,
    case_for,
    cases_of,
    documents_of,
    history,
    inbox,
    is_applicant,
    track,
    waiting_for_applicant,
)
from baladiya.workflow.services import (
    add_attachment,
    assign,
    install_definition,
    may_take,
    open_case,
    take_action,
)

PROCESSES = Path(__file__).resolve().parent / "data" / "processes"


def process_spec(name: str) -> dict[str, Any]:
    return yaml.safe_load((PROCESSES / f"{name}.yaml").read_text(encoding="utf-8"))


def install_standard_processes(*, actor: User | None, services: list[Any]) -> int:
    """Install the complaint process and the standard application process for every
    catalogue service that takes a decision (has a time limit); a service whose app
    defines its own process (:func:`claim_processes`) gets that one. Idempotent."""
    installed = 0
    install_definition(actor=actor, spec=process_spec("complaint"))
    template = process_spec("application")
    own = claimed_processes()
    for service in services:
        if service.key in own:
            install_definition(actor=actor, spec=own[service.key](service.key))
            installed += 1
            continue
        if service.key == "complaint" or not service.sla_days:
            continue
        department = {
            "building": "ENG",
            "licenses": "HLT",
            "utilities": "WAT",
            "investment": "INV",
            "payments": "REV",
            "employee": "HR",
            "inquiries": "CS",
        }.get(service.category.key, "CS")
        spec = {
            **template,
            "key": service.key,
            "name_ar": service.name_ar,
            "name_en": service.name_en,
            "sla_hours": service.sla_days * 24,
            "department": department,
        }
        install_definition(actor=actor, spec=spec)
        installed += 1
    return installed + 1


__all__ = [
    "CaseAssigned",
    "CaseEscalated",
    "CaseOpened",
    "CaseTransitioned",
    "active_definition",
    "add_attachment",
    "applicant_url",
    "assign",
    "available_actions",
    "case_for",
    "cases_of",
    "claim_processes",
    "documents_of",
    "history",
    "inbox",
    "install_definition",
    "install_standard_processes",
    "is_applicant",
    "may_act",
    "open_case",
    "process_spec",
    "register_action_hooks",
    "register_case_pages",
    "staff_url",
    "take_action",
    "track",
    "waiting_for",
]

may_act = may_take
waiting_for = waiting_for_applicant
