"""Revenue write use-cases: heads and fee schedules, demands, payments with
apportionment, receipts, cashier shifts, maker-checker cancellations and
amendments, clearance certificates and online payments.

Each function is keyword-only, runs in one transaction, checks the actor's
capability (``actor=None`` means the system acting for an already-authorised
caller) and leaves an audit entry. The ledger is reached only through
``baladiya.finance.api``; revenue is accounted on the cash basis, so a receipt
posts Dr cash/bank, Cr revenue (Cr advances for an unapplied remainder) and a
cancellation posts the reversing entry.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from baladiya.core.api import (
    User,
    acts_for,
    copy_supported,
    insert_rows,
    next_number,
    next_numbers,
    next_reference,
    organisation,
    quantize,
    record_audit,
    require,
    reserve_ids,
)
from baladiya.finance import api as finance
from baladiya.revenue import events, selectors
from baladiya.revenue.gateways import CallbackData, gateway
from baladiya.revenue.models import (
    Allocation,
    Amendment,
    AmendmentKind,
    Bill,
    CancellationRequest,
    CashierShift,
    Channel,
    ClearanceCertificate,
    Demand,
    DemandLine,
    DemandStatus,
    FeeMethod,
    FeeSchedule,
    OnlinePayment,
    OnlineStatus,
    Payment,
    PaymentStatus,
    PenaltyRule,
    Receipt,
    ReceiptStatus,
    RequestStatus,
    RevenueHead,
    ShiftStatus,
    Tender,
)
from baladiya.workflow import api as workflow

ZERO = Decimal("0")
# Amounts are updated as Python Decimals on rows read under the payer's lock,
# never with F() arithmetic: SQLite would do that sum in floating point.
# The party table, reached through the foreign key (apps import each other's
# models only to declare foreign keys).
PartyModel: Any = Demand._meta.get_field("party").related_model


class RevenueError(ValidationError):
    """A revenue operation refused for a business reason (message translated)."""


def _currency() -> str:
    org = organisation()
    return org.currency if org is not None else "ILS"


def _money(value: object) -> Decimal:
    return quantize(value, _currency())


def _system(actor: User | None) -> User | None:
    return actor if actor is not None and actor.pk else None


# --- Heads and fee schedules -------------------------------------------------------


@transaction.atomic
def create_revenue_head(
    *,
    actor: User | None,
    code: str,
    name_ar: str,
    name_en: str,
    account_code: str,
    priority: int = 100,
    allows_part_payment: bool = False,
    allows_advance: bool = False,
    service_key: str = "",
) -> RevenueHead:
    if actor is not None:
        require(actor, "revenue.manage_heads")
    head = RevenueHead(
        code=code,
        name_ar=name_ar,
        name_en=name_en,
        account_code=account_code,
        priority=priority,
        allows_part_payment=allows_part_payment,
        allows_advance=allows_advance,
        service_key=service_key,
    )
    head.full_clean()
    head.save()
    record_audit(
        actor=actor,
        action="revenue.head.create",
        obj=head,
        after={"code": code, "account": account_code},
    )
    return head


@transaction.atomic
def add_fee_schedule(
    *,
    actor: User | None,
    head: RevenueHead,
    effective_from: dt.date,
    method: str,
    rate: Decimal | int | str = ZERO,
    unit: str = "item",
    minimum: Decimal | int | str = ZERO,
    slabs: list[dict[str, str | None]] | None = None,
    zone: str = "",
    category: str = "",
) -> FeeSchedule:
    """A new version of the head's schedule for (zone, category), effective from
    ``effective_from``; the previous version ends the day before."""
    if actor is not None:
        require(actor, "revenue.manage_heads")
    if method not in FeeMethod.values:
        raise RevenueError(_("Unknown fee method."))
    if method == FeeMethod.SLABS and not slabs:
        raise RevenueError(_("A slab tariff needs at least one slab."))
    previous = (
        FeeSchedule.objects.select_for_update()
        .filter(head=head, zone=zone, category=category)
        .order_by("-version")
        .first()
    )
    if previous is not None and previous.effective_from >= effective_from:
        raise RevenueError(_("A new version must start after the current one."))
    if previous is not None:
        previous.effective_to = effective_from - dt.timedelta(days=1)
        previous.save(update_fields=["effective_to"])
    schedule = FeeSchedule.objects.create(
        head=head,
        version=(previous.version + 1) if previous else 1,
        effective_from=effective_from,
        method=method,
        unit=unit,
        rate=_money(rate),
        minimum=_money(minimum),
        slabs=slabs or [],
        zone=zone,
        category=category,
    )
    record_audit(
        actor=actor,
        action="revenue.schedule.add",
        obj=schedule,
        after={"head": head.code, "version": schedule.version, "method": method, "rate": rate},
    )
    return schedule


# --- Demands ---------------------------------------------------------------------


@dataclass(frozen=True)
class DemandLineSpec:
    """A demand line: a head and either an ``amount`` or a ``quantity`` priced by
    the head's fee schedule (zone/category pick the schedule)."""

    head: str
    amount: Decimal | None = None
    quantity: Decimal = Decimal(1)
    zone: str = ""
    category: str = ""
    description: str = ""


_SETTLED = (DemandStatus.PAID, DemandStatus.WRITTEN_OFF)


def _settled(demand: Demand) -> None:
    events.publish(
        events.DemandSettled(
            demand_id=demand.pk,
            party_id=demand.party_id,
            source_type=demand.source_type,
            source_id=demand.source_id,
            status=demand.status,
        )
    )


def _recompute_demand(demand: Demand, lines: Sequence[DemandLine] | None = None) -> None:
    """Total, paid, adjusted and status from the demand's lines: summed in the
    database, or from ``lines`` when the caller holds all of them up to date."""
    was_settled = demand.status in _SETTLED
    if lines is None:
        totals = demand.lines.aggregate(t=Sum("amount"), p=Sum("paid"), a=Sum("adjusted"))
    else:
        totals = {
            "t": sum((line.amount for line in lines), ZERO),
            "p": sum((line.paid for line in lines), ZERO),
            "a": sum((line.adjusted for line in lines), ZERO),
        }
    demand.total = totals["t"] or ZERO
    demand.paid = totals["p"] or ZERO
    demand.adjusted = totals["a"] or ZERO
    if demand.status != DemandStatus.CANCELLED:
        outstanding = demand.total - demand.paid - demand.adjusted
        if outstanding > 0:
            demand.status = DemandStatus.PART_PAID if demand.paid > 0 else DemandStatus.OPEN
        else:
            demand.status = DemandStatus.WRITTEN_OFF if demand.adjusted > 0 else DemandStatus.PAID
    demand.save(update_fields=["total", "paid", "adjusted", "status"])
    settled = demand.status in _SETTLED
    if settled and not was_settled:
        _settled(demand)
    elif was_settled and not settled and demand.status != DemandStatus.CANCELLED:
        events.publish(
            events.DemandReopened(
                demand_id=demand.pk,
                party_id=demand.party_id,
                source_type=demand.source_type,
                source_id=demand.source_id,
            )
        )


