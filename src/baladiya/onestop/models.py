"""The service catalogue: every e-service the municipality offers, by stable key."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from baladiya.core.models import Bilingual


class Audience(models.TextChoices):
    ANY = "any", _("Everyone")
    CITIZEN = "citizen", _("Citizens")
    BUSINESS = "business", _("Businesses")
    CONTRACTOR = "contractor", _("Contractors")
    INVESTOR = "investor", _("Investors")
    EMPLOYEE = "employee", _("Municipal employees")


class ServiceCategory(Bilingual):
    key = models.SlugField(_("key"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    icon = models.CharField(_("icon"), max_length=8, blank=True)

    class Meta:
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")
        ordering = ["order", "key"]


class DocumentKind(Bilingual):
    """A kind of document a service may require (identity, ownership deed…)."""

    key = models.SlugField(_("key"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("document kind")
        verbose_name_plural = _("document kinds")
        ordering = ["key"]


class Service(Bilingual):
    """One catalogue entry. ``key`` is the stable identifier other modules use."""

    key = models.SlugField(_("key"), max_length=80, unique=True)
    category = models.ForeignKey(
        ServiceCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="services",
    )
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    fee = models.DecimalField(
        _("fee"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Leave empty when the fee is calculated (see the fee note)."),
    )
    fee_note_ar = models.CharField(_("fee note (Arabic)"), max_length=200, blank=True)
    fee_note_en = models.CharField(_("fee note (English)"), max_length=200, blank=True)
    sla_days = models.PositiveSmallIntegerField(_("days to decision"), null=True, blank=True)
    notes_ar = models.TextField(_("notes (Arabic)"), blank=True)
    notes_en = models.TextField(_("notes (English)"), blank=True)
    documents = models.ManyToManyField(
        DocumentKind, verbose_name=_("required documents"), blank=True
    )
    apply_online = models.BooleanField(_("can be requested online"), default=True)
    apply_in_person = models.BooleanField(_("can be requested at a service office"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    search_text = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["category__order", "key"]

    @property
    def is_public(self) -> bool:
        return self.audience != Audience.EMPLOYEE

    def _pick(self, ar: str, en: str) -> str:
        from django.utils.translation import get_language

        return (ar or en) if (get_language() or "ar").startswith("ar") else (en or ar)

    @property
    def fee_note(self) -> str:
        return self._pick(self.fee_note_ar, self.fee_note_en)

    @property
    def notes(self) -> str:
        return self._pick(self.notes_ar, self.notes_en)


class ServiceSubcategory(Bilingual):
    """A subdivision of a service (complaint types; Open311 service codes)."""

    service = models.ForeignKey(
        Service,
        verbose_name=_("service"),
        on_delete=models.CASCADE,
        related_name="subcategories",
    )
    code = models.SlugField(_("code"), max_length=60)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    department_code = models.CharField(
        _("responsible department (code)"),
        max_length=40,
        blank=True,
        help_text=_("Requests of this kind are routed to this department."),
    )

    class Meta:
        verbose_name = _("subcategory")
        verbose_name_plural = _("subcategories")
        ordering = ["service", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["service", "code"], name="onestop_unique_subcategory")
        ]


class FieldKind(models.TextChoices):
    TEXT = "text", _("Short text")
    TEXTAREA = "textarea", _("Long text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice")
    FILE = "file", _("File")
    LOCATION = "location", _("Location on the map")
    PARCEL = "parcel", _("Land parcel reference")


class ServiceField(models.Model):
    """One question of a service's application form."""

    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.CASCADE, related_name="fields"
    )
    key = models.SlugField(_("key"), max_length=60)
    kind = models.CharField(_("kind"), max_length=20, choices=FieldKind.choices)
    label_ar = models.CharField(_("question (Arabic)"), max_length=200)
    label_en = models.CharField(_("question (English)"), max_length=200)
    help_ar = models.CharField(_("hint (Arabic)"), max_length=300, blank=True)
    help_en = models.CharField(_("hint (English)"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=True)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    minimum = models.DecimalField(
        _("minimum"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    maximum = models.DecimalField(
        _("maximum"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("form field")
        verbose_name_plural = _("form fields")
        ordering = ["service", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["service", "key"], name="onestop_unique_field")
        ]

    def __str__(self) -> str:
        return f"{self.service.key}.{self.key}"

    @property
    def label(self) -> str:
        from django.utils.translation import get_language

        ar = (get_language() or "ar").startswith("ar")
        return (self.label_ar or self.label_en) if ar else (self.label_en or self.label_ar)

    @property
    def help(self) -> str:
        from django.utils.translation import get_language

        ar = (get_language() or "ar").startswith("ar")
        return (self.help_ar or self.help_en) if ar else (self.help_en or self.help_ar)


class Draft(models.Model):
    """An application in progress: saved answers that can be resumed later."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="drafts",
    )
    service = models.ForeignKey(Service, verbose_name=_("service"), on_delete=models.CASCADE)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    case_reference = models.CharField(_("submitted as"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("saved"), auto_now=True)

    class Meta:
        verbose_name = _("draft application")
        verbose_name_plural = _("draft applications")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"{self.service.key} #{self.pk}"


def draft_file_path(instance: DraftFile, filename: str) -> str:
    return f"drafts/{instance.draft.user_id}/{instance.draft_id}/{filename}"


class DraftFile(models.Model):
    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="files")
    field_key = models.SlugField(max_length=60)
    file = models.FileField(upload_to=draft_file_path)
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["draft", "field_key"], name="onestop_one_file_per_field"
            )
        ]

    def __str__(self) -> str:
        return self.original_name
