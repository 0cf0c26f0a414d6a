"""The ledger: chart of accounts, fiscal years and periods, append-only journal
entries whose lines balance, and a per-period balance table kept in step with
every posting so reports read a few thousand rows instead of millions."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from baladiya.core.models import Bilingual, Party

AMOUNT = {"max_digits": 18, "decimal_places": 3}
ZERO = Decimal("0")


class AccountKind(models.TextChoices):
    ASSET = "asset", _("Asset")
    LIABILITY = "liability", _("Liability")
    NET_ASSETS = "net-assets", _("Net assets")
    REVENUE = "revenue", _("Revenue")
    EXPENSE = "expense", _("Expense")


DEBIT_NORMAL = {AccountKind.ASSET, AccountKind.EXPENSE}


class Account(Bilingual):
    """One account of the chart; only leaf accounts (``is_postable``) take lines."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=AccountKind.choices)
    is_postable = models.BooleanField(_("takes postings"), default=True)
    is_cash = models.BooleanField(_("cash or bank"), default=False)
    ipsas_line = models.CharField(
        _("line in the cash receipts and payments statement"), max_length=40, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("chart of accounts")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def debit_normal(self) -> bool:
        return self.kind in DEBIT_NORMAL


class PeriodStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class FiscalYear(models.Model):
    code = models.CharField(_("code"), max_length=10, unique=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    status = models.CharField(
        _("status"), max_length=10, choices=PeriodStatus.choices, default=PeriodStatus.OPEN
    )

    class Meta:
        verbose_name = _("fiscal year")
        verbose_name_plural = _("fiscal years")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="fin_fy_order")
        ]

    def __str__(self) -> str:
        return self.code


class FiscalPeriod(models.Model):
    year = models.ForeignKey(
        FiscalYear, verbose_name=_("fiscal year"), on_delete=models.PROTECT, related_name="periods"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    status = models.CharField(
        _("status"), max_length=10, choices=PeriodStatus.choices, default=PeriodStatus.OPEN
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("fiscal period")
        verbose_name_plural = _("fiscal periods")
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="fin_unique_period"),
        ]
        indexes = [models.Index(fields=["start", "end"])]

    def __str__(self) -> str:
        return f"{self.year.code}-{self.number:02d}"


class EntryStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    POSTED = "posted", _("Posted")
    REJECTED = "rejected", _("Rejected")


class JournalEntry(models.Model):
    """A journal entry. Posted entries are never changed or deleted: a correction
    is a new entry that ``reverses`` the original."""

    number = models.CharField(_("number"), max_length=30, blank=True, db_index=True)
    date = models.DateField(_("date"))
    period = models.ForeignKey(
        FiscalPeriod, verbose_name=_("period"), on_delete=models.PROTECT, related_name="entries"
    )
    memo = models.CharField(_("memo"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=40, default="manual")
    source_ref = models.CharField(_("source reference"), max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.POSTED
    )
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, unique=True)
    total = models.DecimalField(_("total"), default=ZERO, **AMOUNT)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    posted_at = models.DateTimeField(_("posted"), null=True, blank=True)

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        ordering = ["date", "pk"]
        indexes = [models.Index(fields=["source", "source_ref"])]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("Journal entries are append-only; post a reversing entry.")


class JournalLine(models.Model):
    """One side of an entry. ``period`` and ``account`` are repeated here so the
    general ledger of one account reads one index range."""

    entry = models.ForeignKey(
        JournalEntry, verbose_name=_("entry"), on_delete=models.PROTECT, related_name="lines"
    )
    period = models.ForeignKey(FiscalPeriod, on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="lines"
    )
    debit = models.DecimalField(_("debit"), default=ZERO, **AMOUNT)
    credit = models.DecimalField(_("credit"), default=ZERO, **AMOUNT)
    party = models.ForeignKey(
        Party, verbose_name=_("party"), null=True, blank=True, on_delete=models.PROTECT
    )
    analysis = models.CharField(_("analysis code"), max_length=40, blank=True)
    memo = models.CharField(_("memo"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("journal line")
        verbose_name_plural = _("journal lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(debit__gte=0, credit__gte=0)
                & (Q(debit=0, credit__gt=0) | Q(credit=0, debit__gt=0)),
                name="fin_line_one_side",
            )
        ]
        indexes = [models.Index(fields=["account", "period"])]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.debit or -self.credit}"

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("Journal lines are append-only.")


BALANCE_SHARDS = 32


class AccountBalance(models.Model):
    """Debit and credit totals of one account in one period (posted entries only),
    split over a few ``shard`` rows.

    A posting adds to the row of its shard (a charging point's receipts use the
    shard of its branch), so postings from different counters do not queue on one
    row of the cash and revenue accounts. An account's balance in a period is the
    sum of its rows: every report sums them (``Sum`` over account and period)."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="balances")
    period = models.ForeignKey(FiscalPeriod, on_delete=models.PROTECT, related_name="balances")
    shard = models.PositiveSmallIntegerField(default=0)
    debit = models.DecimalField(default=ZERO, **AMOUNT)
    credit = models.DecimalField(default=ZERO, **AMOUNT)

    class Meta:
        verbose_name = _("account balance")
        verbose_name_plural = _("account balances")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "period", "shard"], name="fin_unique_balance_shard"
            ),
            models.CheckConstraint(
                condition=Q(shard__lt=BALANCE_SHARDS), name="fin_balance_shard_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id}@{self.period_id}/{self.shard}"


class PostingRule(models.Model):
    """Which account a kind of automatic posting uses: ``tender:cash`` → the cash
    account, ``advance`` → advances received, ``head:<code>`` → overrides the
    revenue account a revenue head names."""

    key = models.CharField(_("key"), max_length=60, unique=True)
    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("posting rule")
        verbose_name_plural = _("posting rules")
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.key} → {self.account.code}"
