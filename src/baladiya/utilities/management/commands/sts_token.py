"""Print an STS token for a meter: ``baladiya manage sts_token --pan … --sgc … --amount 25``."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from baladiya.utilities import sts
from baladiya.utilities.sts.cli import add_key_arguments, key_from_options


def _issue_time(text: str | None) -> datetime:
    if not text:
        return datetime.now(UTC)
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"--issued {text!r} is not a date and time like 2026-03-01T13:55"
        ) from None


class Command(BaseCommand):
    help = "Make a 20-digit STS token (class 0 credit or class 2 management) for a meter."

    def add_arguments(self, parser: CommandParser) -> None:
        add_key_arguments(parser)
        token = parser.add_argument_group("token")
        token.add_argument(
            "--class", dest="kind", choices=("credit", "management"), default="credit"
        )
        token.add_argument(
            "--subclass",
            type=int,
            default=0,
            help="credit: 0 electricity, 1 water; management: 1 clear credit, 5 clear tamper",
        )
        token.add_argument(
            "--amount", help="units to credit (kWh or m³), rounded up to a representable amount"
        )
        token.add_argument(
            "--value", type=int, default=0, help="management: the 16-bit value (register, limit…)"
        )
        token.add_argument(
            "--issued",
            help="issue time, ISO 8601; with an offset it is converted to UTC (default: now)",
        )
        token.add_argument(
            "--tid", type=int, help="the token identifier itself, instead of --issued"
        )
        token.add_argument("--rnd", type=int, help="the 4-bit random field (default: random)")
        token.add_argument(
            "--grouped", action="store_true", help="print the digits in groups of four"
        )

    def handle(self, *args: Any, **options: Any) -> str:
        try:
            key = key_from_options(options)
            tid = options["tid"]
            if tid is None:
                tid = sts.tid_at(_issue_time(options["issued"]), options["base_date"])
            if options["kind"] == "credit":
                if options["amount"] is None:
                    raise CommandError("a credit token needs --amount")
                try:
                    units = Decimal(options["amount"])
                except InvalidOperation:
                    raise CommandError(f"--amount {options['amount']!r} is not a number") from None
                token = sts.credit_token(
                    key, subclass=options["subclass"], units=units, tid=tid, rnd=options["rnd"]
                )
            else:
                token = sts.management_token(
                    key,
                    subclass=options["subclass"],
                    tid=tid,
                    value=options["value"],
                    rnd=options["rnd"],
                )
        except ValueError as error:
            raise CommandError(str(error)) from None
        return sts.group_digits(token) if options["grouped"] else token
