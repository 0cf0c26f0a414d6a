"""STS tokens: amounts, CRC, token identifiers, encoding and decoding, a meter's TID memory."""

from __future__ import annotations

import secrets
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_CEILING, Decimal

from . import sta

CREDIT = 0
METER_TEST = 1
MANAGEMENT = 2

# class 0 subclasses
ELECTRICITY = 0
WATER = 1
GAS = 2

# class 2 subclasses
MAX_POWER_LIMIT = 0
CLEAR_CREDIT = 1
SET_TARIFF_RATE = 2
KEY_CHANGE_1 = 3
KEY_CHANGE_2 = 4
CLEAR_TAMPER = 5
PHASE_UNBALANCE = 6
WATER_METER_FACTOR = 7
KEY_CHANGE_SUBCLASSES = (KEY_CHANGE_1, KEY_CHANGE_2, 8, 9)

CLEAR_ALL_REGISTERS = 0xFFFF
TID_LIMIT = 1 << 24
_MANTISSA = 1 << 14
_MASK64 = (1 << 64) - 1


class TokenError(ValueError):
    """A token the meter refuses; ``reason`` is one of the constants below."""

    FORMAT = "format"
    CRC = "crc"
    CLASS = "class"
    USED = "used"
    OLD = "old"

    def __init__(self, reason: str, message: str = ""):
        super().__init__(message or reason)
        self.reason = reason


# --- token identifier -------------------------------------------------------------------


def _base(base_date: int) -> datetime:
    if base_date not in (1993, 2014, 2035):
        raise ValueError("the base date is 1993, 2014 or 2035")
    return datetime(base_date, 1, 1)


