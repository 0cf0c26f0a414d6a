"""Language, time zone and request context.

Arabic is the default. The language is chosen, in order, by the signed-in user's
saved preference, the language cookie, then the organisation's default; the
browser's Accept-Language is deliberately not used, so a municipal kiosk shows
Arabic unless someone switches.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from baladiya.core import context, selectors

SUPPORTED = {code for code, _name in settings.LANGUAGES}


def _activate(request: HttpRequest, language: str) -> None:
    translation.activate(language)
    request.LANGUAGE_CODE = translation.get_language()  # type: ignore[attr-defined]


class LanguageMiddleware:
    """Before authentication: the cookie or the default language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if language not in SUPPORTED:
            language = selectors.default_language()
        _activate(request, language)
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        patch_vary = response.headers.get("Vary", "")
        if "Cookie" not in patch_vary:
            response.headers["Vary"] = ", ".join(v for v in (patch_vary, "Cookie") if v)
        translation.deactivate()
        return response


class UserLanguageMiddleware:
    """After authentication: a signed-in user's saved preference wins."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        preferred = getattr(user, "preferred_language", "") if user is not None else ""
        if preferred in SUPPORTED and preferred != translation.get_language():
            _activate(request, preferred)
        return self.get_response(request)


class OrganisationMiddleware:
    """The organisation's time zone for display, and the client IP for the audit log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        tz_name = selectors.organisation_time_zone()
        try:
            timezone.activate(zoneinfo.ZoneInfo(tz_name))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        token = context.set_client_ip(request.META.get("REMOTE_ADDR"))
        try:
            return self.get_response(request)
        finally:
            context.reset(token)
            timezone.deactivate()
