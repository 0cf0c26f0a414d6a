"""Country profiles: what differs between a Palestinian and a Saudi municipality.

National ID rules, phone region, commercial registration format. Other modules
add their own country-specific facts here (projected CRS, parcel numbering).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from baladiya.core.text import normalize_digits

StrOrPromise = str | Promise


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check used by both the Palestinian and the Saudi ID."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def luhn_check_digit(stem: str) -> str:
    """The digit that makes ``stem + digit`` pass the Luhn check."""
    for digit in "0123456789":
        if luhn_valid(stem + digit):
            return digit
    raise AssertionError("unreachable")


def _validate_ps_id(value: str) -> str:
    if len(value) != 9 or not value.isdigit():
        raise ValidationError(_("A Palestinian ID number has exactly 9 digits."), code="length")
    if not luhn_valid(value):
        raise ValidationError(
            _("This ID number is not valid: its check digit does not match."), code="check"
        )
    return value


def _validate_sa_id(value: str) -> str:
    if len(value) != 10 or not value.isdigit():
        raise ValidationError(
            _("A Saudi national ID or residence number has exactly 10 digits."), code="length"
        )
    if value[0] not in "12":
        raise ValidationError(
            _("A Saudi ID starts with 1 (citizen) or 2 (resident)."), code="prefix"
        )
    if not luhn_valid(value):
        raise ValidationError(
            _("This ID number is not valid: its check digit does not match."), code="check"
        )
    return value


def _validate_ps_cr(value: str) -> str:
    if not value.isdigit() or not 6 <= len(value) <= 10:
        raise ValidationError(
            _("A commercial registration number has 6 to 10 digits."), code="format"
        )
    return value


def _validate_sa_cr(value: str) -> str:
    if not value.isdigit() or len(value) != 10:
        raise ValidationError(
            _("A Saudi commercial registration number has exactly 10 digits."), code="format"
        )
    return value


@dataclass(frozen=True)
class CountryProfile:
    code: str
    phone_region: str
    national_id_help: StrOrPromise
    _validate_id: Callable[[str], str]
    _validate_cr: Callable[[str], str]

    def clean_national_id(self, raw: str) -> str:
        """The ID in canonical form (ASCII digits), or a ValidationError."""
        value = normalize_digits((raw or "").strip()).replace(" ", "").replace("-", "")
        if not value:
            raise ValidationError(_("Enter the national ID number."), code="required")
        return self._validate_id(value)

    def clean_commercial_registration(self, raw: str) -> str:
        value = normalize_digits((raw or "").strip()).replace(" ", "").replace("-", "")
        if not value:
            raise ValidationError(_("Enter the commercial registration number."), code="required")
        return self._validate_cr(value)

    def clean_phone(self, raw: str, *, mobile: bool = True) -> str:
        """The phone number in E.164 form, or a ValidationError."""
        value = normalize_digits((raw or "").strip())
        try:
            number = phonenumbers.parse(value, self.phone_region)
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            raise ValidationError(
                _("Enter a valid phone number, e.g. %(example)s."),
                code="invalid",
                params={"example": self.phone_example},
            )
        if mobile and phonenumbers.number_type(number) not in (
            phonenumbers.PhoneNumberType.MOBILE,
            phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
        ):
            raise ValidationError(
                _("Enter a mobile phone number, e.g. %(example)s."),
                code="not_mobile",
                params={"example": self.phone_example},
            )
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    @property
    def phone_example(self) -> str:
        return {"PS": "0599123456", "SA": "0501234567"}[self.code]


PROFILES: dict[str, CountryProfile] = {
    "PS": CountryProfile(
        code="PS",
        phone_region="PS",
        national_id_help=_("9 digits, as on your Palestinian ID card."),
        _validate_id=_validate_ps_id,
        _validate_cr=_validate_ps_cr,
    ),
    "SA": CountryProfile(
        code="SA",
        phone_region="SA",
        national_id_help=_("10 digits, starting 1 (citizen) or 2 (resident)."),
        _validate_id=_validate_sa_id,
        _validate_cr=_validate_sa_cr,
    ),
}


def country_profile(country: str) -> CountryProfile:
    return PROFILES[country]
