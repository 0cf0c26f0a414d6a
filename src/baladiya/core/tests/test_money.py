"""Money: Decimal amounts quantised half-up to the currency's minor unit."""

from __future__ import annotations

from decimal import Decimal

import pytest

from baladiya.core.money import Money, MoneyError, format_money, quantize, to_decimal

_LTR_MARKS = str.maketrans("", "", "\u200e\u200f\u061c\xa0\u202f ")


def bare(text: str) -> str:
    """A formatted amount without bidi marks and (narrow) spaces."""
    return text.translate(_LTR_MARKS)


# --- quantize ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("1.005", "ILS", "1.01"),  # half-up, not banker's rounding (which gives 1.00)
        ("1.015", "SAR", "1.02"),
        ("2.345", "ILS", "2.35"),
        ("2.344", "ILS", "2.34"),
        ("0.125", "SAR", "0.13"),
        ("-1.005", "ILS", "-1.01"),  # half away from zero
        ("10", "ILS", "10.00"),
        ("1.0005", "JOD", "1.001"),
        ("1.0004", "JOD", "1.000"),
        ("0.0125", "KWD", "0.013"),
        ("7", "KWD", "7.000"),
    ],
)
def test_quantize_half_up_to_minor_unit(amount: str, currency: str, expected: str) -> None:
    result = quantize(amount, currency)
    assert isinstance(result, Decimal)
    assert str(result) == expected


def test_quantize_accepts_int_decimal_and_str() -> None:
    assert quantize(5, "ILS") == Decimal("5.00")
    assert quantize(Decimal("5.555"), "SAR") == Decimal("5.56")
    assert quantize(" 12.3 ", "JOD") == Decimal("12.300")


@pytest.mark.parametrize("value", [1.5, 0.1, float("nan")])
def test_floats_refused(value: float) -> None:
    with pytest.raises(MoneyError, match="float"):
        quantize(value, "ILS")
    with pytest.raises(MoneyError):
        Money(value, "ILS")  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["abc", "", "1,5", "NaN", "Infinity", None])
def test_non_amounts_refused(value: object) -> None:
    with pytest.raises(MoneyError):
        to_decimal(value)


# --- Money ---------------------------------------------------------------------------


def test_money_is_quantised_on_creation() -> None:
    assert Money(Decimal("10.005"), "ILS").amount == Decimal("10.01")
    assert Money("3.14159", "KWD").amount == Decimal("3.142")  # type: ignore[arg-type]
    assert Money(Decimal("1"), "sar").currency == "SAR"


@pytest.mark.parametrize("code", ["IL", "ILSX", "12A", ""])
def test_money_refuses_bad_currency_codes(code: str) -> None:
    with pytest.raises(MoneyError):
        Money(Decimal(1), code)


def test_money_arithmetic() -> None:
    a = Money(Decimal("10.50"), "ILS")
    b = Money(Decimal("0.25"), "ILS")
    assert a + b == Money(Decimal("10.75"), "ILS")
    assert a - b == Money(Decimal("10.25"), "ILS")
    assert -a == Money(Decimal("-10.50"), "ILS")
    assert b < a
    assert a <= a
    assert not Money.zero("ILS")
    assert a


def test_money_multiplication_rounds_half_up() -> None:
    # The product is rounded to the minor unit: 3 × 0.335 JOD = 1.005 (3 decimals kept);
    # 0.35 × 2.87 ILS = 1.0045 → 1.00; 1.00 × 1.005 ILS = 1.005 → 1.01 (half-up).
    assert (Money(Decimal("0.335"), "JOD") * 3).amount == Decimal("1.005")
    assert (Money(Decimal("0.35"), "ILS") * Decimal("2.87")).amount == Decimal("1.00")
    assert (Money(Decimal("1.00"), "ILS") * "1.005").amount == Decimal("1.01")
    with pytest.raises(MoneyError):
        Money(Decimal(1), "ILS") * 1.5


def test_currency_mixing_refused() -> None:
    ils = Money(Decimal(10), "ILS")
    sar = Money(Decimal(10), "SAR")
    with pytest.raises(MoneyError, match="currencies"):
        ils + sar
    with pytest.raises(MoneyError):
        ils - sar
    with pytest.raises(MoneyError):
        ils < sar  # noqa: B015
    with pytest.raises(MoneyError):
        ils <= sar  # noqa: B015
    with pytest.raises(MoneyError):
        ils + Decimal(1)  # type: ignore[operator]
    assert ils != sar


# --- formatting ------------------------------------------------------------------------


def test_format_money_english() -> None:
    assert bare(format_money(Decimal("1234.5"), "ILS", "en")) == "₪1,234.50"
    assert bare(format_money("1234.5", "SAR", "en")) == "SAR1,234.50"
    assert bare(format_money("1234.5", "JOD", "en")) == "JOD1,234.500"


def test_format_money_arabic_keeps_latin_digits() -> None:
    text = format_money(Decimal("1234.5"), "ILS", "ar")
    assert "1,234.50" in text
    assert "₪" in text
    assert not any("\u0660" <= ch <= "\u0669" for ch in text)  # no Arabic-Indic digits


def test_format_money_arabic_riyal_symbol() -> None:
    text = format_money(Decimal("99.999"), "SAR", "ar")
    assert "100.00" in bare(text)
    assert "ر.س" in text


def test_format_money_rounds_before_formatting() -> None:
    assert "0.01" in format_money("0.005", "ILS", "en")
    assert "2.346" in format_money("2.3455", "JOD", "en")


def test_format_money_accepts_region_locales() -> None:
    assert bare(format_money("5", "ILS", "en-GB")) == "₪5.00"


def test_money_format_method_and_str() -> None:
    money = Money(Decimal("7.5"), "SAR")
    assert money.format("en") == format_money(Decimal("7.50"), "SAR", "en")
    assert str(money) == "7.50 SAR"
