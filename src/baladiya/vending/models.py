"""Prepaid vending: the sales of STS credit tokens and each meter's vend state.

A meter's :class:`MeterVendState` row is locked for every sale on that meter, so
token identifiers strictly increase and this month's purchases (which decide the
tariff block) are counted exactly. A :class:`Vend` keeps the token it produced:
a reprint shows the same token, never a new one.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from baladiya.core.models import Branch, Party

AMOUNT = {"max_digits": 14, "decimal_places": 3}
UNITS = {"max_digits": 14, "decimal_places": 3}
ZERO = Decimal("0")


class VendingPolicy(models.Model):
    """The municipality's vending rules (one row)."""

    arrears_percent = models.DecimalField(
        _("arrears share %"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("25"),
        help_text=_("Share of each prepaid sale that pays the customer's open utility bills."),
    )
    minimum_amount = models.DecimalField(_("smallest sale"), default=Decimal("1"), **AMOUNT)
    maximum_amount = models.DecimalField(_("largest sale"), default=Decimal("5000"), **AMOUNT)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("vending policy")
        verbose_name_plural = _("vending policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(arrears_percent__gte=0, arrears_percent__lte=100),
                name="vend_policy_arrears_percent",
            ),
            models.CheckConstraint(
                condition=Q(minimum_amount__gt=0, maximum_amount__gte=models.F("minimum_amount")),
                name="vend_policy_limits",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Vending policy"))


class MeterVendState(models.Model):
    """Per meter: the last token identifier issued and this month's units."""

    meter = models.OneToOneField(
        "utilities.Meter",
        verbose_name=_("meter"),
        on_delete=models.PROTECT,
        related_name="vend_state",
    )
    last_tid = models.PositiveIntegerField(_("last token identifier"), default=0)
    month = models.DateField(_("month"), null=True, blank=True)
    month_units = models.DecimalField(_("units bought this month"), default=ZERO, **UNITS)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("meter vend state")
        verbose_name_plural = _("meter vend states")

    def __str__(self) -> str:
        return f"{self.meter_id}: {self.last_tid}"


class VendChannel(models.TextChoices):
    CHARGING_POINT = "charging-point", _("Charging point")
    ONLINE = "online", _("Online")


class VendStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting payment")
    ISSUED = "issued", _("Token issued")
    FAILED = "failed", _("Payment failed")


class Vend(models.Model):
    """One sale of prepaid credit and the token it produced."""

    number = models.CharField(_("number"), max_length=40, unique=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, unique=True)
    meter = models.ForeignKey(
        "utilities.Meter", verbose_name=_("meter"), on_delete=models.PROTECT, related_name="vends"
    )
    party = models.ForeignKey(
        Party, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="vends"
    )
    utility = models.CharField(_("utility"), max_length=12)
    channel = models.CharField(_("channel"), max_length=20, choices=VendChannel.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=VendStatus.choices, default=VendStatus.PENDING
    )
    amount = models.DecimalField(_("amount paid"), **AMOUNT)
    arrears = models.DecimalField(_("towards arrears"), default=ZERO, **AMOUNT)
    purchase = models.DecimalField(_("towards credit"), **AMOUNT)
    units = models.DecimalField(_("units"), **UNITS)
    bought_before = models.DecimalField(_("units bought earlier this month"), default=ZERO, **UNITS)
    tid = models.PositiveIntegerField(_("token identifier"), null=True, blank=True)
    token = models.CharField(_("token"), max_length=20, blank=True)
    demand = models.ForeignKey(
        "revenue.Demand",
        verbose_name=_("demand"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    payment = models.ForeignKey(
        "revenue.Payment",
        verbose_name=_("payment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    online_token = models.CharField(_("online payment"), max_length=40, blank=True)
    shift = models.ForeignKey(
        "revenue.CashierShift",
        verbose_name=_("shift"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    branch = models.ForeignKey(
        Branch,
        verbose_name=_("charging point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    print_count = models.PositiveIntegerField(_("prints"), default=0)

    class Meta:
        verbose_name = _("vend")
        verbose_name_plural = _("vends")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meter", "tid"],
                condition=Q(tid__isnull=False),
                name="vend_unique_meter_tid",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0, arrears__gte=0, purchase__gt=0, units__gte=0),
                name="vend_amounts",
            ),
        ]
        indexes = [models.Index(fields=["party", "-created_at"])]

    def __str__(self) -> str:
        return self.number
