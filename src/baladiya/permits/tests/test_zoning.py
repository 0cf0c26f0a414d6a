"""Every rule of the zone check at, just under and just over its limit."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from django.utils import translation

from baladiya.gis.api import ZoneRules
from baladiya.permits import zoning

D = Decimal
RULES = ZoneRules(
    zone_code="res-a",
    zone_name="Residential A",
    max_floors=4,
    max_height_m=D("14.00"),
    max_coverage_pct=D("50.00"),
    max_far=D("2.00"),
    setback_front_m=D("5.00"),
    setback_side_m=D("3.00"),
    setback_rear_m=D("3.00"),
    min_parcel_area_m2=D("500.00"),
    permitted_uses=("residential", "home-office"),
    parcel_area_m2=D("1000.00"),
)
GOOD = zoning.Proposal(
    use="residential",
    floors=3,
    height_m=D("10.00"),
    footprint_m2=D("400.00"),
    built_area_m2=D("1200.00"),
    setback_front_m=D("6.00"),
    setback_side_m=D("4.00"),
    setback_rear_m=D("4.00"),
)


def rules_broken(proposal: zoning.Proposal, rules: ZoneRules = RULES) -> list[str]:
    return [b.rule for b in zoning.breaches(proposal, rules)]


def test_a_proposal_within_every_rule_has_no_breach() -> None:
    assert rules_broken(GOOD) == []
    assert [c.rule for c in zoning.check(GOOD, RULES)] == list(zoning.RULES)


# (rule, field, just under, at, just over) — a maximum is broken only above it,
# a minimum (setbacks) only below it.
MAXIMA = [
    ("floors", "floors", 3, 4, 5),
    ("height", "height_m", D("13.99"), D("14.00"), D("14.01")),
    ("coverage", "footprint_m2", D("499.99"), D("500.00"), D("500.01")),
    ("far", "built_area_m2", D("1999.99"), D("2000.00"), D("2000.01")),
]
MINIMA = [
    ("setback-front", "setback_front_m", D("4.99"), D("5.00"), D("5.01")),
    ("setback-side", "setback_side_m", D("2.99"), D("3.00"), D("3.01")),
    ("setback-rear", "setback_rear_m", D("2.99"), D("3.00"), D("3.01")),
]


@pytest.mark.parametrize(("rule", "field", "under", "at", "over"), MAXIMA)
def test_a_maximum_holds_at_its_limit_and_breaks_just_over(rule, field, under, at, over) -> None:
    base = replace(GOOD, footprint_m2=D("100.00")) if field == "built_area_m2" else GOOD
    assert rules_broken(replace(base, **{field: under})) == []
    assert rules_broken(replace(base, **{field: at})) == []
    assert rules_broken(replace(base, **{field: over})) == [rule]


@pytest.mark.parametrize(("rule", "field", "under", "at", "over"), MINIMA)
def test_a_setback_holds_at_its_minimum_and_breaks_just_under(rule, field, under, at, over) -> None:
    assert rules_broken(replace(GOOD, **{field: under})) == [rule]
    assert rules_broken(replace(GOOD, **{field: at})) == []
    assert rules_broken(replace(GOOD, **{field: over})) == []


@pytest.mark.parametrize(
    ("area", "broken"),
    [(D("499.99"), ["parcel-area"]), (D("500.00"), []), (D("500.01"), [])],
)
def test_the_minimum_parcel_area(area, broken) -> None:
    # A smaller parcel would also change coverage and FAR: keep the proposal tiny.
    small = replace(GOOD, footprint_m2=D("100"), built_area_m2=D("300"))
    assert rules_broken(small, replace(RULES, parcel_area_m2=area)) == broken


@pytest.mark.parametrize(
    ("use", "broken"),
    [("residential", []), ("home-office", []), ("commercial", ["use"]), ("", ["use"])],
)
def test_the_permitted_uses(use, broken) -> None:
    assert rules_broken(replace(GOOD, use=use)) == broken


def test_a_rule_the_zone_does_not_set_is_not_checked() -> None:
    open_zone = replace(RULES, max_floors=None, max_height_m=None, permitted_uses=())
    assert (
        rules_broken(replace(GOOD, floors=30, height_m=D("99"), use="industrial"), open_zone) == []
    )


def test_a_value_the_proposal_does_not_state_is_a_breach() -> None:
    assert rules_broken(replace(GOOD, height_m=None, setback_rear_m=None)) == [
        "height",
        "setback-rear",
    ]


def test_every_breach_is_listed_at_once_in_the_readers_language() -> None:
    bad = replace(GOOD, floors=6, setback_front_m=D("2"), use="commercial")
    found = zoning.breaches(bad, RULES)
    assert [b.rule for b in found] == ["use", "floors", "setback-front"]
    with translation.override("en"):
        assert found[1].message == "Floors: 6 proposed, at most 4 allowed."
    with translation.override("ar"):
        arabic = [zoning.describe(b.as_dict()) for b in found]
    assert "الطوابق" in arabic[1] and "6" in arabic[1] and "4" in arabic[1]
    assert "تجاري" in arabic[0]
