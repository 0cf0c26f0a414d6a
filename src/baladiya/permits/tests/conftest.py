"""A municipality with its ledger, the permit processes and fees, a zoned parcel,
staff in the engineering department, a citizen and a contractor."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from shapely.geometry import box

from baladiya.core.profiles import luhn_check_digit
from baladiya.core.services import (
    create_branch,
    create_department,
    create_party_login,
    register_person,
)
from baladiya.finance.api import load_demo_ledger
from baladiya.gis.models import Parcel, Zone
from baladiya.onestop.services import load_catalogue
from baladiya.permits import services

PASSWORD = "x-Pass-2026"


def make_zone(code: str = "res-a", **rules: Any) -> Zone:
    values = {
        "name_ar": "سكن أ",
        "name_en": "Residential A",
        "max_floors": 4,
        "max_height_m": Decimal("14.00"),
        "max_coverage_pct": Decimal("50.00"),
        "max_far": Decimal("2.00"),
        "setback_front_m": Decimal("5.00"),
        "setback_side_m": Decimal("3.00"),
        "setback_rear_m": Decimal("3.00"),
        "min_parcel_area_m2": Decimal("500.00"),
        "permitted_uses": ["residential", "home-office"],
        **rules,
    }
    return Zone.objects.create(code=code, **values)


def make_parcel(number: str, zone: Zone | None, area: str = "1000.00", col: int = 0) -> Parcel:
    lon, lat = 35.05 + col * 0.0004, 31.54
    outline = box(lon, lat, lon + 0.0003, lat + 0.0003)
    return Parcel.objects.create(
        block="7",
        number=number,
        zone=zone,
        geometry_wkb=outline.wkb,
        min_lon=outline.bounds[0],
        min_lat=outline.bounds[1],
        max_lon=outline.bounds[2],
        max_lat=outline.bounds[3],
        area_m2=Decimal(area),
    )


def person(stem: str, name: str, role: str, phone: str) -> Any:
    national_id = stem + "0" + luhn_check_digit(stem + "0")
    party = register_person(actor=None, national_id=national_id, name_ar=name, phone=phone)
    return create_party_login(actor=None, party=party, password=PASSWORD, role_key=role)


@pytest.fixture
def town(org_ps: Any, roles: Any, make_staff: Any) -> dict[str, Any]:
    load_catalogue(actor=None)
    load_demo_ledger(today=timezone.localdate())
    hq = create_branch(actor=None, code="HQ", name_ar="المقر", name_en="HQ", kind="headquarters")
    eng = create_department(
        actor=None, code="ENG", name_ar="الدائرة الهندسية", name_en="Engineering"
    )
    fin = create_department(actor=None, code="FIN", name_ar="المالية", name_en="Finance")
    services.install_processes(actor=None)
    services.install_fees(actor=None)
    res_a = make_zone()
    commercial = make_zone(
        "commercial",
        name_ar="تجاري",
        name_en="Commercial",
        max_floors=6,
        permitted_uses=["commercial", "offices"],
    )
    return {
        "hq": hq,
        "eng": eng,
        "res_a": res_a,
        "parcel": make_parcel("12", res_a),
        "shop_parcel": make_parcel("13", commercial, col=1),
        "unzoned": make_parcel("14", None, col=2),
        "citizen": person("4100000", "سامي أحمد عودة", "citizen", "0599555666"),
        "other": person("4100001", "ليلى محمود", "citizen", "0599777888"),
        "contractor": person("4100002", "شركة البناء الحديث", "contractor", "0599111222"),
        "clerk": make_staff("clerk", branch=hq),
        "engineer": make_staff("engineer", department=eng),
        "inspector": make_staff("inspector", department=eng),
        "accountant": make_staff("accountant", department=fin),
    }


def building(**overrides: Any) -> services.PermitApplication:
    values: dict[str, Any] = {
        "kind": "building",
        "parcel_block": "7",
        "parcel_number": "12",
        "use": "residential",
        "floors": "3",
        "height_m": "10.5",
        "footprint_m2": "400",
        "built_area_m2": "1200",
        "setback_front_m": "5",
        "setback_side_m": "3",
        "setback_rear_m": "3",
        "supervising_engineer": "م. سامر",
        **overrides,
    }
    return services.PermitApplication(**values)
