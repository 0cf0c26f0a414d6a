"""Decode an STS token as the meter would: ``baladiya manage sts_decode --decoder-key … TOKEN``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from baladiya.utilities import sts
from baladiya.utilities.sts.cli import add_key_arguments, key_from_options

CLASS_NAMES = {0: "credit", 1: "meter test", 2: "management"}
SUBCLASS_NAMES = {
    0: {0: "electricity (kWh)", 1: "water (m³)", 2: "gas"},
    2: {
        0: "maximum power limit",
        1: "clear credit",
        2: "set tariff rate",
        3: "key change, first half",
        4: "key change, second half",
        5: "clear tamper",
        6: "phase unbalance limit",
        7: "water meter factor",
    },
}


class Command(BaseCommand):
    help = (
        "Decode a 20-digit STS token: class, subclass, amount, TID and issue time, "
        "or why it is invalid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("token", nargs="+", help="the 20 digits (spaces allowed)")
        add_key_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> str:
        try:
            key = key_from_options(options)
        except ValueError as error:
            raise CommandError(str(error)) from None
        try:
            decoded = sts.decode_token(key, "".join(options["token"]))
        except sts.TokenError as error:
            raise CommandError(f"invalid token ({error.reason}): {error}") from None
        subclass = SUBCLASS_NAMES.get(decoded.token_class, {}).get(decoded.subclass, "")
        lines = [
            f"class: {decoded.token_class} {CLASS_NAMES.get(decoded.token_class, '')}",
            f"subclass: {decoded.subclass} {subclass}".rstrip(),
        ]
        if decoded.amount is not None:
            lines.append(f"amount: {decoded.amount}")
        elif decoded.value is not None:
            lines.append(f"value: {decoded.value}")
        if decoded.tid is not None:
            issued = decoded.issued_at(options["base_date"])
            lines.append(f"tid: {decoded.tid}")
            lines.append(f"issued: {issued:%Y-%m-%d %H:%M} UTC (base date {options['base_date']})")
        if decoded.key_change is not None:
            change = decoded.key_change
            lines.append(f"key section: {change.section}")
            if change.key_revision is not None:
                lines.append(
                    f"new key revision: {change.key_revision}, key type: {change.key_type}"
                )
            if change.tariff_index is not None:
                lines.append(f"tariff index: {change.tariff_index}")
        return "\n".join(lines)
