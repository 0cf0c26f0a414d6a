"""The STS token engine: published vectors, amounts, TIDs, decoding and a meter's memory."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from baladiya.utilities import sts
from baladiya.utilities.sts import sta

HERE = Path(__file__).resolve().parent
LOCAL_VECTORS = HERE / "test_sts_vectors.yaml"
SHARED_VECTORS = HERE.parents[3].parent / "shared" / "reference" / "sts-vectors.yaml"
TEST_KEY = bytes.fromhex("abababababababab")


def _meter(pan: str, *, sgc: str = "123456", generation: str = "dkga02") -> sts.MeterIdentity:
    return sts.MeterIdentity(
        meter_pan=pan,
        supply_group_code=sgc,
        tariff_index="01",
        key_revision=1,
        key_type=2,
        base_date=1993,
        key_generation=generation,
    )


def _check_vectors(vectors: dict) -> int:
    checked = 0
    for case in vectors["dkga02_sta"]:
        key = sts.decoder_key(TEST_KEY, _meter(case["meter_pan"]))
        if "expected_decoder_key" in case:
            assert key.hex() == case["expected_decoder_key"], case["case"]
        tid = sts.tid_at(datetime.fromisoformat(case["issued"]), 1993)
        token = sts.credit_token(
            key, subclass=case["subclass"], units=Decimal("0.1"), tid=tid, rnd=5
        )
        assert token == case["expected_token"], case["case"]
        checked += 1
    for case in vectors["direct_key_sta"]:
        tid = sts.tid_at(datetime.fromisoformat(case["issued"]), case["base_date"])
        token = sts.credit_token(
            bytes.fromhex(case["decoder_key"]),
            subclass=case["subclass"],
            units=Decimal(str(case["amount"])),
            tid=tid,
            rnd=case["rnd"],
        )
        assert token == case["expected_token"], case["case"]
        checked += 1
    for case in vectors["dkga04_sta"]:
        meter = sts.MeterIdentity(
            meter_pan=case["meter_pan"],
            supply_group_code=str(case["sgc"]),
            tariff_index=case["tariff_index"],
            key_revision=case["krn"],
            key_type=case["key_type"],
            base_date=case["base_date"],
            key_generation="dkga04",
        )
        key = sts.decoder_key(bytes.fromhex(case["vending_key"]), meter)
        tid = sts.tid_at(datetime.fromisoformat(case["issued"]), case["base_date"])
        token = sts.credit_token(
            key, subclass=case["subclass"], units=Decimal("0.1"), tid=tid, rnd=5
        )
        assert token == case["expected_token"], case["case"]
        checked += 1
    return checked


def test_every_published_vector_is_reproduced() -> None:
    assert _check_vectors(yaml.safe_load(LOCAL_VECTORS.read_text(encoding="utf-8"))) == 5


@pytest.mark.skipif(
    not SHARED_VECTORS.exists(), reason="the shared reference folder is not beside this clone"
)
def test_the_shared_reference_vectors_too() -> None:
    assert _check_vectors(yaml.safe_load(SHARED_VECTORS.read_text(encoding="utf-8"))) >= 5


def test_vector_tokens_decode_back() -> None:
    key = sts.decoder_key(TEST_KEY, _meter("600727000000000009"))
    decoded = sts.decode_token(key, "2371 6100 5011 8319 4197")
    assert (decoded.token_class, decoded.subclass, decoded.amount, decoded.rnd) == (
        0,
        0,
        Decimal("0.1"),
        5,
    )
    assert decoded.issued_at(1993) == datetime(2004, 3, 1, 13, 55, tzinfo=UTC)


def test_sta_decrypt_inverts_encrypt() -> None:
    key = bytes.fromhex("896745f3de12bc0a")
    for block in (0, 1, 0xFFFFFFFFFFFFFFFF, 0x0123456789ABCDEF):
        assert sta.decrypt(key, sta.encrypt(key, block)) == block


# --- amounts --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("units", "field", "credited"),
    [
        ("0", 0, "0"),
        ("0.01", 1, "0.1"),
        ("25.6", 256, "25.6"),
        ("1638.3", 16383, "1638.3"),  # largest exponent-0 amount
        ("1638.31", 1 << 14, "1638.4"),  # rounds up into exponent 1
        ("1638.4", 1 << 14, "1638.4"),
        ("1638.41", 1 << 14 | 1, "1639.4"),
        ("18021.4", 1 << 14 | 16383, "18021.4"),  # largest exponent-1 amount
        ("18021.5", 2 << 14, "18022.4"),  # the gap between ranges rounds up
        ("18022.4", 2 << 14, "18022.4"),
        ("181852.4", 2 << 14 | 16383, "181852.4"),  # largest exponent-2 amount
        ("181852.5", 3 << 14, "181862.4"),
        ("1820162.4", 0xFFFF, "1820162.4"),  # largest amount of all
    ],
)
def test_amount_encoding_rounds_up_at_each_exponent_boundary(
    units: str, field: int, credited: str
) -> None:
    assert sts.encode_amount(Decimal(units)) == (field, Decimal(credited))


def test_amounts_that_do_not_fit_are_refused() -> None:
    with pytest.raises(ValueError):
        sts.encode_amount(sts.MAX_AMOUNT + Decimal("0.01"))
    with pytest.raises(ValueError):
        sts.encode_amount(Decimal("-1"))


@given(st.decimals(min_value=0, max_value=sts.MAX_AMOUNT, places=3))
def test_the_credited_amount_is_the_least_representable_one_not_below(units: Decimal) -> None:
    field, credited = sts.encode_amount(units)
    assert credited >= units
    assert sts.decode_amount(field) == credited
    if field & 0x3FFF:
        assert sts.decode_amount(field - 1) < units


# --- token identifiers -------------------------------------------------------------------


def test_tid_counts_minutes_on_a_fixed_clock() -> None:
    assert sts.tid_at(datetime(1993, 1, 1, 0, 0, 59), 1993) == 0
    assert sts.tid_at(datetime(2014, 1, 1, 0, 1), 2014) == 1
    hebron_summer = timezone(timedelta(hours=3))
    assert sts.tid_at(datetime(2026, 7, 1, 15, 0, tzinfo=hebron_summer), 2014) == sts.tid_at(
        datetime(2026, 7, 1, 12, 0), 2014
    )
    assert sts.issued_at(sts.tid_at(datetime(2026, 7, 1, 12, 0), 2014), 2014) == datetime(
        2026, 7, 1, 12, 0, tzinfo=UTC
    )


def test_the_1993_base_date_runs_out_in_november_2024() -> None:
    assert sts.issued_at((1 << 24) - 1, 1993).date().isoformat() == "2024-11-24"
    with pytest.raises(ValueError):
        sts.tid_at(datetime(2024, 11, 25), 1993)
    with pytest.raises(ValueError):
        sts.tid_at(datetime(2010, 1, 1), 2014)


# --- decoding and the meter -------------------------------------------------------------

KEY = bytes.fromhex("896745f3de12bc0a")


@given(
    subclass=st.integers(0, 15),
    units=st.decimals(min_value=0, max_value=sts.MAX_AMOUNT, places=1),
    tid=st.integers(0, (1 << 24) - 1),
    rnd=st.integers(0, 15),
)
def test_every_credit_token_decodes_back(subclass: int, units: Decimal, tid: int, rnd: int) -> None:
    token = sts.credit_token(KEY, subclass=subclass, units=units, tid=tid, rnd=rnd)
    assert len(token) == 20 and token.isdigit()
    decoded = sts.decode_token(KEY, token)
    assert decoded.token_class == sts.CREDIT
    assert (decoded.subclass, decoded.tid, decoded.rnd) == (subclass, tid, rnd)
    assert decoded.amount == sts.encode_amount(units)[1]


@given(
    subclass=st.sampled_from([0, 1, 2, 5, 6, 7]),
    tid=st.integers(0, (1 << 24) - 1),
    value=st.integers(0, 0xFFFF),
)
def test_every_management_token_decodes_back(subclass: int, tid: int, value: int) -> None:
    decoded = sts.decode_token(
        KEY, sts.management_token(KEY, subclass=subclass, tid=tid, value=value)
    )
    assert (decoded.token_class, decoded.subclass, decoded.tid, decoded.value) == (
        2,
        subclass,
        tid,
        value,
    )
    assert decoded.amount is None


def test_clear_credit_and_clear_tamper() -> None:
    clear = sts.decode_token(
        KEY,
        sts.management_token(KEY, subclass=sts.CLEAR_CREDIT, tid=7, value=sts.CLEAR_ALL_REGISTERS),
    )
    assert (clear.subclass, clear.value) == (1, 0xFFFF)
    assert (
        sts.decode_token(KEY, sts.management_token(KEY, subclass=sts.CLEAR_TAMPER, tid=8)).subclass
        == 5
    )
    with pytest.raises(ValueError):
        sts.management_token(KEY, subclass=3, tid=1)


def test_key_change_tokens_carry_the_new_key_under_the_old_one() -> None:
    new_key = bytes.fromhex("0123456789abcdef")
    first, second = sts.key_change_tokens(
        KEY, new_key, key_revision=2, key_type=2, tariff_index="07"
    )
    one, two = sts.decode_token(KEY, first), sts.decode_token(KEY, second)
    assert one.key_change is not None and two.key_change is not None
    assert (one.subclass, two.subclass) == (3, 4)
    assert (one.key_change.key_revision, one.key_change.key_type, two.key_change.tariff_index) == (
        2,
        2,
        "07",
    )
    assert (one.key_change.key_half << 32 | two.key_change.key_half).to_bytes(8, "big") == new_key
    assert (one.key_change.key_expiry_nibble << 4 | two.key_change.key_expiry_nibble) == 255
    assert one.tid is None


def test_a_mistyped_digit_or_the_wrong_key_fails_the_crc() -> None:
    token = sts.credit_token(KEY, subclass=0, units=Decimal(10), tid=1000, rnd=1)
    typo = token[:-1] + str((int(token[-1]) + 1) % 10)
    with pytest.raises(sts.TokenError) as wrong:
        sts.decode_token(KEY, typo)
    assert wrong.value.reason == sts.TokenError.CRC
    with pytest.raises(sts.TokenError) as other_key:
        sts.decode_token(bytes.fromhex("0000000000000001"), token)
    assert other_key.value.reason == sts.TokenError.CRC


@pytest.mark.parametrize("bad", ["1234", "1234567890123456789a", "99999999999999999999"])
def test_malformed_tokens(bad: str) -> None:
    with pytest.raises(sts.TokenError) as error:
        sts.decode_token(KEY, bad)
    assert error.value.reason == sts.TokenError.FORMAT


def test_meter_memory_rejects_used_and_old_tokens() -> None:
    memory = sts.MeterMemory(size=3)

    def token(tid: int) -> sts.DecodedToken:
        return sts.decode_token(KEY, sts.credit_token(KEY, subclass=0, units=Decimal(1), tid=tid))

    for tid in (10, 12, 11):  # out of order is fine while remembered
        memory.accept(token(tid))
    with pytest.raises(sts.TokenError) as used:
        memory.accept(token(12))
    assert used.value.reason == sts.TokenError.USED
    memory.accept(token(20))  # forgets 10
    with pytest.raises(sts.TokenError) as old:
        memory.accept(token(9))
    assert old.value.reason == sts.TokenError.OLD
    memory.accept(token(13))


def test_group_digits() -> None:
    assert sts.group_digits("23716100501183194197") == "2371 6100 5011 8319 4197"


# --- meters and keys --------------------------------------------------------------------


def test_meter_numbers_in_three_forms() -> None:
    assert _meter("600727000000000009").meter_pan == "600727000000000009"
    assert _meter("60072700000000000").meter_pan == "600727000000000009"
    assert _meter("00000000000").meter_pan == "600727000000000009"
    with pytest.raises(ValueError):
        _meter("600727000000000008")  # wrong check digit
    with pytest.raises(ValueError):
        sts.MeterIdentity("600727000000000009", "12345", "01", 1, 2, 1993, "dkga02")


def test_vending_keys_from_environment_and_file(tmp_path: Path) -> None:
    meter = _meter("600727000000000009")
    keys = sts.VendingKeys.load({sts.ENV_KEYS: "123456:1=0011223344556677, 654321:2=" + "ab" * 20})
    assert keys.for_meter(meter) == bytes.fromhex("0011223344556677")
    assert "0011223344556677" not in repr(keys) and "123456:1" in repr(keys)
    secret = tmp_path / "keys.yaml"
    secret.write_text('"123456:1": "8899aabbccddeeff"\n', encoding="utf-8")
    from_file = sts.VendingKeys.load({sts.ENV_KEY_FILE: str(secret)})
    assert from_file.for_meter(meter) == bytes.fromhex("8899aabbccddeeff")
    as_json = tmp_path / "keys.json"
    as_json.write_text('{"123456:1": "8899aabbccddeeff"}', encoding="utf-8")
    assert sts.VendingKeys.from_file(as_json).for_meter(meter) == bytes.fromhex("8899aabbccddeeff")


def test_the_public_test_key_only_when_allowed() -> None:
    meter = _meter("600727000000000009", sgc="999999")
    with pytest.raises(LookupError):
        sts.VendingKeys.load({}).for_meter(meter)
    assert sts.VendingKeys.load({}, allow_test_key=True).for_meter(meter) == TEST_KEY
    with pytest.raises(ValueError):
        sts.VendingKeys.load({sts.ENV_KEYS: "123456:1=zz"})


def test_the_engine_imports_no_django() -> None:
    import ast

    for source in (HERE.parent / "sts").glob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(name.startswith("django") for name in names), source.name