@transaction.atomic
def create_demand(
    *,
    actor: User | None,
    party: Any,
    lines: Sequence[DemandLineSpec],
    due_date: dt.date,
    description: str = "",
    source_type: str = "",
    source_id: str = "",
    period_from: dt.date | None = None,
    period_to: dt.date | None = None,
    idempotency_key: str | None = None,
) -> Demand:
    """Raise a demand on ``party`` (any module: pass its record as source)."""
    if actor is not None:
        require(actor, "revenue.raise_demand")
    if idempotency_key:
        found = Demand.objects.filter(idempotency_key=idempotency_key).first()
        if found is not None:
            return found
    rows = _demand_rows(lines, on=period_from or timezone.localdate())
    return _insert_demand(
        actor=actor,
        party=party,
        rows=rows,
        due_date=due_date,
        description=description,
        source_type=source_type,
        source_id=source_id,
        period_from=period_from,
        period_to=period_to,
        idempotency_key=idempotency_key,
    )[0]


_DemandRow = tuple[RevenueHead, Decimal, DemandLineSpec]


def _demand_rows(lines: Sequence[DemandLineSpec], *, on: dt.date) -> list[_DemandRow]:
    """Each line's head and amount (priced by the head's schedule when the line
    has no amount), checked; reads only."""
    if not lines:
        raise RevenueError(_("A demand needs at least one line."))
    heads = {h.code: h for h in RevenueHead.objects.filter(code__in={s.head for s in lines})}
    rows = []
    for spec in lines:
        head = heads.get(spec.head)
        if head is None or not head.is_active:
            raise RevenueError(_("Unknown revenue head %(code)s.") % {"code": spec.head})
        if spec.amount is not None:
            amount = _money(spec.amount)
        else:
            amount = selectors.calculate_fee(
                head=head, on=on, quantity=spec.quantity, zone=spec.zone, category=spec.category
            )
        if amount <= 0:
            raise RevenueError(_("Every demand line must be a positive amount."))
        rows.append((head, amount, spec))
    return rows


def _insert_demand(
    *,
    actor: User | None,
    party: Any,
    rows: Sequence[_DemandRow],
    due_date: dt.date,
    description: str,
    source_type: str,
    source_id: str,
    period_from: dt.date | None,
    period_to: dt.date | None,
    idempotency_key: str | None,
    paid: bool = False,
) -> tuple[Demand, list[DemandLine]]:
    """Number and write a demand and its lines (``paid``: already paid in full by
    the payment being taken), audited."""
    today = timezone.localdate()
    total = sum((amount for _h, amount, _s in rows), ZERO)
    demand = Demand(
        number=f"D-{today.year}-{next_number(key=f'demand:{today.year}'):07d}",
        party=party,
        source_type=source_type,
        source_id=str(source_id),
        description=description[:300],
        period_from=period_from,
        period_to=period_to,
        due_date=due_date,
        currency=_currency(),
        total=total,
        paid=total if paid else ZERO,
        status=DemandStatus.PAID if paid else DemandStatus.OPEN,
        idempotency_key=idempotency_key or None,
        created_by=_system(actor),
    )
    demand.save()
    demand_lines = [
        DemandLine(
            demand=demand,
            head=head,
            amount=amount,
            paid=amount if paid else ZERO,
            quantity=spec.quantity,
            description=spec.description or head.name_ar,
        )
        for head, amount, spec in rows
    ]
    DemandLine.objects.bulk_create(demand_lines)
    if any(line.pk is None for line in demand_lines):  # a backend that cannot return ids
        ids = list(DemandLine.objects.filter(demand=demand).order_by("pk").values_list("pk"))
        for line, (pk,) in zip(demand_lines, ids, strict=True):
            line.pk = pk
    record_audit(
        actor=actor,
        action="revenue.demand.create",
        obj=demand,
        after={"party": party.pk, "total": demand.total, "source": f"{source_type}:{source_id}"},
    )
    return demand, demand_lines


@dataclass(frozen=True)
class DemandSpec:
    """One demand of a batch (see :func:`create_demands`); lines carry amounts."""

    party_id: int
    lines: Sequence[DemandLineSpec]
    due_date: dt.date
    description: str = ""
    source_type: str = ""
    source_id: str = ""
    period_from: dt.date | None = None
    period_to: dt.date | None = None
    idempotency_key: str | None = None


_DEMAND_FIELDS = [
    "id",
    "number",
    "party_id",
    "source_type",
    "source_id",
    "description",
    "period_from",
    "period_to",
    "due_date",
    "status",
    "currency",
    "total",
    "paid",
    "adjusted",
    "idempotency_key",
    "created_at",
    "created_by_id",
]
_LINE_FIELDS = ["demand_id", "head_id", "description", "quantity", "amount", "paid", "adjusted"]


@transaction.atomic
def create_demands(
    *, actor: User | None, specs: Sequence[DemandSpec], audit_label: str = ""
) -> list[Demand]:
    """Raise many demands at once (a billing run): the numbers come as one
    gap-free block, rows go in with a few bulk inserts (``COPY`` on PostgreSQL),
    and the batch leaves one audit entry naming its first and last number. Every
    line needs an amount. Specs whose idempotency key was already used are
    skipped; the demands created are returned in the order of the specs."""
    if actor is not None:
        require(actor, "revenue.raise_demand")
    keys = [s.idempotency_key for s in specs if s.idempotency_key]
    used: set[str | None] = set()
    for start in range(0, len(keys), 500):
        batch = keys[start : start + 500]
        used.update(
            Demand.objects.filter(idempotency_key__in=batch).values_list(
                "idempotency_key", flat=True
            )
        )
    todo = [s for s in specs if not (s.idempotency_key and s.idempotency_key in used)]
    if not todo:
        return []
    codes = {line.head for spec in todo for line in spec.lines}
    heads = {h.code: h for h in RevenueHead.objects.filter(code__in=codes, is_active=True)}
    for code in codes - set(heads):
        raise RevenueError(_("Unknown revenue head %(code)s.") % {"code": code})
    today = timezone.localdate()
    first = next_numbers(key=f"demand:{today.year}", count=len(todo))
    currency = _currency()
    creator = _system(actor)
    creator_id = creator.pk if creator is not None else None
    now = timezone.now()
    status = DemandStatus.OPEN.value
    rows: list[list[Any]] = []
    amounts: list[list[tuple[RevenueHead, Decimal, DemandLineSpec]]] = []
    for offset, spec in enumerate(todo):
        if not spec.lines:
            raise RevenueError(_("A demand needs at least one line."))
        lines = []
        total = ZERO
        for line in spec.lines:
            if line.amount is None:
                raise RevenueError(_("Every line of a batch demand needs an amount."))
            amount = quantize(line.amount, currency)
            if amount <= 0:
                raise RevenueError(_("Every demand line must be a positive amount."))
            lines.append((heads[line.head], amount, line))
            total += amount
        amounts.append(lines)
        # In the order of _DEMAND_FIELDS, the id filled in once inserted.
        rows.append(
            [
                None,
                f"D-{today.year}-{first + offset:07d}",
                spec.party_id,
                spec.source_type,
                str(spec.source_id),
                str(spec.description)[:300],
                spec.period_from,
                spec.period_to,
                spec.due_date,
                status,
                currency,
                total,
                ZERO,
                ZERO,
                spec.idempotency_key or None,
                now,
                creator_id,
            ]
        )
    numbers = [row[1] for row in rows]
    if copy_supported():
        for pk, row in zip(reserve_ids(Demand, len(rows)), rows, strict=True):
            row[0] = pk
        insert_rows(Demand, _DEMAND_FIELDS, rows)
    else:
        insert_rows(Demand, _DEMAND_FIELDS[1:], [row[1:] for row in rows])
        ids: dict[str, int] = {}
        for start in range(0, len(numbers), 500):
            ids.update(
                Demand.objects.filter(number__in=numbers[start : start + 500]).values_list(
                    "number", "pk"
                )
            )
        for row in rows:
            row[0] = ids[row[1]]
    demands = [Demand.from_db(connection.alias, _DEMAND_FIELDS, row) for row in rows]
    insert_rows(
        DemandLine,
        _LINE_FIELDS,
        [
            [
                demand.pk,
                head.pk,
                str(line.description or head.name_ar),
                line.quantity,
                amount,
                ZERO,
                ZERO,
            ]
            for demand, lines in zip(demands, amounts, strict=True)
            for head, amount, line in lines
        ],
    )
    record_audit(
        actor=actor,
        action="revenue.demand.create_batch",
        after={
            "label": audit_label,
            "count": len(demands),
            "first": demands[0].number,
            "last": demands[-1].number,
            "total": sum((d.total for d in demands), ZERO),
        },
    )
    return demands


