"""What other apps plug into the engine: their own pages for cases of their
services (a complaint has its own staff and applicant pages with a map, photos and
a rating), and hooks on actions — a guard that may refuse an action with a
reason, and an effect that runs inside the action's transaction (so the case
never moves without its effect, e.g. an approved write-off applied to the
demand)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse

_PAGES: dict[str, tuple[str, str]] = {}


def register_case_pages(service_key: str, *, staff: str, applicant: str) -> None:
    _PAGES[service_key] = (staff, applicant)


def staff_url(service_key: str, reference: str) -> str:
    name = _PAGES.get(service_key, ("workflow:staff-case", ""))[0]
    return reverse(name, args=[reference])


def applicant_url(service_key: str, reference: str) -> str:
    name = _PAGES.get(service_key, ("", "workflow:my-case"))[1]
    return reverse(name, args=[reference])


def has_own_pages(service_key: str) -> bool:
    return service_key in _PAGES


# guard(actor, case, action) raises ValidationError/AccessDenied to refuse;
# effect(actor, case, action, comment) does the app's part of the action.
Guard = Callable[[Any, Any, Any], None]
Effect = Callable[[Any, Any, Any, str], None]
_GUARDS: dict[tuple[str, str], list[Guard]] = {}
_EFFECTS: dict[tuple[str, str], list[Effect]] = {}


def register_action_hooks(
    service_key: str, action_key: str, *, guard: Guard | None = None, effect: Effect | None = None
) -> None:
    if guard is not None and guard not in _GUARDS.setdefault((service_key, action_key), []):
        _GUARDS[(service_key, action_key)].append(guard)
    if effect is not None and effect not in _EFFECTS.setdefault((service_key, action_key), []):
        _EFFECTS[(service_key, action_key)].append(effect)


def guards(service_key: str, action_key: str) -> list[Guard]:
    return _GUARDS.get((service_key, action_key), [])


def effects(service_key: str, action_key: str) -> list[Effect]:
    return _EFFECTS.get((service_key, action_key), [])


# Catalogue services whose process an app defines itself (a permit, a licence):
# the standard installation installs the app's own process for them, never the
# generic application process.
ProcessSpec = Callable[[str], dict[str, Any]]
_OWN_PROCESSES: dict[str, ProcessSpec] = {}


def claim_processes(*service_keys: str, spec: ProcessSpec) -> None:
    """``spec(service_key)`` returns the app's process definition for the key."""
    for key in service_keys:
        _OWN_PROCESSES[key] = spec


def claimed_processes() -> dict[str, ProcessSpec]:
    return dict(_OWN_PROCESSES)
