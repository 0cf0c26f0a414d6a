"""Template helpers: money in the reader's locale, dual Gregorian/Hijri dates."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone, translation

from baladiya.core import selectors
from baladiya.core.calendars import format_dual
from baladiya.core.money import format_money

register = template.Library()


@register.filter
def money(amount: object, currency: str | None = None) -> str:
    if amount is None or amount == "":
        return ""
    if not currency:
        org = selectors.organisation()
        currency = org.currency if org else "ILS"
    return format_money(amount, currency, translation.get_language() or "ar")


@register.filter
def dual_date(value: dt.date | dt.datetime | None) -> str:
    """The date in the reader's language, with the Hijri date where the profile asks."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    org = selectors.organisation()
    return format_dual(
        value, translation.get_language() or "ar", hijri=bool(org and org.shows_hijri)
    )
