"""Revenue reads: fee calculation, what a party owes, its statement, shifts and
receipts. Reads of a person's money check that the reader is that person or
holds ``revenue.view_statement``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from baladiya.core.api import (
    User,
    acts_for,
    has_capability,
    normalize_arabic,
    normalize_digits,
    organisation,
    quantize,
    require,
)
from baladiya.revenue.models import (
    Allocation,
    Amendment,
    Bill,
    CancellationRequest,
    CashierShift,
    ClearanceCertificate,
    Demand,
    DemandLine,
    DemandStatus,
    FeeMethod,
    FeeSchedule,
    OnlinePayment,
    Payment,
    PaymentStatus,
    Receipt,
    ReceiptStatus,
    RequestStatus,
    RevenueHead,
    ShiftStatus,
)

ZERO = Decimal("0")
LIVE = [DemandStatus.OPEN, DemandStatus.PART_PAID, DemandStatus.PAID, DemandStatus.WRITTEN_OFF]


def _currency() -> str:
    org = organisation()
    return org.currency if org is not None else "ILS"


def revenue_heads(*, active_only: bool = True) -> QuerySet[RevenueHead]:
    qs = RevenueHead.objects.order_by("priority", "code")
    return qs.filter(is_active=True) if active_only else qs


def head_by_code(code: str) -> RevenueHead | None:
    return RevenueHead.objects.filter(code=code).first()


def schedule_for(
    *, head: RevenueHead, on: dt.date, zone: str = "", category: str = ""
) -> FeeSchedule | None:
    """The schedule in force on ``on``: the most specific (zone and category, then
    zone, then category, then general) whose dates cover the day."""
    candidates = FeeSchedule.objects.filter(head=head, effective_from__lte=on).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=on)
    )
    for z, c in ((zone, category), (zone, ""), ("", category), ("", "")):
        found = candidates.filter(zone=z, category=c).order_by("-version").first()
        if found is not None:
            return found
    return None


def calculate_fee(
    *,
    head: RevenueHead,
    on: dt.date,
    quantity: Decimal | int | str = 1,
    zone: str = "",
    category: str = "",
) -> Decimal:
    """The fee for ``quantity`` units of ``head`` on day ``on`` (never below the
    schedule's minimum)."""
    schedule = schedule_for(head=head, on=on, zone=zone, category=category)
    if schedule is None:
        raise ValueError(
            _("No fee schedule of %(head)s covers %(date)s.") % {"head": head.code, "date": on}
        )
    qty = Decimal(str(quantity))
    if schedule.method == FeeMethod.FIXED:
        amount = schedule.rate
    elif schedule.method == FeeMethod.PER_UNIT:
        amount = schedule.rate * qty
    else:
        amount = ZERO
        lower = ZERO
        for slab in schedule.slabs:
            upto = Decimal(str(slab["upto"])) if slab.get("upto") not in (None, "") else None
            rate = Decimal(str(slab["rate"]))
            top = qty if upto is None else min(qty, upto)
            if top > lower:
                amount += (top - lower) * rate
            if upto is None or qty <= upto:
                break
            lower = upto
    return quantize(max(amount, schedule.minimum), _currency())


# --- What a party owes ---------------------------------------------------------------


def _may_read(user: User | None, party: Any) -> None:
    if user is None:
        return
    if acts_for(user, party):
        return
    require(user, "revenue.view_statement")


def amount_owed(party: Any) -> Decimal:
    """Outstanding demand lines of ``party`` (not counting advances)."""
    totals = DemandLine.objects.filter(
        demand__party=party, demand__status__in=[DemandStatus.OPEN, DemandStatus.PART_PAID]
    ).aggregate(a=Sum("amount"), p=Sum("paid"), x=Sum("adjusted"))
    owed = (totals["a"] or ZERO) - (totals["p"] or ZERO) - (totals["x"] or ZERO)
    return quantize(owed, _currency())


def amounts_owed(party_ids: Sequence[int]) -> dict[int, Decimal]:
    """:func:`amount_owed` for many parties in one query (a billing run's arrears);
    parties owing nothing are left out."""
    owed: dict[int, Decimal] = {}
    currency = _currency()
    ids = list(party_ids)
    for start in range(0, len(ids), 1000):
        rows = (
            DemandLine.objects.filter(
                demand__party_id__in=ids[start : start + 1000],
                demand__status__in=[DemandStatus.OPEN, DemandStatus.PART_PAID],
            )
            .values("demand__party_id")
            .annotate(a=Sum("amount"), p=Sum("paid"), x=Sum("adjusted"))
        )
        for row in rows:
            value = quantize((row["a"] or ZERO) - (row["p"] or ZERO) - (row["x"] or ZERO), currency)
            if value:
                owed[row["demand__party_id"]] = value
    return owed


def party_balance(party: Any) -> Decimal:
    """Demands (less amendments) minus payments: positive = owed, negative = in credit."""
    demanded = Demand.objects.filter(party=party, status__in=LIVE).aggregate(
        t=Sum("total"), a=Sum("adjusted")
    )
    paid = Payment.objects.filter(party=party, status=PaymentStatus.COMPLETED).aggregate(
        s=Sum("amount")
    )["s"]
    balance = (demanded["t"] or ZERO) - (demanded["a"] or ZERO) - (paid or ZERO)
    return quantize(balance, _currency())


def open_demands(*, user: User | None, party: Any) -> QuerySet[Demand]:
    _may_read(user, party)
    return (
        Demand.objects.filter(party=party, status__in=[DemandStatus.OPEN, DemandStatus.PART_PAID])
        .prefetch_related("lines__head")
        .order_by("due_date", "pk")
    )


@dataclass
class StatementRow:
    date: dt.datetime | dt.date
    kind: str
    reference: str
    description: str
    debit: Decimal
    credit: Decimal
    balance: Decimal = ZERO
    url: str = ""


@dataclass
class Statement:
    party: Any
    currency: str
    rows: list[StatementRow] = field(default_factory=list)
    owed: Decimal = ZERO
    balance: Decimal = ZERO
    open_demands: list[Demand] = field(default_factory=list)


def _as_datetime(value: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value, dt.time.min, tzinfo=dt.UTC)


def statement(*, user: User | None, party: Any) -> Statement:
    """Everything ``party`` was asked to pay and paid, across every module, in
    date order with a running balance."""
    _may_read(user, party)
    rows: list[StatementRow] = []
    demands = Demand.objects.filter(party=party).exclude(status=DemandStatus.CANCELLED)
    for demand in demands.order_by("created_at"):
        rows.append(
            StatementRow(
                demand.created_at,
                "demand",
                demand.number,
                demand.description,
                demand.total,
                ZERO,
            )
        )
    payments = Payment.objects.filter(party=party).select_related("receipt")
    for payment in payments.order_by("received_at"):
        receipt = getattr(payment, "receipt", None)
        number = receipt.number if receipt else ""
        rows.append(
            StatementRow(
                payment.received_at,
                "payment",
                number,
                _("Payment (%(tender)s)") % {"tender": payment.get_tender_display()},
                ZERO,
                payment.amount,
            )
        )
        if receipt is not None and receipt.status == ReceiptStatus.CANCELLED:
            rows.append(
                StatementRow(
                    receipt.cancelled_at or payment.received_at,
                    "cancellation",
                    number,
                    _("Receipt cancelled"),
                    payment.amount,
                    ZERO,
                )
            )
    for amendment in Amendment.objects.filter(
        demand__party=party, status=RequestStatus.APPROVED
    ).select_related("demand"):
        rows.append(
            StatementRow(
                amendment.decided_at or amendment.requested_at,
                "amendment",
                amendment.demand.number,
                amendment.get_kind_display(),
                ZERO,
                amendment.amount,
            )
        )
    rows.sort(key=lambda r: _as_datetime(r.date))
    running = ZERO
    for row in rows:
        running += row.debit - row.credit
        row.balance = running
    return Statement(
        party=party,
        currency=_currency(),
        rows=rows,
        owed=amount_owed(party),
        balance=running,
        open_demands=list(open_demands(user=None, party=party)),
    )


# --- Receipts, shifts, approvals --------------------------------------------------


def receipt(pk: int) -> Receipt | None:
    return (
        Receipt.objects.select_related(
            "payment__party", "payment__shift", "payment__branch", "payment__received_by"
        )
        .prefetch_related("payment__allocations__line__head", "payment__allocations__line__demand")
        .filter(pk=pk)
        .first()
    )


def receipt_for_user(*, user: User, pk: int) -> Receipt | None:
    found = receipt(pk)
    if found is None:
        return None
    if getattr(user, "party_id", None) == found.payment.party_id:
        return found
    require(user, "revenue.view_statement")
    return found


def receipt_by_token(token: str) -> Receipt | None:
    return Receipt.objects.select_related("payment__party").filter(token=token).first()


def clearance_by_token(token: str) -> ClearanceCertificate | None:
    return ClearanceCertificate.objects.select_related("party").filter(token=token).first()


def receipts(*, party: Any = None, shift: CashierShift | None = None) -> QuerySet[Receipt]:
    qs = Receipt.objects.select_related("payment__party").order_by("-issued_at", "-pk")
    if party is not None:
        qs = qs.filter(payment__party=party)
    if shift is not None:
        qs = qs.filter(payment__shift=shift)
    return qs


def open_shift_of(user: User) -> CashierShift | None:
    return (
        CashierShift.objects.select_related("branch")
        .filter(cashier=user, status=ShiftStatus.OPEN)
        .first()
    )


def shift(pk: int) -> CashierShift | None:
    return (
        CashierShift.objects.select_related("branch", "cashier", "approved_by")
        .filter(pk=pk)
        .first()
    )


def shift_expected(shift: CashierShift) -> dict[str, Decimal]:
    """What the drawer should hold per tender: the float (cash) plus completed
    payments of the shift."""
    expected: dict[str, Decimal] = {"cash": shift.opening_float}
    for row in (
        Payment.objects.filter(shift=shift, status=PaymentStatus.COMPLETED)
        .values("tender")
        .annotate(s=Sum("amount"))
    ):
        expected[row["tender"]] = expected.get(row["tender"], ZERO) + (row["s"] or ZERO)
    return expected


@dataclass
class ShiftReport:
    shift: CashierShift
    expected: dict[str, Decimal]
    payments: int
    cancelled: int
    total: Decimal


def shift_report(*, user: User, shift: CashierShift) -> ShiftReport:
    """The X report (during the shift) or Z report (after closing)."""
    if shift.cashier_id != user.pk:
        require(user, "revenue.approve_shift", branch=shift.branch)
    expected = shift_expected(shift)
    payments = Payment.objects.filter(shift=shift)
    completed = payments.filter(status=PaymentStatus.COMPLETED)
    return ShiftReport(
        shift=shift,
        expected=expected,
        payments=completed.count(),
        cancelled=payments.filter(status=PaymentStatus.CANCELLED).count(),
        total=completed.aggregate(s=Sum("amount"))["s"] or ZERO,
    )


def shifts_awaiting_approval(*, user: User) -> QuerySet[CashierShift]:
    require(user, "revenue.approve_shift")
    return CashierShift.objects.filter(status=ShiftStatus.PENDING).select_related(
        "branch", "cashier"
    )


def pending_cancellations(*, user: User) -> QuerySet[CancellationRequest]:
    require(user, "revenue.approve_cancellation")
    return CancellationRequest.objects.filter(status=RequestStatus.PENDING).select_related(
        "receipt__payment__party", "requested_by"
    )


def pending_amendments(*, user: User) -> QuerySet[Amendment]:
    require(user, "revenue.approve_amendment")
    return Amendment.objects.filter(status=RequestStatus.PENDING).select_related(
        "demand__party", "requested_by", "case"
    )


def demands_for_staff(*, user: User, query: str = "", status: str = "") -> QuerySet[Demand]:
    """Demands a finance clerk looks up: by demand number, or by the party's ID,
    commercial registration or name (Arabic-normalised); newest first."""
    require(user, "revenue.view_statement")
    qs = Demand.objects.select_related("party").order_by("-created_at", "-pk")
    if status:
        qs = qs.filter(status=status)
    text = normalize_digits(query.strip())
    if text:
        qs = qs.filter(
            Q(number__iexact=text)
            | Q(party__national_id=text)
            | Q(party__commercial_registration=text)
            | Q(party__search_text__contains=normalize_arabic(text))
        )
    return qs


def demand_for_staff(*, user: User, number: str) -> Demand | None:
    require(user, "revenue.view_statement")
    return (
        Demand.objects.select_related("party", "created_by")
        .prefetch_related("lines__head", "amendments__case", "amendments__requested_by")
        .filter(number=number)
        .first()
    )


def demand_payments(demand: Demand) -> QuerySet[Allocation]:
    return (
        Allocation.objects.filter(line__demand=demand)
        .select_related("payment__receipt", "line__head")
        .order_by("payment__received_at", "pk")
    )


def receipt_numbers(series: str, fiscal_year: str) -> list[int]:
    return list(
        Receipt.objects.filter(series=series, fiscal_year=fiscal_year)
        .order_by("sequence")
        .values_list("sequence", flat=True)
    )


def online_payment(token: str) -> OnlinePayment | None:
    return OnlinePayment.objects.select_related("party").filter(token=token).first()


def bill_by_number(number: str) -> Bill | None:
    return Bill.objects.select_related("party").filter(number=number.strip()).first()


def bill_by_token(token: str) -> Bill | None:
    return Bill.objects.select_related("party").filter(token=token).first()


def bill_for_user(*, user: User, pk: int) -> Bill | None:
    """The bill when ``user`` is its payer or may view statements, else None."""
    bill = Bill.objects.select_related("party").filter(pk=pk).first()
    if bill is None:
        return None
    if acts_for(user, bill.party):
        return bill
    return bill if has_capability(user, "revenue.view_statement") else None


def bill_outstanding(bill: Bill) -> Decimal:
    """What is still owed on the bill's demands now."""
    return sum((d.outstanding for d in bill.demands.all()), Decimal(0))
