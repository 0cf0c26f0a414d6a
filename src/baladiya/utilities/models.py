"""Water and electricity: connections and their meters, versioned tariffs,
meter readings with an anomaly queue, billing cycles and idempotent,
restartable billing runs. A connection's life (applied → active → suspended →
closed) runs on the workflow engine; bills are revenue demands."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from baladiya.core.models import Bilingual, Branch, Party

AMOUNT = {"max_digits": 14, "decimal_places": 3}
UNITS = {"max_digits": 14, "decimal_places": 3}
ZERO = Decimal("0")


class Utility(models.TextChoices):
    WATER = "water", _("Water")
    ELECTRICITY = "electricity", _("Electricity")


class Category(models.TextChoices):
    RESIDENTIAL = "residential", _("Residential")
    COMMERCIAL = "commercial", _("Commercial")
    INDUSTRIAL = "industrial", _("Industrial")
    INSTITUTIONAL = "institutional", _("Institutional")


class ConnectionStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")


class Connection(models.Model):
    """A party's subscription to water or electricity at a premise."""

    number = models.CharField(_("subscription number"), max_length=30, unique=True)
    party = models.ForeignKey(
        Party, verbose_name=_("subscriber"), on_delete=models.PROTECT, related_name="+"
    )
    utility = models.CharField(_("utility"), max_length=12, choices=Utility.choices)
    category = models.CharField(_("category"), max_length=14, choices=Category.choices)
    branch = models.ForeignKey(
        Branch, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="+"
    )
    zone = models.CharField(_("zone"), max_length=40, blank=True, db_index=True)
    parcel = models.ForeignKey(
        "gis.Parcel",
        verbose_name=_("parcel"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=300)
    meter_size = models.CharField(_("meter size"), max_length=20, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ConnectionStatus.choices,
        default=ConnectionStatus.APPLIED,
        db_index=True,
    )
    case_reference = models.CharField(_("case reference"), max_length=40, blank=True)
    case = models.ForeignKey(
        "workflow.Case",
        verbose_name=_("application case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    connected_on = models.DateField(_("connected on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("connection")
        verbose_name_plural = _("connections")
        ordering = ["number"]
        indexes = [models.Index(fields=["utility", "status", "branch"])]

    def __str__(self) -> str:
        return self.number


class StsKeyType(models.IntegerChoices):
    INITIAL = 0, _("Initial key")
    DEFAULT = 1, _("Default key")
    DISPENSER = 2, _("Dispenser key")
    UNIQUE = 3, _("Unique key")


class StsBaseDate(models.IntegerChoices):
    Y1993 = 1993, "1993"
    Y2014 = 2014, "2014"
    Y2035 = 2035, "2035"


class StsKeyGeneration(models.TextChoices):
    DKGA02 = "dkga02", "DKGA02"
    DKGA04 = "dkga04", "DKGA04"


class Meter(models.Model):
    """A meter fitted on a connection. A replaced meter keeps its row with
    ``removed_on`` set and a closing reading."""

    connection = models.ForeignKey(
        Connection, verbose_name=_("connection"), on_delete=models.PROTECT, related_name="meters"
    )
    serial = models.CharField(_("serial number"), max_length=40, unique=True)
    is_prepaid = models.BooleanField(_("prepaid"), default=False)
    dial_digits = models.PositiveSmallIntegerField(
        _("dial digits"), default=6, validators=[MinValueValidator(3)]
    )
    installed_on = models.DateField(_("installed on"))
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    initial_read = models.DecimalField(_("initial reading"), default=ZERO, **UNITS)
    sts_meter_pan = models.CharField(
        _("meter PAN"),
        max_length=18,
        blank=True,
        validators=[RegexValidator(r"^\d{18}$", _("A meter PAN has 18 digits."))],
    )
    sts_supply_group_code = models.CharField(
        _("supply group code"),
        max_length=6,
        blank=True,
        validators=[RegexValidator(r"^\d{6}$", _("A supply group code has 6 digits."))],
    )
    sts_tariff_index = models.CharField(
        _("tariff index"),
        max_length=2,
        blank=True,
        validators=[RegexValidator(r"^\d{2}$", _("A tariff index has 2 digits."))],
    )
    sts_key_revision = models.PositiveSmallIntegerField(
        _("key revision number"), null=True, blank=True
    )
    sts_key_type = models.PositiveSmallIntegerField(
        _("key type"), choices=StsKeyType.choices, null=True, blank=True
    )
    sts_base_date = models.PositiveSmallIntegerField(
        _("base date"), choices=StsBaseDate.choices, null=True, blank=True
    )
    sts_key_generation = models.CharField(
        _("key generation algorithm"), max_length=6, choices=StsKeyGeneration.choices, blank=True
    )

    class Meta:
        verbose_name = _("meter")
        verbose_name_plural = _("meters")
        ordering = ["connection", "-installed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection"],
                condition=Q(removed_on__isnull=True),
                name="util_one_fitted_meter",
            ),
            models.UniqueConstraint(
                fields=["sts_meter_pan"],
                condition=~Q(sts_meter_pan=""),
                name="util_unique_meter_pan",
            ),
        ]

    def __str__(self) -> str:
        return self.serial

    @property
    def rollover(self) -> Decimal:
        """The value at which the dials go back to zero."""
        return Decimal(10) ** self.dial_digits


class TariffMode(models.TextChoices):
    POSTPAID = "postpaid", _("Postpaid")
    PREPAID = "prepaid", _("Prepaid")


class Tariff(Bilingual):
    """A named tariff for a utility, category and payment mode; its prices live
    in effective-dated versions."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    utility = models.CharField(_("utility"), max_length=12, choices=Utility.choices)
    category = models.CharField(_("category"), max_length=14, choices=Category.choices)
    mode = models.CharField(
        _("payment mode"), max_length=10, choices=TariffMode.choices, default=TariffMode.POSTPAID
    )

    class Meta:
        verbose_name = _("tariff")
        verbose_name_plural = _("tariffs")
        ordering = ["utility", "category", "mode"]
        constraints = [
            models.UniqueConstraint(
                fields=["utility", "category", "mode"], name="util_one_tariff_per_kind"
            )
        ]


class TariffMethod(models.TextChoices):
    BLOCKS = "blocks", _("Increasing blocks (each block priced separately)")
    VOLUME = "volume", _("Volume (all units at the rate of the block reached)")


class TariffVersion(models.Model):
    """The prices of a tariff from a date on. Block limits are per month and
    are pro-rated by the days of a billing period that is not whole months."""

    tariff = models.ForeignKey(
        Tariff, verbose_name=_("tariff"), on_delete=models.PROTECT, related_name="versions"
    )
    version = models.PositiveIntegerField(_("version"))
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    method = models.CharField(
        _("method"), max_length=8, choices=TariffMethod.choices, default=TariffMethod.BLOCKS
    )
    consumption_head = models.CharField(_("consumption revenue head"), max_length=40)
    lifeline_units = models.DecimalField(
        _("lifeline limit"),
        null=True,
        blank=True,
        help_text=_("A month's consumption up to this limit is all billed at the lifeline rate."),
        **UNITS,
    )
    lifeline_rate = models.DecimalField(_("lifeline rate"), null=True, blank=True, **AMOUNT)
    vat_percent = models.DecimalField(_("VAT %"), max_digits=5, decimal_places=2, default=ZERO)
    vat_head = models.CharField(_("VAT revenue head"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("tariff version")
        verbose_name_plural = _("tariff versions")
        ordering = ["tariff", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["tariff", "version"], name="util_tariff_version"),
            models.CheckConstraint(
                condition=Q(vat_percent__gte=0, vat_percent__lte=100), name="util_vat_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tariff.code} v{self.version}"


class TariffBlock(models.Model):
    """A band of consumption ``(lower, upper]`` and its unit rate; the top block
    has no upper limit."""

    version = models.ForeignKey(
        TariffVersion,
        verbose_name=_("tariff version"),
        on_delete=models.CASCADE,
        related_name="blocks",
    )
    lower = models.DecimalField(_("from"), **UNITS)
    upper = models.DecimalField(_("up to"), null=True, blank=True, **UNITS)
    rate = models.DecimalField(_("unit rate"), max_digits=14, decimal_places=4)

    class Meta:
        verbose_name = _("tariff block")
        verbose_name_plural = _("tariff blocks")
        ordering = ["version", "lower"]
        constraints = [
            models.UniqueConstraint(fields=["version", "lower"], name="util_block_lower"),
            models.CheckConstraint(
                condition=Q(upper__isnull=True) | Q(upper__gt=models.F("lower")),
                name="util_block_upper_above_lower",
            ),
            models.CheckConstraint(condition=Q(rate__gte=0), name="util_block_rate"),
        ]

    def __str__(self) -> str:
        return f"{self.lower}–{self.upper if self.upper is not None else '∞'} @ {self.rate}"


class ChargeKind(models.TextChoices):
    FIXED_MONTHLY = "fixed", _("Fixed monthly charge")
    PER_UNIT = "per-unit", _("Per unit consumed")
    PERCENT = "percent", _("Percentage of the consumption charge")


class TariffCharge(models.Model):
    """A charge beside consumption: a fixed monthly charge (optionally for one
    meter size) or a levy, each credited to its own revenue head."""

    version = models.ForeignKey(
        TariffVersion,
        verbose_name=_("tariff version"),
        on_delete=models.CASCADE,
        related_name="charges",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ChargeKind.choices)
    head = models.CharField(_("revenue head"), max_length=40)
    description_ar = models.CharField(_("description (Arabic)"), max_length=200)
    description_en = models.CharField(_("description (English)"), max_length=200)
    meter_size = models.CharField(
        _("meter size"), max_length=20, blank=True, help_text=_("Empty: every meter size.")
    )
    amount = models.DecimalField(_("amount or rate"), max_digits=14, decimal_places=4)
    vat_applies = models.BooleanField(_("VAT applies"), default=True)

    class Meta:
        verbose_name = _("tariff charge")
        verbose_name_plural = _("tariff charges")
        ordering = ["version", "kind", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="util_charge_amount")
        ]

    def __str__(self) -> str:
        return f"{self.head}: {self.amount}"


class BillingCycle(models.Model):
    """A billing period of a utility (usually a calendar month)."""

    utility = models.CharField(_("utility"), max_length=12, choices=Utility.choices)
    code = models.CharField(_("code"), max_length=20)
    period_from = models.DateField(_("period from"))
    period_to = models.DateField(_("period to"))
    due_date = models.DateField(_("due date"))

    class Meta:
        verbose_name = _("billing cycle")
        verbose_name_plural = _("billing cycles")
        ordering = ["utility", "-period_from"]
        constraints = [
            models.UniqueConstraint(fields=["utility", "code"], name="util_cycle_code"),
            models.CheckConstraint(
                condition=Q(period_to__gte=models.F("period_from")), name="util_cycle_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_utility_display()} {self.code}"


class MeterStatus(models.TextChoices):
    WORKING = "working", _("Working")
    STUCK = "stuck", _("Stuck")
    BROKEN = "broken", _("Broken")
    REPLACED = "replaced", _("Replaced")
    NO_ACCESS = "no-access", _("No access")


class ReadingKind(models.TextChoices):
    ACTUAL = "actual", _("Actual")
    ESTIMATED = "estimated", _("Estimated")
    CLOSING = "closing", _("Closing (meter removed)")


class ReadingSource(models.TextChoices):
    STAFF = "staff", _("Entered by staff")
    IMPORT = "import", _("Imported")
    SYSTEM = "system", _("Estimated by the system")


class Reading(models.Model):
    """A meter reading for a billing cycle and the consumption it gives (after
    rollover and true-up of earlier estimates)."""

    meter = models.ForeignKey(
        Meter, verbose_name=_("meter"), on_delete=models.PROTECT, related_name="readings"
    )
    connection = models.ForeignKey(
        Connection, verbose_name=_("connection"), on_delete=models.PROTECT, related_name="readings"
    )
    cycle = models.ForeignKey(
        BillingCycle,
        verbose_name=_("billing cycle"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="readings",
    )
    read_on = models.DateField(_("read on"))
    value = models.DecimalField(_("reading"), null=True, blank=True, **UNITS)
    status = models.CharField(
        _("meter status"), max_length=10, choices=MeterStatus.choices, default=MeterStatus.WORKING
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=ReadingKind.choices, default=ReadingKind.ACTUAL
    )
    source = models.CharField(
        _("source"), max_length=8, choices=ReadingSource.choices, default=ReadingSource.STAFF
    )
    consumption = models.DecimalField(_("consumption"), null=True, blank=True, **UNITS)
    credit_units = models.DecimalField(
        _("units credited forward"),
        default=0,
        help_text=_(
            "Units billed on estimates beyond what the meter showed; taken off the next readings."
        ),
        **UNITS,
    )
    rolled_over = models.BooleanField(_("dials rolled over"), default=False)
    held = models.BooleanField(
        _("held for review"), default=False, help_text=_("Not billed until the anomaly is cleared.")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("entered"), auto_now_add=True)

    class Meta:
        verbose_name = _("reading")
        verbose_name_plural = _("readings")
        ordering = ["meter", "read_on", "pk"]
        indexes = [
            models.Index(fields=["connection", "read_on"]),
            models.Index(fields=["cycle", "connection"]),
        ]

    def __str__(self) -> str:
        return f"{self.meter.serial} {self.read_on}: {self.value}"


class AnomalyKind(models.TextChoices):
    NEGATIVE = "negative", _("Negative consumption")
    ROLLOVER = "rollover", _("Meter rollover")
    SPIKE = "spike", _("Consumption spike")
    ZERO = "zero", _("Zero consumption for two or more cycles")
    DOUBLE = "double", _("Double submission")
    FAULT = "fault", _("Meter fault reported")


class AnomalyStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class Anomaly(models.Model):
    reading = models.ForeignKey(
        Reading, verbose_name=_("reading"), on_delete=models.PROTECT, related_name="anomalies"
    )
    connection = models.ForeignKey(
        Connection, verbose_name=_("connection"), on_delete=models.PROTECT, related_name="anomalies"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AnomalyKind.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AnomalyStatus.choices,
        default=AnomalyStatus.OPEN,
        db_index=True,
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    created_at = models.DateTimeField(_("found"), auto_now_add=True)

    class Meta:
        verbose_name = _("anomaly")
        verbose_name_plural = _("anomalies")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["reading", "kind"], name="util_anomaly_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.connection_id})"


class ReadingImport(models.Model):
    """An uploaded file of readings and its per-row report."""

    file_name = models.CharField(_("file"), max_length=200)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    accepted = models.PositiveIntegerField(_("accepted"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    report = models.JSONField(_("report"), default=list)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("imported"), auto_now_add=True)

    class Meta:
        verbose_name = _("reading import")
        verbose_name_plural = _("reading imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name


class RunStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Stopped with an error")


class BillingRun(models.Model):
    """Billing one cycle for a branch and/or zone. Restartable: each connection
    is billed at most once per cycle (``ConnectionBill`` is unique on it)."""

    cycle = models.ForeignKey(
        BillingCycle, verbose_name=_("billing cycle"), on_delete=models.PROTECT, related_name="runs"
    )
    branch = models.ForeignKey(
        Branch,
        verbose_name=_("branch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    zone = models.CharField(_("zone"), max_length=40, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=RunStatus.choices, default=RunStatus.PENDING
    )
    total = models.PositiveIntegerField(_("connections"), default=0)
    billed = models.PositiveIntegerField(_("billed"), default=0)
    skipped = models.PositiveIntegerField(_("skipped"), default=0)
    error = models.TextField(_("error"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("billing run")
        verbose_name_plural = _("billing runs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.cycle} #{self.pk}"

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.status == RunStatus.DONE else 0
        return min(100, int(100 * (self.billed + self.skipped) / self.total))


class ConnectionBill(models.Model):
    """One connection's bill for one cycle: the readings it used, the
    consumption, the demand raised in revenue and the arrears carried."""

    cycle = models.ForeignKey(
        BillingCycle,
        verbose_name=_("billing cycle"),
        on_delete=models.PROTECT,
        related_name="bills",
    )
    connection = models.ForeignKey(
        Connection, verbose_name=_("connection"), on_delete=models.PROTECT, related_name="bills"
    )
    run = models.ForeignKey(
        BillingRun,
        verbose_name=_("billing run"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bills",
    )
    number = models.CharField(_("bill number"), max_length=40, unique=True)
    previous_read = models.DecimalField(_("previous reading"), null=True, blank=True, **UNITS)
    current_read = models.DecimalField(_("current reading"), null=True, blank=True, **UNITS)
    consumption = models.DecimalField(_("consumption"), default=ZERO, **UNITS)
    estimated = models.BooleanField(_("estimated"), default=False)
    amount = models.DecimalField(_("amount"), default=ZERO, **AMOUNT)
    arrears = models.DecimalField(_("arrears brought forward"), default=ZERO, **AMOUNT)
    lines = models.JSONField(_("lines"), default=list)
    demand_id = models.BigIntegerField(_("demand"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("bill")
        verbose_name_plural = _("bills")
        ordering = ["-cycle__period_from", "connection"]
        constraints = [
            models.UniqueConstraint(fields=["connection", "cycle"], name="util_bill_once_per_cycle")
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def total_due(self) -> Decimal:
        return self.amount + self.arrears
