"""Selling prepaid credit: tokens, arrears share, block tariff, idempotency, TIDs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone, translation

from baladiya.core.models import AuditEntry
from baladiya.revenue import services as revenue
from baladiya.revenue.models import Demand, Payment
from baladiya.utilities import api as utilities
from baladiya.utilities import sts
from baladiya.vending import selectors, services
from baladiya.vending.models import MeterVendState, Vend
from baladiya.vending.tests.factories import vending_scene, water_bill

pytestmark = pytest.mark.django_db

TEST_KEY = bytes.fromhex("abababababababab")


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Error messages are matched in English (the catalogue has them in Arabic)."""
    with translation.override("en"):
        yield


@pytest.fixture
def scene(org_ps: Any, roles: Any) -> dict[str, Any]:
    return vending_scene()


@pytest.fixture
def shift(scene: dict[str, Any]) -> Any:
    return revenue.open_shift(
        actor=scene["cashier"], branch=scene["point"], opening_float=Decimal("0")
    )


def decode(vend: Vend) -> sts.DecodedToken:
    identity = utilities.sts_identity(vend.meter)
    return sts.decode_token(sts.decoder_key(TEST_KEY, identity), vend.token)


def test_a_sale_mints_a_token_the_meter_accepts(scene: dict[str, Any], shift: Any) -> None:
    vend = services.sell(
        actor=scene["cashier"], meter=scene["meter"], amount=Decimal("20"), idempotency_key="k1"
    )
    assert vend.status == "issued" and len(vend.token) == 20
    decoded = decode(vend)
    assert (decoded.token_class, decoded.subclass) == (sts.CREDIT, sts.WATER)
    assert decoded.amount == vend.units == Decimal("8.0")  # 20 / 2.5
    assert decoded.tid == vend.tid == sts.tid_at(vend.issued_at, 2014)
    payment = Payment.objects.get(pk=vend.payment_id)
    assert payment.shift_id == shift.pk and payment.channel == "charging-point"
    assert payment.amount == Decimal("20")
    demand = Demand.objects.get(pk=vend.demand_id)
    assert demand.source_type == "vending.vend" and demand.status == "paid"
    entry = AuditEntry.objects.filter(action="vending.token.issue").get()
    assert entry.after["tid"] == vend.tid and entry.after["shift"] == shift.number
    assert entry.after["operator"] == scene["cashier"].username
    assert vend.token not in str(entry.after)


def test_a_sale_takes_its_gap_free_number_last(scene: dict[str, Any], shift: Any) -> None:
    """The sale is written with a placeholder and numbered once its payment is
    written; the payment's reference, the audit entry and the stored row all carry
    the real number, and the numbers run without gaps."""
    sell = services.sell
    vends = [
        sell(actor=scene["cashier"], meter=scene["meter"], amount=Decimal(a), idempotency_key=k)
        for a, k in (("20", "n1"), ("30", "n2"))
    ]
    year = timezone.localdate().year
    assert [v.number for v in vends] == [f"V-{year}-0000001", f"V-{year}-0000002"]
    for vend in vends:
        vend.refresh_from_db()
        assert not vend.number.startswith("pending")
        assert Payment.objects.get(pk=vend.payment_id).reference == vend.number
        assert Demand.objects.get(pk=vend.demand_id).source_id == str(vend.pk)
        entry = AuditEntry.objects.get(action="vending.token.issue", object_id=str(vend.pk))
        assert entry.object_repr == vend.number
    again = sell(
        actor=scene["cashier"], meter=scene["meter"], amount=Decimal(20), idempotency_key="n1"
    )
    assert again.number == vends[0].number


def test_electricity_tokens_use_subclass_zero(scene: dict[str, Any], shift: Any) -> None:
    vend = services.sell(
        actor=scene["cashier"],
        meter=scene["electricity"],
        amount=Decimal("50"),
        idempotency_key="e1",
    )
    decoded = decode(vend)
    assert decoded.subclass == sts.ELECTRICITY and decoded.amount == Decimal("100.0")