@transaction.atomic
def cancel_demand(*, actor: User | None, demand: Demand, reason: str) -> Demand:
    """Cancel a demand nothing has been paid on (paid demands: cancel the receipts first)."""
    if actor is not None:
        require(actor, "revenue.raise_demand")
    demand = Demand.objects.select_for_update().get(pk=demand.pk)
    if demand.paid > 0:
        raise RevenueError(_("Payments were made on this demand; cancel their receipts first."))
    if demand.status == DemandStatus.CANCELLED:
        return demand
    before = demand.status
    demand.status = DemandStatus.CANCELLED
    demand.save(update_fields=["status"])
    record_audit(
        actor=actor,
        action="revenue.demand.cancel",
        obj=demand,
        before={"status": before},
        after={"status": demand.status, "reason": reason},
    )
    return demand


@transaction.atomic
def apply_penalties(*, actor: User | None, as_of: dt.date | None = None) -> int:
    """Add late-payment lines to overdue demands per the active penalty rules.

    Idempotent: a line per (demand, rule, months overdue) at most, each charging
    only the difference to what earlier runs charged. Returns lines added.
    """
    if actor is not None:
        require(actor, "revenue.raise_demand")
    as_of = as_of or timezone.localdate()
    added = 0
    for rule in PenaltyRule.objects.filter(is_active=True).select_related("penalty_head"):
        overdue = Demand.objects.filter(
            status__in=[DemandStatus.OPEN, DemandStatus.PART_PAID],
            due_date__lt=as_of - dt.timedelta(days=rule.grace_days),
        ).select_for_update()
        for demand in overdue:
            base_lines = demand.lines.exclude(head=rule.penalty_head)
            if rule.applies_to_id:
                base_lines = base_lines.filter(head_id=rule.applies_to_id)
            base = sum((line.outstanding for line in base_lines), ZERO)
            if base <= 0:
                continue
            start = demand.due_date + dt.timedelta(days=rule.grace_days)
            months = (as_of.year - start.year) * 12 + as_of.month - start.month
            if as_of.day < start.day:
                months -= 1
            months = max(months, 1)
            percent = min(rule.rate_percent * months, rule.cap_percent)
            target = _money(base * percent / 100)
            charged = (
                demand.lines.filter(
                    penalty_key__startswith=f"pen:{demand.pk}:{rule.pk}:"
                ).aggregate(s=Sum("amount"))["s"]
                or ZERO
            )
            extra = target - charged
            key = f"pen:{demand.pk}:{rule.pk}:{months}"
            if extra <= 0 or DemandLine.objects.filter(penalty_key=key).exists():
                continue
            DemandLine.objects.create(
                demand=demand,
                head=rule.penalty_head,
                amount=extra,
                description=rule.penalty_head.name_ar,
                penalty_key=key,
            )
            _recompute_demand(demand)
            added += 1
            record_audit(
                actor=actor,
                action="revenue.demand.penalty",
                obj=demand,
                after={"amount": extra, "months": months},
            )
    return added


# --- Bills --------------------------------------------------------------------------

BILL_VALID_DAYS = 30


@transaction.atomic
def issue_bill(
    *,
    actor: User | None,
    party: Any,
    demands: Sequence[Demand] | None = None,
    valid_days: int | None = BILL_VALID_DAYS,
) -> Bill:
    """Hand a party a bill of what it owes now (or of ``demands``), valid for
    ``valid_days`` (None: no expiry); a bank or a cashier takes it by its number.
    Staff need ``revenue.view_statement``; a citizen bills only himself."""
    if actor is not None and not acts_for(actor, party):
        require(actor, "revenue.view_statement")
    lines = _lines_to_pay(party, demands)
    if not lines:
        raise RevenueError(_("Nothing is owed, so there is nothing to bill."))
    today = timezone.localdate()
    bill = Bill.objects.create(
        number=f"B-{today.year}-{next_number(key=f'bill:{today.year}'):07d}",
        party=party,
        amount=sum((line.outstanding for line in lines), ZERO),
        expires_on=today + dt.timedelta(days=valid_days) if valid_days else None,
        issued_by=_system(actor),
    )
    bill.demands.set({line.demand_id for line in lines})
    record_audit(
        actor=actor,
        action="revenue.bill.issue",
        obj=bill,
        after={"party": party.pk, "amount": bill.amount, "expires_on": bill.expires_on},
    )
    return bill


def _bill_demands(bill: Bill, party: Any) -> list[Demand]:
    if bill.party_id != party.pk:
        raise RevenueError(_("This bill is for another payer."))
    if bill.expires_on is not None and bill.is_expired:
        raise RevenueError(
            _("This bill expired on %(date)s; issue a new one.")
            % {"date": bill.expires_on.isoformat()}
        )
    return list(bill.demands.all())


# --- Payments and receipts -------------------------------------------------------


def _lines_to_pay(party: Any, demands: Sequence[Demand] | None) -> list[DemandLine]:
    return [line for line in _open_lines(party, demands) if line.outstanding > 0]


def _open_lines(party: Any, demands: Sequence[Demand] | None) -> list[DemandLine]:
    """Every line of the party's open demands (or of ``demands`` among them), in
    the order a payment fills them."""
    if demands is not None and not demands:
        return []
    qs = DemandLine.objects.filter(
        demand__party=party,
        demand__status__in=[DemandStatus.OPEN, DemandStatus.PART_PAID],
    )
    if demands is not None:
        qs = qs.filter(demand__in=[d.pk for d in demands])
    qs = qs.select_related("head", "demand").order_by(
        "demand__due_date", "demand_id", "head__priority", "pk"
    )
    return list(qs)


