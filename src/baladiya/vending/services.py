"""Selling prepaid credit: money in, arrears share off, units priced on the block
tariff, a token out.

Every sale runs in one transaction that holds the meter's vend-state row lock, so
two sales in the same minute get increasing token identifiers (``max(now, last + 1)``)
and the month's earlier purchases are counted exactly. The rows every sale shares
(the gap-free numbering of demands, journal entries and sales) are taken last, after
every read and per-meter, per-shift and per-payer lock, so concurrent sales at
different charging points wait for each other only for a sale's last few writes; a
sale is written with a placeholder number and takes its own number last of all. A
sale carries an idempotency key (unique in the database): a retry returns the first
sale and its token. Vending keys come from the environment or the secret key file,
never from the database, and never reach a log or the audit trail.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from baladiya.core import api as core
from baladiya.core.api import User
from baladiya.revenue import api as revenue
from baladiya.utilities import api as utilities
from baladiya.utilities import sts
from baladiya.vending import events, selectors
from baladiya.vending.models import MeterVendState, Vend, VendChannel, VendingPolicy, VendStatus

SOURCE_TYPE = "vending.vend"
ARREARS_SOURCES = ("utilities.",)
ZERO = Decimal("0")
HUNDRED = Decimal("100")


class VendingError(ValidationError):
    pass


def _currency() -> str:
    org = core.organisation()
    return org.currency if org is not None else "ILS"


def vending_keys() -> sts.VendingKeys:
    """The vending keys of this installation; the public STS test key only outside
    production (demo and tests)."""
    return sts.VendingKeys.load(allow_test_key=not settings.PRODUCTION)


# --- Policy ---------------------------------------------------------------------------


@transaction.atomic
def set_policy(
    *,
    actor: User,
    arrears_percent: Decimal,
    minimum_amount: Decimal,
    maximum_amount: Decimal,
) -> VendingPolicy:
    core.require(actor, "vending.manage")
    if not ZERO <= arrears_percent < HUNDRED:
        raise VendingError({"arrears_percent": [_("The arrears share is from 0 to 99.99%.")]})
    if minimum_amount <= 0 or maximum_amount < minimum_amount:
        raise VendingError(
            {"maximum_amount": [_("The largest sale must be at least the smallest, above zero.")]}
        )
    policy = VendingPolicy.objects.select_for_update().order_by("pk").first() or VendingPolicy()
    before = {
        "arrears_percent": policy.arrears_percent,
        "minimum_amount": policy.minimum_amount,
        "maximum_amount": policy.maximum_amount,
    }
    policy.arrears_percent = arrears_percent
    policy.minimum_amount = minimum_amount
    policy.maximum_amount = maximum_amount
    policy.save()
    core.record_audit(
        actor=actor,
        action="vending.policy.set",
        obj=policy,
        before=before,
        after={
            "arrears_percent": arrears_percent,
            "minimum_amount": minimum_amount,
            "maximum_amount": maximum_amount,
        },
    )
    return policy


# --- The sale -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Arrears:
    share: Decimal
    demands: list[Any]
    caps: dict[int, Decimal]


def _arrears(party: Any, wanted: Decimal) -> _Arrears:
    """Up to ``wanted`` towards the party's open utility demands, oldest first. A
    demand whose head must be paid in full is taken only if the share covers it."""
    remaining = wanted
    chosen: list[Any] = []
    caps: dict[int, Decimal] = {}
    for demand in revenue.open_demands(user=None, party=party):
        if remaining <= 0:
            break
        if not demand.source_type.startswith(ARREARS_SOURCES):
            continue
        lines = [line for line in demand.lines.all() if line.outstanding > 0]
        owed = sum((line.outstanding for line in lines), ZERO)
        share = min(owed, remaining)
        if share <= 0:
            continue
        if share < owed and not all(line.head.allows_part_payment for line in lines):
            continue
        chosen.append(demand)
        caps[demand.pk] = share
        remaining -= share
    return _Arrears(wanted - remaining, chosen, caps)


def _existing(idempotency_key: str, meter: Any, amount: Decimal) -> Vend | None:
    vend = Vend.objects.filter(idempotency_key=idempotency_key).first()
    if vend is not None and (vend.meter_id != meter.pk or vend.amount != amount):
        raise VendingError(_("This sale key was already used for another sale."))
    return vend


def _check(meter: Any, amount: Decimal, policy: VendingPolicy) -> None:
    if not meter.is_prepaid or meter.removed_on is not None:
        raise VendingError(_("This is not a fitted prepaid meter."))
    if meter.connection.status != "active":
        raise VendingError(_("The connection of this meter is not active."))
    if amount < policy.minimum_amount or amount > policy.maximum_amount:
        raise VendingError(
            {
                "amount": [
                    _("A sale is from %(low)s to %(high)s.")
                    % {"low": policy.minimum_amount, "high": policy.maximum_amount}
                ]
            }
        )


def _locked_state(meter_id: int) -> MeterVendState:
    """The meter's vend state, row-locked until the transaction ends."""
    state = MeterVendState.objects.select_for_update().filter(meter_id=meter_id).first()
    if state is None:
        MeterVendState.objects.get_or_create(meter_id=meter_id)
        state = MeterVendState.objects.select_for_update().get(meter_id=meter_id)
    return state


