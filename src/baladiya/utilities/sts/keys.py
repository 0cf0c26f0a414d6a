"""Meter identities, decoder-key generation (DKGA02, DKGA04) and vending keys.

Vending keys come from the environment or a secret file, never from the database;
nothing here prints, logs or reprs key bytes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
    from cryptography.hazmat.primitives.ciphers import Cipher, modes

STS_IIN = "600727"
BASE_DATES = (1993, 2014, 2035)
KEY_GENERATIONS = ("dkga02", "dkga04")
TEST_VENDING_KEY = bytes.fromhex("abababababababab")
TEST_VENDING_KEY_160 = bytes.fromhex("abababababababab949494949494949401234567")
ENV_KEYS = "BALADIYA_STS_VENDING_KEYS"
ENV_KEY_FILE = "BALADIYA_STS_KEY_FILE"


def luhn_check_digit(digits: str) -> str:
    """The Luhn check digit to append to ``digits``."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str(-total % 10)


def normalise_pan(value: str) -> str:
    """An 18-digit meter PAN from 18 digits, IIN + DRN (17) or a bare 11-digit DRN."""
    digits = value.replace(" ", "").replace("-", "")
    if not digits.isdigit() or not digits.isascii():
        raise ValueError("a meter number has digits only")
    if len(digits) == 11:
        digits = STS_IIN + digits
    if len(digits) == 17:
        digits += luhn_check_digit(digits)
    if len(digits) != 18:
        raise ValueError("a meter PAN has 18 digits (IIN 6 + DRN 11 + check digit)")
    if luhn_check_digit(digits[:17]) != digits[17]:
        raise ValueError("the meter PAN's check digit is wrong")
    return digits


@dataclass(frozen=True)
class MeterIdentity:
    """A meter's STS parameters."""

    meter_pan: str
    supply_group_code: str
    tariff_index: str
    key_revision: int
    key_type: int
    base_date: int
    key_generation: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "meter_pan", normalise_pan(self.meter_pan))
        sgc, ti = str(self.supply_group_code), str(self.tariff_index).zfill(2)
        if len(sgc) != 6 or not sgc.isdigit():
            raise ValueError("a supply group code has 6 digits")
        if len(ti) != 2 or not ti.isdigit():
            raise ValueError("a tariff index has 2 digits")
        object.__setattr__(self, "supply_group_code", sgc)
        object.__setattr__(self, "tariff_index", ti)
        if not 1 <= self.key_revision <= 9:
            raise ValueError("the key revision number is 1 to 9")
        if not 0 <= self.key_type <= 3:
            raise ValueError("the key type is 0 to 3")
        if self.base_date not in BASE_DATES:
            raise ValueError("the base date is 1993, 2014 or 2035")
        generation = self.key_generation.lower()
        if generation not in KEY_GENERATIONS:
            raise ValueError("the key generation algorithm is dkga02 or dkga04")
        object.__setattr__(self, "key_generation", generation)

    @property
    def iin(self) -> str:
        return self.meter_pan[:6]

    @property
    def drn(self) -> str:
        return self.meter_pan[6:17]


def _des_encrypt(key: bytes, block: bytes) -> bytes:
    encryptor = Cipher(TripleDES(key * 3), modes.ECB()).encryptor()  # noqa: S305 one block, as DKGA02 defines
    return encryptor.update(block) + encryptor.finalize()


def _xor(*parts: bytes) -> bytes:
    out = bytearray(len(parts[0]))
    for part in parts:
        for i, b in enumerate(part):
            out[i] ^= b
    return bytes(out)


def _dkga02(vending_key: bytes, meter: MeterIdentity) -> bytes:
    if len(vending_key) != 8:
        raise ValueError("a DKGA02 vending key is 64 bits (8 bytes)")
    pan_block = bytes.fromhex(meter.iin[1:] + meter.drn)
    control = bytes.fromhex(
        f"{meter.key_type}{meter.supply_group_code}{meter.tariff_index}{meter.key_revision}FFFFFF"
    )
    x = _xor(pan_block, control)
    return _xor(_des_encrypt(vending_key, x), x, vending_key)[::-1]