def test_the_block_tariff_holds_across_the_months_purchases(
    scene: dict[str, Any], shift: Any
) -> None:
    first = services.sell(
        actor=scene["cashier"], meter=scene["meter"], amount=Decimal("20"), idempotency_key="a"
    )
    second = services.sell(
        actor=scene["cashier"], meter=scene["meter"], amount=Decimal("20"), idempotency_key="b"
    )
    # 8 m³ at 2.5, then 2 m³ at 2.5 (5.00) and 15.00 / 4 = 3.7 m³ (rounded down)
    assert first.units == Decimal("8.0")
    assert second.bought_before == Decimal("8.0") and second.units == Decimal("5.7")
    assert second.tid > first.tid
    state = MeterVendState.objects.get(meter=scene["meter"])
    assert state.month_units == Decimal("13.7") and state.last_tid == second.tid
    assert selectors.bought_this_month(scene["meter"], on=timezone.localdate()) == Decimal("13.7")


def test_a_new_month_starts_at_the_first_block(scene: dict[str, Any], shift: Any) -> None:
    services.sell(
        actor=scene["cashier"], meter=scene["meter"], amount=Decimal("40"), idempotency_key="a"
    )
    later = timezone.now() + dt.timedelta(days=40)
    vend = services.sell(
        actor=scene["cashier"],
        meter=scene["meter"],
        amount=Decimal("20"),
        idempotency_key="b",
        now=later,
    )
    assert vend.bought_before == 0 and vend.units == Decimal("8.0")


def test_sales_in_the_same_minute_get_increasing_tids(scene: dict[str, Any], shift: Any) -> None:
    moment = timezone.now()
    tids = [
        services.sell(
            actor=scene["cashier"],
            meter=scene["meter"],
            amount=Decimal("5"),
            idempotency_key=f"s{i}",
            now=moment,
        ).tid
        for i in range(4)
    ]
    assert tids == sorted(set(tids)) and tids[-1] - tids[0] == 3
    memory = sts.MeterMemory()
    for vend in Vend.objects.order_by("tid"):
        memory.accept(decode(vend))


def test_a_retry_returns_the_first_sale_and_its_token(scene: dict[str, Any], shift: Any) -> None:
    first = services.sell(
        actor=scene["cashier"], meter=scene["meter"], amount=Decimal("20"), idempotency_key="same"
    )
    again = services.sell(
        actor=scene["cashier"], meter=scene["meter"], amount=Decimal("20"), idempotency_key="same"
    )
    assert again.pk == first.pk and again.token == first.token
    assert Payment.objects.count() == 1 and Vend.objects.count() == 1
    with pytest.raises(services.VendingError):
        services.sell(
            actor=scene["cashier"],
            meter=scene["meter"],
            amount=Decimal("30"),
            idempotency_key="same",
        )
    revenue.close_shift(actor=scene["cashier"], shift=shift, counted={"cash": Decimal("20")})
    late = services.sell(  # the shift has closed since: a retry still gets its sale
        actor=scene["cashier"], meter=scene["meter"], amount=Decimal("20"), idempotency_key="same"
    )
    assert late.pk == first.pk and late.token == first.token
    with pytest.raises(services.VendingError):  # but a new sale needs an open shift
        services.sell(
            actor=scene["cashier"], meter=scene["meter"], amount=Decimal(20), idempotency_key="new"
        )


def test_a_share_of_the_money_recovers_arrears(scene: dict[str, Any], shift: Any) -> None:
    bill = water_bill(scene["person"], "100")
    vend = services.sell(
        actor=scene["cashier"], meter=scene["meter"], amount=Decimal("40"), idempotency_key="ar"
    )
    assert vend.arrears == Decimal("10.000") and vend.purchase == Decimal("30.000")
    bill.refresh_from_db()
    assert bill.paid == Decimal("10") and bill.status == "part-paid"
    assert Demand.objects.get(pk=vend.demand_id).total == Decimal("30")
    payment = Payment.objects.get(pk=vend.payment_id)
    assert payment.amount == Decimal("40") and payment.advance == 0
    # 30 buys 10 m³ at 2.5 (25) and 5 / 4 = 1.2 m³ (the rounding goes to the consumption line)
    assert vend.units == Decimal("11.2")


