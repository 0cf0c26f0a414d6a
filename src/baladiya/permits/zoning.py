"""The engineer's check of a building proposal against the zone rules of its
parcel: every rule is evaluated (for the review table) and every breach is
listed. A limit is respected *at* its value; only going past it is a breach.
Pure functions, no database."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from baladiya.gis.api import ZoneRules

RULES = (
    "parcel-area",
    "use",
    "floors",
    "height",
    "coverage",
    "far",
    "setback-front",
    "setback-side",
    "setback-rear",
)


@dataclass(frozen=True)
class Proposal:
    use: str = ""
    floors: int | None = None
    height_m: Decimal | None = None
    footprint_m2: Decimal | None = None
    built_area_m2: Decimal | None = None
    setback_front_m: Decimal | None = None
    setback_side_m: Decimal | None = None
    setback_rear_m: Decimal | None = None


@dataclass(frozen=True)
class Check:
    """One rule: its limit, what is proposed, and whether the proposal keeps to it
    (``proposed`` is empty when the proposal does not state the value)."""

    rule: str
    limit: str
    proposed: str
    ok: bool

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "limit": self.limit, "proposed": self.proposed}

    @property
    def message(self) -> str:
        return describe(self.as_dict())

    @property
    def shown_limit(self) -> str:
        if self.rule == "use":
            return " / ".join(use_label(u) for u in self.limit.split(", "))
        return self.limit

    @property
    def shown_proposed(self) -> str:
        return use_label(self.proposed) if self.rule == "use" and self.proposed else self.proposed


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def _at_most(
    rule: str, limit: Decimal | int | None, proposed: Decimal | int | None
) -> Check | None:
    if limit is None:
        return None
    ok = proposed is not None and Decimal(proposed) <= Decimal(limit)
    return Check(rule, _text(limit), _text(proposed), ok)


def _at_least(rule: str, limit: Decimal | None, proposed: Decimal | None) -> Check | None:
    if limit is None:
        return None
    ok = proposed is not None and Decimal(proposed) >= Decimal(limit)
    return Check(rule, _text(limit), _text(proposed), ok)


def check(proposal: Proposal, rules: ZoneRules) -> list[Check]:
    """Every rule the zone sets, in a fixed order, each with its verdict."""
    area = rules.parcel_area_m2
    checks: list[Check | None] = [
        _at_least("parcel-area", rules.min_parcel_area_m2, area),
    ]
    if rules.permitted_uses:
        checks.append(
            Check(
                "use",
                ", ".join(rules.permitted_uses),
                proposal.use,
                bool(proposal.use) and proposal.use in rules.permitted_uses,
            )
        )
    checks.append(_at_most("floors", rules.max_floors, proposal.floors))
    checks.append(_at_most("height", rules.max_height_m, proposal.height_m))
    if rules.max_coverage_pct is not None:
        # footprint / area ≤ max % — compared by multiplication, so the limit is exact.
        footprint = proposal.footprint_m2
        ok = footprint is not None and footprint * 100 <= rules.max_coverage_pct * area
        share = (footprint * 100 / area).quantize(Decimal("0.01")) if footprint and area else None
        checks.append(Check("coverage", _text(rules.max_coverage_pct), _text(share), ok))
    if rules.max_far is not None:
        built = proposal.built_area_m2
        ok = built is not None and built <= rules.max_far * area
        ratio = (built / area).quantize(Decimal("0.001")) if built and area else None
        checks.append(Check("far", _text(rules.max_far), _text(ratio), ok))
    checks.append(_at_least("setback-front", rules.setback_front_m, proposal.setback_front_m))
    checks.append(_at_least("setback-side", rules.setback_side_m, proposal.setback_side_m))
    checks.append(_at_least("setback-rear", rules.setback_rear_m, proposal.setback_rear_m))
    return [c for c in checks if c is not None]


def breaches(proposal: Proposal, rules: ZoneRules) -> list[Check]:
    return [c for c in check(proposal, rules) if not c.ok]


def describe(breach: dict[str, Any]) -> str:
    """A breach as a sentence in the active language (stored breaches are data, so
    each reader sees them in his own language)."""
    rule, limit, proposed = breach["rule"], breach["limit"], breach.get("proposed") or ""
    values = {"limit": limit, "proposed": proposed}
    if rule == "parcel-area":
        return (
            _(
                "Parcel area: %(proposed)s m², below the minimum of %(limit)s m² for building in "
                "this zone."
            )
            % values
        )
    if not proposed:
        missing = {
            "use": _("the use of the building"),
            "floors": _("the number of floors"),
            "height": _("the height of the building"),
            "coverage": _("the ground footprint"),
            "far": _("the total built area"),
            "setback-front": _("the front setback"),
            "setback-side": _("the side setbacks"),
            "setback-rear": _("the rear setback"),
        }.get(rule, rule)
        return _("The proposal does not state %(what)s (the zone's limit: %(limit)s).") % {
            "what": missing,
            "limit": limit,
        }
    messages = {
        "use": _("Use: “%(proposed)s” is not permitted in this zone (permitted: %(limit)s)."),
        "floors": _("Floors: %(proposed)s proposed, at most %(limit)s allowed."),
        "height": _("Height: %(proposed)s m proposed, at most %(limit)s m allowed."),
        "coverage": _("Building coverage: %(proposed)s%% of the parcel, at most %(limit)s%%."),
        "far": _("Floor-area ratio: %(proposed)s, at most %(limit)s."),
        "setback-front": _("Front setback: %(proposed)s m, at least %(limit)s m required."),
        "setback-side": _("Side setback: %(proposed)s m, at least %(limit)s m required."),
        "setback-rear": _("Rear setback: %(proposed)s m, at least %(limit)s m required."),
    }
    if rule == "use":
        values["proposed"] = use_label(proposed)
        values["limit"] = " / ".join(use_label(u) for u in limit.split(", "))
    return messages.get(rule, rule) % values


def rule_label(rule: str) -> str:
    return {
        "parcel-area": _("Minimum parcel area"),
        "use": _("Permitted use"),
        "floors": _("Maximum floors"),
        "height": _("Maximum height"),
        "coverage": _("Maximum building coverage"),
        "far": _("Maximum floor-area ratio"),
        "setback-front": _("Front setback"),
        "setback-side": _("Side setback"),
        "setback-rear": _("Rear setback"),
    }.get(rule, rule)


def use_label(value: str) -> str:
    """A use as the reader says it (zones also name uses no application offers)."""
    from baladiya.permits.models import Use

    if value in Use.values:
        return str(Use(value).label)
    return {
        "home-office": _("Home office"),
        "residential-above": _("Homes above shops"),
        "agriculture": _("Agriculture"),
        "crafts": _("Crafts"),
        "heritage": _("Heritage uses"),
    }.get(value, value)
