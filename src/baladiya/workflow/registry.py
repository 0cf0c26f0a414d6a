"""Pages that other apps provide for cases of their services (a complaint has its
own staff and applicant pages with a map, photos and a rating)."""

from __future__ import annotations

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
