from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import translation

from baladiya.core import navigation, selectors


def shell(request: HttpRequest) -> dict[str, Any]:
    """What every page of the shell needs: the organisation, direction, staff menu."""
    user = getattr(request, "user", None)
    is_staff_area = request.path.startswith("/staff/")
    return {
        "organisation": selectors.organisation(),
        "text_direction": "rtl" if translation.get_language_bidi() else "ltr",
        "staff_menu": navigation.staff_menu(user) if user and user.is_authenticated else [],
        "is_staff_area": is_staff_area,
        "unread_notifications": selectors.unread_count(user) if user else 0,
    }
