"""Block tariffs: every boundary and the inside of every block, volume and
lifeline tariffs, pro-rating, charges and VAT, and prepaid pricing."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from baladiya.utilities import pricing

BLOCKS = (
    pricing.Block(D(0), D(10), D(2)),
    pricing.Block(D(10), D(20), D("2.5")),
    pricing.Block(D(20), D(30), D(8)),
    pricing.Block(D(30), None, D(10)),
)
WATER = pricing.Schedule(blocks=BLOCKS, consumption_head="water-consumption")


def charge(units: str, schedule: pricing.Schedule = WATER, months: str = "1") -> D:
    lines = pricing.bill_lines(schedule, D(units), currency="ILS", months=D(months))
    return sum((line.amount for line in lines), D(0))


def test_25_cubic_metres_bill_85_not_57_5() -> None:
    assert charge("25") == D("85.00")


@pytest.mark.parametrize(
    ("units", "expected"),
    [
        ("0", "0"),
        ("0.001", "0.00"),
        ("5", "10.00"),  # inside block 1
        ("10", "20.00"),  # top of block 1
        ("10.5", "21.25"),  # just into block 2
        ("15", "32.50"),  # inside block 2
        ("20", "45.00"),  # top of block 2
        ("20.1", "45.80"),  # just into block 3
        ("25", "85.00"),  # inside block 3
        ("30", "125.00"),  # top of block 3
        ("30.5", "130.00"),  # just into the unbounded block
        ("100", "825.00"),  # deep inside the unbounded block
    ],
)
def test_every_boundary_and_the_inside_of_every_block(units: str, expected: str) -> None:
    assert charge(units) == D(expected)


def test_each_block_is_its_own_line_at_its_own_rate() -> None:
    lines = pricing.bill_lines(WATER, D(25), currency="ILS")
    assert [(ln.quantity, ln.rate, ln.amount) for ln in lines] == [
        (D(10), D(2), D("20.00")),
        (D(10), D("2.5"), D("25.00")),
        (D(5), D(8), D("40.00")),
    ]


@given(st.decimals(min_value=0, max_value=10_000, places=3))
def test_the_charge_is_the_integral_of_the_rate(units: D) -> None:
    expected = D(0)
    for block in BLOCKS:
        top = units if block.upper is None else min(units, block.upper)
        expected += max(top - block.lower, D(0)) * block.rate
    assert abs(charge(str(units)) - expected) <= D("0.005") * 4


@given(
    st.decimals(min_value=0, max_value=500, places=2),
    st.decimals(min_value=0, max_value=500, places=2),
)
def test_more_units_never_cost_less(a: D, b: D) -> None:
    low, high = sorted((a, b))
    assert charge(str(low)) <= charge(str(high))


def test_block_limits_are_pro_rated_by_days() -> None:
    # 15 days: blocks 0–5 @ 2, 5–10 @ 2.5, 10–15 @ 8, >15 @ 10
    assert charge("12.5", months=str(pricing.months_between(15, None))) == D("42.50")
    # two whole months: limits double
    assert charge("50", months="2") == D("170.00")


def test_a_volume_tariff_prices_every_unit_at_the_block_reached() -> None:
    volume = pricing.Schedule(blocks=BLOCKS, consumption_head="w", method="volume")
    assert charge("25", volume) == D("200.00")
    assert charge("10", volume) == D("20.00")
    assert charge("10.1", volume) == D("25.25")


def test_the_lifeline_block_bills_small_users_at_the_social_rate() -> None:
    lifeline = pricing.Schedule(
        blocks=BLOCKS, consumption_head="w", lifeline_units=D(6), lifeline_rate=D("1")
    )
    assert charge("6", lifeline) == D("6.00")
    assert charge("6.5", lifeline) == D("13.00")  # above the lifeline: the normal blocks


def test_fixed_charges_levies_and_vat_are_their_own_heads() -> None:
    schedule = pricing.Schedule(
        blocks=BLOCKS,
        consumption_head="water-consumption",
        charges=(
            pricing.Charge("fixed", "water-fixed", "fixed", D(5)),
            pricing.Charge("per-unit", "sewage-levy", "sewage", D("0.5"), vat_applies=False),
        ),
        vat_percent=D(16),
        vat_head="utility-vat",
    )
    lines = pricing.bill_lines(schedule, D(25), currency="ILS")
    by_head: dict[str, D] = {}
    for line in lines:
        by_head[line.head] = by_head.get(line.head, D(0)) + line.amount
    assert by_head == {
        "water-consumption": D("85.00"),
        "water-fixed": D("5.00"),
        "sewage-levy": D("12.50"),
        "utility-vat": D("14.40"),  # 16% of 85 + 5; the levy is outside VAT
    }


def test_blocks_must_follow_each_other() -> None:
    with pytest.raises(pricing.TariffError):
        pricing.check_blocks([pricing.Block(D(0), D(10), D(1)), pricing.Block(D(12), None, D(2))])
    with pytest.raises(pricing.TariffError):
        pricing.check_blocks([pricing.Block(D(0), None, D(1)), pricing.Block(D(10), None, D(2))])


PREPAID = pricing.Schedule(
    blocks=BLOCKS,
    consumption_head="electricity-consumption",
    charges=(pricing.Charge("percent", "electricity-levy", "levy", D(2)),),
    vat_percent=D(16),
    vat_head="utility-vat",
)


@given(
    st.decimals(min_value=1, max_value=2000, places=2),
    st.decimals(min_value=0, max_value=60, places=1),
)
def test_prepaid_lines_sum_to_the_money_and_units_are_rounded_down(amount: D, bought: D) -> None:
    try:
        quote = pricing.prepaid_units(PREPAID, amount, bought=bought, currency="ILS")
    except pricing.TariffError:
        return  # too little to buy a tenth of a unit
    assert quote.total == amount
    assert quote.units == quote.units.quantize(D("0.1"))
    # the units cost no more than the money, and a tenth more would cost more
    cost = sum(
        (
            ln.amount
            for ln in pricing._prepaid_lines(
                PREPAID, quote.units, bought=bought, currency="ILS"
            ).lines
        ),
        D(0),
    )
    more = sum(
        (
            ln.amount
            for ln in pricing._prepaid_lines(
                PREPAID, quote.units + D("0.1"), bought=bought, currency="ILS"
            ).lines
        ),
        D(0),
    )
    assert cost <= amount < more + D("0.03")


def test_prepaid_starts_where_this_months_purchases_left_off() -> None:
    plain = pricing.Schedule(blocks=BLOCKS, consumption_head="e")
    first = pricing.prepaid_units(plain, D(20), bought=D(0), currency="ILS")
    assert first.units == D(10)
    second = pricing.prepaid_units(plain, D(20), bought=D(10), currency="ILS")
    assert second.units == D(8)  # now in the 2.5 block
    with pytest.raises(pricing.TariffError):
        pricing.prepaid_units(plain, D("0.1"), bought=D(0), currency="ILS")


def test_estimates_prefer_the_same_period_last_year_then_the_median() -> None:
    from baladiya.utilities.services import estimate_consumption, is_spike

    assert estimate_consumption([D(10), D(30), D(12)], D(40)) == D(40)
    assert estimate_consumption([D(10), D(30), D(12)], None) == D(12)
    assert estimate_consumption([], None) == D(0)
    usual = [D(10), D(12), D(9), D(11), D(10)]
    assert not is_spike(D(14), usual)
    assert is_spike(D(90), usual)
    assert not is_spike(D(90), usual[:2])  # too little history to judge
