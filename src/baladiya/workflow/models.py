"""Process definitions (data, versioned) and the cases that run on them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from baladiya.core.models import Bilingual, Branch, Department, Party

APPLICANT = "applicant"  # the pseudo-role of the case's own applicant


class ProcessDefinition(Bilingual):
    """One version of a process: its states and actions. A running case keeps the
    version it started with; editing a definition in use means a new version."""

    key = models.SlugField(_("key"), max_length=80)
    version = models.PositiveIntegerField(_("version"), default=1)
    is_active = models.BooleanField(_("active"), default=True)
    sla_hours = models.PositiveIntegerField(
        _("target for the whole process (hours)"), null=True, blank=True
    )
    department_code = models.CharField(
        _("responsible department (code)"), max_length=40, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("process definition")
        verbose_name_plural = _("process definitions")
        ordering = ["key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="workflow_unique_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"


class State(Bilingual):
    definition = models.ForeignKey(
        ProcessDefinition,
        verbose_name=_("process"),
        on_delete=models.CASCADE,
        related_name="states",
    )
    key = models.SlugField(_("key"), max_length=60)
    is_start = models.BooleanField(_("start state"), default=False)
    is_terminal = models.BooleanField(_("final state"), default=False)
    with_applicant = models.BooleanField(
        _("waiting for the applicant"),
        default=False,
        help_text=_("The clock stops while the case is back with the applicant."),
    )
    sla_hours = models.PositiveIntegerField(_("time limit (hours)"), null=True, blank=True)
    escalate_to_role = models.SlugField(
        _("escalate to role"), max_length=40, blank=True, default="department-head"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("state")
        verbose_name_plural = _("states")
        ordering = ["definition", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["definition", "key"], name="workflow_unique_state"),
            models.UniqueConstraint(
                fields=["definition"], condition=Q(is_start=True), name="workflow_one_start"
            ),
        ]


class Action(Bilingual):
    """A transition: from a state, by one of ``roles``, to ``to_state``."""

    definition = models.ForeignKey(
        ProcessDefinition,
        verbose_name=_("process"),
        on_delete=models.CASCADE,
        related_name="actions",
    )
    key = models.SlugField(_("key"), max_length=60)
    from_state = models.ForeignKey(
        State, verbose_name=_("from state"), on_delete=models.CASCADE, related_name="actions"
    )
    to_state = models.ForeignKey(
        State, verbose_name=_("to state"), on_delete=models.CASCADE, related_name="+"
    )
    roles = models.JSONField(
        _("roles"),
        default=list,
        help_text=_('Role keys that may take this action; "applicant" is the case\'s applicant.'),
    )
    requires_comment = models.BooleanField(_("comment required"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    style = models.CharField(_("button style"), max_length=20, default="primary")

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["definition", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["definition", "from_state", "key"], name="workflow_unique_action"
            )
        ]


class Channel(models.TextChoices):
    PORTAL = "portal", _("Portal")
    COUNTER = "counter", _("Service counter")
    OPEN311 = "open311", _("Open311 API")
    API = "api", _("API")


class Case(models.Model):
    """A request moving through a process: one human reference number, one state."""

    reference = models.CharField(_("reference number"), max_length=40, unique=True)
    definition = models.ForeignKey(
        ProcessDefinition,
        verbose_name=_("process"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    # Columns that lead one of the composite indexes below have no index of their
    # own: every index is written on each insert and on each move of a case.
    service_key = models.SlugField(_("service"), max_length=80, db_index=False)
    applicant = models.ForeignKey(
        Party,
        verbose_name=_("applicant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,
    )
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    phone_last4 = models.CharField(max_length=4, blank=True, editable=False)
    branch = models.ForeignKey(
        Branch, verbose_name=_("branch"), null=True, blank=True, on_delete=models.PROTECT
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT
    )
    state = models.ForeignKey(
        State, verbose_name=_("state"), on_delete=models.PROTECT, db_index=False
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
        db_index=False,
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.PORTAL
    )
    title = models.CharField(_("title"), max_length=300, blank=True)
    data = models.JSONField(_("form data"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), db_index=True)
    state_entered_at = models.DateTimeField(_("in this state since"))
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    process_due_at = models.DateTimeField(_("process due"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "branch", "department"]),
            models.Index(
                fields=["due_at"], condition=Q(closed_at__isnull=True), name="workflow_open_due"
            ),
            models.Index(fields=["applicant", "-submitted_at"]),
            models.Index(fields=["assignee", "closed_at"]),
            models.Index(fields=["service_key", "-submitted_at"]),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class CaseEvent(models.Model):
    """One line of a case's history: who did what, when, with what comment."""

    # The (case, at) index serves look-ups by case; a process's states are never
    # deleted, so nothing looks events up by state.
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events", db_index=False)
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    kind = models.CharField(_("kind"), max_length=20, default="action")
    action_key = models.CharField(_("action"), max_length=60, blank=True)
    action_name_ar = models.CharField(max_length=200, blank=True)
    action_name_en = models.CharField(max_length=200, blank=True)
    from_state = models.ForeignKey(
        State, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    to_state = models.ForeignKey(
        State, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    comment = models.TextField(_("comment"), blank=True)
    public = models.BooleanField(_("shown to the applicant"), default=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case history")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.action_key}"


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"cases/{instance.case.submitted_at:%Y/%m}/{instance.case.reference}/{filename}"


class Attachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("document kind"), max_length=60, blank=True)
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name