def test_the_share_never_exceeds_what_is_owed(scene: dict[str, Any], shift: Any) -> None:
    water_bill(scene["person"], "3")
    vend = services.sell(
        actor=scene["cashier"], meter=scene["meter"], amount=Decimal("40"), idempotency_key="x"
    )
    assert vend.arrears == Decimal("3") and vend.purchase == Decimal("37")


def test_the_policy_sets_the_share(scene: dict[str, Any], shift: Any, make_staff: Any) -> None:
    manager = make_staff("finance-manager")
    services.set_policy(
        actor=manager,
        arrears_percent=Decimal("50"),
        minimum_amount=Decimal("1"),
        maximum_amount=Decimal("500"),
    )
    water_bill(scene["person"], "100")
    vend = services.sell(
        actor=scene["cashier"], meter=scene["meter"], amount=Decimal("40"), idempotency_key="p"
    )
    assert vend.arrears == Decimal("20")
    with pytest.raises(services.VendingError):
        services.sell(
            actor=scene["cashier"], meter=scene["meter"], amount=Decimal("600"), idempotency_key="q"
        )
    with pytest.raises(services.VendingError):
        services.set_policy(
            actor=manager,
            arrears_percent=Decimal("100"),
            minimum_amount=Decimal("1"),
            maximum_amount=Decimal("5"),
        )


def test_no_sale_without_an_open_shift_at_a_charging_point(scene: dict[str, Any]) -> None:
    from baladiya.core.services import assign_role

    cashier, meter = scene["cashier"], scene["meter"]
    with pytest.raises(services.VendingError, match="shift"):
        services.sell(actor=cashier, meter=meter, amount=Decimal("20"), idempotency_key="n")
    assign_role(actor=None, user=cashier, role_key="cashier", branch=scene["hq"])
    revenue.open_shift(actor=cashier, branch=scene["hq"], opening_float=Decimal("0"))
    with pytest.raises(services.VendingError, match="charging point"):
        services.sell(actor=cashier, meter=meter, amount=Decimal("20"), idempotency_key="n")
    assert not Vend.objects.exists()


def test_clear_errors_for_bad_sales(scene: dict[str, Any], shift: Any, make_staff: Any) -> None:
    cashier, meter = scene["cashier"], scene["meter"]
    with pytest.raises(services.VendingError, match="from"):
        services.sell(actor=cashier, meter=meter, amount=Decimal("0.5"), idempotency_key="t")
    services.set_policy(
        actor=make_staff("finance-manager"),
        arrears_percent=Decimal("25"),
        minimum_amount=Decimal("0.1"),
        maximum_amount=Decimal("500"),
    )
    with pytest.raises(services.VendingError, match="too small"):
        services.sell(actor=cashier, meter=meter, amount=Decimal("0.2"), idempotency_key="t")
    meter.connection.status = "suspended"
    meter.connection.save()
    with pytest.raises(services.VendingError, match="not active"):
        services.sell(actor=cashier, meter=meter, amount=Decimal("20"), idempotency_key="u")
    assert not Vend.objects.exists() and not Payment.objects.exists()