def _apportion(
    lines: list[DemandLine],
    amount: Decimal,
    allow_advance: bool,
    caps: Mapping[int, Decimal] | None = None,
) -> tuple[list[tuple[DemandLine, Decimal]], Decimal]:
    """Oldest demand first, then by head priority. Returns the allocations and
    the unapplied remainder; refuses a part payment of a head that does not
    allow one, and an advance nobody allowed. ``caps`` (demand id → amount)
    limits what this payment may put on a demand."""
    remaining = amount
    cap_left = {pk: _money(cap) for pk, cap in (caps or {}).items()}
    allocations: list[tuple[DemandLine, Decimal]] = []
    for line in lines:
        if remaining <= 0:
            break
        share = min(remaining, line.outstanding)
        if line.demand_id in cap_left:
            share = min(share, cap_left[line.demand_id])
            if share <= 0:
                continue
            cap_left[line.demand_id] -= share
        if share < line.outstanding and not line.head.allows_part_payment:
            raise RevenueError(
                _("“%(head)s” must be paid in full: %(amount)s is due.")
                % {"head": line.head.name, "amount": line.outstanding}
            )
        allocations.append((line, share))
        remaining -= share
    if remaining > 0 and not (allow_advance or any(line.head.allows_advance for line in lines)):
        raise RevenueError(
            _("The amount is more than what is owed (%(owed)s) and advances are not allowed.")
            % {"owed": amount - remaining}
        )
    return allocations, remaining


def _prepare_posting(
    payment: Payment, shares: Sequence[tuple[RevenueHead, Decimal]]
) -> finance.PreparedEntry:
    """The receipt's ledger entry, checked but not yet written: Dr the tender's
    account, Cr each paid head's revenue account (and advances)."""
    tender_key = f"tender:{payment.tender}"
    rules = finance.accounts_for_rules(
        {tender_key, "tender:cash", "advance", *(f"head:{head.code}" for head, _s in shares)}
    )
    by_account: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    for head, share in shares:
        account = rules.get(f"head:{head.code}", head.account_code)
        by_account[(account, head.code)] += share
    credit_lines = [
        finance.LineSpec(
            account=account, credit=amount, party_id=payment.party_id, analysis=head_code
        )
        for (account, head_code), amount in sorted(by_account.items())
    ]
    if payment.advance > 0:
        credit_lines.append(
            finance.LineSpec(
                account=rules.get("advance") or finance.account_for_rule("advance"),
                credit=payment.advance,
                party_id=payment.party_id,
                analysis="advance",
            )
        )
    return finance.prepare_entry(
        actor=payment.received_by,
        date=timezone.localdate(payment.received_at),
        lines=[
            finance.LineSpec(
                account=rules.get(tender_key)
                or rules.get("tender:cash")
                or finance.account_for_rule(tender_key, "tender:cash"),
                debit=payment.amount,
                party_id=payment.party_id,
            ),
            *credit_lines,
        ],
        memo=_("Receipt %(number)s") % {"number": payment.receipt.number},
        source="revenue.receipt",
        source_ref=str(payment.receipt.pk),
        idempotency_key=f"receipt:{payment.receipt.pk}",
        new_key=True,  # the receipt was issued in this transaction
        automatic=True,
        balance_shard=finance.balance_shard_for(payment.branch_id),
    )


def _issue_receipt(payment: Payment) -> Receipt:
    series = payment.branch.code if payment.branch is not None else "WEB"
    date = timezone.localdate(payment.received_at)
    fiscal_year = finance.fiscal_year_code_for(date)
    sequence = next_number(key=f"receipt:{series}:{fiscal_year}")
    receipt = Receipt.objects.create(
        payment=payment,
        series=series,
        fiscal_year=fiscal_year,
        sequence=sequence,
        number=f"{series}-{fiscal_year}-{sequence:06d}",
        token=secrets.token_urlsafe(18),
        issued_at=payment.received_at,
    )
    payment.receipt = receipt
    return receipt


def _take_payment(
    *,
    actor: User | None,
    party: Any,
    amount: Decimal | int | str,
    tender: str,
    idempotency_key: str,
    channel: str = Channel.COUNTER,
    shift: CashierShift | None = None,
    branch: Any = None,
    demands: Sequence[Demand] | None = None,
    reference: str | Callable[[], str] = "",
    allow_advance: bool = False,
    caps: Mapping[int, Decimal] | None = None,
    bill: Bill | None = None,
    new_demand: DemandSpec | None = None,
) -> tuple[Payment, Demand | None]:
    """:func:`take_payment` and :func:`take_sale_payment` in one.

    ``new_demand`` raises a demand on the payer in the same step and pays it in
    full first (a sale at a counter); the rest of the amount goes over
    ``demands``. Its number, like the journal entry's, is taken after every read
    and lock of the payment, so concurrent sales hold the shared numbering rows
    only for the last few writes. ``reference`` may be a function: it is called
    once everything else is written (a sale numbered last)."""
    if not idempotency_key:
        raise RevenueError(_("A payment needs an idempotency key."))
    amount = _money(amount)
    # A sale inside its caller's transaction (``new_demand``) looks for a retry only
    # under the payer's lock below, and writes without a savepoint of its own.
    in_sale = new_demand is not None and connection.in_atomic_block
    if not in_sale:
        existing = Payment.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return _same_payment(existing, party, amount), None
    if amount <= 0:
        raise RevenueError(_("The amount must be more than zero."))
    if tender not in Tender.values:
        raise RevenueError(_("Unknown tender."))
    if channel == Channel.COUNTER and shift is None:
        raise RevenueError(_("Open a cashier shift before taking counter payments."))
    if bill is not None:
        demands = _bill_demands(bill, party)
    try:
        with transaction.atomic(savepoint=not in_sale):
            if shift is not None:
                shift = (
                    CashierShift.objects.select_for_update()
                    .select_related("branch")
                    .get(pk=shift.pk)
                )
                if actor is not None:
                    require(actor, "revenue.collect", branch=shift.branch)
                if shift.status != ShiftStatus.OPEN:
                    raise RevenueError(_("This shift is closed; no payment can be taken in it."))
                if actor is not None and shift.cashier_id != actor.pk:
                    raise RevenueError(_("Payments go into your own open shift."))
                branch = shift.branch
            elif actor is not None:
                require(actor, "revenue.collect", branch=branch)
            # Lock the payer: payments of one party queue, so apportionment never
            # reads a line another payment is about to fill.
            PartyModel.objects.select_for_update().filter(pk=party.pk).values_list("pk").get()
            existing = Payment.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return _same_payment(existing, party, amount), None
            every_line = _open_lines(party, demands)
            lines = [line for line in every_line if line.outstanding > 0]
            new_rows: list[_DemandRow] = []
            created: Demand | None = None
            to_new = ZERO
            if new_demand is not None:
                if new_demand.party_id != party.pk:
                    raise RevenueError(_("The new demand is for another payer."))
                new_rows = _demand_rows(new_demand.lines, on=timezone.localdate())
                to_new = sum((row_amount for _h, row_amount, _s in new_rows), ZERO)
                if to_new > amount:
                    raise RevenueError(_("The amount does not cover the new demand."))
            allow_advance = allow_advance or any(head.allows_advance for head, _a, _s in new_rows)
            allocations, remainder = _apportion(lines, amount - to_new, allow_advance, caps)
            payment = Payment(
                party=party,
                amount=amount,
                currency=_currency(),
                advance=remainder,
                channel=channel,
                tender=tender,
                reference="" if callable(reference) else reference[:80],
                idempotency_key=idempotency_key,
                shift=shift,
                branch=branch,
                received_at=timezone.now(),
                received_by=_system(actor),
            )
            payment.save()  # a duplicate key rolls back to the block above
            receipt = _issue_receipt(payment)
            touched: dict[int, Demand] = {}
            for line, share in allocations:
                line.paid += share
                DemandLine.objects.filter(pk=line.pk).update(paid=line.paid)
                touched[line.demand_id] = line.demand
            for demand in touched.values():
                # every line of an open demand was read (under the payer's lock)
                _recompute_demand(demand, [ln for ln in every_line if ln.demand_id == demand.pk])
            posting = _prepare_posting(
                payment,
                [(head, share) for head, share, _s in new_rows]
                + [(line.head, share) for line, share in allocations],
            )
            record_audit(
                actor=actor,
                action="revenue.payment.take",
                obj=payment,
                after={
                    "party": party.pk,
                    "amount": amount,
                    "tender": tender,
                    "channel": channel,
                    "receipt": receipt.number,
                    "advance": remainder,
                },
            )
            # Shared numbering rows from here to the commit: the new demand's, the
            # journal entry's, then the caller's (a callable reference).
            if new_demand is not None:
                created, created_lines = _insert_demand(
                    actor=None,
                    party=party,
                    rows=new_rows,
                    due_date=new_demand.due_date,
                    description=new_demand.description,
                    source_type=new_demand.source_type,
                    source_id=new_demand.source_id,
                    period_from=new_demand.period_from,
                    period_to=new_demand.period_to,
                    idempotency_key=new_demand.idempotency_key,
                    paid=True,
                )
                allocations = [(line, line.amount) for line in created_lines] + allocations
                touched[created.pk] = created
                _settled(created)
            Allocation.objects.bulk_create(
                [
                    Allocation(payment=payment, line=line, amount=share)
                    for line, share in allocations
                ]
            )
            payment.journal_entry_id = finance.post_prepared(posting).pk
            if callable(reference):
                payment.reference = reference()[:80]
            payment.save(update_fields=["journal_entry_id", "reference"])
            events.publish(
                events.PaymentReceived(
                    payment_id=payment.pk,
                    party_id=party.pk,
                    receipt_number=receipt.number,
                    amount=str(amount),
                    channel=channel,
                    demand_ids=tuple(sorted(touched)),
                )
            )
    except IntegrityError:
        if in_sale:  # the caller's transaction is spoilt: it rolls back and retries
            raise
        existing = Payment.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return _same_payment(existing, party, amount), None
    return payment, created


