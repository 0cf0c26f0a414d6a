"""Tariff arithmetic, free of the database: increasing blocks, volume tariffs,
the lifeline block, pro-rated block limits, charges and VAT, and the prepaid
conversion of money into units.

Blocks are half-open bands ``(lower, upper]`` of the period's consumption; in
an increasing block tariff each band is priced at its own rate, so 25 m³ on
0–10 @ 2, 10–20 @ 2.5, 20–30 @ 8 is 10×2 + 10×2.5 + 5×8 = 85.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from baladiya.core.api import quantize

ZERO = Decimal(0)
HUNDRED = Decimal(100)
UNIT_STEP = Decimal("0.1")  # prepaid tokens carry tenths of a unit


class TariffError(ValueError):
    pass


@dataclass(frozen=True)
class Block:
    lower: Decimal
    upper: Decimal | None
    rate: Decimal


@dataclass(frozen=True)
class Charge:
    kind: str  # "fixed" | "per-unit" | "percent"
    head: str
    description: str
    amount: Decimal
    vat_applies: bool = True


@dataclass(frozen=True)
class Schedule:
    """One tariff version, as plain values."""

    blocks: tuple[Block, ...]
    consumption_head: str
    method: str = "blocks"
    lifeline_units: Decimal | None = None
    lifeline_rate: Decimal | None = None
    charges: tuple[Charge, ...] = ()
    vat_percent: Decimal = ZERO
    vat_head: str = ""

    def __post_init__(self) -> None:
        check_blocks(self.blocks)


@dataclass(frozen=True)
class Line:
    head: str
    amount: Decimal
    quantity: Decimal
    description: str
    rate: Decimal | None = None
    lower: Decimal | None = None
    upper: Decimal | None = None


@dataclass(frozen=True)
class Priced:
    units: Decimal
    lines: list[Line] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)


def check_blocks(blocks: Sequence[Block]) -> None:
    """Blocks start at 0, follow each other without gaps or overlaps, and only
    the last one may be unbounded."""
    if not blocks:
        raise TariffError("A tariff needs at least one block.")
    expected = ZERO
    for i, block in enumerate(blocks):
        if block.lower != expected:
            raise TariffError(f"Block {i + 1} starts at {block.lower}, expected {expected}.")
        if block.rate < 0:
            raise TariffError(f"Block {i + 1} has a negative rate.")
        if block.upper is None:
            if i != len(blocks) - 1:
                raise TariffError("Only the top block may be unbounded.")
            return
        if block.upper <= block.lower:
            raise TariffError(f"Block {i + 1} ends before it starts.")
        expected = block.upper


def block_split(
    units: Decimal, blocks: Sequence[Block], *, factor: Decimal = Decimal(1), start: Decimal = ZERO
) -> list[tuple[Block, Decimal]]:
    """How many of the units ``(start, start + units]`` fall in each block,
    with block limits multiplied by ``factor`` (pro-rating)."""
    if units < 0:
        raise TariffError("Consumption cannot be negative.")
    end = start + units
    split: list[tuple[Block, Decimal]] = []
    for block in blocks:
        lower = block.lower * factor
        upper = None if block.upper is None else block.upper * factor
        top = end if upper is None else min(end, upper)
        inside = top - max(lower, start)
        if inside > 0:
            split.append((block, inside))
        if upper is not None and upper >= end:
            break
    if blocks[-1].upper is not None and end > blocks[-1].upper * factor:
        raise TariffError("Consumption is above the top block of a bounded tariff.")
    return split


def consumption_lines(
    schedule: Schedule,
    units: Decimal,
    *,
    currency: str,
    factor: Decimal = Decimal(1),
    labels: dict[str, str] | None = None,
) -> list[Line]:
    """The consumption charge as one line per block (or one line for a volume
    tariff or a lifeline bill)."""
    label = (labels or {}).get("block", "{lower}–{upper} @ {rate}")
    top_label = (labels or {}).get("top", "> {lower} @ {rate}")
    if units == 0:
        return []
    if (
        schedule.lifeline_units is not None
        and schedule.lifeline_rate is not None
        and units <= schedule.lifeline_units * factor
    ):
        description = (
            (labels or {}).get("lifeline", "lifeline @ {rate}").format(rate=schedule.lifeline_rate)
        )
        return [
            Line(
                schedule.consumption_head,
                quantize(units * schedule.lifeline_rate, currency),
                units,
                description,
                rate=schedule.lifeline_rate,
            )
        ]
    split = block_split(units, schedule.blocks, factor=factor)
    if schedule.method == "volume":
        rate = split[-1][0].rate
        return [
            Line(
                schedule.consumption_head,
                quantize(units * rate, currency),
                units,
                label.format(lower=0, upper=units, rate=rate),
                rate=rate,
            )
        ]
    lines = []
    for block, inside in split:
        lower = block.lower * factor
        upper = None if block.upper is None else block.upper * factor
        text = top_label if upper is None else label
        lines.append(
            Line(
                schedule.consumption_head,
                quantize(inside * block.rate, currency),
                inside,
                text.format(lower=_plain(lower), upper=_plain(upper), rate=_plain(block.rate)),
                rate=block.rate,
                lower=lower,
                upper=upper,
            )
        )
    return lines


def bill_lines(
    schedule: Schedule,
    units: Decimal,
    *,
    currency: str,
    months: Decimal = Decimal(1),
    labels: dict[str, str] | None = None,
) -> list[Line]:
    """Every line of a postpaid bill for ``units`` over a period of ``months``
    (block limits and fixed charges are monthly and scale with it)."""
    lines = consumption_lines(schedule, units, currency=currency, factor=months, labels=labels)
    return lines + charge_lines(
        schedule, lines, units, currency=currency, months=months, include_fixed=True
    )


def charge_lines(
    schedule: Schedule,
    consumption: Sequence[Line],
    units: Decimal,
    *,
    currency: str,
    months: Decimal = Decimal(1),
    include_fixed: bool,
) -> list[Line]:
    """Fixed charges, levies and VAT on top of the consumption lines."""
    energy = sum((line.amount for line in consumption), ZERO)
    lines: list[Line] = []
    taxable = energy
    for charge in schedule.charges:
        if charge.kind == "fixed":
            if not include_fixed:
                continue
            amount = quantize(charge.amount * months, currency)
            quantity = months
        elif charge.kind == "per-unit":
            amount = quantize(charge.amount * units, currency)
            quantity = units
        else:
            amount = quantize(energy * charge.amount / HUNDRED, currency)
            quantity = Decimal(1)
        if amount > 0:
            lines.append(Line(charge.head, amount, quantity, charge.description, charge.amount))
            if charge.vat_applies:
                taxable += amount
    if schedule.vat_percent > 0 and schedule.vat_head:
        vat = quantize(taxable * schedule.vat_percent / HUNDRED, currency)
        if vat > 0:
            lines.append(Line(schedule.vat_head, vat, Decimal(1), "VAT", rate=schedule.vat_percent))
    return lines


def prepaid_units(schedule: Schedule, amount: Decimal, *, bought: Decimal, currency: str) -> Priced:
    """What ``amount`` buys, starting where this month's purchases (``bought``
    units) left off: units rounded down to a tenth, every line in money, the
    remainder of the rounding added to the last consumption line so that the
    lines sum to exactly ``amount``."""
    amount = quantize(amount, currency)
    if amount <= 0:
        raise TariffError("The amount must be positive.")
    units = _units_for(schedule, amount, bought)
    while units > 0:
        priced = _prepaid_lines(schedule, units, bought=bought, currency=currency)
        remainder = amount - priced.total
        if remainder >= 0:
            return _absorb(priced, remainder)
        units -= UNIT_STEP
    raise TariffError("The amount is too small to buy any units.")


def _gross_rate(schedule: Schedule, rate: Decimal) -> Decimal:
    """The price of one unit in a block with levies and VAT."""
    vat = schedule.vat_percent / HUNDRED if schedule.vat_head else ZERO
    gross = rate * (1 + vat)
    for charge in schedule.charges:
        factor = 1 + vat if charge.vat_applies else Decimal(1)
        if charge.kind == "per-unit":
            gross += charge.amount * factor
        elif charge.kind == "percent":
            gross += rate * charge.amount / HUNDRED * factor
    return gross


def _units_for(schedule: Schedule, amount: Decimal, bought: Decimal) -> Decimal:
    remaining = amount
    units = ZERO
    for block in schedule.blocks:
        if block.upper is not None and block.upper <= bought:
            continue
        start = max(block.lower, bought)
        price = _gross_rate(schedule, block.rate)
        if price == 0:
            raise TariffError("A prepaid tariff cannot have a free block.")
        room = None if block.upper is None else block.upper - start
        if room is not None and room * price <= remaining:
            units += room
            remaining -= room * price
            continue
        units += (remaining / price).quantize(UNIT_STEP, rounding=ROUND_DOWN)
        return units
    return units


def _prepaid_lines(schedule: Schedule, units: Decimal, *, bought: Decimal, currency: str) -> Priced:
    lines = []
    for block, inside in block_split(units, schedule.blocks, start=bought):
        lines.append(
            Line(
                schedule.consumption_head,
                quantize(inside * block.rate, currency),
                inside,
                f"{_plain(block.lower)}–{_plain(block.upper) if block.upper else '∞'}"
                f" @ {_plain(block.rate)}",
                rate=block.rate,
                lower=block.lower,
                upper=block.upper,
            )
        )
    lines += charge_lines(schedule, lines, units, currency=currency, include_fixed=False)
    return Priced(units=units, lines=lines)


def _absorb(priced: Priced, remainder: Decimal) -> Priced:
    if remainder == 0:
        return priced
    lines = list(priced.lines)
    last = max(
        i for i, line in enumerate(lines) if line.rate is not None and line.lower is not None
    )
    line = lines[last]
    lines[last] = Line(
        line.head,
        line.amount + remainder,
        line.quantity,
        line.description,
        line.rate,
        line.lower,
        line.upper,
    )
    return Priced(units=priced.units, lines=lines)


def months_between(period_days: int, calendar_months: int | None) -> Decimal:
    """The pro-rating factor of a period: its whole calendar months when it is
    made of whole months, else its days over 30."""
    if calendar_months is not None:
        return Decimal(calendar_months)
    return (Decimal(period_days) / Decimal(30)).quantize(Decimal("0.0001"))


def _plain(value: Decimal | None) -> str:
    if value is None:
        return "∞"
    return f"{value.normalize():f}"
