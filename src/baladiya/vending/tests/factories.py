"""A charging point, its cashier, a citizen with prepaid meters and a block tariff:
the set-up shared by the vending tests, the browser test and the benchmark."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from baladiya.core.services import (
    assign_role,
    create_branch,
    create_party_login,
    create_staff_user,
    register_person,
)
from baladiya.core.tests.factories import ps_mobile, ps_national_id
from baladiya.finance.api import load_demo_ledger
from baladiya.revenue import services as revenue
from baladiya.utilities import sts
from baladiya.utilities.models import Connection, Meter, Tariff, TariffBlock, TariffVersion

PASSWORD = "Vending-Pass-2026"


def prepaid_tariff(utility: str) -> TariffVersion:
    """0–10 units at 2.5, above at 4 (electricity: 0–100 at 0.5, above at 0.7)."""
    tariff = Tariff.objects.create(
        code=f"{utility}-prepaid",
        name_ar="تعرفة مسبقة الدفع",
        name_en="Prepaid tariff",
        utility=utility,
        category="residential",
        mode="prepaid",
    )
    version = TariffVersion.objects.create(
        tariff=tariff,
        version=1,
        effective_from=dt.date(2020, 1, 1),
        consumption_head=f"{utility}-prepaid",
    )
    low, high, first, second = (
        ("10", None, "2.5", "4") if utility == "water" else ("100", None, "0.5", "0.7")
    )
    TariffBlock.objects.create(
        version=version, lower=Decimal(0), upper=Decimal(low), rate=Decimal(first)
    )
    TariffBlock.objects.create(
        version=version, lower=Decimal(low), upper=high, rate=Decimal(second)
    )
    return version


def prepaid_meter(party: Any, branch: Any, *, n: int, utility: str = "water") -> Meter:
    connection = Connection.objects.create(
        number=f"{'W' if utility == 'water' else 'E'}-{n:06d}",
        party=party,
        utility=utility,
        category="residential",
        branch=branch,
        address="تفوح - الحارة الشرقية",
        status="active",
        connected_on=timezone.localdate(),
    )
    return Meter.objects.create(
        connection=connection,
        serial=f"PM-{n:06d}",
        is_prepaid=True,
        installed_on=timezone.localdate(),
        sts_meter_pan=sts.normalise_pan(f"{n:011d}"),
        sts_supply_group_code="123456",
        sts_tariff_index="01",
        sts_key_revision=1,
        sts_key_type=2,
        sts_base_date=2014,
        sts_key_generation="dkga02",
    )


def vending_scene(*, point_code: str = "CP3", meters: int = 1) -> dict[str, Any]:
    """Needs ``org_ps`` and ``roles``. A charging point with its cashier, a citizen
    (with a login) owning ``meters`` prepaid water meters and an electricity one."""
    load_demo_ledger(today=timezone.localdate())
    hq = create_branch(actor=None, code="HQ", name_ar="المقر", name_en="HQ", kind="headquarters")
    point = create_branch(
        actor=None,
        code=point_code,
        name_ar="وحدة شحن الحارة الشرقية",
        name_en="East quarter charging unit",
        kind="charging-point",
    )
    cashier = create_staff_user(
        actor=None,
        username=f"cashier-{point_code.lower()}",
        password=PASSWORD,
        first_name="سامي",
        last_name="الجعبري",
        home_branch=point,
    )
    assign_role(actor=None, user=cashier, role_key="cashier", branch=point)
    person = register_person(
        actor=None,
        national_id=ps_national_id(4321),
        name_ar="خالد محمود العملة",
        name_en="Khaled Al-Amleh",
        phone=ps_mobile(4321),
    )
    citizen = create_party_login(actor=None, party=person, password=PASSWORD, role_key="citizen")
    for utility, account in (("water", "4201"), ("electricity", "4202")):
        revenue.create_revenue_head(
            actor=None,
            code=f"{utility}-prepaid",
            name_ar="شحن مسبق الدفع",
            name_en="Prepaid credit",
            account_code=account,
        )
        prepaid_tariff(utility)
    revenue.create_revenue_head(
        actor=None,
        code="water-bill",
        name_ar="فاتورة مياه",
        name_en="Water bill",
        account_code="4201",
        allows_part_payment=True,
    )
    water = [prepaid_meter(person, hq, n=i + 1) for i in range(meters)]
    electricity = prepaid_meter(person, hq, n=900, utility="electricity")
    return {
        "hq": hq,
        "point": point,
        "cashier": cashier,
        "person": person,
        "citizen": citizen,
        "meter": water[0],
        "meters": water,
        "electricity": electricity,
    }


def water_bill(party: Any, amount: str, *, days_ago: int = 40) -> Any:
    """An unpaid postpaid water bill (arrears)."""
    return revenue.create_demand(
        actor=None,
        party=party,
        lines=[revenue.DemandLineSpec(head="water-bill", amount=Decimal(amount))],
        due_date=timezone.localdate() - dt.timedelta(days=days_ago),
        description="فاتورة مياه",
        source_type="utilities.connectionbill",
        source_id="1",
    )