def take_payment(
    *,
    actor: User | None,
    party: Any,
    amount: Decimal | int | str,
    tender: str,
    idempotency_key: str,
    channel: str = Channel.COUNTER,
    shift: CashierShift | None = None,
    branch: Any = None,
    demands: Sequence[Demand] | None = None,
    reference: str = "",
    allow_advance: bool = False,
    caps: Mapping[int, Decimal] | None = None,
    bill: Bill | None = None,
) -> Payment:
    """Receive a payment, apportion it over the party's open demand lines (or
    only ``demands``, each at most its amount in ``caps`` when given: a prepaid
    sale recovers only a share of the arrears), issue the receipt and post it
    to the ledger.

    A retry with the same ``idempotency_key`` returns the first payment (the
    unique constraint on the key settles races). Counter payments need the
    cashier's own open shift; an advance (an unapplied remainder) is accepted
    where a paid head allows it or the caller passes ``allow_advance`` (a
    prepaid top-up, for example).
    """
    return _take_payment(
        actor=actor,
        party=party,
        amount=amount,
        tender=tender,
        idempotency_key=idempotency_key,
        channel=channel,
        shift=shift,
        branch=branch,
        demands=demands,
        reference=reference,
        allow_advance=allow_advance,
        caps=caps,
        bill=bill,
    )[0]


def take_sale_payment(
    *,
    actor: User | None,
    party: Any,
    amount: Decimal | int | str,
    tender: str,
    idempotency_key: str,
    sale: DemandSpec,
    channel: str = Channel.COUNTER,
    shift: CashierShift | None = None,
    branch: Any = None,
    demands: Sequence[Demand] = (),
    caps: Mapping[int, Decimal] | None = None,
    reference: str | Callable[[], str] = "",
) -> tuple[Payment, Demand]:
    """A sale at a counter: raise the demand ``sale`` on the payer and pay it in
    full with this payment; the rest of ``amount`` goes over ``demands`` (each at
    most its amount in ``caps``), as in :func:`take_payment`.

    The sale's demand number and the journal entry number are taken after every
    read and lock of the payment, so concurrent sales hold those shared numbering
    rows only for the last few writes of their transaction. ``reference`` may be
    a function, called when everything else is written (a sale numbered last,
    for the same reason). A retry with the same key returns the first payment
    and its demand. Inside the caller's transaction (the usual case: the sale's
    own record is written in it) the retry is looked for under the payer's lock
    only, and no savepoint is taken: any error, a clash on the key
    (``IntegrityError``) included, leaves the caller's transaction to roll back
    (a sale then finds its first attempt by its own key)."""
    payment, demand = _take_payment(
        actor=actor,
        party=party,
        amount=amount,
        tender=tender,
        idempotency_key=idempotency_key,
        channel=channel,
        shift=shift,
        branch=branch,
        demands=list(demands),
        reference=reference,
        caps=caps,
        new_demand=sale,
    )
    if demand is None:  # a retry
        demand = Demand.objects.filter(idempotency_key=sale.idempotency_key).first()
        if demand is None or not sale.idempotency_key:
            raise RevenueError(_("This idempotency key was already used for a different payment."))
    return payment, demand


def _same_payment(existing: Payment, party: Any, amount: Decimal) -> Payment:
    if existing.party_id != party.pk or existing.amount != amount:
        raise RevenueError(_("This idempotency key was already used for a different payment."))
    return existing


@transaction.atomic
def mark_receipt_printed(*, actor: User | None, receipt: Receipt) -> bool:
    """Count a print; returns True when this print is a copy (a reprint)."""
    updated = Receipt.objects.filter(pk=receipt.pk)
    updated.update(print_count=F("print_count") + 1)
    count = updated.values_list("print_count", flat=True).get()
    receipt.print_count = count
    if count > 1:
        record_audit(actor=actor, action="revenue.receipt.reprint", obj=receipt, after={"n": count})
    return count > 1


# --- Receipt cancellation (maker-checker) -----------------------------------------


@transaction.atomic
def request_receipt_cancellation(
    *, actor: User, receipt: Receipt, reason: str
) -> CancellationRequest:
    """Ask for a receipt to be cancelled; another user decides.

    Kept separate from :func:`approve_receipt_cancellation` and
    :func:`reject_receipt_cancellation` so the workflow engine can drive the
    decision later (request → approve/reject as workflow actions).
    """
    require(actor, "revenue.request_cancellation")
    if not reason.strip():
        raise RevenueError(_("Give the reason for cancelling the receipt."))
    receipt = Receipt.objects.select_for_update().get(pk=receipt.pk)
    if receipt.status != ReceiptStatus.VALID:
        raise RevenueError(_("This receipt is already cancelled."))
    if CancellationRequest.objects.filter(receipt=receipt, status=RequestStatus.PENDING).exists():
        raise RevenueError(_("A cancellation of this receipt is already awaiting approval."))
    request = CancellationRequest.objects.create(
        receipt=receipt, reason=reason.strip(), requested_by=actor
    )
    record_audit(
        actor=actor,
        action="revenue.receipt.cancel_request",
        obj=receipt,
        after={"reason": reason, "request": request.pk},
    )
    return request


