"""Argument handling shared by the ``sts_token`` and ``sts_decode`` commands.

Keys are read from the command line, the environment or the secret key file and are
never printed: error messages name the meter parameters, not the key.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from typing import Any

from .keys import BASE_DATES, KEY_GENERATIONS, MeterIdentity, VendingKeys, decoder_key


def add_key_arguments(parser: argparse.ArgumentParser) -> None:
    keys = parser.add_argument_group(
        "key",
        "Either --decoder-key, or the meter's parameters with --vending-key or the vending keys "
        "of the environment (BALADIYA_STS_VENDING_KEYS or BALADIYA_STS_KEY_FILE).",
    )
    keys.add_argument("--decoder-key", metavar="HEX", help="the meter's 64-bit decoder key")
    keys.add_argument(
        "--vending-key", metavar="HEX", help="a 64-bit (DKGA02) or 160-bit (DKGA04) vending key"
    )
    keys.add_argument(
        "--allow-test-key",
        action="store_true",
        help="fall back on the public STS test key (test meters only)",
    )
    meter = parser.add_argument_group("meter")
    meter.add_argument("--pan", help="meter number: 18-digit PAN, IIN + DRN, or 11-digit DRN")
    meter.add_argument("--sgc", help="supply group code (6 digits)")
    meter.add_argument("--ti", default="01", help="tariff index (2 digits, default 01)")
    meter.add_argument("--krn", type=int, default=1, help="key revision number (default 1)")
    meter.add_argument("--kt", type=int, default=2, help="key type (default 2)")
    meter.add_argument(
        "--dkga", choices=KEY_GENERATIONS, default="dkga02", help="key generation algorithm"
    )
    meter.add_argument(
        "--base-date",
        type=int,
        choices=BASE_DATES,
        default=2014,
        help="TID base date (default 2014)",
    )


def key_from_options(options: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> bytes:
    """The decoder key the options describe; ValueError with a clear reason otherwise."""
    if options.get("decoder_key"):
        try:
            key = bytes.fromhex(options["decoder_key"])
        except ValueError:
            raise ValueError("--decoder-key is not hexadecimal") from None
        if len(key) != 8:
            raise ValueError("--decoder-key must be 16 hexadecimal digits (64 bits)")
        return key
    if not options.get("pan") or not options.get("sgc"):
        raise ValueError("give --decoder-key, or the meter's --pan and --sgc")
    meter = MeterIdentity(
        meter_pan=options["pan"],
        supply_group_code=options["sgc"],
        tariff_index=options["ti"],
        key_revision=options["krn"],
        key_type=options["kt"],
        base_date=options["base_date"],
        key_generation=options["dkga"],
    )
    if options.get("vending_key"):
        try:
            vending_key = bytes.fromhex(options["vending_key"])
        except ValueError:
            raise ValueError("--vending-key is not hexadecimal") from None
    else:
        environ = os.environ if environ is None else environ
        try:
            vending_key = VendingKeys.load(
                environ, allow_test_key=options.get("allow_test_key", False)
            ).for_meter(meter)
        except LookupError as error:
            raise ValueError(str(error)) from None
    return decoder_key(vending_key, meter)