def _dkga04(vending_key: bytes, meter: MeterIdentity) -> bytes:
    if len(vending_key) != 20:
        raise ValueError("a DKGA04 vending key is 160 bits (20 bytes)")

    def field(text: str) -> bytes:
        return bytes([len(text)]) + text.encode("ascii")

    message = (
        b"\x04"
        + field("04")
        + field(str(meter.base_date)[2:])
        + field("07")
        + field(meter.tariff_index)
        + b"\x00\x04"
        + field(meter.supply_group_code)
        + field(f"{meter.key_type:X}")
        + field(f"{meter.key_revision:X}")
        + field(meter.meter_pan)
        + (64).to_bytes(4, "big")
    )
    return hmac.new(vending_key, message, hashlib.sha256).digest()[:8][::-1]


def decoder_key(vending_key: bytes, meter: MeterIdentity) -> bytes:
    """The meter's 8-byte STA decoder key, derived from the vending key."""
    if meter.key_generation == "dkga02":
        return _dkga02(vending_key, meter)
    return _dkga04(vending_key, meter)


class VendingKeys:
    """Vending keys by (supply group code, key revision), loaded from a secret source.

    Sources, in order: ``BALADIYA_STS_VENDING_KEYS`` (``"SGC:KRN=hex,SGC:KRN=hex"``), then the
    YAML or JSON file named by ``BALADIYA_STS_KEY_FILE`` (a mapping ``"SGC:KRN": hex``).
    The public STS test key is offered only when ``allow_test_key`` is true.
    """

    __slots__ = ("_allow_test_key", "_keys")

    def __init__(self, keys: Mapping[tuple[str, int], bytes], *, allow_test_key: bool = False):
        self._keys = dict(keys)
        self._allow_test_key = allow_test_key

    def __repr__(self) -> str:
        labels = ", ".join(f"{sgc}:{krn}" for sgc, krn in sorted(self._keys))
        return f"VendingKeys([{labels}], allow_test_key={self._allow_test_key})"

    @staticmethod
    def _parse_entry(label: str, hex_key: str) -> tuple[tuple[str, int], bytes]:
        sgc, sep, krn = str(label).strip().partition(":")
        if not sep or len(sgc) != 6 or not sgc.isdigit() or not krn.strip().isdigit():
            raise ValueError(f"vending key label {label!r} is not SGC:KRN")
        try:
            key = bytes.fromhex(str(hex_key).strip())
        except ValueError:
            raise ValueError(f"the vending key for {label} is not hexadecimal") from None
        if len(key) not in (8, 20):
            raise ValueError(f"the vending key for {label} is neither 64 nor 160 bits")
        return (sgc, int(krn)), key

    @classmethod
    def parse(cls, text: str, *, allow_test_key: bool = False) -> VendingKeys:
        entries = {}
        for item in text.split(","):
            if item.strip():
                label, sep, hex_key = item.partition("=")
                if not sep:
                    raise ValueError("vending keys are written SGC:KRN=hex, separated by commas")
                k, v = cls._parse_entry(label, hex_key)
                entries[k] = v
        return cls(entries, allow_test_key=allow_test_key)

    @classmethod
    def from_file(
        cls, path: str | os.PathLike[str], *, allow_test_key: bool = False
    ) -> VendingKeys:
        text = Path(path).read_text(encoding="utf-8")
        data = json.loads(text) if str(path).endswith(".json") else yaml.safe_load(text)
        if not isinstance(data, dict):
            raise ValueError("the vending key file holds a mapping of SGC:KRN to hex keys")
        entries = dict(cls._parse_entry(label, hex_key) for label, hex_key in data.items())
        return cls(entries, allow_test_key=allow_test_key)

    @classmethod
    def load(
        cls, environ: Mapping[str, str] | None = None, *, allow_test_key: bool = False
    ) -> VendingKeys:
        environ = os.environ if environ is None else environ
        if environ.get(ENV_KEYS, "").strip():
            return cls.parse(environ[ENV_KEYS], allow_test_key=allow_test_key)
        if environ.get(ENV_KEY_FILE, "").strip():
            return cls.from_file(environ[ENV_KEY_FILE], allow_test_key=allow_test_key)
        return cls({}, allow_test_key=allow_test_key)

    def for_meter(self, meter: MeterIdentity) -> bytes:
        """The vending key for the meter's supply group and key revision."""
        key = self._keys.get((meter.supply_group_code, meter.key_revision))
        if key is not None:
            return key
        if self._allow_test_key:
            return TEST_VENDING_KEY if meter.key_generation == "dkga02" else TEST_VENDING_KEY_160
        raise LookupError(
            f"no vending key for supply group {meter.supply_group_code} "
            f"revision {meter.key_revision}"
        )
