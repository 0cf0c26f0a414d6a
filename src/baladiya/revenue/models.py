"""The fee engine: revenue heads and fee schedules, demands and their lines,
payments apportioned over demand lines, gap-free receipts, cashier shifts,
maker-checker requests (receipt cancellation, amendments) and online payment
sessions. Money rows are never deleted; a cancellation is a status and a
reversing journal entry."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baladiya.core.models import Bilingual, Branch, Party

AMOUNT = {"max_digits": 14, "decimal_places": 3}
ZERO = Decimal("0")


class RevenueHead(Bilingual):
    """A kind of revenue (a licence fee, a water bill, a fine) and the ledger
    account it is credited to."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    account_code = models.CharField(_("revenue account"), max_length=20)
    priority = models.PositiveSmallIntegerField(
        _("priority"), default=100, help_text=_("Lower numbers are paid first.")
    )
    allows_part_payment = models.BooleanField(_("part payments allowed"), default=False)
    allows_advance = models.BooleanField(_("advance payments allowed"), default=False)
    service_key = models.CharField(_("service"), max_length=80, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("revenue head")
        verbose_name_plural = _("revenue heads")
        ordering = ["priority", "code"]


class FeeMethod(models.TextChoices):
    FIXED = "fixed", _("Fixed amount")
    PER_UNIT = "per-unit", _("Per unit")
    SLABS = "slabs", _("Slabs")


class FeeUnit(models.TextChoices):
    ITEM = "item", _("item")
    SQUARE_METRE = "m2", _("square metre")
    METRE = "m", _("metre")
    YEAR = "year", _("year")
    CUBIC_METRE = "m3", _("cubic metre")
    KWH = "kwh", _("kilowatt-hour")


class FeeSchedule(models.Model):
    """How a head's fee is calculated from a date on, for a zone and/or category.

    Slabs are ``[{"upto": "100", "rate": "2.5"}, {"upto": null, "rate": "4"}]``:
    each rate applies to the units inside its band (progressive tariff).
    """

    head = models.ForeignKey(
        RevenueHead,
        verbose_name=_("revenue head"),
        on_delete=models.PROTECT,
        related_name="schedules",
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    method = models.CharField(_("method"), max_length=10, choices=FeeMethod.choices)
    unit = models.CharField(_("unit"), max_length=6, choices=FeeUnit.choices, default=FeeUnit.ITEM)
    rate = models.DecimalField(_("rate"), default=ZERO, **AMOUNT)
    minimum = models.DecimalField(_("minimum"), default=ZERO, **AMOUNT)
    slabs = models.JSONField(_("slabs"), default=list, blank=True)
    zone = models.CharField(_("zone"), max_length=40, blank=True)
    category = models.CharField(_("category"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("fee schedule")
        verbose_name_plural = _("fee schedules")
        ordering = ["head", "zone", "category", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["head", "zone", "category", "version"], name="rev_unique_schedule_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.head_id} v{self.version}"


class DemandStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PART_PAID = "part-paid", _("Partly paid")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")
    WRITTEN_OFF = "written-off", _("Written off")


class Demand(models.Model):
    """What a party owes for one thing (a licence, a month of water…)."""

    number = models.CharField(_("number"), max_length=40, unique=True)
    party = models.ForeignKey(
        Party, verbose_name=_("party"), on_delete=models.PROTECT, related_name="demands"
    )
    source_type = models.CharField(_("source"), max_length=60, blank=True)
    source_id = models.CharField(_("source record"), max_length=64, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    period_from = models.DateField(_("period from"), null=True, blank=True)
    period_to = models.DateField(_("period to"), null=True, blank=True)
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=12, choices=DemandStatus.choices, default=DemandStatus.OPEN
    )
    currency = models.CharField(_("currency"), max_length=3)
    total = models.DecimalField(_("total"), default=ZERO, **AMOUNT)
    paid = models.DecimalField(_("paid"), default=ZERO, **AMOUNT)
    adjusted = models.DecimalField(_("written off or settled"), default=ZERO, **AMOUNT)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("demand")
        verbose_name_plural = _("demands")
        ordering = ["due_date", "pk"]
        indexes = [
            models.Index(fields=["party", "status"]),
            models.Index(fields=["source_type", "source_id"]),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def outstanding(self) -> Decimal:
        return self.total - self.paid - self.adjusted

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("Demands are never deleted; cancel them.")


class DemandLine(models.Model):
    demand = models.ForeignKey(
        Demand, verbose_name=_("demand"), on_delete=models.PROTECT, related_name="lines"
    )
    head = models.ForeignKey(RevenueHead, verbose_name=_("revenue head"), on_delete=models.PROTECT)
    description = models.CharField(_("description"), max_length=300, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3, default=1)
    amount = models.DecimalField(_("amount"), **AMOUNT)
    paid = models.DecimalField(_("paid"), default=ZERO, **AMOUNT)
    adjusted = models.DecimalField(_("written off or settled"), default=ZERO, **AMOUNT)
    penalty_key = models.CharField(max_length=80, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("demand line")
        verbose_name_plural = _("demand lines")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="rev_line_positive"),
            models.CheckConstraint(
                condition=Q(paid__gte=0, adjusted__gte=0), name="rev_line_paid_nonnegative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.demand_id}/{self.head_id}: {self.amount}"

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.paid - self.adjusted


def _bill_token() -> str:
    return secrets.token_urlsafe(16)


class Bill(models.Model):
    """A statement of demands handed to a party, optionally valid until a date."""

    number = models.CharField(_("number"), max_length=40, unique=True)
    party = models.ForeignKey(Party, verbose_name=_("party"), on_delete=models.PROTECT)
    demands = models.ManyToManyField(Demand, verbose_name=_("demands"), related_name="bills")
    amount = models.DecimalField(_("amount"), **AMOUNT)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    expires_on = models.DateField(_("valid until"), null=True, blank=True)
    token = models.CharField(max_length=40, unique=True, default=_bill_token, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("bill")
        verbose_name_plural = _("bills")

    def __str__(self) -> str:
        return self.number

    @property
    def is_expired(self) -> bool:
        return self.expires_on is not None and self.expires_on < timezone.localdate()


class PenaltyRule(models.Model):
    """Late-payment interest: ``rate_percent`` of the outstanding amount per full
    month overdue after ``grace_days``, capped at ``cap_percent``, charged to
    ``penalty_head``."""

    applies_to = models.ForeignKey(
        RevenueHead,
        verbose_name=_("applies to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="penalty_rules",
        help_text=_("Empty: every head."),
    )
    penalty_head = models.ForeignKey(
        RevenueHead, verbose_name=_("penalty head"), on_delete=models.PROTECT, related_name="+"
    )
    rate_percent = models.DecimalField(_("rate per month (%)"), max_digits=6, decimal_places=3)
    grace_days = models.PositiveSmallIntegerField(_("grace days"), default=0)
    cap_percent = models.DecimalField(
        _("cap (%)"), max_digits=6, decimal_places=3, default=Decimal("25")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("penalty rule")
        verbose_name_plural = _("penalty rules")

    def __str__(self) -> str:
        return f"{self.rate_percent}% → {self.penalty_head_id}"


class ShiftStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PENDING = "pending-approval", _("Closed, awaiting approval")
    CLOSED = "closed", _("Closed")


class CashierShift(models.Model):
    number = models.CharField(_("number"), max_length=40, unique=True)
    branch = models.ForeignKey(Branch, verbose_name=_("branch"), on_delete=models.PROTECT)
    cashier = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cashier"),
        on_delete=models.PROTECT,
        related_name="cashier_shifts",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ShiftStatus.choices, default=ShiftStatus.OPEN
    )
    opening_float = models.DecimalField(_("opening float"), default=ZERO, **AMOUNT)
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    expected = models.JSONField(_("expected per tender"), default=dict, blank=True)
    counted = models.JSONField(_("counted per tender"), default=dict, blank=True)
    variance = models.DecimalField(_("variance"), default=ZERO, **AMOUNT)
    close_note = models.CharField(_("note"), max_length=300, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

    class Meta:
        verbose_name = _("cashier shift")
        verbose_name_plural = _("cashier shifts")
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cashier"], condition=Q(status="open"), name="rev_one_open_shift"
            )
        ]

    def __str__(self) -> str:
        return self.number


class Channel(models.TextChoices):
    COUNTER = "counter", _("Counter")
    ONLINE = "online", _("Online")
    CHARGING_POINT = "charging-point", _("Charging point")
    BANK = "bank", _("Bank")


class Tender(models.TextChoices):
    CASH = "cash", _("Cash")
    CHEQUE = "cheque", _("Cheque")
    CARD = "card", _("Card")
    TRANSFER = "transfer", _("Bank transfer")
    ONLINE = "online", _("Online card payment")


class PaymentStatus(models.TextChoices):
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Payment(models.Model):
    party = models.ForeignKey(
        Party, verbose_name=_("party"), on_delete=models.PROTECT, related_name="payments"
    )
    amount = models.DecimalField(_("amount"), **AMOUNT)
    currency = models.CharField(_("currency"), max_length=3)
    advance = models.DecimalField(_("unapplied (advance)"), default=ZERO, **AMOUNT)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    tender = models.CharField(_("tender"), max_length=20, choices=Tender.choices)
    reference = models.CharField(_("tender reference"), max_length=80, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, unique=True)
    shift = models.ForeignKey(
        CashierShift,
        verbose_name=_("shift"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
    )
    branch = models.ForeignKey(
        Branch, verbose_name=_("branch"), null=True, blank=True, on_delete=models.PROTECT
    )
    status = models.CharField(
        _("status"), max_length=12, choices=PaymentStatus.choices, default=PaymentStatus.COMPLETED
    )
    received_at = models.DateTimeField(_("received"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    journal_entry_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="rev_payment_positive")
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("Payments are never deleted; cancel the receipt.")


class Allocation(models.Model):
    """The part of a payment applied to one demand line."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    line = models.ForeignKey(DemandLine, on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField(_("amount"), **AMOUNT)

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")

    def __str__(self) -> str:
        return f"{self.payment_id} → {self.line_id}: {self.amount}"


class ReceiptStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    CANCELLED = "cancelled", _("Cancelled")


class Receipt(models.Model):
    """The proof of a payment: number gap-free per series (branch) and fiscal year."""

    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="receipt")
    series = models.CharField(_("series"), max_length=20)
    fiscal_year = models.CharField(_("fiscal year"), max_length=10)
    sequence = models.PositiveIntegerField(_("sequence"))
    number = models.CharField(_("number"), max_length=50, unique=True)
    token = models.CharField(max_length=40, unique=True)
    issued_at = models.DateTimeField(_("issued"))
    status = models.CharField(
        _("status"), max_length=12, choices=ReceiptStatus.choices, default=ReceiptStatus.VALID
    )
    print_count = models.PositiveIntegerField(_("times printed"), default=0)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    reversal_entry_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "fiscal_year", "sequence"], name="rev_receipt_gapfree"
            )
        ]

    def __str__(self) -> str:
        return self.number

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("Receipts are never deleted; cancel them.")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class CancellationRequest(models.Model):
    receipt = models.ForeignKey(
        Receipt, verbose_name=_("receipt"), on_delete=models.PROTECT, related_name="cancellations"
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("cancellation request")
        verbose_name_plural = _("cancellation requests")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["receipt"], condition=Q(status="pending"), name="rev_one_pending_cancel"
            )
        ]

    def __str__(self) -> str:
        return f"{self.receipt_id}: {self.status}"


class AmendmentKind(models.TextChoices):
    WRITE_OFF = "write-off", _("Write-off")
    SETTLEMENT = "settlement", _("Settlement")
    CORRECTION = "correction", _("Correction")


class Amendment(models.Model):
    """A reduction of what a demand asks (write-off, settlement, correction),
    requested by one user and decided by another."""

    demand = models.ForeignKey(
        Demand, verbose_name=_("demand"), on_delete=models.PROTECT, related_name="amendments"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=AmendmentKind.choices)
    amount = models.DecimalField(_("amount"), **AMOUNT)
    reason = models.TextField(_("reason"))
    case = models.OneToOneField(
        "workflow.Case",
        verbose_name=_("approval case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="rev_amend_positive")]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"


class OnlineStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")


class OnlinePayment(models.Model):
    """A hosted-page payment in progress at a gateway."""

    token = models.CharField(max_length=40, unique=True)
    gateway = models.CharField(max_length=20, default="sandbox")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+")
    demand_ids = models.JSONField(default=list)
    # The most the payment puts on each demand ({demand id: amount}), where the
    # payer pays only part of what he owes (a prepaid top-up's share of arrears).
    caps = models.JSONField(default=dict, blank=True)
    amount = models.DecimalField(_("amount"), **AMOUNT)
    currency = models.CharField(max_length=3)
    status = models.CharField(
        max_length=10, choices=OnlineStatus.choices, default=OnlineStatus.PENDING
    )
    provider_ref = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    payment = models.OneToOneField(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="online"
    )

    class Meta:
        verbose_name = _("online payment")
        verbose_name_plural = _("online payments")

    def __str__(self) -> str:
        return self.token


class ClearanceCertificate(models.Model):
    """A certificate that a party owed nothing on the day it was issued."""

    number = models.CharField(_("number"), max_length=40, unique=True)
    token = models.CharField(max_length=40, unique=True)
    party = models.ForeignKey(Party, verbose_name=_("party"), on_delete=models.PROTECT)
    issued_at = models.DateTimeField(_("issued"))
    valid_until = models.DateField(_("valid until"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("clearance certificate")
        verbose_name_plural = _("clearance certificates")

    def __str__(self) -> str:
        return self.number