def _decide(request: Any, actor: User, model: Any) -> Any:
    request = model.objects.select_for_update().get(pk=request.pk)
    if request.status != RequestStatus.PENDING:
        raise RevenueError(_("This request was already decided."))
    if request.requested_by_id == actor.pk:
        raise RevenueError(_("Another user must decide a request you made."))
    return request


@transaction.atomic
def approve_receipt_cancellation(
    *, actor: User, request: CancellationRequest, note: str = ""
) -> Receipt:
    """Execute a cancellation: the payment's allocations are taken back from the
    demand lines, the receipt is marked cancelled (its number stays used) and a
    reversing journal entry is posted."""
    require(actor, "revenue.approve_cancellation")
    request = _decide(request, actor, CancellationRequest)
    receipt = (
        Receipt.objects.select_for_update().select_related("payment").get(pk=request.receipt_id)
    )
    payment = receipt.payment
    PartyModel.objects.select_for_update().get(pk=payment.party_id)
    if receipt.status != ReceiptStatus.VALID:
        raise RevenueError(_("This receipt is already cancelled."))
    touched: set[int] = set()
    for allocation in payment.allocations.select_related("line"):
        line = allocation.line
        DemandLine.objects.filter(pk=line.pk).update(paid=line.paid - allocation.amount)
        touched.add(allocation.line.demand_id)
    for demand in Demand.objects.filter(pk__in=touched):
        _recompute_demand(demand)
    now = timezone.now()
    reversal_id = None
    if payment.journal_entry_id:
        original = finance.entries_by_source("revenue.receipt", str(receipt.pk)).first()
        if original is not None:
            reversal = finance.reverse_entry(
                actor=actor,
                entry=original,
                memo=_("Cancellation of receipt %(number)s") % {"number": receipt.number},
                automatic=True,
                idempotency_key=f"receipt-cancel:{receipt.pk}",
            )
            reversal_id = reversal.pk
    Payment.objects.filter(pk=payment.pk).update(status=PaymentStatus.CANCELLED)
    receipt.status = ReceiptStatus.CANCELLED
    receipt.cancelled_at = now
    receipt.reversal_entry_id = reversal_id
    receipt.save(update_fields=["status", "cancelled_at", "reversal_entry_id"])
    request.status = RequestStatus.APPROVED
    request.decided_by = actor
    request.decided_at = now
    request.decision_note = note[:300]
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    record_audit(
        actor=actor,
        action="revenue.receipt.cancel",
        obj=receipt,
        before={"status": "valid"},
        after={"status": "cancelled", "reason": request.reason, "reversal": reversal_id},
    )
    return receipt


@transaction.atomic
def reject_receipt_cancellation(
    *, actor: User, request: CancellationRequest, note: str = ""
) -> CancellationRequest:
    require(actor, "revenue.approve_cancellation")
    request = _decide(request, actor, CancellationRequest)
    request.status = RequestStatus.REJECTED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decision_note = note[:300]
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    record_audit(
        actor=actor,
        action="revenue.receipt.cancel_reject",
        obj=request.receipt,
        after={"note": note},
    )
    return request


# --- Amendments (on the workflow engine) ---------------------------------------------

AMENDMENT_PROCESS = "revenue-amendment"
PROCESSES = Path(__file__).resolve().parent / "data" / "processes"


def install_amendment_process() -> None:
    """Install (or update) the amendment process definition; idempotent."""
    spec = yaml.safe_load((PROCESSES / f"{AMENDMENT_PROCESS}.yaml").read_text(encoding="utf-8"))
    workflow.install_definition(actor=None, spec=spec)


@transaction.atomic
def request_amendment(
    *,
    actor: User,
    demand: Demand,
    kind: str,
    amount: Decimal | int | str,
    reason: str,
    documents: Sequence[UploadedFile] = (),
) -> Amendment:
    """Ask to reduce a demand (write-off, settlement, correction) with a reason and
    supporting documents. It opens a case on the amendment process, where the
    finance manager approves or rejects it (see :func:`decide_amendment`)."""
    require(actor, "revenue.request_amendment")
    if kind not in AmendmentKind.values:
        raise RevenueError(_("Unknown kind of amendment."))
    amount = _money(amount)
    demand = Demand.objects.select_for_update().select_related("party").get(pk=demand.pk)
    if amount <= 0 or amount > demand.outstanding:
        raise RevenueError(
            _("The amount must be between zero and what is still owed (%(owed)s).")
            % {"owed": demand.outstanding}
        )
    if not reason.strip():
        raise RevenueError(_("Give the reason for the amendment."))
    if workflow.active_definition(AMENDMENT_PROCESS) is None:
        install_amendment_process()
    amendment = Amendment.objects.create(
        demand=demand, kind=kind, amount=amount, reason=reason, requested_by=actor
    )
    case = workflow.open_case(
        actor=actor,
        service_key=AMENDMENT_PROCESS,
        title=f"{AmendmentKind(kind).label} · {demand.number} · {amount}",
        data={
            "demand": demand.number,
            "party": demand.party.name,
            "kind": str(AmendmentKind(kind).label),
            "amount": str(amount),
            "outstanding": str(demand.outstanding),
            "reason": reason,
        },
        idempotency_key=f"revenue-amendment:{amendment.pk}",
    )
    for upload in documents:
        workflow.add_attachment(actor=actor, case=case, upload=upload, kind="supporting-document")
    amendment.case = case
    amendment.save(update_fields=["case"])
    record_audit(
        actor=actor,
        action="revenue.amendment.request",
        obj=demand,
        after={"kind": kind, "amount": amount, "reason": reason, "case": case.reference},
    )
    return amendment


def _amendment_of(case: Any) -> Amendment:
    return Amendment.objects.select_for_update().get(case_id=case.pk)


def check_amendment_decision(actor: User, case: Any, action: Any) -> None:
    """Guard on the process's decisions: the right capability, never the person
    who asked, and (to approve) the demand must still owe the amount."""
    require(actor, "revenue.approve_amendment")
    amendment = _amendment_of(case)
    if amendment.status != RequestStatus.PENDING:
        raise RevenueError(_("This request was already decided."))
    if amendment.requested_by_id == actor.pk:
        raise RevenueError(_("Another user must decide a request you made."))
    if action.key == "approve" and amendment.amount > amendment.demand.outstanding:
        raise RevenueError(_("The demand no longer owes that much."))


def decide_amendment(actor: User, case: Any, action: Any, comment: str) -> None:
    """Effect of the process's decisions, in the action's transaction: approval
    takes the amount off the demand's lines, newest first (penalties before the
    fees they grew on); nothing is deleted."""
    amendment = _amendment_of(case)
    amendment.decided_by = actor
    amendment.decided_at = timezone.now()
    if action.key != "approve":
        amendment.status = RequestStatus.REJECTED
        amendment.save(update_fields=["status", "decided_by", "decided_at"])
        record_audit(
            actor=actor,
            action="revenue.amendment.reject",
            obj=amendment.demand,
            after={"note": comment},
        )
        return
    demand = Demand.objects.select_for_update().get(pk=amendment.demand_id)
    PartyModel.objects.select_for_update().get(pk=demand.party_id)
    remaining = amendment.amount
    for line in demand.lines.order_by("-pk"):
        if remaining <= 0:
            break
        share = min(remaining, line.outstanding)
        if share > 0:
            DemandLine.objects.filter(pk=line.pk).update(adjusted=line.adjusted + share)
            remaining -= share
    _recompute_demand(demand)
    amendment.status = RequestStatus.APPROVED
    amendment.save(update_fields=["status", "decided_by", "decided_at"])
    record_audit(
        actor=actor,
        action="revenue.amendment.approve",
        obj=demand,
        after={"kind": amendment.kind, "amount": amendment.amount, "note": comment},
    )


