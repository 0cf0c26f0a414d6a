"""Inspection visits, violations with their fines, and objections to them.

A violation targets a party (usually an establishment), optionally a parcel,
with a map pin and photos; its fine is a revenue demand. An objection runs on
the workflow engine; a reduced or cancelled fine is an approved revenue
amendment, never a deletion.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from baladiya.core.models import Bilingual
from baladiya.workflow.models import Case


class Category(models.TextChoices):
    HEALTH = "health", pgettext_lazy("violation", "Health")
    BUILDING = "building", pgettext_lazy("violation", "Technical (building)")
    INVESTMENT = "investment", pgettext_lazy("violation", "Investment")
    EXCAVATION = "excavation", pgettext_lazy("violation", "Excavation")


class FineArticle(Bilingual):
    """One article of the fine schedule: a code, what it punishes and the fine.
    A repeat offence (same party, same article, within a year) multiplies the
    fine by ``repeat_factor`` for each earlier offence, up to ``max_factor``."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    amount = models.DecimalField(_("fine"), max_digits=12, decimal_places=2)
    repeat_factor = models.DecimalField(
        _("repeat multiplier"), max_digits=5, decimal_places=2, default=Decimal("2")
    )
    max_factor = models.DecimalField(
        _("highest multiplier"), max_digits=5, decimal_places=2, default=Decimal("4")
    )
    is_active = models.BooleanField(_("in force"), default=True)

    class Meta:
        verbose_name = _("fine schedule article")
        verbose_name_plural = _("fine schedule")
        ordering = ["category", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="inspection_fine_positive"),
            models.CheckConstraint(
                condition=Q(repeat_factor__gte=1) & Q(max_factor__gte=1),
                name="inspection_factors_at_least_one",
            ),
        ]


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Visited")
    CANCELLED = "cancelled", _("Cancelled")


class VisitResult(models.TextChoices):
    COMPLIANT = "compliant", _("Compliant")
    WARNING = "warning", _("Warning given")
    VIOLATION = "violation", _("Violation recorded")
    CLOSED = "closed", _("Found closed")


class Visit(models.Model):
    """An inspector's planned visit to an establishment or a parcel on a day."""

    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspector"),
        on_delete=models.PROTECT,
        related_name="inspection_visits",
    )
    day = models.DateField(_("day"), db_index=True)
    party = models.ForeignKey(
        "core.Party",
        verbose_name=_("establishment or person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    parcel = models.ForeignKey(
        "gis.Parcel",
        verbose_name=_("parcel"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    purpose = models.CharField(_("purpose"), max_length=300)
    status = models.CharField(
        _("status"), max_length=20, choices=VisitStatus.choices, default=VisitStatus.PLANNED
    )
    result = models.CharField(_("result"), max_length=20, choices=VisitResult.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    visited_at = models.DateTimeField(_("visited"), null=True, blank=True)
    source_type = models.CharField(_("requested by"), max_length=60, blank=True)
    source_id = models.CharField(max_length=60, blank=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("inspection visit")
        verbose_name_plural = _("inspection visits")
        ordering = ["day", "pk"]
        indexes = [models.Index(fields=["inspector", "day"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(party__isnull=False) | Q(parcel__isnull=False),
                name="inspection_visit_has_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.purpose}"


class ViolationStatus(models.TextChoices):
    OPEN = "open", _("Fine due")
    OBJECTED = "objected", _("Under objection")
    PAID = "paid", _("Fine paid")
    REDUCED = "reduced", _("Fine reduced")
    CANCELLED = "cancelled", _("Cancelled on objection")


class Violation(models.Model):
    number = models.CharField(_("violation number"), max_length=30, unique=True)
    party = models.ForeignKey(
        "core.Party",
        verbose_name=_("violator"),
        on_delete=models.PROTECT,
        related_name="violations",
    )
    parcel = models.ForeignKey(
        "gis.Parcel",
        verbose_name=_("parcel"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    visit = models.ForeignKey(
        Visit,
        verbose_name=_("visit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="violations",
    )
    article = models.ForeignKey(
        FineArticle, verbose_name=_("article"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    description = models.TextField(_("what was found"))
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    address = models.CharField(_("address or landmark"), max_length=300, blank=True)
    offence_number = models.PositiveSmallIntegerField(_("offence number"), default=1)
    fine = models.DecimalField(_("fine"), max_digits=12, decimal_places=2)
    demand = models.ForeignKey(
        "revenue.Demand",
        verbose_name=_("demand"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ViolationStatus.choices,
        default=ViolationStatus.OPEN,
        db_index=True,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), db_index=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("violation")
        verbose_name_plural = _("violations")
        ordering = ["-recorded_at", "-pk"]
        indexes = [models.Index(fields=["party", "article", "recorded_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(fine__gt=0), name="inspection_violation_fine")
        ]

    def __str__(self) -> str:
        return self.number


class ViolationPhoto(models.Model):
    violation = models.ForeignKey(
        Violation, verbose_name=_("violation"), on_delete=models.PROTECT, related_name="photos"
    )
    image = models.FileField(_("photo"), upload_to="inspection/%Y/%m/")
    content_type = models.CharField(max_length=60)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("violation photo")
        verbose_name_plural = _("violation photos")

    def __str__(self) -> str:
        return self.image.name


class Decision(models.TextChoices):
    UPHOLD = "uphold", _("Uphold the fine")
    REDUCE = "reduce", _("Reduce the fine")
    CANCEL = "cancel", _("Cancel the fine")


class Objection(models.Model):
    """The violator's objection; its review runs as a workflow case. The
    committee proposes a decision; reducing or cancelling the fine is a revenue
    amendment that the head of department approves."""

    violation = models.OneToOneField(
        Violation, verbose_name=_("violation"), on_delete=models.PROTECT, related_name="objection"
    )
    case = models.OneToOneField(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="objection"
    )
    grounds = models.TextField(_("grounds of the objection"))
    proposed = models.CharField(
        _("proposed decision"), max_length=10, choices=Decision.choices, blank=True
    )
    proposed_fine = models.DecimalField(
        _("proposed fine"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    amendment = models.ForeignKey(
        "revenue.Amendment",
        verbose_name=_("amendment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    original_fine = models.DecimalField(_("original fine"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return self.case.reference
