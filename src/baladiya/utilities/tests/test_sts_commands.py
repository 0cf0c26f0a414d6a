"""The ``sts_token`` and ``sts_decode`` commands for meter engineers and support staff."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from baladiya.utilities import sts

METER = ["--pan", "600727000000000009", "--sgc", "123456", "--ti", "01", "--krn", "1", "--kt", "2"]


def run(name: str, *args: str) -> str:
    out = StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue().strip()


def test_token_from_the_vending_key_and_meter_parameters() -> None:
    token = run(
        "sts_token", *METER, "--vending-key", "abababababababab", "--base-date", "1993",
        "--amount", "0.1", "--issued", "2004-03-01T13:55", "--rnd", "5",
    )  # fmt: skip
    assert token == "23716100501183194197"


def test_token_from_a_decoder_key_grouped() -> None:
    token = run(
        "sts_token", "--decoder-key", "896745f3de12bc0a", "--base-date", "1993", "--amount", "25.6",
        "--issued", "1996-03-25T13:55:22", "--rnd", "11", "--grouped",
    )  # fmt: skip
    assert token == "2905 4347 1393 0985 1356"


def test_token_with_keys_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(sts.ENV_KEYS, "123456:1=abababababababab")
    token = run("sts_token", *METER, "--base-date", "1993", "--subclass", "1", "--amount", "0.1",
                "--issued", "2004-03-01T14:05", "--rnd", "5")  # fmt: skip
    assert token == "42502136492215507402"


def test_management_token_round_trip() -> None:
    token = run("sts_token", "--decoder-key", "896745f3de12bc0a", "--class", "management",
                "--subclass", "1", "--value", "65535", "--tid", "4242")  # fmt: skip
    out = run("sts_decode", "--decoder-key", "896745f3de12bc0a", token)
    assert "class: 2 management" in out and "clear credit" in out
    assert "value: 65535" in out and "tid: 4242" in out


def test_decode_prints_class_amount_tid_and_time() -> None:
    out = run("sts_decode", *METER, "--vending-key", "abababababababab", "--base-date", "1993",
              "4250", "2136", "4922", "1550", "7402")  # fmt: skip
    assert out.splitlines() == [
        "class: 0 credit",
        "subclass: 1 water (m³)",
        "amount: 0.1",
        "tid: 5871725",
        "issued: 2004-03-01 14:05 UTC (base date 1993)",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--decoder-key", "6ff35b9d1f3453e6", "23716100501183194198"], "invalid token (crc)"),
        (["--decoder-key", "6ff35b9d1f3453e6", "1234"], "invalid token (format)"),
        (["--decoder-key", "zz", "23716100501183194197"], "not hexadecimal"),
        (["23716100501183194197"], "give --decoder-key"),
    ],
)
def test_decode_says_why_a_token_is_invalid(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run("sts_decode", *args)


def test_bad_input_to_sts_token_is_explained_without_the_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(sts.ENV_KEYS, raising=False)
    monkeypatch.delenv(sts.ENV_KEY_FILE, raising=False)
    with pytest.raises(CommandError, match="no vending key for supply group 123456"):
        run("sts_token", *METER, "--amount", "5")
    with pytest.raises(CommandError, match="needs --amount"):
        run("sts_token", "--decoder-key", "896745f3de12bc0a")
    with pytest.raises(CommandError, match="not a number"):
        run("sts_token", "--decoder-key", "896745f3de12bc0a", "--amount", "five")
    with pytest.raises(CommandError, match="not a date"):
        run(
            "sts_token",
            "--decoder-key",
            "896745f3de12bc0a",
            "--amount",
            "5",
            "--issued",
            "yesterday",
        )
    with pytest.raises(CommandError) as outside:
        run(
            "sts_token", "--decoder-key", "896745f3de12bc0a", "--amount", "5", "--base-date", "1993"
        )
    assert "outside the range of base date 1993" in str(outside.value)
    with pytest.raises(CommandError) as wrong_length:
        run("sts_token", *METER, "--vending-key", "ab" * 9, "--amount", "5")
    assert "64 bits" in str(wrong_length.value) and "ab" * 9 not in str(wrong_length.value)
