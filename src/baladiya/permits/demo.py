"""Demo permits: applications in every state on demo parcels (some breaching
their zone's rules), and excavation permits of the demo contractor, one of them
refunded. Seeded, idempotent, fast."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone
from shapely.geometry import box

from baladiya.core import api as core
from baladiya.gis import api as gis
from baladiya.permits import selectors, services
from baladiya.permits.models import InspectionResult, Permit, PermitKind, Stage, Use
from baladiya.revenue import api as revenue
from baladiya.workflow import api as workflow

# (kind, how far the case goes, whether the proposal breaks the zone's rules)
PLAN = [
    ("building", "submitted", False),
    ("building", "engineering-review", False),
    ("building", "engineering-review", True),
    ("building", "returned", True),
    ("building", "rejected", True),
    ("building", "fees-due", False),
    ("building", "paid", False),
    ("building", "issued", False),
    ("building", "foundation", False),
    ("building", "frame", False),
    ("building", "completed", False),
    ("demolition", "issued", False),
    ("restoration", "fees-due", False),
    ("fencing", "completed", False),
    ("fencing", "submitted", False),
]
EXCAVATIONS = [
    ("submitted", "تمديد خط مياه لمنزل المواطن في الحي الشرقي"),
    ("fees-due", "توصيل خط صرف صحي لعمارة سكنية"),
    ("issued", "تمديد كابل كهرباء أرضي لمحل تجاري"),
    ("refunded", "إصلاح خط مياه رئيسي تحت الطريق"),
]
ORDER = [
    "submitted",
    "engineering-review",
    "returned",
    "rejected",
    "fees-due",
    "paid",
    "issued",
    "foundation",
    "frame",
    "completed",
    "refunded",
]


def _reached(goal: str, step: str) -> bool:
    if goal in ("returned", "rejected"):
        return step in ("engineering-review", goal)
    return ORDER.index(goal) >= ORDER.index(step) and step not in ("returned", "rejected")


def _proposal(rules: Any, breach: bool) -> dict[str, Any]:
    area = rules.parcel_area_m2
    floors = min(rules.max_floors or 3, 4)
    coverage = (rules.max_coverage_pct or Decimal(40)) * Decimal("0.85")
    footprint = (area * coverage / 100).quantize(Decimal("0.01"))
    built = footprint * floors
    if rules.max_far is not None:
        built = min(built, (area * rules.max_far * Decimal("0.95")).quantize(Decimal("0.01")))
    height = Decimal("3.2") * floors
    if rules.max_height_m is not None:
        height = min(height, rules.max_height_m)
    uses = [u for u in rules.permitted_uses if u in Use.values]
    return {
        "use": uses[0] if uses else Use.RESIDENTIAL,
        "floors": (rules.max_floors or floors) + 2 if breach else floors,
        "height_m": height,
        "footprint_m2": footprint,
        "built_area_m2": max(built, footprint),
        "setback_front_m": (rules.setback_front_m or Decimal(0)) + Decimal("0.5"),
        "setback_side_m": (rules.setback_side_m or Decimal(0)) + Decimal("0.5"),
        "setback_rear_m": (rules.setback_rear_m or Decimal(0)) + Decimal("0.5"),
        "supervising_engineer": "م. سامر الجعبري",
    }


def _parcels(country: str, rng: random.Random, wanted: int) -> list[Any]:
    """Numbered, zoned parcels near the town centre big enough to build on."""
    lat, lon = {"PS": (31.5417, 35.0530), "SA": (26.5600, 50.0100)}[country]
    nearby = gis.parcels_in_polygon(box(lon - 0.006, lat - 0.006, lon + 0.006, lat + 0.006))
    found = []
    for parcel in sorted(nearby, key=lambda p: p.pk):
        if len(found) >= wanted * 2:
            break
        if not parcel.number or parcel.zone_id is None:
            continue
        rules = gis.zone_rules_for_parcel(parcel)
        if rules is None or not any(u in Use.values for u in rules.permitted_uses):
            continue
        if rules.min_parcel_area_m2 is not None and parcel.area_m2 < rules.min_parcel_area_m2:
            continue
        found.append(parcel)
    rng.shuffle(found)
    return found[:wanted]


def _pay(permit: Permit, key: str) -> None:
    demand = services.raise_fees(permit_id=permit.pk)
    revenue.take_payment(
        actor=None,
        party=permit.holder,
        amount=demand.total,
        tender=revenue.Tender.ONLINE,
        channel=revenue.Channel.ONLINE,
        idempotency_key=key,
        demands=[demand],
        reference=key,
    )
    services.record_payment(actor=None, permit_id=permit.pk)


def _advance(permit: Permit, goal: str, staff: dict[str, Any], key: str) -> None:
    clerk, engineer, inspector = staff["clerk"], staff["engineer"], staff["inspector"]
    pk = permit.pk
    if _reached(goal, "engineering-review"):
        workflow.take_action(actor=clerk, case_id=permit.case_id, action_key="accept")
    if goal in ("returned", "rejected"):
        decision = "return" if goal == "returned" else "reject"
        services.decide(actor=engineer, permit_id=pk, decision=decision)
        return
    if _reached(goal, "fees-due"):
        services.decide(actor=engineer, permit_id=pk, decision="approve")
        services.raise_fees(permit_id=pk)
    if _reached(goal, "paid"):
        _pay(permit, f"{key}-pay")
    if _reached(goal, "issued"):
        services.issue(actor=engineer, permit_id=pk)
    stages = selectors.stages_for(permit)
    for step, stage in (
        ("foundation", Stage.FOUNDATION),
        ("frame", Stage.FRAME),
        ("completed", stages[-1]),
        ("refunded", stages[-1]),
    ):
        if _reached(goal, step) and stage in stages and selectors.passed(permit, stage) is None:
            services.record_inspection(
                actor=inspector,
                permit_id=pk,
                stage=stage,
                result=InspectionResult.PASSED,
                notes="مطابق للمخططات المرخصة",
                idempotency_key=f"{key}-{stage}",
            )
    if goal == "issued" and permit.kind == PermitKind.EXCAVATION:
        services.record_inspection(
            actor=inspector,
            permit_id=pk,
            stage=Stage.REINSTATEMENT,
            result=InspectionResult.FAILED,
            notes="طبقة الإسفلت أقل سماكة من المطلوب؛ يعاد التعبيد",
            idempotency_key=f"{key}-reinstatement-failed",
        )
    if goal == "refunded":
        services.refund_deposit(actor=staff["accountant"], permit_id=pk)


def load(*, profile_key: str, country: str, persons: list[Any]) -> int:
    """Returns how many permits were added (0 on a second run)."""
    # The processes first, every run: the loader installs the generic application
    # process for every catalogue service, and permits follow their own.
    services.install_processes(actor=None)
    services.install_fees(actor=None)
    prefix = f"demo-permit-{profile_key}"
    if Permit.objects.filter(case__idempotency_key__startswith=prefix).exists():
        return 0
    staff = {
        role: core.user_by_username(role)
        for role in ("clerk", "engineer", "inspector", "accountant")
    }
    rng = random.Random(f"baladiya-demo-permits-{profile_key}")  # noqa: S311 - demo data
    parcels = _parcels(country, rng, len(PLAN))
    added = 0
    can_act = all(staff.values())
    for index, (kind, goal, breach) in enumerate(PLAN):
        if index >= len(parcels):
            break
        parcel = parcels[index]
        values: dict[str, Any] = {}
        if kind == PermitKind.BUILDING:
            rules = gis.zone_rules_for_parcel(parcel)
            values = _proposal(rules, breach)
        elif kind == PermitKind.FENCING:
            values = {"fence_length_m": Decimal(rng.randint(40, 160))}
        else:
            values = {
                "works": "هدم غرفة قديمة متصدعة" if kind == "demolition" else "ترميم الواجهة والسقف"
            }
        key = f"{prefix}-{index}"
        permit = services.apply(
            actor=None,
            holder=persons[index % min(len(persons), 12)],
            application=services.PermitApplication(kind=kind, parcel_id=parcel.pk, **values),
            channel="counter",
            idempotency_key=key,
        )
        added += 1
        if can_act:
            _advance(permit, goal, staff, key)
    contractor = persons[1] if len(persons) > 1 else None
    lat, lon = {"PS": (31.5417, 35.0530), "SA": (26.5600, 50.0100)}[country]
    start = timezone.localdate() + dt.timedelta(days=3)
    for index, (goal, purpose) in enumerate(EXCAVATIONS if contractor is not None else []):
        a = (lon + rng.uniform(-0.006, 0.006), lat + rng.uniform(-0.006, 0.006))
        b = (a[0] + rng.uniform(0.0005, 0.0015), a[1] + rng.uniform(-0.0008, 0.0008))
        c = (b[0] + rng.uniform(0.0002, 0.0006), b[1] + rng.uniform(0.0003, 0.0008))
        key = f"{prefix}-ex-{index}"
        permit = services.apply(
            actor=None,
            holder=contractor,
            application=services.PermitApplication(
                kind=PermitKind.EXCAVATION,
                route={"type": "LineString", "coordinates": [list(a), list(b), list(c)]},
                purpose=purpose,
                start_date=start,
                end_date=start + dt.timedelta(days=14),
            ),
            channel="counter",
            idempotency_key=key,
        )
        added += 1
        if can_act:
            _advance(permit, goal, staff, key)
    return added
