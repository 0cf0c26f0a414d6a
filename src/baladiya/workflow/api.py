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
from baladiya.workflow.selectors import (
    active_definition,
    available_actions,
    case_for,
    cases_of,
    track,
)
from baladiya.workflow.services import (
    add_attachment,
    assign,
    install_definition,
    open_case,
    take_action,
)

PROCESSES = Path(__file__).resolve().parent / "data" / "processes"


def process_spec(name: str) -> dict[str, Any]:
    return yaml.safe_load((PROCESSES / f"{name}.yaml").read_text(encoding="utf-8"))


def install_standard_processes(*, actor: User | None, services: list[Any]) -> int:
    """Install the complaint process and the standard application process for every
    catalogue service that takes a decision (has a time limit). Idempotent."""
    installed = 0
    install_definition(actor=actor, spec=process_spec("complaint"))
    template = process_spec("application")
    for service in services:
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
    "assign",
    "available_actions",
    "case_for",
    "cases_of",
    "install_definition",
    "install_standard_processes",
    "open_case",
    "process_spec",
    "take_action",
    "track",
]