def tid_at(moment: datetime, base_date: int) -> int:
    """Whole minutes from the base date to ``moment`` on the fixed (UTC) clock.

    An aware datetime is converted to UTC first; a naive one is taken as already on
    the fixed clock. Local wall-clock time with daylight saving is never used.
    """
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    tid = int((moment - _base(base_date)) // timedelta(minutes=1))
    if not 0 <= tid < TID_LIMIT:
        raise ValueError(f"{moment:%Y-%m-%d %H:%M} is outside the range of base date {base_date}")
    return tid


def issued_at(tid: int, base_date: int) -> datetime:
    """The issue time (UTC, aware) that a token identifier stands for."""
    if not 0 <= tid < TID_LIMIT:
        raise ValueError("a token identifier is a 24-bit number")
    return (_base(base_date) + timedelta(minutes=tid)).replace(tzinfo=UTC)


# --- amount -----------------------------------------------------------------------------

_OFFSETS = (0, _MANTISSA, _MANTISSA * 11, _MANTISSA * 111)


def _tenths_of(field: int) -> int:
    exponent, mantissa = field >> 14, field & (_MANTISSA - 1)
    return mantissa * 10**exponent + _OFFSETS[exponent]


def decode_amount(field: int) -> Decimal:
    """Units (kWh, m³, …) that a 16-bit amount field stands for."""
    if not 0 <= field <= 0xFFFF:
        raise ValueError("an amount field is 16 bits")
    return Decimal(_tenths_of(field)).scaleb(-1)


MAX_AMOUNT = decode_amount(0xFFFF)


def encode_amount(units: Decimal) -> tuple[int, Decimal]:
    """The 16-bit amount field and the units it credits, rounded up to a representable amount."""
    units = Decimal(units)
    if not units.is_finite() or units < 0:
        raise ValueError("an amount is a non-negative number of units")
    tenths = int((units * 10).to_integral_value(rounding=ROUND_CEILING))
    for exponent, offset in enumerate(_OFFSETS):
        scale = 10**exponent
        mantissa = max(0, -(-(tenths - offset) // scale))
        if mantissa < _MANTISSA:
            field = exponent << 14 | mantissa
            return field, decode_amount(field)
    raise ValueError(f"an amount above {MAX_AMOUNT} units does not fit in one token")


# --- CRC and the 66-bit number ------------------------------------------------------------


def _crc_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = crc >> 1 ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_CRC_TABLE = _crc_table()


def crc16(data: bytes) -> int:
    """CRC-16 with the reflected polynomial 0x8005 (0xA001), initial value 0xFFFF."""
    crc = 0xFFFF
    for byte in data:
        crc = crc >> 8 ^ _CRC_TABLE[(crc ^ byte) & 0xFF]
    return crc


def _token_crc(token_class: int, data48: int) -> int:
    crc = crc16((token_class << 48 | data48).to_bytes(7, "big"))
    return (crc & 0xFF) << 8 | crc >> 8


def _seal(token_class: int, data48: int) -> int:
    """The 64-bit data block: 48 data bits above the CRC."""
    return data48 << 16 | _token_crc(token_class, data48)


def _to_digits(token_class: int, encrypted: int) -> str:
    high, low = encrypted >> 28 & 1, encrypted >> 27 & 1
    number = encrypted & ~(0b11 << 27) & _MASK64
    number |= (token_class >> 1) << 28 | (token_class & 1) << 27 | high << 65 | low << 64
    return f"{number:020d}"


def _from_digits(token: str) -> tuple[int, int]:
    digits = "".join(token.split()).replace("-", "")
    if len(digits) != 20 or not digits.isdigit() or not digits.isascii():
        raise TokenError(TokenError.FORMAT, "a token has 20 digits")
    number = int(digits)
    if number >> 66:
        raise TokenError(TokenError.FORMAT, "the number is too large for a token")
    token_class = (number >> 28 & 1) << 1 | number >> 27 & 1
    block = number & ~(0b11 << 27) & _MASK64
    block |= (number >> 65 & 1) << 28 | (number >> 64 & 1) << 27
    return token_class, block


def group_digits(token: str) -> str:
    """``"23716100501183194197"`` → ``"2371 6100 5011 8319 4197"``."""
    digits = "".join(token.split())
    return " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))


# --- encoding -----------------------------------------------------------------------------


def _random_nibble(rnd: int | None) -> int:
    if rnd is None:
        return secrets.randbelow(16)
    if not 0 <= rnd <= 15:
        raise ValueError("the random field is 4 bits")
    return rnd


def _tid_value_token(
    key: bytes, *, token_class: int, subclass: int, tid: int, value: int, rnd: int | None
) -> str:
    if not 0 <= subclass <= 15:
        raise ValueError("a subclass is 4 bits")
    if not 0 <= tid < TID_LIMIT:
        raise ValueError("a token identifier is a 24-bit number")
    if not 0 <= value <= 0xFFFF:
        raise ValueError("the value field is 16 bits")
    data48 = subclass << 44 | _random_nibble(rnd) << 40 | tid << 16 | value
    return _to_digits(token_class, sta.encrypt(key, _seal(token_class, data48)))


def credit_token(
    key: bytes, *, subclass: int, units: Decimal, tid: int, rnd: int | None = None
) -> str:
    """A class 0 credit token (subclass 0 electricity kWh, 1 water m³, 2 gas …)."""
    field, _credited = encode_amount(units)
    return _tid_value_token(
        key, token_class=CREDIT, subclass=subclass, tid=tid, value=field, rnd=rnd
    )


def management_token(
    key: bytes, *, subclass: int, tid: int, value: int = 0, rnd: int | None = None
) -> str:
    """A class 2 token with a TID and a 16-bit value: clear credit (the register, 0xFFFF for
    all), clear tamper, maximum power limit, tariff rate, phase unbalance, water meter factor.
    Key change tokens carry no TID: see :func:`key_change_tokens`."""
    if subclass in KEY_CHANGE_SUBCLASSES:
        raise ValueError("key change tokens are made with key_change_tokens()")
    return _tid_value_token(
        key, token_class=MANAGEMENT, subclass=subclass, tid=tid, value=value, rnd=rnd
    )


def key_change_tokens(
    old_key: bytes,
    new_key: bytes,
    *,
    key_revision: int,
    key_type: int,
    tariff_index: str,
    key_expiry: int = 255,
    rollover: bool = False,
) -> tuple[str, str]:
    """The two class 2 tokens (subclasses 3 and 4) that load a new 64-bit decoder key,
    each encrypted with the meter's current key."""
    if len(new_key) != 8:
        raise ValueError("an STA decoder key is 8 bytes")
    if not 0 <= key_expiry <= 255 or not 1 <= key_revision <= 15 or not 0 <= key_type <= 3:
        raise ValueError("key expiry, revision or type out of range")
    new = int.from_bytes(new_key, "big")
    first = (
        KEY_CHANGE_1 << 44
        | (key_expiry >> 4) << 40
        | key_revision << 36
        | int(rollover) << 35
        | key_type << 32
        | new >> 32
    )
    second = KEY_CHANGE_2 << 44 | (key_expiry & 15) << 40 | int(tariff_index) << 32
    second |= new & 0xFFFFFFFF
    return (
        _to_digits(MANAGEMENT, sta.encrypt(old_key, _seal(MANAGEMENT, first))),
        _to_digits(MANAGEMENT, sta.encrypt(old_key, _seal(MANAGEMENT, second))),
    )


# --- decoding -----------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyChangeSection:
    """Half of a new decoder key carried by a key change token."""

    section: int  # 1 (high 32 bits) or 2 (low 32 bits)
    key_half: int
    key_expiry_nibble: int
    key_revision: int | None = None
    key_type: int | None = None
    rollover: bool | None = None
    tariff_index: str | None = None


@dataclass(frozen=True)
class DecodedToken:
    token_class: int
    subclass: int
    tid: int | None = None
    rnd: int | None = None
    value: int | None = None  # the raw 16-bit field (amount field for credit tokens)
    amount: Decimal | None = None  # units, credit tokens only
    key_change: KeyChangeSection | None = None

    def issued_at(self, base_date: int) -> datetime | None:
        return None if self.tid is None else issued_at(self.tid, base_date)


def decode_token(key: bytes, token: str) -> DecodedToken:
    """Decode a token as the meter would; raises :class:`TokenError` if it is not valid."""
    token_class, block = _from_digits(token)
    if token_class == 3:
        raise TokenError(TokenError.CLASS, "token class 3 is reserved")
    if token_class != METER_TEST:
        block = sta.decrypt(key, block)
    data48 = block >> 16
    if block & 0xFFFF != _token_crc(token_class, data48):
        raise TokenError(TokenError.CRC, "the token does not check: wrong key or mistyped digits")
    subclass = data48 >> 44
    if token_class == METER_TEST:
        return DecodedToken(token_class, subclass, value=data48 & ((1 << 44) - 1))
    if token_class == MANAGEMENT and subclass in (KEY_CHANGE_1, KEY_CHANGE_2):
        nibble = data48 >> 40 & 15
        half = data48 & 0xFFFFFFFF
        if subclass == KEY_CHANGE_1:
            section = KeyChangeSection(
                1,
                half,
                nibble,
                key_revision=data48 >> 36 & 15,
                key_type=data48 >> 32 & 3,
                rollover=bool(data48 >> 35 & 1),
            )
        else:
            section = KeyChangeSection(2, half, nibble, tariff_index=f"{data48 >> 32 & 0xFF:02d}")
        return DecodedToken(token_class, subclass, key_change=section)
    value = data48 & 0xFFFF
    return DecodedToken(
        token_class,
        subclass,
        tid=data48 >> 16 & (TID_LIMIT - 1),
        rnd=data48 >> 40 & 15,
        value=value,
        amount=decode_amount(value) if token_class == CREDIT else None,
    )


class MeterMemory:
    """A meter's memory of recent token identifiers.

    A token whose TID is remembered is USED; once the memory is full, a TID older than
    the oldest remembered one is OLD. Tokens without a TID (key change) pass.
    """

    def __init__(self, size: int = 50):
        self.size = size
        self._tids: deque[int] = deque()

    def accept(self, decoded: DecodedToken) -> DecodedToken:
        tid = decoded.tid
        if tid is None:
            return decoded
        if tid in self._tids:
            raise TokenError(TokenError.USED, "this token has already been used")
        if len(self._tids) >= self.size and tid < min(self._tids):
            raise TokenError(TokenError.OLD, "this token is older than the meter accepts")
        self._tids.append(tid)
        if len(self._tids) > self.size:
            self._tids.remove(min(self._tids))
        return decoded
