"""Dates in the municipality's calendar: Gregorian, with the Hijri (Umm al-Qura)
date beside it for profiles that ask for it."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date
from django.utils.translation import gettext as _
from hijridate import Gregorian

HIJRI_MONTHS_AR = (
    "محرم",
    "صفر",
    "ربيع الأول",
    "ربيع الآخر",
    "جمادى الأولى",
    "جمادى الآخرة",
    "رجب",
    "شعبان",
    "رمضان",
    "شوال",
    "ذو القعدة",
    "ذو الحجة",
)
HIJRI_MONTHS_EN = (
    "Muharram",
    "Safar",
    "Rabi al-Awwal",
    "Rabi al-Thani",
    "Jumada al-Ula",
    "Jumada al-Akhirah",
    "Rajab",
    "Shaban",
    "Ramadan",
    "Shawwal",
    "Dhu al-Qadah",
    "Dhu al-Hijjah",
)


def to_hijri(day: dt.date) -> tuple[int, int, int] | None:
    """(year, month, day) in Umm al-Qura, or None outside its range (1343–1500 AH)."""
    try:
        hijri = Gregorian(day.year, day.month, day.day).to_hijri()
    except OverflowError:
        return None
    return hijri.year, hijri.month, hijri.day


def format_hijri(day: dt.date, language: str = "ar") -> str:
    parts = to_hijri(day)
    if parts is None:
        return ""
    year, month, mday = parts
    if language.startswith("ar"):
        return f"{mday} {HIJRI_MONTHS_AR[month - 1]} {year} هـ"
    return f"{mday} {HIJRI_MONTHS_EN[month - 1]} {year} AH"


def format_gregorian(day: dt.date, language: str = "ar") -> str:
    locale = "ar" if language.startswith("ar") else "en"
    text = format_date(day, format="long", locale=locale)
    return text if locale == "en" else _ascii_digits(text)


def format_dual(day: dt.date, language: str = "ar", *, hijri: bool = False) -> str:
    """The Gregorian date, followed by the Hijri date when ``hijri`` is set."""
    text = format_gregorian(day, language)
    if hijri:
        h = format_hijri(day, language)
        if h:
            text = _("%(gregorian)s (%(hijri)s)") % {"gregorian": text, "hijri": h}
    return text


def _ascii_digits(text: str) -> str:
    return text.translate({0x0660 + d: str(d) for d in range(10)})
