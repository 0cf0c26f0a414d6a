"""Core tables: the organisation, its branches and departments, parties, users,
roles scoped to branch/department, reference sequences and the audit log."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Bilingual(models.Model):
    """Arabic and English names; ``name`` follows the active language."""

    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if (get_language() or "ar").startswith("ar"):
            return self.name_ar or self.name_en
        return self.name_en or self.name_ar


class Country(models.TextChoices):
    PALESTINE = "PS", _("Palestine")
    SAUDI_ARABIA = "SA", _("Saudi Arabia")


class Calendar(models.TextChoices):
    GREGORIAN = "gregorian", _("Gregorian")
    HIJRI = "hijri-umm-al-qura", _("Gregorian with Hijri (Umm al-Qura)")


class Organisation(Bilingual):
    """The municipality running this deployment (exactly one row)."""

    profile = models.SlugField(_("profile"), max_length=40, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    currency = models.CharField(_("currency"), max_length=3)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Hebron")
    calendar = models.CharField(
        _("calendar"), max_length=20, choices=Calendar.choices, default=Calendar.GREGORIAN
    )
    default_language = models.CharField(_("default language"), max_length=5, default="ar")
    fiscal_year_start = models.CharField(
        _("fiscal year start (MM-DD)"), max_length=5, default="01-01"
    )
    reference_prefix = models.CharField(_("reference prefix"), max_length=6)
    logo = models.ImageField(_("logo"), upload_to="organisation/", blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    address_ar = models.CharField(_("address (Arabic)"), max_length=300, blank=True)
    address_en = models.CharField(_("address (English)"), max_length=300, blank=True)
    singleton = models.BooleanField(default=True, editable=False)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisation")
        constraints = [
            models.UniqueConstraint(fields=["singleton"], name="core_one_organisation"),
            models.CheckConstraint(condition=Q(singleton=True), name="core_organisation_singleton"),
        ]

    @property
    def address(self) -> str:
        if (get_language() or "ar").startswith("ar"):
            return self.address_ar or self.address_en
        return self.address_en or self.address_ar

    @property
    def shows_hijri(self) -> bool:
        return self.calendar == Calendar.HIJRI


class BranchKind(models.TextChoices):
    HEADQUARTERS = "headquarters", _("Headquarters")
    BRANCH = "branch", _("Branch municipality")
    SERVICE_OFFICE = "service-office", _("Service office")
    CHARGING_POINT = "charging-point", _("Charging point")


class Branch(Bilingual):
    """A branch municipality, a service office or a charging point."""

    code = models.SlugField(_("code"), max_length=20, unique=True, allow_unicode=False)
    kind = models.CharField(_("kind"), max_length=20, choices=BranchKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent branch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    address_ar = models.CharField(_("address (Arabic)"), max_length=300, blank=True)
    address_en = models.CharField(_("address (English)"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        ordering = ["code"]


class Department(Bilingual):
    """A department or section; departments form a tree."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]


class PartyKind(models.TextChoices):
    PERSON = "person", _("Person")
    ESTABLISHMENT = "establishment", _("Establishment")


