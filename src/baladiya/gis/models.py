"""Land parcels, zones and their building rules, numbering runs and the spatial
index version.

Geometry is stored as WKB (WGS84 longitude/latitude) in an ordinary binary
column, with its bounding box in four indexed float columns and its area
computed in the country profile's projected system (see ``gis.geometry``), so
the same tables work on SQLite and on PostgreSQL without PostGIS.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from baladiya.core.models import Bilingual, Party, User


class ParcelStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    UNNUMBERED = "unnumbered", _("Not yet numbered")
    RETIRED = "retired", _("Retired (split or merged)")


class Zone(Bilingual):
    """A land-use zone and the building rules a permit review checks against."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    colour = models.CharField(_("map colour"), max_length=7, default="#4a90d9")
    max_floors = models.PositiveSmallIntegerField(_("maximum floors"), null=True, blank=True)
    max_height_m = models.DecimalField(
        _("maximum height (m)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    max_coverage_pct = models.DecimalField(
        _("maximum building coverage (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    max_far = models.DecimalField(
        _("maximum floor-area ratio"), max_digits=5, decimal_places=2, null=True, blank=True
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
    min_parcel_area_m2 = models.DecimalField(
        _("minimum parcel area (m²)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    permitted_uses = models.JSONField(_("permitted uses"), default=list, blank=True)
    geometry_wkb = models.BinaryField(_("outline"), null=True, blank=True)

    class Meta:
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        ordering = ["code"]


class Parcel(models.Model):
    """A land parcel.

    Numbering follows the country profile: ``block`` is the basin (حوض) in
    Palestine and the plan (مخطط) in Saudi Arabia; ``number`` is the parcel
    (قطعة) or plot (قطعة) inside it. An unplanned parcel has no number until a
    numbering run gives it one.
    """

    block = models.CharField(_("basin / plan"), max_length=30, blank=True)
    number = models.CharField(_("parcel / plot number"), max_length=20, blank=True)
    neighbourhood = models.CharField(_("neighbourhood"), max_length=120, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ParcelStatus.choices, default=ParcelStatus.ACTIVE
    )
    zone = models.ForeignKey(
        Zone,
        verbose_name=_("zone"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parcels",
    )
    geometry_wkb = models.BinaryField(_("outline"))
    min_lon = models.FloatField()
    min_lat = models.FloatField()
    max_lon = models.FloatField()
    max_lat = models.FloatField()
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=14, decimal_places=2)
    source = models.CharField(_("source"), max_length=40, blank=True)
    attributes = models.JSONField(_("imported attributes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("parcel")
        verbose_name_plural = _("parcels")
        ordering = ["block", "number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["block", "number"],
                condition=~Q(number=""),
                name="gis_parcel_unique_number",
            ),
        ]
        indexes = [
            models.Index(fields=["min_lon", "max_lon", "min_lat", "max_lat"], name="gis_bbox"),
            models.Index(fields=["status"], name="gis_parcel_status"),
        ]

    def __str__(self) -> str:
        if self.number:
            return f"{self.block}/{self.number}"
        return f"#{self.pk}"

    @property
    def label(self) -> str:
        return str(self)


class ParcelOwner(models.Model):
    """A party's share in a parcel (shares of an active parcel add up to at most 1)."""

    parcel = models.ForeignKey(Parcel, on_delete=models.CASCADE, related_name="owners")
    party = models.ForeignKey(
        Party, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="parcel_shares"
    )
    share = models.DecimalField(_("share"), max_digits=9, decimal_places=6)

    class Meta:
        verbose_name = _("parcel owner")
        verbose_name_plural = _("parcel owners")
        constraints = [
            models.UniqueConstraint(fields=["parcel", "party"], name="gis_owner_once"),
            models.CheckConstraint(
                condition=Q(share__gt=0) & Q(share__lte=1), name="gis_owner_share_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parcel} — {self.party_id} ({self.share})"


class LineageKind(models.TextChoices):
    SPLIT = "split", _("Split")
    MERGE = "merge", _("Merge")


class ParcelLineage(models.Model):
    """One edge of the split/merge history: ``parent`` became (part of) ``child``."""

    parent = models.ForeignKey(Parcel, on_delete=models.PROTECT, related_name="children_links")
    child = models.ForeignKey(Parcel, on_delete=models.PROTECT, related_name="parent_links")
    kind = models.CharField(_("kind"), max_length=10, choices=LineageKind.choices)
    at = models.DateTimeField(_("when"), auto_now_add=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("parcel history")
        verbose_name_plural = _("parcel history")
        constraints = [
            models.UniqueConstraint(fields=["parent", "child"], name="gis_lineage_once"),
        ]

    def __str__(self) -> str:
        return f"{self.parent} → {self.child} ({self.kind})"


class BlockCounter(models.Model):
    """The last parcel number given in a basin / plan; numbers are never reused."""

    block = models.CharField(max_length=30, unique=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.block}: {self.last_number}"


class NumberingRun(models.Model):
    """A systematic numbering of an unplanned area, with its report."""

    block = models.CharField(_("basin / plan"), max_length=30)
    neighbourhood = models.CharField(_("neighbourhood"), max_length=120, blank=True)
    area_wkb = models.BinaryField()
    first_number = models.PositiveIntegerField(null=True)
    last_number = models.PositiveIntegerField(null=True)
    count = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=list)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("numbering run")
        verbose_name_plural = _("numbering runs")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.block}: {self.first_number}–{self.last_number}"


class SitePlan(models.Model):
    """An issued site-plan extract; its QR code points at a public verification page."""

    reference = models.CharField(max_length=40, unique=True)
    parcel = models.ForeignKey(Parcel, on_delete=models.PROTECT, related_name="site_plans")
    geometry_hash = models.CharField(max_length=64)
    issued_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("site plan")
        verbose_name_plural = _("site plans")

    def __str__(self) -> str:
        return self.reference


class IndexVersion(models.Model):
    """One row; ``version`` goes up whenever parcels change, so every process
    rebuilds its in-memory spatial index on the next look-up."""

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.version)
