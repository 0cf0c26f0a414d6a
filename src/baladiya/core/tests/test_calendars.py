"""Gregorian and Hijri (Umm al-Qura) dates, and the template filters that show them."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import timezone, translation
from hijridate import Hijri

from baladiya.core.calendars import (
    HIJRI_MONTHS_AR,
    HIJRI_MONTHS_EN,
    format_dual,
    format_gregorian,
    format_hijri,
    to_hijri,
)

DAY = dt.date(2026, 11, 22)


# --- conversion --------------------------------------------------------------------------


def test_to_hijri_known_date() -> None:
    # 22 November 2026 is 12 Jumada al-Akhirah 1448 (Umm al-Qura), cross-checked
    # against hijridate's own table in the reverse direction.
    assert to_hijri(DAY) == (1448, 6, 12)
    assert Hijri(1448, 6, 12).to_gregorian().datetuple() == (2026, 11, 22)
    assert HIJRI_MONTHS_EN[6 - 1] == "Jumada al-Akhirah"
    assert HIJRI_MONTHS_AR[6 - 1] == "جمادى الآخرة"


@pytest.mark.parametrize(
    "hijri",
    [(1447, 9, 1), (1447, 10, 1), (1446, 12, 10), (1448, 1, 1), (1450, 7, 29), (1400, 1, 1)],
)
def test_to_hijri_round_trips_with_hijridate(hijri: tuple[int, int, int]) -> None:
    gregorian = Hijri(*hijri).to_gregorian()
    assert to_hijri(dt.date(*gregorian.datetuple())) == hijri


def test_consecutive_days_advance_by_one_hijri_day() -> None:
    # Over a Hijri year, every day is the next day of the same month, or the 29th/30th
    # is followed by the 1st of the next month: no gap, no repeat.
    day = dt.date(2026, 6, 1)
    previous = to_hijri(day)
    for _ in range(360):
        day += dt.timedelta(days=1)
        current = to_hijri(day)
        assert previous is not None and current is not None
        year, month, mday = previous
        next_month = (year + 1, 1, 1) if month == 12 else (year, month + 1, 1)
        assert current == (year, month, mday + 1) or (mday in (29, 30) and current == next_month)
        previous = current


@pytest.mark.parametrize("day", [dt.date(1900, 1, 1), dt.date(2100, 1, 1)])
def test_outside_umm_al_qura_range(day: dt.date) -> None:
    assert to_hijri(day) is None
    assert format_hijri(day) == ""
    assert format_dual(day, "en", hijri=True) == format_gregorian(day, "en")


# --- formatting --------------------------------------------------------------------------


def test_format_hijri_both_languages() -> None:
    assert format_hijri(DAY, "ar") == "12 جمادى الآخرة 1448 هـ"
    assert format_hijri(DAY, "en") == "12 Jumada al-Akhirah 1448 AH"


def test_format_gregorian_english() -> None:
    assert format_gregorian(DAY, "en") == "November 22, 2026"


def test_format_gregorian_arabic_uses_latin_digits() -> None:
    text = format_gregorian(DAY, "ar")
    assert "نوفمبر" in text
    assert "22" in text and "2026" in text
    assert not any("\u0660" <= ch <= "\u0669" for ch in text)


def test_format_dual_without_hijri() -> None:
    assert format_dual(DAY, "en") == "November 22, 2026"
    assert "1448" not in format_dual(DAY, "ar")


def test_format_dual_with_hijri() -> None:
    with translation.override("en"):
        assert format_dual(DAY, "en", hijri=True) == (
            "November 22, 2026 (12 Jumada al-Akhirah 1448 AH)"
        )
    with translation.override("ar"):
        text = format_dual(DAY, "ar", hijri=True)
    assert text.startswith(format_gregorian(DAY, "ar"))
    assert "12 جمادى الآخرة 1448 هـ" in text


# --- template filters --------------------------------------------------------------------


def render(source: str, **context: object) -> str:
    return Template("{% load baladiya %}" + source).render(Context(context))


def test_dual_date_filter_with_hijri_profile(org_sa) -> None:  # type: ignore[no-untyped-def]
    with translation.override("en"):
        assert render("{{ d|dual_date }}", d=DAY) == (
            "November 22, 2026 (12 Jumada al-Akhirah 1448 AH)"
        )
    with translation.override("ar"):
        assert "جمادى الآخرة" in render("{{ d|dual_date }}", d=DAY)


def test_dual_date_filter_gregorian_profile(org_ps) -> None:  # type: ignore[no-untyped-def]
    with translation.override("en"):
        assert render("{{ d|dual_date }}", d=DAY) == "November 22, 2026"


def test_dual_date_filter_converts_aware_datetimes_to_local_date(org_sa) -> None:  # type: ignore[no-untyped-def]
    # 21 Nov 22:30 UTC is already 22 Nov in Riyadh (UTC+3).
    moment = dt.datetime(2026, 11, 21, 22, 30, tzinfo=dt.UTC)
    with translation.override("en"), timezone.override(zoneinfo.ZoneInfo("Asia/Riyadh")):
        assert render("{{ d|dual_date }}", d=moment).startswith("November 22, 2026 (12 ")
    with translation.override("en"), timezone.override(zoneinfo.ZoneInfo("UTC")):
        assert render("{{ d|dual_date }}", d=moment).startswith("November 21, 2026 (11 ")


def test_dual_date_filter_empty(db) -> None:  # type: ignore[no-untyped-def]
    assert render("[{{ d|dual_date }}]", d=None) == "[]"


def test_money_filter_uses_the_organisation_currency(org_sa) -> None:  # type: ignore[no-untyped-def]
    with translation.override("en"):
        assert render("{{ a|money }}", a=Decimal("1234.5")) == "SAR1,234.50"
        assert render('{{ a|money:"JOD" }}', a=Decimal("2.5")) == "JOD2.500"
    with translation.override("ar"):
        text = render("{{ a|money }}", a=Decimal("1234.5"))
    assert "1,234.50" in text
    assert "ر.س" in text


def test_money_filter_gregorian_profile_in_shekels(org_ps) -> None:  # type: ignore[no-untyped-def]
    with translation.override("en"):
        assert render("{{ a|money }}", a="10.005") == "₪10.01"


def test_money_filter_empty_values(db) -> None:  # type: ignore[no-untyped-def]
    assert render("[{{ a|money }}]", a=None) == "[]"
    assert render("[{{ a|money }}]", a="") == "[]"
