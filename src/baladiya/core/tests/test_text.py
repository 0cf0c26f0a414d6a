"""Arabic-aware normalisation shared by every search."""

from __future__ import annotations

from decimal import Decimal

import pytest

from baladiya.core.text import normalize_arabic, normalize_digits, parse_number


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("أحمد", "احمد"),  # alef with hamza above
        ("إبراهيم", "ابراهيم"),  # alef with hamza below
        ("آمنة", "امنه"),  # alef with madda (and ta marbuta)
        ("ٱلله", "الله"),  # alef wasla
    ],
)
def test_alef_forms_fold_to_bare_alef(raw: str, expected: str) -> None:
    assert normalize_arabic(raw) == expected


def test_ta_marbuta_and_alef_maqsura() -> None:
    assert normalize_arabic("رخصة") == "رخصه"
    assert normalize_arabic("مصطفى") == "مصطفي"
    assert normalize_arabic("رخصة") == normalize_arabic("رخصه")
    assert normalize_arabic("موسى") == normalize_arabic("موسي")


def test_hamza_on_waw_and_ya_fold() -> None:
    assert normalize_arabic("مؤسسة") == "موسسه"
    assert normalize_arabic("رئيس") == "رييس"


def test_persian_letters_fold_to_arabic() -> None:
    assert normalize_arabic("کریم") == "كريم"


def test_diacritics_stripped() -> None:
    assert normalize_arabic("مُحَمَّدٌ") == "محمد"
    assert normalize_arabic("بَلَدِيَّةُ") == "بلديه"
    assert normalize_arabic("هٰذا") == "هذا"  # superscript (dagger) alef


def test_tatweel_stripped() -> None:
    assert normalize_arabic("بلـــدية") == "بلديه"
    assert normalize_arabic("مـحـمـد") == "محمد"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("٠١٢٣٤٥٦٧٨٩", "0123456789"),  # Arabic-Indic
        ("۰۱۲۳۴۵۶۷۸۹", "0123456789"),  # Persian (extended Arabic-Indic)
        ("TAF-٢٠٢٦-٠٠٠١٢٣", "taf-2026-000123"),
    ],
)
def test_digits_to_ascii(raw: str, expected: str) -> None:
    assert normalize_arabic(raw) == expected


def test_normalize_digits_changes_nothing_else() -> None:
    assert normalize_digits("أحمد ٤٥ Ab") == "أحمد 45 Ab"
    assert normalize_digits("۱۲۳") == "123"


def test_nfkc_presentation_forms() -> None:
    assert normalize_arabic("\ufefb") == "لا"  # lam-alef ligature, isolated form
    assert normalize_arabic("\ufef7") == "لا"  # lam with alef hamza above → folded alef
    # Presentation forms of ب ل د ي ة (isolated/initial/medial/final glyphs).
    assert normalize_arabic("\ufe91\ufee0\ufeaa\ufef3\ufe94") == "بلديه"
    assert normalize_arabic("ｂａｌａｄｉｙａ") == "baladiya"  # full-width Latin


def test_latin_casefold() -> None:
    assert normalize_arabic("Building PERMIT") == "building permit"
    assert normalize_arabic("Straße") == "strasse"


def test_whitespace_collapsed_and_trimmed() -> None:
    assert normalize_arabic("  رخصة \t\n  بناء  ") == "رخصه بناء"


def test_empty_and_none() -> None:
    assert normalize_arabic("") == ""
    assert normalize_arabic(None) == ""  # type: ignore[arg-type]


def test_all_spellings_of_a_name_meet() -> None:
    spellings = ["أحمد", "احمد", "أَحْمَد", "أحـمـد", "\ufe83\ufea3\ufee4\ufeaa"]
    assert {normalize_arabic(s) for s in spellings} == {"احمد"}


def test_idempotent() -> None:
    text = "إِدارةُ الـمـوارد ٱلبشرية ٢٠٢٦ Ｘ"
    once = normalize_arabic(text)
    assert normalize_arabic(once) == once


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("12.5", Decimal("12.5")),
        ("١٢٫٥", Decimal("12.5")),
        ("۱۲", Decimal("12")),
        (" 7 ", Decimal("7")),
        ("-3", Decimal("-3")),
        ("1,000", None),
        ("١٬٠٠٠", None),
        ("abc", None),
        ("NaN", None),
        ("Infinity", None),
        ("", None),
        (None, None),
    ],
)
def test_numbers_are_read_as_people_type_them(typed: object, read: Decimal | None) -> None:
    assert parse_number(typed) == read