def _bought_before(state: MeterVendState, today: dt.date) -> Decimal:
    return state.month_units if state.month == today.replace(day=1) else ZERO


def _quote(meter: Any, purchase: Decimal, bought: Decimal, today: dt.date) -> Any:
    try:
        quote = utilities.price_prepaid(meter, purchase, bought_units_this_month=bought, on=today)
    except utilities.TariffMissing as exc:
        raise VendingError(_("No prepaid tariff applies to this meter.")) from exc
    except utilities.TariffError as exc:
        raise VendingError({"amount": [_("The amount is too small to buy any units.")]}) from exc
    if quote.units <= 0:
        raise VendingError({"amount": [_("The amount is too small to buy any units.")]})
    return quote


def _mint(meter: Any, state: MeterVendState, units: Decimal, now: dt.datetime) -> tuple[int, str]:
    """The next token identifier of the meter and the token (the state row is locked)."""
    try:
        identity = utilities.sts_identity(meter)
    except ValueError as exc:
        raise VendingError(_("This meter has no STS parameters.")) from exc
    try:
        vending_key = vending_keys().for_meter(identity)
        key = sts.decoder_key(vending_key, identity)
    except (LookupError, ValueError) as exc:
        raise VendingError(
            _("No usable vending key for this meter's supply group; ask the IT department.")
        ) from exc
    try:
        now_tid = sts.tid_at(now, identity.base_date)
    except ValueError as exc:
        raise VendingError(
            _("This meter's base date has run out; it needs key change tokens first.")
        ) from exc
    tid = max(now_tid, state.last_tid + 1)
    subclass = sts.WATER if meter.connection.utility == "water" else sts.ELECTRICITY
    return tid, sts.credit_token(key, subclass=subclass, units=units, tid=tid)


def _number(today: dt.date) -> str:
    return f"V-{today.year}-{core.next_number(key=f'vend:{today.year}'):07d}"


def _provisional_number() -> str:
    """A sale's placeholder number until it takes its gap-free one, last in its
    transaction (the shared numbering row stays locked until the commit)."""
    return f"pending-{secrets.token_hex(12)}"


def _demand_lines(quote: Any) -> list[Any]:
    return [
        revenue.DemandLineSpec(
            head=line.head, amount=line.amount, quantity=line.quantity, description=line.description
        )
        for line in quote.lines
        if line.amount > 0
    ]


def _description(vend: Vend) -> str:
    return _("Prepaid credit for meter %(serial)s") % {"serial": vend.meter.serial}


def _raise_demand(vend: Vend, quote: Any, today: dt.date) -> Any:
    return revenue.create_demand(
        actor=None,
        party=vend.party,
        lines=_demand_lines(quote),
        due_date=today,
        description=_description(vend),
        source_type=SOURCE_TYPE,
        source_id=str(vend.pk),
        idempotency_key=f"vend:{vend.idempotency_key}",
    )


def _advance(state: MeterVendState, vend: Vend) -> None:
    """Move the meter's (locked) state on past the sale's token."""
    assert vend.tid is not None and vend.issued_at is not None
    today = timezone.localdate(vend.issued_at)
    state.month_units = _bought_before(state, today) + vend.units
    state.month = today.replace(day=1)
    state.last_tid = vend.tid
    state.save(update_fields=["month_units", "month", "last_tid", "updated_at"])


def _issued(vend: Vend, state: MeterVendState, *, actor: User | None) -> Vend:
    """A token was minted for a paid sale: move the meter's state on, audit, publish."""
    _advance(state, vend)
    return _announce(vend, actor=actor)


def _announce(vend: Vend, *, actor: User | None) -> Vend:
    """Audit the issued token and publish it."""
    core.record_audit(
        actor=actor,
        action="vending.token.issue",
        obj=vend,
        after={
            "meter": vend.meter.serial,
            "amount": vend.amount,
            "units": vend.units,
            "tid": vend.tid,
            "operator": actor.get_username() if actor is not None else "online",
            "shift": vend.shift.number if vend.shift is not None else "",
            "channel": vend.channel,
        },
    )
    core.publish(
        events.TokenIssued(
            vend_id=vend.pk, meter_id=vend.meter_id, party_id=vend.party_id, channel=vend.channel
        )
    )
    return vend