class Party(Bilingual):
    """Anyone the municipality deals with: a person or an establishment.

    ``search_text`` holds the normalised names and identifiers (see
    ``baladiya.core.text``) so a clerk finds أحمد whether he types احمد or أحمد.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=PartyKind.choices)
    national_id = models.CharField(_("national ID"), max_length=20, blank=True)
    commercial_registration = models.CharField(
        _("commercial registration number"), max_length=30, blank=True
    )
    owner = models.ForeignKey(
        "self",
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="establishments",
    )
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    phone_alt = models.CharField(_("other phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address_ar = models.CharField(_("address (Arabic)"), max_length=300, blank=True)
    address_en = models.CharField(_("address (English)"), max_length=300, blank=True)
    branch = models.ForeignKey(
        Branch, verbose_name=_("branch"), null=True, blank=True, on_delete=models.PROTECT
    )
    search_text = models.CharField(max_length=600, blank=True, editable=False, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["name_ar"]
        constraints = [
            models.UniqueConstraint(
                fields=["national_id"],
                condition=~Q(national_id=""),
                name="core_party_unique_national_id",
            ),
            models.UniqueConstraint(
                fields=["commercial_registration"],
                condition=~Q(commercial_registration=""),
                name="core_party_unique_cr",
            ),
            models.CheckConstraint(
                condition=Q(kind="person", commercial_registration="")
                | Q(kind="establishment", national_id=""),
                name="core_party_identifier_matches_kind",
            ),
        ]
        indexes = [models.Index(fields=["phone"])]

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        from baladiya.core.text import normalize_arabic

        self.search_text = normalize_arabic(
            " ".join(
                v
                for v in (
                    self.name_ar,
                    self.name_en,
                    self.national_id,
                    self.commercial_registration,
                    self.phone,
                )
                if v
            )
        )[:600]
        super().save(*args, **kwargs)


class User(AbstractUser):
    """A login. Citizens and staff alike; staff get roles through RoleAssignment."""

    party = models.OneToOneField(
        Party,
        verbose_name=_("party"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="user",
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=5,
        blank=True,
        choices=[("ar", "العربية"), ("en", "English")],
    )
    home_branch = models.ForeignKey(
        Branch, verbose_name=_("home branch"), null=True, blank=True, on_delete=models.PROTECT
    )
    # A new random stamp whenever the user's roles (or a role he holds) change: his
    # role assignments are cached under it (``core.permissions``), so a change takes
    # effect on his next request in every process, and a rolled-back change's stamp
    # is never seen again.
    roles_stamp = models.CharField(max_length=16, blank=True, editable=False)

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


def restamp_roles(users: models.QuerySet[User], instance: User | None = None) -> None:
    """The roles of ``users`` changed: give them a new stamp (and ``instance``, the
    same user in memory, the stamp and no per-request copy of his old roles)."""
    stamp = secrets.token_hex(8)
    users.update(roles_stamp=stamp)
    if instance is not None:
        instance.roles_stamp = stamp
        instance.__dict__.pop("_baladiya_assignments", None)


class Role(Bilingual):
    """A named set of capabilities (see ``baladiya.core.permissions``)."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    is_staff_role = models.BooleanField(_("staff role"), default=True)
    capabilities = models.JSONField(_("capabilities"), default=list, blank=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["key"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        restamp_roles(User.objects.filter(role_assignments__role=self))


class RoleAssignment(models.Model):
    """A role given to a user, optionally limited to one branch and/or department.

    An empty branch (or department) means every branch (or department).
    """

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.ForeignKey(Role, verbose_name=_("role"), on_delete=models.PROTECT)
    branch = models.ForeignKey(
        Branch, verbose_name=_("branch"), null=True, blank=True, on_delete=models.PROTECT
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "branch", "department"],
                name="core_unique_role_assignment",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        scope = " / ".join(str(s) for s in (self.branch, self.department) if s)
        return f"{self.user} — {self.role}" + (f" ({scope})" if scope else "")

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        restamp_roles(User.objects.filter(pk=self.user_id), self._state.fields_cache.get("user"))

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        user_id, user = self.user_id, self._state.fields_cache.get("user")
        deleted = super().delete(*args, **kwargs)
        restamp_roles(User.objects.filter(pk=user_id), user)
        return deleted


class Sequence(models.Model):
    """A counter behind reference numbers (cases) and gap-free numbers (receipts)."""

    key = models.CharField(_("key"), max_length=100, unique=True)
    last_value = models.BigIntegerField(_("last value"), default=0)

    class Meta:
        verbose_name = _("sequence")
        verbose_name_plural = _("sequences")

    def __str__(self) -> str:
        return f"{self.key} = {self.last_value}"


class AuditEntry(models.Model):
    """One append-only, hash-chained entry of the audit log.

    ``content_hash`` = SHA-256 of the entry's canonical content, computed when it
    is written; ``entry_hash`` = SHA-256 over the previous entry's hash, this
    content hash and ``seq``. ``seq`` runs 1, 2, 3… without gaps, so an edited,
    deleted or inserted row breaks the chain and ``verify_audit`` names it. On
    PostgreSQL the chain position (seq, prev_hash, entry_hash) is given at commit
    by a deferred trigger, so writers hold the chain's lock only while
    committing; on SQLite (one writer at a time) it is given at once.
    """

    seq = models.BigIntegerField(_("sequence"), unique=True, null=True, blank=True)
    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        User, verbose_name=_("actor"), null=True, blank=True, on_delete=models.PROTECT
    )
    actor_label = models.CharField(_("actor name"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    content_hash = models.CharField(max_length=64, default="")
    prev_hash = models.CharField(max_length=64, blank=True, default="")
    entry_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not self._state.adding:
            raise RuntimeError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("The audit log is append-only.")


class AuditHead(models.Model):
    """The tip of the audit chain: one row, locked while an entry is appended."""

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.last_seq} {self.last_hash[:12]}"


class Notification(models.Model):
    """A message to a user or party, shown in-app and delivered by email/SMS."""

    recipient = models.ForeignKey(
        User,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    party = models.ForeignKey(
        Party,
        verbose_name=_("party"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    event_key = models.CharField(_("event"), max_length=200)
    language = models.CharField(_("language"), max_length=5, default="ar")
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("message"))
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # A retried event never notifies twice.
            models.UniqueConstraint(fields=["event_key", "party"], name="core_notification_once")
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.subject


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    RETRYING = "retrying", _("Retrying")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """One attempt chain to deliver a notification by email or SMS."""

    notification = models.ForeignKey(
        Notification,
        verbose_name=_("notification"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=[("email", _("Email")), ("sms", _("SMS"))]
    )
    address = models.CharField(_("address"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    provider_id = models.CharField(_("provider message id"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.channel} → {self.address}: {self.status}"
