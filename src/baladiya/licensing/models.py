"""Establishments and their shop licences, workers and their health certificates,
billboards and their licences."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baladiya.core.models import Bilingual, Party
from baladiya.gis.models import Parcel
from baladiya.workflow.models import Case

AREA = {"max_digits": 10, "decimal_places": 2}


def new_token() -> str:
    return secrets.token_urlsafe(16)


class Activity(Bilingual):
    """A line of the activity classification (ISIC-like code); fees by area slabs
    are kept in revenue under the licence head with the activity code as category."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    isic = models.CharField(_("ISIC code"), max_length=10, blank=True)
    is_food = models.BooleanField(
        _("food activity"),
        default=False,
        help_text=_("Workers of a food establishment need valid health certificates."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["order", "code"]


class Establishment(models.Model):
    """A shop or business at a place: its owner, activity, area and parcel."""

    owner = models.ForeignKey(
        Party,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_establishments",
    )
    party = models.ForeignKey(
        Party,
        verbose_name=_("registered establishment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="licensing_establishments",
        help_text=_(
            "The establishment as a party (commercial registration); fines are raised on it."
        ),
    )
    name = models.CharField(_("trade name"), max_length=200)
    commercial_registration = models.CharField(
        _("commercial registration number"), max_length=30, blank=True
    )
    activity = models.ForeignKey(Activity, verbose_name=_("activity"), on_delete=models.PROTECT)
    area = models.DecimalField(_("area (m²)"), **AREA)
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    parcel = models.ForeignKey(
        Parcel, verbose_name=_("parcel"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("establishment")
        verbose_name_plural = _("establishments")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["owner", "name"])]

    def __str__(self) -> str:
        return self.name


class LicenceStatus(models.TextChoices):
    APPLIED = "applied", _("Application under study")
    AWAITING_PAYMENT = "awaiting-payment", _("Awaiting payment of the fee")
    ACTIVE = "active", _("Valid")
    EXPIRED = "expired", _("Expired")
    RENEWED = "renewed", _("Replaced by a renewal")
    TRANSFERRED = "transferred", _("Transferred to a new owner")
    CANCELLED = "cancelled", _("Cancelled")
    REFUSED = "refused", _("Refused")


class Licence(models.Model):
    """One term (one year) of an establishment's shop licence. A renewal or a
    transfer is a new term with a new number; the previous one points to it."""

    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        on_delete=models.PROTECT,
        related_name="licences",
    )
    holder = models.ForeignKey(
        Party, verbose_name=_("licence holder"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(
        _("licence number"), max_length=30, unique=True, null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=LicenceStatus.choices, default=LicenceStatus.APPLIED
    )
    case = models.OneToOneField(
        Case,
        verbose_name=_("application"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="licence",
    )
    previous = models.OneToOneField(
        "self",
        verbose_name=_("previous term"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="successor",
    )
    fee = models.DecimalField(_("fee"), max_digits=14, decimal_places=3, null=True, blank=True)
    demand_id = models.PositiveBigIntegerField(_("fee demand"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    reminded_30 = models.BooleanField(default=False, editable=False)
    reminded_7 = models.BooleanField(default=False, editable=False)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("shop licence")
        verbose_name_plural = _("shop licences")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "valid_until"]),
            models.Index(fields=["establishment", "-created_at"]),
        ]

    def __str__(self) -> str:
        return self.number or str(_("Licence application"))

    @property
    def current_status(self) -> str:
        """The status as of today (an active licence past its end date is expired
        even before the nightly job marks it)."""
        if self.status == LicenceStatus.ACTIVE and not self.is_valid:
            return str(LicenceStatus.EXPIRED.label)
        return str(self.get_status_display())

    @property
    def is_valid(self) -> bool:
        return (
            self.status == LicenceStatus.ACTIVE
            and self.valid_until is not None
            and self.valid_until >= timezone.localdate()
        )


class TransferConsent(models.Model):
    """The transfer of a licence to a new owner, with both parties' consent."""

    licence = models.ForeignKey(
        Licence, verbose_name=_("licence"), on_delete=models.PROTECT, related_name="transfers"
    )
    new_owner = models.ForeignKey(
        Party, verbose_name=_("new owner"), on_delete=models.PROTECT, related_name="+"
    )
    seller_consented_at = models.DateTimeField(_("current owner consented"))
    buyer_consented_at = models.DateTimeField(_("new owner consented"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("transfer of ownership")
        verbose_name_plural = _("transfers of ownership")
        constraints = [
            models.UniqueConstraint(
                fields=["licence"],
                condition=Q(completed_at__isnull=True),
                name="licensing_one_open_transfer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.licence} → {self.new_owner}"


def worker_photo_path(instance: Worker, filename: str) -> str:
    return f"licensing/workers/{instance.establishment_id}/{filename}"


class Worker(models.Model):
    """A worker on an establishment's list (kept by its owner)."""

    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        on_delete=models.PROTECT,
        related_name="workers",
    )
    name = models.CharField(_("name"), max_length=200)
    nationality = models.CharField(_("nationality"), max_length=80)
    id_number = models.CharField(_("ID or residence number"), max_length=30)
    job = models.CharField(_("job"), max_length=120)
    photo = models.ImageField(_("photo"), upload_to=worker_photo_path, blank=True)
    is_active = models.BooleanField(_("still works here"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["establishment", "id_number"], name="licensing_unique_worker"
            )
        ]

    def __str__(self) -> str:
        return self.name


class MedicalResult(models.TextChoices):
    FIT = "fit", _("Fit to work with food")
    UNFIT = "unfit", _("Not fit")


class HealthCertificate(models.Model):
    """A worker's health certificate: the medical check's result and validity."""

    worker = models.ForeignKey(
        Worker, verbose_name=_("worker"), on_delete=models.PROTECT, related_name="certificates"
    )
    number = models.CharField(_("certificate number"), max_length=30, unique=True)
    result = models.CharField(_("medical check"), max_length=10, choices=MedicalResult.choices)
    checked_on = models.DateField(_("checked on"))
    valid_until = models.DateField(_("valid until"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    demand_id = models.PositiveBigIntegerField(_("fee demand"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("health certificate")
        verbose_name_plural = _("health certificates")
        ordering = ["-checked_on", "-pk"]

    def __str__(self) -> str:
        return self.number

    @property
    def is_valid(self) -> bool:
        return self.result == MedicalResult.FIT and self.valid_until >= timezone.localdate()


class CertificateRequest(models.Model):
    """An owner's application for a worker's health certificate (a case)."""

    worker = models.ForeignKey(
        Worker, verbose_name=_("worker"), on_delete=models.PROTECT, related_name="requests"
    )
    case = models.OneToOneField(
        Case,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="certificate_request",
    )
    demand_id = models.PositiveBigIntegerField(_("fee demand"), null=True, blank=True)
    certificate = models.OneToOneField(
        HealthCertificate,
        verbose_name=_("health certificate"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="request",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("health certificate application")
        verbose_name_plural = _("health certificate applications")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.worker} ({self.case_id})"


class SignType(models.TextChoices):
    WALL = "wall", _("On a wall")
    ROOFTOP = "rooftop", _("On a rooftop")
    POLE = "pole", _("On a pole")
    DIGITAL = "digital", _("Digital screen")


class BillboardStatus(models.TextChoices):
    APPLIED = "applied", _("Application under study")
    AWAITING_PAYMENT = "awaiting-payment", _("Awaiting payment of the fee")
    ACTIVE = "active", _("Licensed")
    EXPIRED = "expired", _("Expired")
    REMOVAL_ORDERED = "removal-ordered", _("Removal ordered")
    REMOVED = "removed", _("Removed")


class Billboard(models.Model):
    """An advertising sign: its site, size and type (the rate class); licensed per year."""

    owner = models.ForeignKey(
        Party, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="billboards"
    )
    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="billboards",
    )
    number = models.CharField(
        _("licence number"), max_length=30, unique=True, null=True, blank=True
    )
    site = models.CharField(_("site"), max_length=300)
    width = models.DecimalField(_("width (m)"), max_digits=6, decimal_places=2)
    height = models.DecimalField(_("height (m)"), max_digits=6, decimal_places=2)
    sign_type = models.CharField(_("type"), max_length=10, choices=SignType.choices)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    parcel = models.ForeignKey(
        Parcel, verbose_name=_("parcel"), null=True, blank=True, on_delete=models.SET_NULL
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=BillboardStatus.choices,
        default=BillboardStatus.APPLIED,
    )
    case = models.OneToOneField(
        Case,
        verbose_name=_("application"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="billboard",
    )
    demand_id = models.PositiveBigIntegerField(_("fee demand"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    removal_reason = models.CharField(_("reason for removal"), max_length=300, blank=True)
    removal_due = models.DateField(_("remove by"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("billboard")
        verbose_name_plural = _("billboards")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.number or self.site

    @property
    def face_area(self) -> object:
        return self.width * self.height

    def next_term_start(self) -> dt.date:
        today = timezone.localdate()
        if self.valid_until is not None and self.valid_until >= today:
            return self.valid_until + dt.timedelta(days=1)
        return today