def sell(
    *,
    actor: User,
    meter: Any,
    amount: Decimal,
    idempotency_key: str,
    tender: str = "cash",
    now: dt.datetime | None = None,
) -> Vend:
    """Sell credit at a charging point, inside the cashier's open shift.

    The policy's share of the money pays the customer's open utility demands; the
    rest buys units priced from where this month's purchases left off; the token
    is minted under the meter's row lock. A retry with the same key returns the
    first sale (its token, never a new one), looked for under the meter's lock,
    before anything else is checked (a retry after the shift closed still gets it)."""
    if not idempotency_key:
        raise VendingError(_("A sale needs an idempotency key."))
    amount = core.quantize(amount, _currency())
    try:
        with transaction.atomic():
            return _sell(actor, meter, amount, idempotency_key, tender, now or timezone.now())
    except IntegrityError:
        existing = _existing(idempotency_key, meter, amount)
        if existing is None:
            raise
        return existing


def _sell(
    actor: User, meter: Any, amount: Decimal, key: str, tender: str, now: dt.datetime
) -> Vend:
    state = _locked_state(meter.pk)
    existing = _existing(key, meter, amount)  # a retry (perhaps queued on the lock)
    if existing is not None:
        return existing
    shift = revenue.open_shift_of(actor)
    if shift is None:
        raise VendingError(_("Open a cashier shift at your charging point before selling."))
    if shift.branch.kind != "charging-point":
        raise VendingError(_("Prepaid credit is sold in a shift at a charging point."))
    core.require(actor, "vending.sell", branch=shift.branch)
    policy = selectors.current_policy()
    _check(meter, amount, policy)
    party = meter.connection.party
    today = timezone.localdate(now)
    arrears = _arrears(party, core.quantize(amount * policy.arrears_percent / HUNDRED, _currency()))
    purchase = amount - arrears.share
    bought = _bought_before(state, today)
    quote = _quote(meter, purchase, bought, today)
    units = sts.encode_amount(quote.units)[1]
    tid, token = _mint(meter, state, units, now)
    vend = Vend.objects.create(
        number=_provisional_number(),
        idempotency_key=key,
        meter=meter,
        party=party,
        utility=meter.connection.utility,
        channel=VendChannel.CHARGING_POINT,
        amount=amount,
        arrears=arrears.share,
        purchase=purchase,
        units=units,
        bought_before=bought,
        tid=tid,
        token=token,
        status=VendStatus.ISSUED,
        issued_at=now,
        shift=shift,
        branch=shift.branch,
        operator=actor,
    )
    _advance(state, vend)

    def numbered() -> str:
        vend.number = _number(today)
        return vend.number

    # The shared numbering rows (demand, journal entry, sale) are taken in this
    # order after every read and lock of the sale, and held to the commit.
    vend.payment, vend.demand = revenue.take_sale_payment(
        actor=actor,
        party=party,
        amount=amount,
        tender=tender,
        idempotency_key=f"vend:{key}",
        sale=revenue.DemandSpec(
            party_id=party.pk,
            lines=_demand_lines(quote),
            due_date=today,
            description=_description(vend),
            source_type=SOURCE_TYPE,
            source_id=str(vend.pk),
            idempotency_key=f"vend:{vend.idempotency_key}",
        ),
        channel=revenue.Channel.CHARGING_POINT,
        shift=shift,
        demands=arrears.demands,
        caps=arrears.caps,
        reference=numbered,
    )
    if vend.number.startswith("pending-"):  # a payment that already existed
        numbered()
    vend.save(update_fields=["number", "demand", "payment"])
    return _announce(vend, actor=actor)


# --- Online top-up --------------------------------------------------------------------


