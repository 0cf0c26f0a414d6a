"""A report or complaint: what, where, photos, resolution and the citizen's rating.
Its life (new → in progress → resolved → closed) runs on the workflow engine."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from baladiya.workflow.models import Case

REOPEN_DAYS = 10  # a resolved complaint can be reopened for this many days


class Complaint(models.Model):
    case = models.OneToOneField(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="complaint"
    )
    # Led by the (category, latitude, longitude) index: no index of its own.
    category = models.SlugField(_("category"), max_length=60, db_index=False)
    description = models.TextField(_("description"))
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    address = models.CharField(_("address or landmark"), max_length=300, blank=True)
    parcel = models.ForeignKey(
        "gis.Parcel",
        verbose_name=_("parcel"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolution_note = models.TextField(_("resolution"), blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.TextField(_("rating comment"), blank=True)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    reopened_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [models.Index(fields=["category", "latitude", "longitude"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="complaint_rating_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return self.case.reference
