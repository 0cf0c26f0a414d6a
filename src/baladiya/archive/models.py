"""Archive tables: document types, documents, versions and their stored files,
grants, the append-only access log, disposal reviews and index builds."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PUBLIC = "public", _("Public")
    INTERNAL = "internal", _("Internal")
    CONFIDENTIAL = "confidential", _("Confidential")
    SECRET = "secret", _("Secret")


class DocumentType(models.Model):
    """A configurable, bilingual kind of document with its own metadata fields.

    ``fields`` is a list of ``{"key", "label_ar", "label_en", "required"}``.
    """

    key = models.SlugField(_("key"), max_length=60, unique=True)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    fields = models.JSONField(_("metadata fields"), default=list, blank=True)
    retention_years = models.PositiveSmallIntegerField(
        _("keep for (years)"), null=True, blank=True, help_text=_("Empty: keep for ever.")
    )

    class Meta:
        verbose_name = _("document type")
        verbose_name_plural = _("document types")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if (get_language() or "ar").startswith("ar"):
            return self.name_ar or self.name_en
        return self.name_en or self.name_ar


class StoredFile(models.Model):
    """One stored content, keyed by its SHA-256: identical uploads are stored once."""

    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    storage_key = models.CharField(_("storage key"), max_length=300)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    created_at = models.DateTimeField(_("stored at"), auto_now_add=True)

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")

    def __str__(self) -> str:
        return self.sha256


class Document(models.Model):
    title = models.CharField(_("title"), max_length=400)
    doc_type = models.ForeignKey(
        DocumentType, verbose_name=_("document type"), on_delete=models.PROTECT
    )
    number = models.CharField(_("number"), max_length=100, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    department = models.ForeignKey(
        "core.Department",
        verbose_name=_("owning department"),
        on_delete=models.PROTECT,
        related_name="archive_documents",
    )
    branch = models.ForeignKey(
        "core.Branch",
        verbose_name=_("branch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="archive_documents",
    )
    level = models.CharField(
        _("confidentiality"), max_length=20, choices=Level.choices, default=Level.INTERNAL
    )
    metadata = models.JSONField(_("metadata"), default=dict, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    link_type = models.CharField(_("linked record type"), max_length=80, blank=True)
    link_id = models.CharField(_("linked record"), max_length=80, blank=True)
    content = models.TextField(_("text"), blank=True)
    legal_hold = models.BooleanField(_("legal hold"), default=False)
    review_due = models.DateField(_("retention review due"), null=True, blank=True)
    disposed_at = models.DateTimeField(_("destroyed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["link_type", "link_id"]),
            models.Index(fields=["department", "level"]),
        ]

    def __str__(self) -> str:
        return self.title


class VersionState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    PROCESSING = "processing", _("Processing")
    AWAITING_OCR = "awaiting_ocr", _("Waiting for text recognition")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Version(models.Model):
    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    file = models.ForeignKey(StoredFile, verbose_name=_("file"), on_delete=models.PROTECT)
    filename = models.CharField(_("file name"), max_length=300)
    mime_type = models.CharField(_("type"), max_length=100, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=VersionState.choices, default=VersionState.QUEUED
    )
    error = models.TextField(_("reason"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)
    text_source = models.CharField(_("text from"), max_length=20, blank=True)
    searchable_pdf_key = models.CharField(_("searchable PDF"), max_length=300, blank=True)
    thumbnail_key = models.CharField(_("thumbnail"), max_length=300, blank=True)
    preview_key = models.CharField(_("preview"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="archive_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.document_id} v{self.number}"


class Grant(models.Model):
    """Access to one document for a department, a role (optionally within a
    department), or one user."""

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="grants"
    )
    department = models.ForeignKey(
        "core.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    role_key = models.CharField(_("role"), max_length=40, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="archive_grants",
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "department", "role_key", "user"],
                name="archive_grant_unique",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=models.Q(department__isnull=False)
                | ~models.Q(role_key="")
                | models.Q(user__isnull=False),
                name="archive_grant_has_grantee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_id}: {self.department_id}/{self.role_key}/{self.user_id}"


class AccessAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    DOWNLOAD = "download", _("Downloaded")
    PREVIEW = "preview", _("Previewed")
    PRINT = "print", _("Printed")
    SEARCH = "search", _("Searched")
    EXPORT = "export", _("Exported")
    DENIED = "denied", _("Refused")


class AccessLogEntry(models.Model):
    """Append-only: written by the services, never updated or deleted."""

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    document = models.ForeignKey(
        Document,
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="access_log",
    )
    document_ref = models.CharField(_("document asked for"), max_length=40, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=AccessAction.choices)
    query = models.CharField(_("search"), max_length=400, blank=True)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action} {self.document_ref}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("The access log is append-only.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("The access log is append-only.")


class DisposalState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed for destruction")
    APPROVED = "approved", _("Destroyed")
    KEPT = "kept", _("Kept")


class DisposalReview(models.Model):
    """A document past its retention period: proposed, then approved by someone else."""

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.PROTECT, related_name="disposals"
    )
    state = models.CharField(
        _("state"), max_length=20, choices=DisposalState.choices, default=DisposalState.PROPOSED
    )
    reason = models.TextField(_("reason"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("disposal review")
        verbose_name_plural = _("disposal reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["document"],
                condition=models.Q(state="proposed"),
                name="archive_one_open_disposal",
            )
        ]

    def __str__(self) -> str:
        return f"{self.document_id} {self.state}"
