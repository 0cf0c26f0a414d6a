"""Country profiles: national IDs, commercial registrations and phone numbers."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext

from baladiya.core.profiles import country_profile, luhn_check_digit, luhn_valid
from baladiya.core.tests.factories import ps_national_id, sa_national_id

PS = country_profile("PS")
SA = country_profile("SA")

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def error_code(call, *args, **kwargs) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as info:
        call(*args, **kwargs)
    return info.value.code


def wrong_check_digit(valid: str) -> str:
    return valid[:-1] + str((int(valid[-1]) + 1) % 10)


# --- Luhn ------------------------------------------------------------------------


def test_luhn_known_values() -> None:
    # 79927398713 is the textbook Luhn example.
    assert luhn_valid("79927398713")
    assert not luhn_valid("79927398710")
    assert luhn_check_digit("7992739871") == "3"


@pytest.mark.parametrize("n", [0, 1, 7, 1234, 99999, 4567890])
def test_luhn_check_digit_is_the_only_valid_digit(n: int) -> None:
    stem = f"{n:08d}"
    digit = luhn_check_digit(stem)
    assert [d for d in "0123456789" if luhn_valid(stem + d)] == [digit]


# --- Palestinian ID ----------------------------------------------------------------


def test_ps_id_valid() -> None:
    assert PS.clean_national_id("400000014") == "400000014"
    generated = ps_national_id(4242)
    assert PS.clean_national_id(generated) == generated


def test_ps_id_strips_spaces_and_dashes() -> None:
    assert PS.clean_national_id(" 400-000-014 ") == "400000014"


def test_ps_id_bad_check_digit() -> None:
    assert error_code(PS.clean_national_id, "400000017") == "check"
    assert error_code(PS.clean_national_id, wrong_check_digit(ps_national_id(77))) == "check"


@pytest.mark.parametrize("raw", ["40000001", "4000000180", "12345", "4000x0018"])
def test_ps_id_wrong_length_or_not_digits(raw: str) -> None:
    assert error_code(PS.clean_national_id, raw) == "length"


def test_ps_id_required() -> None:
    assert error_code(PS.clean_national_id, "  ") == "required"


def test_ps_id_arabic_indic_digits_accepted_and_normalised() -> None:
    assert PS.clean_national_id("٤٠٠٠٠٠٠١٤") == "400000014"
    generated = ps_national_id(31337)
    assert PS.clean_national_id(generated.translate(ARABIC_INDIC)) == generated
    assert PS.clean_national_id(generated.translate(PERSIAN)) == generated


def test_ps_id_arabic_indic_with_bad_check_digit_still_refused() -> None:
    assert error_code(PS.clean_national_id, "٤٠٠٠٠٠٠١٧") == "check"


# --- Saudi ID ------------------------------------------------------------------------


@pytest.mark.parametrize("resident", [False, True])
def test_sa_id_valid_citizen_and_resident(resident: bool) -> None:
    value = sa_national_id(12345678, resident=resident)
    assert value[0] == ("2" if resident else "1")
    assert len(value) == 10
    assert SA.clean_national_id(value) == value


def test_sa_id_known_value() -> None:
    assert SA.clean_national_id("1000000008") == "1000000008"
    assert SA.clean_national_id("١٠٠٠٠٠٠٠٠٨") == "1000000008"


@pytest.mark.parametrize("first", ["0", "3", "5", "9"])
def test_sa_id_wrong_prefix(first: str) -> None:
    stem = first + "00000000"
    value = stem + luhn_check_digit(stem)  # check digit right, prefix wrong
    assert error_code(SA.clean_national_id, value) == "prefix"


def test_sa_id_bad_check_digit() -> None:
    assert error_code(SA.clean_national_id, wrong_check_digit(sa_national_id(555))) == "check"


@pytest.mark.parametrize("raw", ["100000000", "10000000080", "400000014"])
def test_sa_id_wrong_length(raw: str) -> None:
    assert error_code(SA.clean_national_id, raw) == "length"


def test_ps_id_is_not_a_saudi_id_and_vice_versa() -> None:
    assert error_code(SA.clean_national_id, ps_national_id(1)) == "length"
    assert error_code(PS.clean_national_id, sa_national_id(1)) == "length"


# --- Commercial registration ------------------------------------------------------------


@pytest.mark.parametrize("raw", ["123456", "562345678", "1234567890", "٥٦٢٣٤٥٦٧٨"])
def test_ps_commercial_registration_valid(raw: str) -> None:
    assert PS.clean_commercial_registration(raw) == raw.translate(
        str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")
    )


@pytest.mark.parametrize("raw", ["12345", "12345678901", "56A345678"])
def test_ps_commercial_registration_invalid(raw: str) -> None:
    assert error_code(PS.clean_commercial_registration, raw) == "format"


def test_sa_commercial_registration() -> None:
    assert SA.clean_commercial_registration("2050 123 456") == "2050123456"
    assert error_code(SA.clean_commercial_registration, "205012345") == "format"
    assert error_code(SA.clean_commercial_registration, "20501234567") == "format"


def test_commercial_registration_required() -> None:
    assert error_code(PS.clean_commercial_registration, "") == "required"
    assert error_code(SA.clean_commercial_registration, None) == "required"


# --- Phone numbers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("0599123456", "+970599123456"),
        ("0569123456", "+970569123456"),
        ("059-912-3456", "+970599123456"),
        ("٠٥٩٩١٢٣٤٥٦", "+970599123456"),
        ("+970 59 912 3456", "+970599123456"),
    ],
)
def test_ps_mobile_normalised_to_e164(raw: str, e164: str) -> None:
    assert PS.clean_phone(raw) == e164


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("0501234567", "+966501234567"),
        ("0551234567", "+966551234567"),
        ("٠٥٤١٢٣٤٥٦٧", "+966541234567"),
        ("+966 50 123 4567", "+966501234567"),
    ],
)
def test_sa_mobile_normalised_to_e164(raw: str, e164: str) -> None:
    assert SA.clean_phone(raw) == e164


@pytest.mark.parametrize(("profile", "landline"), [(PS, "022220000"), (SA, "0138550000")])
def test_landline_refused_when_mobile_required(profile, landline: str) -> None:  # type: ignore[no-untyped-def]
    assert error_code(profile.clean_phone, landline) == "not_mobile"
    # …but accepted where any phone will do.
    assert profile.clean_phone(landline, mobile=False).startswith("+9")


@pytest.mark.parametrize("raw", ["", "12", "0599", "not a phone", "05991234567890"])
def test_invalid_phone(raw: str) -> None:
    assert error_code(PS.clean_phone, raw) == "invalid"


def test_phone_error_gives_the_country_example() -> None:
    with pytest.raises(ValidationError) as info:
        SA.clean_phone("12")
    assert "0501234567" in info.value.messages[0]


# --- Messages in Arabic -----------------------------------------------------------------

_ARABIC_LETTER = re.compile("[\u0621-\u064a]")
_LATIN_LETTER = re.compile("[A-Za-z]")


def _arabic_catalogue_loaded() -> bool:
    with translation.override("ar"):
        source = "A Palestinian ID number has exactly 9 digits."
        return gettext(source) != source


def test_error_codes_are_stable_in_arabic() -> None:
    """Whatever the wording, the codes do not depend on the language."""
    with translation.override("ar"):
        assert error_code(PS.clean_national_id, "123") == "length"
        assert error_code(PS.clean_national_id, "400000017") == "check"
        assert error_code(SA.clean_national_id, "3000000004") == "prefix"
        assert error_code(PS.clean_phone, "022220000") == "not_mobile"


def test_error_messages_in_arabic() -> None:
    # ARABIC TEXT CHECK. The Arabic catalogue (locale/ar) is written by another
    # engineer; until it holds these messages this test skips. Once it does, every
    # validation message must come out in Arabic script with no English words left.
    if not _arabic_catalogue_loaded():
        pytest.skip("the Arabic catalogue does not translate the profile messages yet")
    cases = [
        (PS.clean_national_id, "123"),
        (PS.clean_national_id, "400000017"),
        (SA.clean_national_id, "3000000004"),
        (SA.clean_commercial_registration, "12"),
        (PS.clean_phone, "022220000"),
    ]
    with translation.override("ar"):
        for call, raw in cases:
            with pytest.raises(ValidationError) as info:
                call(raw)
            message = info.value.messages[0]
            assert _ARABIC_LETTER.search(message), message
            assert not _LATIN_LETTER.search(message), message


def test_error_messages_follow_the_active_language() -> None:
    # The messages are lazy: they are rendered in the language active when read.
    with pytest.raises(ValidationError) as info:
        PS.clean_national_id("123")
    with translation.override("en"):
        assert info.value.messages == ["A Palestinian ID number has exactly 9 digits."]
    if _arabic_catalogue_loaded():
        with translation.override("ar"):
            assert info.value.messages != ["A Palestinian ID number has exactly 9 digits."]
