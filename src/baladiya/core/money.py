"""Money: Decimal amounts quantised to the currency's minor unit, never float.

The minor unit comes from CLDR through Babel (ILS and SAR: 2 decimals, JOD: 3),
and amounts are formatted for the reader's locale.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import format_currency, get_currency_precision


class MoneyError(ValueError):
    pass


def to_decimal(value: object) -> Decimal:
    if isinstance(value, float):
        raise MoneyError("Money is never a float; pass a Decimal, int or str.")
    try:
        result = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError) as exc:
        raise MoneyError(f"Not an amount: {value!r}") from exc
    if not result.is_finite():
        raise MoneyError(f"Not an amount: {value!r}")
    return result


def quantize(amount: object, currency: str) -> Decimal:
    """``amount`` rounded half-up to the minor unit of ``currency``."""
    exponent = Decimal(1).scaleb(-get_currency_precision(currency))
    return to_decimal(amount).quantize(exponent, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if len(self.currency) != 3 or not self.currency.isalpha():
            raise MoneyError(f"Not a currency code: {self.currency!r}")
        object.__setattr__(self, "currency", self.currency.upper())
        object.__setattr__(self, "amount", quantize(self.amount, self.currency))

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    def _same(self, other: Money) -> None:
        if not isinstance(other, Money) or other.currency != self.currency:
            raise MoneyError("Cannot mix currencies.")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: object) -> Money:
        return Money(self.amount * to_decimal(factor), self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __bool__(self) -> bool:
        return bool(self.amount)

    def format(self, locale: str = "ar") -> str:
        return format_money(self.amount, self.currency, locale)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


def format_money(amount: object, currency: str, locale: str = "ar") -> str:
    """``amount`` formatted for ``locale`` (Arabic uses Arabic-Indic digits where
    CLDR says so for the region; we keep Latin digits, which both countries use on
    official documents)."""
    babel_locale = {"ar": "ar_SA" if currency == "SAR" else "ar_PS", "en": "en"}.get(
        locale[:2], locale
    )
    return format_currency(
        quantize(amount, currency), currency, locale=babel_locale, numbering_system="latn"
    )
