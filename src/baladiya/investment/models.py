"""Investment opportunities, sealed offers, scoring, awards, contracts and the
rent schedule.

An offer's price and document are encrypted when they are submitted, with a key
derived from the server secret, the opportunity and its deadline; the row holds
only ciphertext and metadata until the committee opens the offers after the
deadline (see ``services.open_offers``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from baladiya.core.models import Bilingual


class Frequency(models.TextChoices):
    YEARLY = "yearly", _("Yearly")
    QUARTERLY = "quarterly", _("Quarterly")


class OpportunityStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Open for offers")
    OPENED = "opened", _("Offers opened")
    AWARDED = "awarded", _("Awarded")
    CANCELLED = "cancelled", _("Cancelled")


class Opportunity(Bilingual):
    reference = models.CharField(_("reference"), max_length=30, unique=True)
    parcel = models.ForeignKey(
        "gis.Parcel",
        verbose_name=_("parcel"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    site_ar = models.CharField(_("site (Arabic)"), max_length=300)
    site_en = models.CharField(_("site (English)"), max_length=300, blank=True)
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=12, decimal_places=2)
    activity_ar = models.CharField(_("permitted activity (Arabic)"), max_length=300)
    activity_en = models.CharField(_("permitted activity (English)"), max_length=300, blank=True)
    terms_ar = models.TextField(_("terms (Arabic)"))
    terms_en = models.TextField(_("terms (English)"), blank=True)
    min_annual_rent = models.DecimalField(_("minimum annual rent"), max_digits=14, decimal_places=2)
    term_years = models.PositiveSmallIntegerField(_("contract years"))
    frequency = models.CharField(
        _("rent paid"), max_length=10, choices=Frequency.choices, default=Frequency.YEARLY
    )
    deadline = models.DateTimeField(_("deadline for offers"), db_index=True)
    price_weight = models.PositiveSmallIntegerField(_("weight of the price (%)"), default=60)
    criteria = models.JSONField(
        _("technical criteria"),
        default=list,
        help_text=_("A list of {key, name_ar, name_en, weight}; weights and price add up to 100."),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=OpportunityStatus.choices,
        default=OpportunityStatus.DRAFT,
        db_index=True,
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    opened_at = models.DateTimeField(_("offers opened"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("investment opportunity")
        verbose_name_plural = _("investment opportunities")
        ordering = ["-deadline"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_annual_rent__gt=0) & Q(area_m2__gt=0) & Q(term_years__gt=0),
                name="investment_opportunity_positive",
            ),
            models.CheckConstraint(
                condition=Q(price_weight__lte=100), name="investment_price_weight_max"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def _pick(self, ar: str, en: str) -> str:
        from django.utils.translation import get_language

        return ar if (get_language() or "ar").startswith("ar") or not en else en

    @property
    def site(self) -> str:
        return self._pick(self.site_ar, self.site_en)

    @property
    def activity(self) -> str:
        return self._pick(self.activity_ar, self.activity_en)

    @property
    def terms(self) -> str:
        return self._pick(self.terms_ar, self.terms_en)


class OfferStatus(models.TextChoices):
    SEALED = "sealed", _("Sealed")
    OPENED = "opened", _("Opened")
    REJECTED = "rejected", _("Below the minimum rent")
    AWARDED = "awarded", _("Awarded")
    NOT_AWARDED = "not-awarded", _("Not awarded")


def sealed_path(instance: Offer, filename: str) -> str:
    return f"investment/sealed/{instance.opportunity_id}/{instance.number}.bin"


class Offer(models.Model):
    """A sealed offer. ``sealed_terms`` is a Fernet token of the price and the
    investor's notes; ``sealed_document`` is the encrypted offer document. Until
    the offers are opened, ``annual_rent`` stays empty."""

    opportunity = models.ForeignKey(
        Opportunity, verbose_name=_("opportunity"), on_delete=models.PROTECT, related_name="offers"
    )
    number = models.CharField(_("offer number"), max_length=40, unique=True)
    investor = models.ForeignKey(
        "core.Party", verbose_name=_("investor"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted"))
    sealed_terms = models.TextField(_("sealed price"), editable=False)
    sealed_document = models.FileField(
        _("sealed document"), upload_to=sealed_path, blank=True, editable=False
    )
    document_size = models.PositiveIntegerField(_("document size (bytes)"), default=0)
    status = models.CharField(
        _("status"), max_length=12, choices=OfferStatus.choices, default=OfferStatus.SEALED
    )
    annual_rent = models.DecimalField(
        _("annual rent offered"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    notes = models.TextField(_("investor's notes"), blank=True)
    document_name = models.CharField(_("document name"), max_length=200, blank=True)
    financial_score = models.DecimalField(
        _("financial score"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    technical_score = models.DecimalField(
        _("technical score"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    total_score = models.DecimalField(
        _("total score"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["opportunity", "submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "investor"], name="investment_one_offer_per_investor"
            )
        ]

    def __str__(self) -> str:
        return self.number


class Score(models.Model):
    """The committee's score (0–100) of an opened offer on one criterion."""

    offer = models.ForeignKey(
        Offer, verbose_name=_("offer"), on_delete=models.PROTECT, related_name="scores"
    )
    criterion = models.SlugField(_("criterion"), max_length=40)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("scored by"), on_delete=models.PROTECT
    )
    scored_at = models.DateTimeField(_("scored"), auto_now=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["offer", "criterion"], name="investment_one_score"),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=100), name="investment_score_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offer} {self.criterion}"


class Contract(models.Model):
    number = models.CharField(_("contract number"), max_length=40, unique=True)
    opportunity = models.OneToOneField(
        Opportunity,
        verbose_name=_("opportunity"),
        on_delete=models.PROTECT,
        related_name="contract",
    )
    offer = models.OneToOneField(
        Offer, verbose_name=_("winning offer"), on_delete=models.PROTECT, related_name="contract"
    )
    investor = models.ForeignKey(
        "core.Party", verbose_name=_("investor"), on_delete=models.PROTECT, related_name="+"
    )
    annual_rent = models.DecimalField(_("annual rent"), max_digits=14, decimal_places=2)
    frequency = models.CharField(_("rent paid"), max_length=10, choices=Frequency.choices)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("awarded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    awarded_at = models.DateTimeField(_("awarded"))

    class Meta:
        verbose_name = _("investment contract")
        verbose_name_plural = _("investment contracts")
        ordering = ["-awarded_at"]

    def __str__(self) -> str:
        return self.number


class Instalment(models.Model):
    """One rent instalment; its demand is raised once (idempotent) when due soon."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="instalments"
    )
    sequence = models.PositiveSmallIntegerField(_("instalment"))
    period_from = models.DateField(_("from"))
    period_to = models.DateField(_("to"))
    due_date = models.DateField(_("due"), db_index=True)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    demand = models.ForeignKey(
        "revenue.Demand",
        verbose_name=_("demand"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("rent instalment")
        verbose_name_plural = _("rent instalments")
        ordering = ["contract", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "sequence"], name="investment_unique_instalment"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="investment_instalment_amount"),
        ]

    def __str__(self) -> str:
        return f"{self.contract} #{self.sequence}"