def approve_amendment(*, actor: User, amendment: Amendment, note: str = "") -> Demand:
    """Approve through the amendment's case (the process's ``approve`` action)."""
    workflow.take_action(
        actor=actor, case_id=_case_id(amendment), action_key="approve", comment=note
    )
    return Demand.objects.get(pk=amendment.demand_id)


def reject_amendment(*, actor: User, amendment: Amendment, note: str = "") -> Amendment:
    """Reject through the amendment's case (a reason is required)."""
    workflow.take_action(
        actor=actor, case_id=_case_id(amendment), action_key="reject", comment=note
    )
    return Amendment.objects.get(pk=amendment.pk)


def _case_id(amendment: Amendment) -> int:
    if amendment.case_id is None:
        raise RevenueError(_("This amendment has no approval case."))
    return amendment.case_id


# --- Cashier shifts ----------------------------------------------------------------


@transaction.atomic
def open_shift(
    *, actor: User, branch: Any, opening_float: Decimal | int | str = ZERO
) -> CashierShift:
    require(actor, "revenue.collect", branch=branch)
    opening_float = _money(opening_float)
    if opening_float < 0:
        raise RevenueError(_("The float cannot be negative."))
    if CashierShift.objects.filter(cashier=actor, status=ShiftStatus.OPEN).exists():
        raise RevenueError(_("You already have an open shift; close it first."))
    shift = CashierShift(
        number=next_reference(prefix="SH", year=timezone.localdate().year, branch_code=branch.code),
        branch=branch,
        cashier=actor,
        opening_float=opening_float,
    )
    try:
        with transaction.atomic():
            shift.save()
    except IntegrityError as exc:
        raise RevenueError(_("You already have an open shift; close it first.")) from exc
    record_audit(
        actor=actor,
        action="revenue.shift.open",
        obj=shift,
        after={"branch": branch.code, "float": opening_float},
    )
    return shift


@transaction.atomic
def close_shift(
    *,
    actor: User,
    shift: CashierShift,
    counted: dict[str, Decimal | int | str],
    note: str = "",
) -> CashierShift:
    """Close a shift with the counted amount per tender. The variance (counted −
    expected) is recorded; a shift with a variance waits for a supervisor."""
    shift = CashierShift.objects.select_for_update().select_related("branch").get(pk=shift.pk)
    require(actor, "revenue.collect", branch=shift.branch)
    if shift.cashier_id != actor.pk:
        require(actor, "revenue.approve_shift", branch=shift.branch)
    if shift.status != ShiftStatus.OPEN:
        raise RevenueError(_("This shift is already closed."))
    expected = selectors.shift_expected(shift)
    clean = {tender: _money(counted.get(tender) or 0) for tender in Tender.values}
    for tender, value in clean.items():
        if value < 0:
            raise RevenueError(_("Counted amounts cannot be negative."))
        expected.setdefault(tender, ZERO)
    variance = sum(clean.values(), ZERO) - sum(expected.values(), ZERO)
    shift.expected = {k: str(v) for k, v in expected.items() if v or clean.get(k)}
    shift.counted = {k: str(v) for k, v in clean.items() if v or expected.get(k)}
    shift.variance = variance
    shift.close_note = note[:300]
    shift.closed_at = timezone.now()
    shift.status = ShiftStatus.PENDING if variance else ShiftStatus.CLOSED
    shift.save(
        update_fields=["expected", "counted", "variance", "close_note", "closed_at", "status"]
    )
    record_audit(
        actor=actor,
        action="revenue.shift.close",
        obj=shift,
        before={"status": "open"},
        after={"status": shift.status, "variance": variance, "counted": shift.counted},
    )
    return shift


@transaction.atomic
def approve_shift(*, actor: User, shift: CashierShift, note: str = "") -> CashierShift:
    """A supervisor (not the cashier) accepts a closed shift's variance."""
    shift = CashierShift.objects.select_for_update().select_related("branch").get(pk=shift.pk)
    require(actor, "revenue.approve_shift", branch=shift.branch)
    if shift.status != ShiftStatus.PENDING:
        raise RevenueError(_("This shift is not awaiting approval."))
    if shift.cashier_id == actor.pk:
        raise RevenueError(_("Another user must approve your shift."))
    shift.status = ShiftStatus.CLOSED
    shift.approved_by = actor
    shift.approved_at = timezone.now()
    if note:
        shift.close_note = (shift.close_note + " / " + note)[:300]
    shift.save(update_fields=["status", "approved_by", "approved_at", "close_note"])
    record_audit(
        actor=actor,
        action="revenue.shift.approve",
        obj=shift,
        after={"variance": shift.variance},
    )
    return shift


# --- Clearance certificates -------------------------------------------------------


@transaction.atomic
def issue_clearance(
    *, actor: User | None, party: Any, valid_days: int = 30
) -> ClearanceCertificate:
    """A certificate that ``party`` owes nothing; refused while anything is owed."""
    if actor is not None and not acts_for(actor, party):
        require(actor, "revenue.view_statement")
    PartyModel.objects.select_for_update().get(pk=party.pk)
    owed = selectors.amount_owed(party)
    if owed > 0:
        raise RevenueError(
            _("A clearance certificate cannot be issued: %(amount)s is still owed.")
            % {"amount": owed}
        )
    now = timezone.now()
    certificate = ClearanceCertificate.objects.create(
        number=next_reference(prefix="CLR", year=timezone.localdate(now).year),
        token=secrets.token_urlsafe(18),
        party=party,
        issued_at=now,
        valid_until=timezone.localdate(now) + dt.timedelta(days=valid_days),
        issued_by=_system(actor),
    )
    record_audit(actor=actor, action="revenue.clearance.issue", obj=certificate)
    return certificate


# --- Online payments ---------------------------------------------------------------


@transaction.atomic
def start_online_payment(
    *,
    actor: User,
    party: Any,
    demands: Sequence[Demand] | None = None,
    gateway_key: str = "sandbox",
    caps: Mapping[int, Decimal] | None = None,
) -> OnlinePayment:
    """A citizen starts paying online what he (or an establishment he owns) owes,
    or the given demands; with ``caps``, at most that much of each capped demand
    (a prepaid top-up recovers only a share of the arrears)."""
    if not acts_for(actor, party):
        require(actor, "revenue.collect")
    lines = _lines_to_pay(party, demands)
    owed: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        owed[line.demand_id] += line.outstanding
    caps = {pk: _money(cap) for pk, cap in (caps or {}).items() if pk in owed}
    amount = sum((min(total, caps.get(pk, total)) for pk, total in owed.items()), ZERO)
    if amount <= 0:
        raise RevenueError(_("Nothing is owed."))
    online = OnlinePayment.objects.create(
        token=secrets.token_urlsafe(18),
        gateway=gateway_key,
        party=party,
        demand_ids=sorted(owed),
        caps={str(pk): str(cap) for pk, cap in caps.items()},
        amount=amount,
        currency=_currency(),
    )
    record_audit(actor=actor, action="revenue.online.start", obj=online, after={"amount": amount})
    return online