def test_without_a_vending_key_nothing_is_sold(
    scene: dict[str, Any], shift: Any, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    settings.PRODUCTION = True
    monkeypatch.delenv(sts.ENV_KEYS, raising=False)
    monkeypatch.delenv(sts.ENV_KEY_FILE, raising=False)
    with pytest.raises(services.VendingError, match="vending key"):
        services.sell(
            actor=scene["cashier"], meter=scene["meter"], amount=Decimal("20"), idempotency_key="v"
        )
    assert not Payment.objects.exists()
    monkeypatch.setenv(sts.ENV_KEYS, "123456:1=abababababababab")
    vend = services.sell(
        actor=scene["cashier"], meter=scene["meter"], amount=Decimal("20"), idempotency_key="v"
    )
    assert decode(vend).amount == Decimal("8.0")


def test_other_staff_may_not_sell(scene: dict[str, Any], make_staff: Any) -> None:
    clerk = make_staff("clerk", branch=scene["point"])
    with pytest.raises(Exception):  # noqa: B017 - the clerk cannot even open a shift
        revenue.open_shift(actor=clerk, branch=scene["point"], opening_float=Decimal("0"))


def test_online_top_up_mints_the_token_when_paid(
    scene: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    citizen = scene["citizen"]
    with django_capture_on_commit_callbacks(execute=True):
        vend, online = services.start_online_topup(
            actor=citizen, meter=scene["meter"], amount=Decimal("25"), idempotency_key="web1"
        )
    assert vend.status == "pending" and not vend.token and online.amount == Decimal("25")
    assert vend.number == f"V-{timezone.localdate().year}-0000001"
    with django_capture_on_commit_callbacks(execute=True):
        revenue.complete_online_payment(
            token=online.token,
            status="paid",
            amount=online.amount,
            provider_ref="SBX-1",
            signature=_sign(online.token, "paid", online.amount, "SBX-1"),
        )
    vend.refresh_from_db()
    assert vend.status == "issued" and vend.payment_id is not None
    assert decode(vend).amount == Decimal("10.0")
    assert vend.channel == "online" and vend.shift_id is None
    from baladiya.core.models import Notification

    message = Notification.objects.get(party=scene["person"])
    assert sts.group_digits(vend.token) in message.body


def test_online_top_up_recovers_the_same_share_of_arrears(
    scene: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    bill = water_bill(scene["person"], "100")
    with django_capture_on_commit_callbacks(execute=True):
        vend, online = services.start_online_topup(
            actor=scene["citizen"], meter=scene["meter"], amount=Decimal("40"), idempotency_key="w"
        )
    assert vend.arrears == Decimal("10") and vend.purchase == Decimal("30")
    assert online.amount == Decimal("40")  # what he asked to pay, arrears share included
    assert vend.units == Decimal("11.2")  # 30 buys what it buys at the counter
    with django_capture_on_commit_callbacks(execute=True):
        revenue.complete_online_payment(
            token=online.token,
            status="paid",
            amount=online.amount,
            provider_ref="SBX-2",
            signature=_sign(online.token, "paid", online.amount, "SBX-2"),
        )
    vend.refresh_from_db()
    bill.refresh_from_db()
    assert vend.status == "issued" and decode(vend).amount == Decimal("11.2")
    assert bill.paid == Decimal("10") and bill.status == "part-paid"
    payment = Payment.objects.get(pk=vend.payment_id)
    assert payment.amount == Decimal("40") and payment.advance == 0


def test_a_retried_online_top_up_asks_only_for_arrears_still_owed(
    scene: dict[str, Any], shift: Any
) -> None:
    water_bill(scene["person"], "4")
    vend, first = services.start_online_topup(
        actor=scene["citizen"], meter=scene["meter"], amount=Decimal("40"), idempotency_key="r"
    )
    assert vend.arrears == Decimal("4") and first.amount == Decimal("40")
    services.sell(  # the bill is paid at the counter before he pays online
        actor=scene["cashier"], meter=scene["meter"], amount=Decimal("20"), idempotency_key="c"
    )
    again, second = services.start_online_topup(
        actor=scene["citizen"], meter=scene["meter"], amount=Decimal("40"), idempotency_key="r"
    )
    assert again.pk == vend.pk and second.amount == Decimal("36")


def _sign(token: str, status: str, amount: Decimal, ref: str) -> str:
    from baladiya.revenue.gateways import CallbackData, gateway

    return gateway("sandbox").sign(
        CallbackData(token=token, status=status, amount=amount, provider_ref=ref)
    )


def test_a_citizen_tops_up_only_his_own_meter(scene: dict[str, Any]) -> None:
    from baladiya.core.api import AccessDenied
    from baladiya.core.services import create_party_login, register_person
    from baladiya.core.tests.factories import ps_mobile, ps_national_id

    other = register_person(
        actor=None, national_id=ps_national_id(99), name_ar="جار", phone=ps_mobile(98)
    )
    neighbour = create_party_login(
        actor=None, party=other, password="x-Pass-2026", role_key="citizen"
    )
    with pytest.raises(AccessDenied):
        services.start_online_topup(
            actor=neighbour, meter=scene["meter"], amount=Decimal("25"), idempotency_key="w"
        )


def test_a_citizen_sees_only_his_own_sales(scene: dict[str, Any], shift: Any) -> None:
    from baladiya.core.services import create_party_login, register_person
    from baladiya.core.tests.factories import ps_mobile, ps_national_id

    vend = services.sell(
        actor=scene["cashier"], meter=scene["meter"], amount=Decimal("20"), idempotency_key="o"
    )
    assert selectors.vend_for_user(user=scene["citizen"], number=vend.number) == vend
    other = register_person(
        actor=None, national_id=ps_national_id(98), name_ar="جار", phone=ps_mobile(98)
    )
    neighbour = create_party_login(
        actor=None, party=other, password="x-Pass-2026", role_key="citizen"
    )
    assert selectors.vend_for_user(user=neighbour, number=vend.number) is None


def test_reprints_are_copies_with_the_same_token(scene: dict[str, Any], shift: Any) -> None:
    vend = services.sell(
        actor=scene["cashier"], meter=scene["meter"], amount=Decimal("20"), idempotency_key="r"
    )
    assert services.record_print(actor=scene["cashier"], vend=vend) is False
    assert services.record_print(actor=scene["cashier"], vend=vend) is True
    vend.refresh_from_db()
    assert vend.print_count == 2 and Vend.objects.count() == 1


def test_demo_sales_are_idempotent(scene: dict[str, Any]) -> None:
    meters = [scene["meter"], scene["electricity"]]
    made = services.load_demo_vends(meters=meters)
    assert made >= 2
    assert services.load_demo_vends(meters=meters) == 0
    assert Vend.objects.count() == made


def test_last_purchase_dates(scene: dict[str, Any], shift: Any) -> None:
    from baladiya.vending import api

    assert api.last_purchase_dates([scene["meter"].pk]) == {}
    services.sell(
        actor=scene["cashier"], meter=scene["meter"], amount=Decimal("20"), idempotency_key="d"
    )
    assert api.last_purchase_dates([scene["meter"].pk, scene["electricity"].pk]) == {
        scene["meter"].pk: timezone.localdate()
    }


def test_a_new_prepaid_price_applies_to_the_next_sale(scene: dict[str, Any], shift: Any) -> None:
    from baladiya.utilities import services as utility_services
    from baladiya.utilities.models import Tariff

    first = services.sell(
        actor=scene["cashier"], meter=scene["meter"], amount=Decimal("10"), idempotency_key="p1"
    )
    assert first.units == Decimal("4")  # 10 at 2.5
    utility_services.add_tariff_version(
        actor=None,
        tariff=Tariff.objects.get(code="water-prepaid"),
        effective_from=timezone.localdate(),
        blocks=[(0, 20, "5"), (20, None, "8")],
        consumption_head="water-prepaid",
    )
    second = services.sell(
        actor=scene["cashier"], meter=scene["meter"], amount=Decimal("10"), idempotency_key="p2"
    )
    assert second.units == Decimal("2")  # the version in force now: 10 at 5