@transaction.atomic
def start_online_topup(
    *, actor: User, meter: Any, amount: Decimal, idempotency_key: str
) -> tuple[Vend, Any]:
    """A citizen tops up his own prepaid meter online: the sale waits for the
    gateway; the token is minted when the payment arrives (see :func:`complete_online`).
    Returns the pending sale and the revenue online payment to send him to."""
    if not idempotency_key:
        raise VendingError(_("A sale needs an idempotency key."))
    party = meter.connection.party
    if actor.party_id != party.pk:
        raise core.AccessDenied(_("You can top up only your own meters."))
    amount = core.quantize(amount, _currency())
    policy = selectors.current_policy()
    _check(meter, amount, policy)
    existing = _existing(idempotency_key, meter, amount)
    if existing is not None and existing.status != VendStatus.PENDING:
        raise VendingError(_("This top-up has already been paid."))
    today = timezone.localdate()
    if existing is None:
        # The same share of the money recovers arrears as at a charging point.
        wanted = core.quantize(amount * policy.arrears_percent / HUNDRED, _currency())
        share = _arrears(party, wanted).share
        bought = selectors.bought_this_month(meter, on=today)
        quote = _quote(meter, amount - share, bought, today)
        vend = Vend.objects.create(
            number=_provisional_number(),
            idempotency_key=idempotency_key,
            meter=meter,
            party=party,
            utility=meter.connection.utility,
            channel=VendChannel.ONLINE,
            amount=amount,
            arrears=share,
            purchase=amount - share,
            units=sts.encode_amount(quote.units)[1],
            bought_before=bought,
        )
        demand = _raise_demand(vend, quote, today)
        vend.demand = demand
        vend.number = _number(today)  # after the demand's, in the order a sale takes them
        vend.save(update_fields=["demand", "number"])
    else:
        vend, demand = existing, revenue.demand(existing.demand_id or 0)
    # The arrears are chosen again on a retry: what was paid meanwhile elsewhere is
    # not asked again (and what is paid elsewhere after this, the payment puts on
    # the citizen's account as credit).
    arrears = _arrears(party, vend.arrears)
    online = revenue.start_online_payment(
        actor=actor,
        party=party,
        demands=[demand, *arrears.demands],
        caps={demand.pk: vend.purchase, **arrears.caps},
    )
    vend.online_token = online.token
    vend.save(update_fields=["online_token"])
    core.record_audit(
        actor=actor,
        action="vending.online.start",
        obj=vend,
        after={"meter": meter.serial, "amount": amount, "arrears": vend.arrears},
    )
    return vend, online


def complete_online(*, demand_ids: Sequence[int], payment_id: int) -> list[Vend]:
    """A payment arrived: mint the tokens of the pending online sales it settled."""
    issued = []
    for vend_id in Vend.objects.filter(
        demand_id__in=demand_ids, status=VendStatus.PENDING
    ).values_list("pk", flat=True):
        with transaction.atomic():
            meter_id = Vend.objects.values_list("meter_id", flat=True).get(pk=vend_id)
            state = _locked_state(meter_id)
            vend = (
                Vend.objects.select_for_update().select_related("meter__connection").get(pk=vend_id)
            )
            demand = revenue.demand(vend.demand_id or 0)
            if vend.status != VendStatus.PENDING or demand is None or demand.outstanding > 0:
                continue
            now = timezone.now()
            vend.tid, vend.token = _mint(vend.meter, state, vend.units, now)
            vend.status, vend.issued_at, vend.payment_id = VendStatus.ISSUED, now, payment_id
            vend.save(update_fields=["tid", "token", "status", "issued_at", "payment"])
            issued.append(_issued(vend, state, actor=None))
    return issued


# --- Receipts -------------------------------------------------------------------------


@transaction.atomic
def record_print(*, actor: User, vend: Vend) -> bool:
    """Count a print of the sale's receipt; True when it is a copy (a reprint shows
    the stored token, never a new one)."""
    updated = Vend.objects.select_for_update().get(pk=vend.pk)
    updated.print_count += 1
    updated.save(update_fields=["print_count"])
    if updated.print_count > 1:
        core.record_audit(
            actor=actor,
            action="vending.receipt.reprint",
            obj=updated,
            after={"meter": vend.meter.serial, "tid": vend.tid, "print": updated.print_count},
        )
    return updated.print_count > 1


# --- Demo data ------------------------------------------------------------------------


def load_demo_vends(*, meters: Sequence[Any], seed: int = 7) -> int:
    """A few sales on the demo's prepaid meters by the first charging point's cashier
    (idempotent: each sale has a fixed key). Returns the number of sales made."""
    import random

    points = list(core.charging_points())
    if not meters or not points:
        return 0
    cashier = core.user_by_username(f"cashier-{points[0].code.lower()}")
    if cashier is None:
        return 0
    if revenue.open_shift_of(cashier) is None:
        revenue.open_shift(actor=cashier, branch=points[0], opening_float=Decimal("200"))
    made = 0
    for meter in meters:
        rng = random.Random(f"{seed}:{meter.serial}")  # noqa: S311 - demo data
        amounts = [Decimal(rng.choice([20, 30, 50, 100])) for _ in range(rng.randint(1, 3))]
        for i, amount in enumerate(amounts):
            key = f"demo:{meter.serial}:{i}"
            if Vend.objects.filter(idempotency_key=key).exists():
                continue
            try:
                sell(actor=cashier, meter=meter, amount=amount, idempotency_key=key)
            except ValidationError:  # no tariff, head or STS parameters for this meter
                continue
            made += 1
    return made
