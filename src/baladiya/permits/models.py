"""Permits on land parcels (building, demolition, restoration, fencing) and
excavation permits for contractors; the site inspections of their works and the
refund of an excavation's restoration deposit. The life of each permit (review,
fees, issue, inspections) runs on the workflow engine."""

from __future__ import annotations

import json
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from baladiya.core.models import Party
from baladiya.workflow.models import Case


class PermitKind(models.TextChoices):
    BUILDING = "building", _("Building permit")
    DEMOLITION = "demolition", _("Demolition permit")
    RESTORATION = "restoration", _("Restoration permit")
    FENCING = "fencing", _("Fencing permit")
    EXCAVATION = "excavation", _("Excavation permit")


class Use(models.TextChoices):
    RESIDENTIAL = "residential", _("Residential")
    COMMERCIAL = "commercial", _("Commercial")
    MIXED = "mixed", _("Residential and commercial")
    INDUSTRIAL = "industrial", _("Industrial")
    OFFICES = "offices", _("Offices")
    AGRICULTURAL = "agricultural", _("Agricultural")


class Permit(models.Model):
    case = models.OneToOneField(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="permit"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=PermitKind.choices, db_index=True)
    holder = models.ForeignKey(
        Party,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="permits",
    )
    number = models.CharField(_("permit number"), max_length=30, unique=True, null=True, blank=True)
    parcel = models.ForeignKey(
        "gis.Parcel",
        verbose_name=_("parcel"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The proposal (building permits are checked against the parcel's zone).
    use = models.CharField(_("use"), max_length=20, choices=Use.choices, blank=True)
    floors = models.PositiveSmallIntegerField(_("floors"), null=True, blank=True)
    height_m = models.DecimalField(
        _("height (m)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    footprint_m2 = models.DecimalField(
        _("ground footprint (m²)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    built_area_m2 = models.DecimalField(
        _("total built area (m²)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    setback_front_m = models.DecimalField(
        _("front setback (m)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    setback_side_m = models.DecimalField(
        _("side setback (m)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    setback_rear_m = models.DecimalField(
        _("rear setback (m)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    fence_length_m = models.DecimalField(
        _("fence length (m)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    works = models.TextField(_("description of the works"), blank=True)
    supervising_engineer = models.CharField(_("supervising engineer"), max_length=150, blank=True)
    # Excavation: the route of the trench, its length and the dates of the works.
    route = models.JSONField(_("route (GeoJSON line)"), null=True, blank=True)
    trench_length_m = models.DecimalField(
        _("trench length (m)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    purpose = models.CharField(_("purpose of the excavation"), max_length=200, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    # The engineering review.
    zone_code = models.CharField(_("zone"), max_length=30, blank=True)
    breaches = models.JSONField(_("breaches of the zone rules"), default=list, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    # Fees (revenue demands) and the permit itself.
    fee_demand_id = models.PositiveBigIntegerField(_("fee demand"), null=True, blank=True)
    fees_paid_at = models.DateTimeField(_("fees paid"), null=True, blank=True)
    deposit_amount = models.DecimalField(
        _("restoration deposit"), max_digits=14, decimal_places=3, default=Decimal(0)
    )
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    token = models.CharField(max_length=40, unique=True, null=True, blank=True, editable=False)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("permit")
        verbose_name_plural = _("permits")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["holder", "kind"], name="permits_holder_kind")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="permits_dates_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(deposit_amount__gte=0), name="permits_deposit_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.number or self.case.reference

    @property
    def service_key(self) -> str:
        return f"{self.kind}-permit"

    @property
    def route_json(self) -> str:
        return json.dumps(self.route) if self.route else ""


class Stage(models.TextChoices):
    FOUNDATION = "foundation", _("Foundations")
    FRAME = "frame", _("Structural frame")
    COMPLETION = "completion", _("Completion")
    REINSTATEMENT = "reinstatement", _("Road reinstatement")


class InspectionResult(models.TextChoices):
    PASSED = "passed", pgettext_lazy("inspection result", "Passed")
    FAILED = "failed", pgettext_lazy("inspection result", "Failed")


class SiteInspection(models.Model):
    """A visit to the site at a stage of the works; a failed visit is followed by
    another one, never edited."""

    permit = models.ForeignKey(
        Permit, verbose_name=_("permit"), on_delete=models.PROTECT, related_name="inspections"
    )
    stage = models.CharField(_("stage"), max_length=15, choices=Stage.choices)
    result = models.CharField(_("result"), max_length=8, choices=InspectionResult.choices)
    notes = models.TextField(_("notes"), blank=True)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspector"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    inspected_at = models.DateTimeField(_("inspected"))
    idempotency_key = models.CharField(
        max_length=80, unique=True, null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("site inspection")
        verbose_name_plural = _("site inspections")
        ordering = ["inspected_at", "pk"]

    def __str__(self) -> str:
        return f"{self.permit} {self.stage} {self.result}"


class DepositRefund(models.Model):
    """The refund of an excavation's restoration deposit, after a passed
    reinstatement inspection; one per permit, never deleted."""

    permit = models.OneToOneField(
        Permit, verbose_name=_("permit"), on_delete=models.PROTECT, related_name="refund"
    )
    number = models.CharField(_("refund number"), max_length=30, unique=True)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=3)
    currency = models.CharField(_("currency"), max_length=3)
    inspection = models.ForeignKey(
        SiteInspection,
        verbose_name=_("inspection"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved"))
    journal_entry_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("deposit refund")
        verbose_name_plural = _("deposit refunds")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="permits_refund_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.number