def complete_online_payment(
    *, token: str, status: str, amount: Decimal | str, provider_ref: str, signature: str
) -> OnlinePayment:
    """The gateway's callback: verify the signature, then take the payment once
    (idempotency key ``online:<token>``) or record the failure."""
    online = OnlinePayment.objects.filter(token=token).first()
    if online is None:
        raise RevenueError(_("Unknown payment."))
    data = CallbackData(
        token=token, status=status, amount=Decimal(str(amount)), provider_ref=provider_ref
    )
    if not gateway(online.gateway).verify(data, signature):
        raise RevenueError(_("The payment confirmation could not be verified."))
    return _settle_online(online, data)


def _settle_online(online: OnlinePayment, data: CallbackData) -> OnlinePayment:
    with transaction.atomic():
        online = OnlinePayment.objects.select_for_update().get(pk=online.pk)
        if online.status != OnlineStatus.PENDING:
            return online
        if data.status != "paid":
            online.status = OnlineStatus.FAILED
            online.provider_ref = data.provider_ref
            online.completed_at = timezone.now()
            online.save(update_fields=["status", "provider_ref", "completed_at"])
            record_audit(actor=None, action="revenue.online.failed", obj=online)
            return online
        if _money(data.amount) != online.amount:
            raise RevenueError(_("The amount confirmed does not match the amount requested."))
        demands = list(Demand.objects.filter(pk__in=online.demand_ids))
        payment = take_payment(
            actor=None,
            party=online.party,
            amount=online.amount,
            tender=Tender.ONLINE,
            channel=Channel.ONLINE,
            idempotency_key=f"online:{online.token}",
            demands=demands,
            reference=data.provider_ref,
            allow_advance=True,  # a demand settled meanwhile: the rest is his credit
            caps={int(pk): Decimal(cap) for pk, cap in online.caps.items()} or None,
        )
        online.status = OnlineStatus.PAID
        online.provider_ref = data.provider_ref
        online.completed_at = timezone.now()
        online.payment = payment
        online.save(update_fields=["status", "provider_ref", "completed_at", "payment"])
        record_audit(
            actor=None, action="revenue.online.paid", obj=online, after={"payment": payment.pk}
        )
    return online


def reconcile_online_payments(
    *, older_than: dt.timedelta = dt.timedelta(minutes=15)
) -> dict[str, int]:
    """For payments still pending after ``older_than``, ask the gateway what
    happened: settle the paid ones, fail the declined, expire the unknown."""
    cutoff = timezone.now() - older_than
    counts = {"paid": 0, "failed": 0, "expired": 0}
    for online in OnlinePayment.objects.filter(status=OnlineStatus.PENDING, created_at__lt=cutoff):
        data = gateway(online.gateway).query_status(online.token)
        if data is None:
            with transaction.atomic():
                updated = OnlinePayment.objects.filter(
                    pk=online.pk, status=OnlineStatus.PENDING
                ).update(status=OnlineStatus.EXPIRED, completed_at=timezone.now())
                if updated:
                    record_audit(actor=None, action="revenue.online.expired", obj=online)
                    counts["expired"] += 1
            continue
        settled = _settle_online(online, data)
        if settled.status == OnlineStatus.PAID:
            counts["paid"] += 1
        elif settled.status == OnlineStatus.FAILED:
            counts["failed"] += 1
    return counts


# --- Demo data -----------------------------------------------------------------------


SERVICE_ACCOUNTS = {
    "licen": "4101",
    "permit": "4102",
    "build": "4102",
    "certif": "4104",
    "water": "4201",
    "electric": "4202",
    "waste": "4203",
}


def _account_for_service(key: str) -> str:
    for fragment, account in SERVICE_ACCOUNTS.items():
        if fragment in key:
            return account
    return "4103"


@transaction.atomic
def load_demo_revenue(
    *, services: Sequence[Any], parties: Sequence[Any], branch: Any = None, payments: int = 20
) -> dict[str, int]:
    """Demo data: a revenue head per catalogue service with a fixed fee, a
    late-payment penalty head and rule, a demand for each given party and
    counter payments on some of them. Idempotent: heads are looked up by code
    and demands/payments by idempotency keys."""
    existing = set(RevenueHead.objects.values_list("code", flat=True))
    start = dt.date(timezone.localdate().year, 1, 1)
    heads: list[RevenueHead] = []
    new_heads = []
    for service in services:
        if service.fee is None or service.fee <= 0:
            continue
        code = service.key[:40]
        if code not in existing:
            new_heads.append(
                RevenueHead(
                    code=code,
                    name_ar=service.name_ar,
                    name_en=service.name_en,
                    account_code=_account_for_service(service.key),
                    service_key=service.key,
                )
            )
    if new_heads:
        RevenueHead.objects.bulk_create(new_heads)
        FeeSchedule.objects.bulk_create(
            [
                FeeSchedule(
                    head=head,
                    effective_from=start,
                    method=FeeMethod.FIXED,
                    rate=_money(next(s.fee for s in services if s.key[:40] == head.code)),
                )
                for head in RevenueHead.objects.filter(code__in=[h.code for h in new_heads])
            ]
        )
    if "late-payment" not in existing:
        penalty = RevenueHead.objects.create(
            code="late-payment",
            name_ar="غرامة تأخير",
            name_en="Late-payment interest",
            account_code="4401",
            priority=200,
            allows_part_payment=True,
        )
        PenaltyRule.objects.create(
            penalty_head=penalty,
            rate_percent=Decimal("1"),
            grace_days=30,
            cap_percent=Decimal("12"),
        )
    if "property-tax" not in existing:
        RevenueHead.objects.create(
            code="property-tax",
            name_ar="ضريبة الأملاك",
            name_en="Property tax",
            account_code="4301",
            priority=50,
            allows_part_payment=True,
            allows_advance=True,
        )
    # Only the heads made here: other modules' heads come later in the demo, and
    # counting them would change the choice (and the demands) on a second run.
    own = {s.key[:40] for s in services if s.fee is not None and s.fee > 0} | {"property-tax"}
    heads = list(RevenueHead.objects.filter(code__in=own).order_by("code"))
    if not heads:
        return {"heads": 0, "demands": 0, "payments": 0}
    today = timezone.localdate()
    made = paid = 0
    for index, party in enumerate(parties):
        head = heads[index % len(heads)]
        schedule = head.schedules.order_by("-version").first()
        amount = schedule.rate if schedule is not None and schedule.rate > 0 else Decimal(250)
        demand = create_demand(
            actor=None,
            party=party,
            lines=[DemandLineSpec(head=head.code, amount=amount)],
            due_date=today + dt.timedelta(days=30 - (index % 3) * 45),
            description=head.name_ar,
            source_type="demo",
            source_id=str(index),
            idempotency_key=f"demo-demand:{party.pk}:{head.code}",
        )
        made += 1
        if (
            branch is not None
            and index % 3 != 0  # the first party (the demo citizen) keeps something owed
            and paid < payments
            and demand.status == DemandStatus.OPEN
            and finance.is_period_open(today)
        ):
            take_payment(
                actor=None,
                party=party,
                amount=demand.outstanding,
                tender=Tender.CASH if index % 2 else Tender.CARD,
                channel=Channel.BANK,
                branch=branch,
                demands=[demand],
                idempotency_key=f"demo-payment:{demand.pk}",
            )
            paid += 1
    return {"heads": len(new_heads), "demands": made, "payments": paid}
