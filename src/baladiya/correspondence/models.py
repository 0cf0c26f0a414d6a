"""The correspondence register: letters in, out and between departments, the
outside bodies they come from or go to, and their referrals to departments.

A referral's life (referred → in progress → answered or closed) runs on the
workflow engine; the scanned letter and its attachments live in the archive,
linked to the letter (``correspondence.letter``, its primary key).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from baladiya.core.models import Bilingual, Branch, Department, Party
from baladiya.workflow.models import Case


class Direction(models.TextChoices):
    INCOMING = "incoming", _("Incoming")
    OUTGOING = "outgoing", _("Outgoing")
    INTERNAL = "internal", _("Internal")


NUMBER_PREFIX = {Direction.INCOMING: "IN", Direction.OUTGOING: "OUT", Direction.INTERNAL: "INT"}


class Classification(models.TextChoices):
    """The confidentiality of a letter (and of its documents in the archive)."""

    PUBLIC = "public", _("Public")
    INTERNAL = "internal", _("Internal")
    CONFIDENTIAL = "confidential", _("Confidential")
    SECRET = "secret", _("Secret")


class Priority(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    VERY_URGENT = "very-urgent", _("Very urgent")


class LetterStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    REFERRED = "referred", _("Referred")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class EntityKind(models.TextChoices):
    GOVERNMENT = "government", _("Government body")
    COMPANY = "company", _("Company or institution")
    PERSON = "person", _("Person")
    OTHER = "other", _("Other")


class Entity(Bilingual):
    """An outside body that writes to the municipality or receives its letters."""

    kind = models.CharField(
        _("kind"), max_length=12, choices=EntityKind.choices, default=EntityKind.GOVERNMENT
    )
    party = models.ForeignKey(
        Party,
        verbose_name=_("party"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    search_text = models.CharField(max_length=500, blank=True, editable=False, db_index=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("correspondent")
        verbose_name_plural = _("correspondents")
        ordering = ["name_ar"]
        constraints = [
            models.UniqueConstraint(fields=["name_ar"], name="correspondence_unique_entity")
        ]


class Letter(models.Model):
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    number = models.CharField(_("registration number"), max_length=30, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("serial"))
    letter_date = models.DateField(_("date of the letter"))
    registered_at = models.DateTimeField(_("registered"))
    entity = models.ForeignKey(
        Entity,
        verbose_name=_("sender or recipient"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="letters",
    )
    external_number = models.CharField(_("their reference"), max_length=60, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The department that writes an outgoing or internal letter."),
    )
    to_department = models.ForeignKey(
        Department,
        verbose_name=_("to department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    branch = models.ForeignKey(
        Branch, verbose_name=_("branch"), null=True, blank=True, on_delete=models.PROTECT
    )
    subject = models.CharField(_("subject"), max_length=300)
    summary = models.TextField(_("summary of the body"), blank=True)
    classification = models.CharField(
        _("classification"),
        max_length=12,
        choices=Classification.choices,
        default=Classification.INTERNAL,
    )
    priority = models.CharField(
        _("priority"), max_length=12, choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=12, choices=LetterStatus.choices, default=LetterStatus.REGISTERED
    )
    in_reply_to = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replies",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    search_text = models.TextField(blank=True, editable=False)
    token = models.CharField(max_length=32, unique=True, editable=False)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        ordering = ["-registered_at", "-pk"]
        indexes = [
            models.Index(fields=["-registered_at", "-id"], name="correspondence_newest"),
            models.Index(fields=["direction", "year", "-serial"]),
            models.Index(fields=["status", "-registered_at"]),
            models.Index(fields=["entity", "-registered_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["direction", "year", "serial"], name="correspondence_unique_serial"
            ),
            models.CheckConstraint(
                condition=~Q(direction="incoming") | Q(entity__isnull=False),
                name="correspondence_incoming_has_sender",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class Referral(models.Model):
    """A letter sent to a department for action, with a due date; its case on
    the workflow engine carries its state and history."""

    letter = models.ForeignKey(
        Letter, verbose_name=_("letter"), on_delete=models.PROTECT, related_name="referrals"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    case = models.OneToOneField(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="referral"
    )
    due_date = models.DateField(_("due date"))
    instructions = models.TextField(_("instructions"), blank=True)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("referred by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    referred_at = models.DateTimeField(_("referred"))
    reminded_on = models.DateField(_("last reminder"), null=True, blank=True, editable=False)
    reply = models.ForeignKey(
        Letter,
        verbose_name=_("reply"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="answered_referrals",
    )

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["referred_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["letter", "department"], name="correspondence_one_referral_per_department"
            )
        ]

    def __str__(self) -> str:
        return f"{self.letter.number} → {self.department.code}"
