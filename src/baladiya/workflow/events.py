"""What happened to a case, published after the transaction commits."""

from __future__ import annotations

from dataclasses import dataclass

from baladiya.core.api import publish

__all__ = ["CaseAssigned", "CaseEscalated", "CaseOpened", "CaseTransitioned", "publish"]


@dataclass(frozen=True)
class CaseOpened:
    case_id: int
    reference: str
    service_key: str
    history_id: int


@dataclass(frozen=True)
class CaseTransitioned:
    case_id: int
    reference: str
    service_key: str
    action_key: str
    from_state: str
    to_state: str
    actor_id: int | None
    terminal: bool
    history_id: int


@dataclass(frozen=True)
class CaseAssigned:
    case_id: int
    reference: str
    assignee_id: int | None


@dataclass(frozen=True)
class CaseEscalated:
    case_id: int
    reference: str
    state: str
    to_role: str
