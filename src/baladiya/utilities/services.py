"""Every write of the utilities app: keyword-only, one transaction each,
audited, permission-checked."""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import io
import random
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from baladiya.core.api import (
    Branch,
    Party,
    User,
    branches,
    insert_rows,
    luhn_check_digit,
    next_number,
    normalize_digits,
    party_by_national_id,
    record_audit,
    require,
)
from baladiya.revenue import api as revenue
from baladiya.utilities import pricing, selectors
from baladiya.utilities.models import (
    Anomaly,
    AnomalyKind,
    AnomalyStatus,
    BillingCycle,
    BillingRun,
    Category,
    ChargeKind,
    Connection,
    ConnectionBill,
    ConnectionStatus,
    Meter,
    MeterStatus,
    Reading,
    ReadingImport,
    ReadingKind,
    ReadingSource,
    RunStatus,
    Tariff,
    TariffBlock,
    TariffCharge,
    TariffMethod,
    TariffVersion,
    Utility,
)

ZERO = Decimal(0)
BILL_SOURCE = "utilities.connectionbill"
SPIKE_MADS = Decimal(5)  # a reading this many (scaled) MADs above the median is a spike
MAD_SCALE = Decimal("1.4826")
HISTORY = 12  # consumptions looked at for spikes and estimates


class UtilityError(ValidationError):
    pass


def _system(actor: User | None) -> User | None:
    return actor if actor is not None and actor.pk else None


# --- Revenue heads --------------------------------------------------------------------

# code, Arabic, English, ledger account (see the finance demo chart), priority
REVENUE_HEADS = [
    ("water-consumption", "استهلاك المياه", "Water consumption", "4201", 50),
    ("electricity-consumption", "استهلاك الكهرباء", "Electricity consumption", "4202", 50),
    ("water-fixed", "الرسوم الثابتة للمياه", "Water fixed charge", "4201", 40),
    ("electricity-fixed", "الرسوم الثابتة للكهرباء", "Electricity fixed charge", "4202", 40),
    ("sewage-levy", "رسم الصرف الصحي", "Sewage levy", "4203", 60),
    ("electricity-levy", "رسم الإنارة العامة", "Street-lighting levy", "4202", 60),
    ("utility-vat", "ضريبة القيمة المضافة على الخدمات", "VAT on utilities", "2103", 30),
]


def ensure_revenue_heads() -> None:
    """The utilities' revenue heads (created once)."""
    for code, name_ar, name_en, account, priority in REVENUE_HEADS:
        if revenue.head_by_code(code) is None:
            revenue.create_revenue_head(
                actor=None,
                code=code,
                name_ar=name_ar,
                name_en=name_en,
                account_code=account,
                priority=priority,
                allows_part_payment=True,
            )


# --- Tariffs --------------------------------------------------------------------------


@dataclass(frozen=True)
class ChargeSpec:
    kind: str
    head: str
    description_ar: str
    description_en: str
    amount: Decimal
    meter_size: str = ""
    vat_applies: bool = True


@transaction.atomic
def create_tariff(
    *,
    actor: User | None,
    code: str,
    name_ar: str,
    name_en: str,
    utility: str,
    category: str,
    mode: str,
) -> Tariff:
    if actor is not None:
        require(actor, "utilities.manage_tariffs")
    tariff = Tariff(
        code=code, name_ar=name_ar, name_en=name_en, utility=utility, category=category, mode=mode
    )
    tariff.full_clean()
    tariff.save()
    record_audit(actor=_system(actor), action="utilities.tariff.create", obj=tariff)
    return tariff


@transaction.atomic
def add_tariff_version(
    *,
    actor: User | None,
    tariff: Tariff,
    effective_from: dt.date,
    blocks: Sequence[tuple[Decimal | int | str, Decimal | int | str | None, Decimal | int | str]],
    consumption_head: str,
    method: str = TariffMethod.BLOCKS,
    lifeline_units: Decimal | None = None,
    lifeline_rate: Decimal | None = None,
    vat_percent: Decimal = ZERO,
    vat_head: str = "",
    charges: Sequence[ChargeSpec] = (),
) -> TariffVersion:
    """A new version of ``tariff`` from ``effective_from``; the current one ends
    the day before. Blocks are ``(lower, upper or None, rate)`` from 0 upwards."""
    if actor is not None:
        require(actor, "utilities.manage_tariffs")
    plain = tuple(
        pricing.Block(
            Decimal(str(lower)), None if upper is None else Decimal(str(upper)), Decimal(str(rate))
        )
        for lower, upper, rate in blocks
    )
    try:
        pricing.check_blocks(plain)
    except pricing.TariffError as exc:
        raise UtilityError(str(exc)) from exc
    if (lifeline_units is None) != (lifeline_rate is None):
        raise UtilityError(_("A lifeline block needs both a limit and a rate."))
    previous = (
        TariffVersion.objects.select_for_update().filter(tariff=tariff).order_by("-version").first()
    )
    if previous is not None and previous.effective_from >= effective_from:
        raise UtilityError(_("A new version must start after the current one."))
    if previous is not None:
        previous.effective_to = effective_from - dt.timedelta(days=1)
        previous.save(update_fields=["effective_to"])
    version = TariffVersion.objects.create(
        tariff=tariff,
        version=previous.version + 1 if previous else 1,
        effective_from=effective_from,
        method=method,
        consumption_head=consumption_head,
        lifeline_units=lifeline_units,
        lifeline_rate=lifeline_rate,
        vat_percent=vat_percent,
        vat_head=vat_head,
    )
    TariffBlock.objects.bulk_create(
        TariffBlock(version=version, lower=b.lower, upper=b.upper, rate=b.rate) for b in plain
    )
    for spec in charges:
        if spec.kind not in ChargeKind.values:
            raise UtilityError(_("Unknown charge kind."))
    TariffCharge.objects.bulk_create(
        TariffCharge(
            version=version,
            kind=c.kind,
            head=c.head,
            description_ar=c.description_ar,
            description_en=c.description_en,
            meter_size=c.meter_size,
            amount=c.amount,
            vat_applies=c.vat_applies,
        )
        for c in charges
    )
    record_audit(
        actor=_system(actor),
        action="utilities.tariff.version",
        obj=version,
        after={
            "tariff": tariff.code,
            "from": effective_from.isoformat(),
            "blocks": [[str(b.lower), str(b.upper), str(b.rate)] for b in plain],
        },
    )
    return version


# --- Connections and meters -------------------------------------------------------------


def _connection_number(utility: str) -> str:
    prefix = "W" if utility == Utility.WATER else "E"
    return f"{prefix}-{next_number(key=f'utilities:connection:{prefix}'):07d}"


@transaction.atomic
def register_connection(
    *,
    actor: User | None,
    party: Party,
    utility: str,
    category: str,
    branch: Branch,
    address: str,
    zone: str = "",
    parcel: Any = None,
    meter_size: str = "",
    case_reference: str = "",
    case: Any = None,
    status: str = ConnectionStatus.APPLIED,
    connected_on: dt.date | None = None,
) -> Connection:
    if actor is not None:
        require(actor, "utilities.manage_connections", branch=branch)
    connection = Connection(
        number=_connection_number(utility),
        party=party,
        utility=utility,
        category=category,
        branch=branch,
        address=address.strip(),
        zone=zone,
        parcel=parcel,
        meter_size=meter_size,
        case_reference=case_reference,
        case=case,
        status=status,
        connected_on=connected_on,
    )
    connection.full_clean()
    connection.save()
    record_audit(
        actor=_system(actor),
        action="utilities.connection.register",
        obj=connection,
        after={"party": party.pk, "utility": utility, "category": category, "status": status},
    )
    return connection


_STATUS_MOVES = {
    ConnectionStatus.APPLIED: {ConnectionStatus.ACTIVE, ConnectionStatus.CLOSED},
    ConnectionStatus.ACTIVE: {ConnectionStatus.SUSPENDED, ConnectionStatus.CLOSED},
    ConnectionStatus.SUSPENDED: {ConnectionStatus.ACTIVE, ConnectionStatus.CLOSED},
    ConnectionStatus.CLOSED: set(),
}


@transaction.atomic
def set_connection_status(
    *, actor: User | None, connection: Connection, status: str, on: dt.date | None = None
) -> Connection:
    """applied → active → suspended ⇄ active → closed."""
    if actor is not None:
        require(actor, "utilities.manage_connections", branch=connection.branch)
    connection = Connection.objects.select_for_update().get(pk=connection.pk)
    if status not in _STATUS_MOVES[ConnectionStatus(connection.status)]:
        raise UtilityError(
            _("A connection cannot go from “%(old)s” to “%(new)s”.")
            % {"old": connection.get_status_display(), "new": ConnectionStatus(status).label}
        )
    before = connection.status
    connection.status = status
    fields = ["status"]
    if status == ConnectionStatus.ACTIVE and connection.connected_on is None:
        connection.connected_on = on or timezone.localdate()
        fields.append("connected_on")
    connection.save(update_fields=fields)
    record_audit(
        actor=_system(actor),
        action="utilities.connection.status",
        obj=connection,
        before={"status": before},
        after={"status": status},
    )
    return connection


@transaction.atomic
def transfer_connection(*, actor: User | None, connection: Connection, to: Party) -> Connection:
    """The subscription passes to another party; what the old holder owes stays his."""
    if actor is not None:
        require(actor, "utilities.manage_connections", branch=connection.branch)
    connection = Connection.objects.select_for_update().get(pk=connection.pk)
    if connection.status == ConnectionStatus.CLOSED:
        raise UtilityError(_("A closed subscription cannot be transferred."))
    before = connection.party_id
    connection.party = to
    connection.save(update_fields=["party"])
    record_audit(
        actor=_system(actor),
        action="utilities.connection.transfer",
        obj=connection,
        before={"party": before},
        after={"party": to.pk},
    )
    return connection


@dataclass(frozen=True)
class StsParameters:
    meter_pan: str
    supply_group_code: str
    tariff_index: str
    key_revision: int
    key_type: int
    base_date: int
    key_generation: str


@transaction.atomic
def fit_meter(
    *,
    actor: User | None,
    connection: Connection,
    serial: str,
    installed_on: dt.date,
    is_prepaid: bool = False,
    dial_digits: int = 6,
    initial_read: Decimal = ZERO,
    sts: StsParameters | None = None,
) -> Meter:
    if actor is not None:
        require(actor, "utilities.manage_connections", branch=connection.branch)
    if is_prepaid and sts is None:
        raise UtilityError(_("A prepaid meter needs its STS parameters."))
    meter = Meter(
        connection=connection,
        serial=normalize_digits(serial).strip(),
        is_prepaid=is_prepaid,
        dial_digits=dial_digits,
        installed_on=installed_on,
        initial_read=initial_read,
    )
    if sts is not None:
        meter.sts_meter_pan = sts.meter_pan
        meter.sts_supply_group_code = sts.supply_group_code
        meter.sts_tariff_index = sts.tariff_index
        meter.sts_key_revision = sts.key_revision
        meter.sts_key_type = sts.key_type
        meter.sts_base_date = sts.base_date
        meter.sts_key_generation = sts.key_generation
    meter.full_clean(validate_constraints=False)
    if Meter.objects.filter(serial=meter.serial).exists():
        raise UtilityError({"serial": _("A meter with this serial number already exists.")})
    if Meter.objects.filter(connection=connection, removed_on__isnull=True).exists():
        raise UtilityError(_("This connection already has a meter; replace it instead."))
    meter.save()
    record_audit(
        actor=_system(actor),
        action="utilities.meter.fit",
        obj=meter,
        after={"connection": connection.number, "serial": meter.serial, "prepaid": is_prepaid},
    )
    return meter


@transaction.atomic
def replace_meter(
    *,
    actor: User | None,
    connection: Connection,
    closing_read: Decimal,
    closing_status: str,
    new_serial: str,
    replaced_on: dt.date,
    dial_digits: int = 6,
    initial_read: Decimal = ZERO,
    sts: StsParameters | None = None,
) -> Meter:
    """Take the fitted meter off with a closing reading (its consumption counts
    in the cycle) and fit a new one."""
    if actor is not None:
        require(actor, "utilities.manage_connections", branch=connection.branch)
    old = Meter.objects.select_for_update().filter(connection=connection, removed_on__isnull=True)
    meter = old.first()
    if meter is None:
        raise UtilityError(_("This connection has no meter to replace."))
    if replaced_on < meter.installed_on:
        raise UtilityError(_("The replacement date is before the meter was fitted."))
    _save_reading(
        actor=actor,
        meter=meter,
        read_on=replaced_on,
        value=closing_read,
        status=closing_status,
        kind=ReadingKind.CLOSING,
        source=ReadingSource.STAFF,
    )
    meter.removed_on = replaced_on
    meter.save(update_fields=["removed_on"])
    new = fit_meter(
        actor=actor,
        connection=connection,
        serial=new_serial,
        installed_on=replaced_on,
        is_prepaid=meter.is_prepaid,
        dial_digits=dial_digits,
        initial_read=initial_read,
        sts=sts,
    )
    record_audit(
        actor=_system(actor),
        action="utilities.meter.replace",
        obj=new,
        before={"serial": meter.serial, "closing_read": str(closing_read)},
        after={"serial": new.serial},
    )
    return new


# --- Billing cycles -----------------------------------------------------------------------


@transaction.atomic
def open_cycle(
    *,
    actor: User | None,
    utility: str,
    period_from: dt.date,
    period_to: dt.date,
    due_date: dt.date,
    code: str = "",
) -> BillingCycle:
    """A billing cycle (the same utility and code twice returns the first)."""
    if actor is not None:
        require(actor, "utilities.run_billing")
    code = code or period_from.strftime("%Y-%m")
    cycle, created = BillingCycle.objects.get_or_create(
        utility=utility,
        code=code,
        defaults={"period_from": period_from, "period_to": period_to, "due_date": due_date},
    )
    if created:
        if period_to < period_from or due_date < period_to:
            raise UtilityError(_("The period ends before it starts or is due before it ends."))
        record_audit(actor=_system(actor), action="utilities.cycle.open", obj=cycle)
    return cycle


# --- Readings -------------------------------------------------------------------------------


def _previous(meter: Meter, read_on: dt.date) -> Reading | None:
    return (
        Reading.objects.filter(meter=meter, read_on__lte=read_on, held=False, value__isnull=False)
        .order_by("-read_on", "-pk")
        .first()
    )


def _estimated_since(meter: Meter, previous: Reading | None, read_on: dt.date) -> Decimal:
    """Units billed on estimates since the previous real reading."""
    estimates = Reading.objects.filter(
        meter=meter, kind=ReadingKind.ESTIMATED, read_on__lte=read_on, consumption__isnull=False
    )
    if previous is not None:
        estimates = estimates.filter(read_on__gte=previous.read_on).exclude(pk__lte=previous.pk)
    return sum((r for r in estimates.values_list("consumption", flat=True) if r), ZERO)


def _true_up(
    meter: Meter, previous: Reading | None, read_on: dt.date, consumption: Decimal
) -> tuple[Decimal, Decimal, str]:
    """The consumption to bill, the units to credit forward and a note: the units
    billed on estimates since the previous real reading, and what that reading
    still had to credit, are taken off. An over-estimate larger than this
    consumption is carried to the next reading, so the customer never pays for
    units his meter did not show."""
    owed_back = _estimated_since(meter, previous, read_on)
    if previous is not None:
        owed_back += previous.credit_units
    if consumption >= owed_back:
        return consumption - owed_back, ZERO, ""
    credit = owed_back - consumption
    note = _("Estimates were %(units)s units too high: they are taken off the next readings.") % {
        "units": credit
    }
    return ZERO, credit, note


def _recent_consumption(connection: Connection, *, before: dt.date) -> list[Decimal]:
    values = (
        Reading.objects.filter(
            connection=connection,
            read_on__lt=before,
            kind=ReadingKind.ACTUAL,
            held=False,
            consumption__isnull=False,
        )
        .order_by("-read_on")
        .values_list("consumption", flat=True)[:HISTORY]
    )
    return [v for v in values if v is not None]


def is_spike(consumption: Decimal, history: Sequence[Decimal]) -> bool:
    """Above the median by more than ``SPIKE_MADS`` scaled median absolute
    deviations (and at least double the median); needs three past values."""
    if len(history) < 3:
        return False
    median = Decimal(statistics.median(history))
    mad = Decimal(statistics.median([abs(v - median) for v in history])) * MAD_SCALE
    threshold = median + SPIKE_MADS * max(mad, median * Decimal("0.1"), Decimal(1))
    return consumption > threshold and consumption > 2 * median


def _cycle_for(connection: Connection, read_on: dt.date) -> BillingCycle | None:
    return (
        BillingCycle.objects.filter(
            utility=connection.utility, period_from__lte=read_on, period_to__gte=read_on
        )
        .order_by("-period_from")
        .first()
    )


def _save_reading(
    *,
    actor: User | None,
    meter: Meter,
    read_on: dt.date,
    value: Decimal | None,
    status: str,
    kind: str,
    source: str,
    note: str = "",
) -> Reading:
    connection = meter.connection
    if status not in MeterStatus.values:
        raise UtilityError({"status": _("Unknown meter status.")})
    if value is not None and value < 0:
        raise UtilityError({"value": _("A reading cannot be negative.")})
    if value is not None and value >= meter.rollover:
        raise UtilityError(
            {
                "value": _("The meter has %(n)s dials: a reading is below %(max)s.")
                % {"n": meter.dial_digits, "max": meter.rollover}
            }
        )
    if read_on < meter.installed_on:
        raise UtilityError({"read_on": _("The meter was fitted after this date.")})
    if read_on > timezone.localdate():
        raise UtilityError({"read_on": _("A reading cannot be in the future.")})
    if value is None and status == MeterStatus.WORKING:
        raise UtilityError({"value": _("Enter the reading of a working meter.")})
    cycle = _cycle_for(connection, read_on)
    reading = Reading(
        meter=meter,
        connection=connection,
        cycle=cycle,
        read_on=read_on,
        value=value,
        status=status,
        kind=kind,
        source=source,
        note=note,
        entered_by=_system(actor),
    )
    found: list[tuple[str, str]] = []
    if (
        cycle is not None
        and kind == ReadingKind.ACTUAL
        and Reading.objects.filter(
            meter=meter, cycle=cycle, kind=ReadingKind.ACTUAL, value__isnull=False
        )
        .exclude(anomalies__status=AnomalyStatus.REJECTED)
        .exists()
    ):
        reading.held = True
        found.append((AnomalyKind.DOUBLE, _("A reading for this cycle was already entered.")))
    if status in (MeterStatus.STUCK, MeterStatus.BROKEN):
        found.append((AnomalyKind.FAULT, str(MeterStatus(status).label)))
    if value is not None and not reading.held:
        previous = _previous(meter, read_on)
        base = previous.value if previous is not None and previous.value is not None else None
        base = meter.initial_read if base is None else base
        consumption = value - base
        if consumption < 0:
            wrapped = consumption + meter.rollover
            if base > meter.rollover * Decimal("0.8") and value < meter.rollover * Decimal("0.2"):
                consumption = wrapped
                reading.rolled_over = True
                found.append(
                    (
                        AnomalyKind.ROLLOVER,
                        _("The dials passed %(max)s: %(units)s units.")
                        % {"max": meter.rollover, "units": wrapped},
                    )
                )
            else:
                reading.held = True
                found.append(
                    (
                        AnomalyKind.NEGATIVE,
                        _("%(value)s is below the previous reading %(base)s.")
                        % {"value": value, "base": base},
                    )
                )
        if not reading.held:
            consumption, reading.credit_units, note = _true_up(
                meter, previous, read_on, consumption
            )
            reading.note = note or reading.note
        if not reading.held:
            reading.consumption = consumption
            if kind == ReadingKind.ACTUAL:
                history = _recent_consumption(connection, before=read_on)
                if is_spike(consumption, history):
                    reading.held = True
                    found.append(
                        (
                            AnomalyKind.SPIKE,
                            _("%(units)s units against a usual %(median)s.")
                            % {"units": consumption, "median": statistics.median(history)},
                        )
                    )
                elif consumption == 0 and history[:1] == [ZERO]:
                    found.append((AnomalyKind.ZERO, _("No consumption for two cycles or more.")))
    reading.save()
    Anomaly.objects.bulk_create(
        Anomaly(reading=reading, connection=connection, kind=k, detail=d[:300]) for k, d in found
    )
    return reading


@transaction.atomic
def record_reading(
    *,
    actor: User | None,
    meter: Meter,
    read_on: dt.date,
    value: Decimal | None,
    status: str = MeterStatus.WORKING,
    source: str = ReadingSource.STAFF,
    note: str = "",
) -> Reading:
    """A meter reading; consumption, rollover and anomalies are worked out here.
    A suspicious reading is held (not billed) until someone clears it."""
    if actor is not None:
        require(actor, "utilities.enter_readings", branch=meter.connection.branch)
    if meter.removed_on is not None:
        raise UtilityError(_("This meter has been removed."))
    reading = _save_reading(
        actor=actor,
        meter=meter,
        read_on=read_on,
        value=value,
        status=status,
        kind=ReadingKind.ACTUAL,
        source=source,
        note=note,
    )
    record_audit(
        actor=_system(actor),
        action="utilities.reading.record",
        obj=reading,
        after={"meter": meter.serial, "value": str(value), "status": status},
    )
    return reading


def estimate_consumption(
    history: Sequence[Decimal], same_period_last_year: Decimal | None
) -> Decimal:
    """The same period last year if known, else the median of the recent ones."""
    if same_period_last_year is not None:
        return same_period_last_year
    if not history:
        return ZERO
    return Decimal(statistics.median(history)).quantize(Decimal("0.001"))


@transaction.atomic
def resolve_anomaly(
    *, actor: User, anomaly: Anomaly, accept: bool, corrected_value: Decimal | None = None
) -> Anomaly:
    """Accept the reading (it will be billed) or reject it (it is never
    billed; a corrected value may be entered in its place)."""
    require(actor, "utilities.review_anomalies", branch=anomaly.connection.branch)
    anomaly = (
        Anomaly.objects.select_for_update().select_related("reading__meter").get(pk=anomaly.pk)
    )
    if anomaly.status != AnomalyStatus.OPEN:
        raise UtilityError(_("This anomaly has already been dealt with."))
    reading = anomaly.reading
    anomaly.status = AnomalyStatus.ACCEPTED if accept else AnomalyStatus.REJECTED
    anomaly.resolved_by = actor
    anomaly.resolved_at = timezone.now()
    anomaly.save(update_fields=["status", "resolved_by", "resolved_at"])
    still_open = reading.anomalies.filter(status=AnomalyStatus.OPEN).exists()
    if accept and reading.held and not still_open:
        if anomaly.kind == AnomalyKind.DOUBLE:
            Reading.objects.filter(
                meter=reading.meter, cycle=reading.cycle, kind=ReadingKind.ACTUAL, held=False
            ).exclude(pk=reading.pk).update(held=True, note=_("Replaced by a later reading."))
        if reading.consumption is None and reading.value is not None:
            previous = _previous(reading.meter, reading.read_on)
            base = previous.value if previous and previous.value is not None else None
            base = reading.meter.initial_read if base is None else base
            reading.consumption, reading.credit_units, note = _true_up(
                reading.meter, previous, reading.read_on, max(reading.value - base, ZERO)
            )
            reading.note = note or reading.note
        reading.held = False
        reading.save(update_fields=["held", "consumption", "credit_units", "note"])
    elif not accept:
        Anomaly.objects.filter(reading=reading, status=AnomalyStatus.OPEN).update(
            status=AnomalyStatus.REJECTED, resolved_by=actor, resolved_at=timezone.now()
        )
        reading.held = True
        reading.save(update_fields=["held"])
        if corrected_value is not None:
            record_reading(
                actor=actor,
                meter=reading.meter,
                read_on=reading.read_on,
                value=corrected_value,
                note=_("Correction of a rejected reading."),
            )
    record_audit(
        actor=actor,
        action="utilities.anomaly.resolve",
        obj=anomaly,
        after={"status": anomaly.status, "corrected": str(corrected_value or "")},
    )
    return anomaly


# --- Import ---------------------------------------------------------------------------------

IMPORT_COLUMNS = ("serial", "date", "reading", "status")


def _rows_of(name: str, content: bytes) -> Iterable[dict[str, str]]:
    if name.lower().endswith((".xlsx", ".xlsm")):
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        if sheet is None:
            return
        rows = sheet.iter_rows(values_only=True)
        header = [str(h or "").strip().lower() for h in next(rows, ())]
        for row in rows:
            values = {}
            for key, cell in zip(header, row, strict=False):
                if isinstance(cell, dt.datetime):
                    cell = cell.date()
                values[key] = "" if cell is None else str(cell)
            yield values
        return
    text = content.decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    reader.fieldnames = [f.strip().lower() for f in reader.fieldnames or []]
    yield from ({k: (v or "") for k, v in row.items() if k} for row in reader)


def _parse_row(row: dict[str, str]) -> tuple[Meter, dt.date, Decimal | None, str]:
    serial = normalize_digits(row.get("serial", "")).strip()
    meter = Meter.objects.select_related("connection__branch").filter(serial=serial).first()
    if meter is None:
        raise UtilityError(_("No meter with serial “%(serial)s”.") % {"serial": serial})
    try:
        read_on = dt.date.fromisoformat(normalize_digits(row.get("date", "")).strip()[:10])
    except ValueError as exc:
        raise UtilityError(_("The date must be written YYYY-MM-DD.")) from exc
    raw = normalize_digits(row.get("reading", "")).strip()
    try:
        value = Decimal(raw) if raw else None
    except InvalidOperation as exc:
        raise UtilityError(_("“%(value)s” is not a number.") % {"value": raw}) from exc
    status = (row.get("status") or MeterStatus.WORKING).strip().lower()
    return meter, read_on, value, status


def import_readings(*, actor: User, file_name: str, content: bytes) -> ReadingImport:
    """Readings from a CSV or Excel file with the columns serial, date,
    reading and status. Each row is saved on its own: a bad row is reported
    and never loses the good ones."""
    require(actor, "utilities.enter_readings")
    report: list[dict[str, Any]] = []
    accepted = 0
    try:
        rows = list(_rows_of(file_name, content))
    except (UnicodeDecodeError, csv.Error, ValueError, KeyError, OSError) as exc:
        raise UtilityError(_("The file could not be read: %(error)s") % {"error": exc}) from exc
    for number, row in enumerate(rows, start=2):
        if not any(row.values()):
            continue
        try:
            meter, read_on, value, status = _parse_row(row)
            reading = record_reading(
                actor=actor,
                meter=meter,
                read_on=read_on,
                value=value,
                status=status,
                source=ReadingSource.IMPORT,
            )
        except (ValidationError, ValueError) as exc:
            message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            report.append(
                {"row": number, "serial": row.get("serial", ""), "ok": False, "message": message}
            )
            continue
        accepted += 1
        flags = [str(AnomalyKind(a.kind).label) for a in reading.anomalies.all()]
        report.append(
            {
                "row": number,
                "serial": meter.serial,
                "ok": True,
                "message": "; ".join(flags) if flags else _("Saved"),
                "consumption": str(reading.consumption) if reading.consumption is not None else "",
            }
        )
    with transaction.atomic():
        batch = ReadingImport.objects.create(
            file_name=file_name[:200],
            rows=len(report),
            accepted=accepted,
            rejected=len(report) - accepted,
            report=report,
            imported_by=actor,
        )
        record_audit(
            actor=actor,
            action="utilities.reading.import",
            obj=batch,
            after={"rows": batch.rows, "accepted": accepted},
        )
    return batch


# --- Billing ---------------------------------------------------------------------------------

CHUNK = 1000


@transaction.atomic
def start_billing_run(
    *,
    actor: User | None,
    cycle: BillingCycle,
    branch: Branch | None = None,
    zone: str = "",
) -> BillingRun:
    """A run over the active postpaid connections of the cycle's utility in the
    branch and/or zone. Execute it with ``execute_billing_run`` (the task)."""
    if actor is not None:
        require(actor, "utilities.run_billing", branch=branch)
    run = BillingRun.objects.create(
        cycle=cycle,
        branch=branch,
        zone=zone,
        started_by=_system(actor),
        total=selectors.billable_connections(cycle=cycle, branch=branch, zone=zone)
        .exclude(bills__cycle=cycle)
        .count(),
    )
    record_audit(
        actor=_system(actor),
        action="utilities.billing.start",
        obj=run,
        after={"cycle": cycle.code, "branch": branch.code if branch else "", "zone": zone},
    )
    return run


def _months(cycle: BillingCycle) -> Decimal:
    start, end = cycle.period_from, cycle.period_to
    next_day = end + dt.timedelta(days=1)
    if start.day == 1 and next_day.day == 1:
        whole = (next_day.year - start.year) * 12 + next_day.month - start.month
        return pricing.months_between((end - start).days + 1, whole)
    return pricing.months_between((end - start).days + 1, None)


@dataclass
class _Context:
    cycle: BillingCycle
    months: Decimal
    currency: str
    schedules: dict[tuple[str, str, str], pricing.Schedule]
    labels: dict[str, str]
    description: str
    utility_labels: dict[str, str]

    def schedule(self, connection: Connection) -> pricing.Schedule:
        key = (connection.utility, connection.category, connection.meter_size)
        if key not in self.schedules:
            version = selectors.tariff_version(
                utility=connection.utility,
                category=connection.category,
                mode="postpaid",
                on=self.cycle.period_from,
            )
            self.schedules[key] = selectors.schedule_of(version, meter_size=connection.meter_size)
        return self.schedules[key]

    def utility_label(self, utility: str) -> str:
        if utility not in self.utility_labels:
            self.utility_labels[utility] = str(Utility(utility).label)
        return self.utility_labels[utility]


def execute_billing_run(
    *, run_id: int, on_connection: Callable[[Connection], None] | None = None
) -> BillingRun:
    """Bill every connection of the run that has no bill for the cycle yet, in
    chunks of ``CHUNK`` connections, one transaction per chunk. Killed halfway,
    it resumes where it stopped: a connection is billed once per cycle (the bill
    is unique per connection and cycle and the demand's idempotency key is
    derived from both). ``on_connection`` is called before each bill."""
    run = BillingRun.objects.select_related("cycle", "branch").get(pk=run_id)
    if run.status == RunStatus.DONE:
        return run
    # Held connections are looked at again on every execution: count them afresh.
    BillingRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, started_at=run.started_at or timezone.now(), error="", skipped=0
    )
    context = _Context(
        cycle=run.cycle,
        months=_months(run.cycle),
        currency=selectors.currency(),
        schedules={},
        labels={
            "block": _("Consumption {lower}–{upper} at {rate}"),
            "top": _("Consumption above {lower} at {rate}"),
            "lifeline": _("Lifeline consumption at {rate}"),
        },
        description=_("%(utility)s bill %(cycle)s, subscription %(number)s"),
        utility_labels={},
    )
    unbilled = selectors.billable_connections(
        cycle=run.cycle, branch=run.branch, zone=run.zone
    ).exclude(bills__cycle=run.cycle)
    # The ids still to bill, read once: each chunk's query is bounded by the last
    # id of its chunk, so it reads one chunk's range of the table instead of
    # everything after the previous chunk (which made a run quadratic).
    todo = list(unbilled.order_by("pk").values_list("pk", flat=True))
    last_pk = 0
    try:
        while True:
            chunk = unbilled.filter(pk__gt=last_pk)
            upper = None
            position = bisect.bisect_right(todo, last_pk)
            if len(todo) - position > CHUNK:
                upper = todo[position + CHUNK - 1]
                chunk = chunk.filter(pk__lte=upper)
            pending = list(chunk.order_by("pk")[:CHUNK])
            if not pending:
                if upper is None:
                    break
                last_pk = upper  # everything in the range was billed or dropped meanwhile
                continue
            last_pk = pending[-1].pk
            with transaction.atomic():
                billed, skipped = _bill_chunk(run, pending, context, on_connection)
                BillingRun.objects.filter(pk=run.pk).update(
                    billed=F("billed") + billed, skipped=F("skipped") + skipped
                )
    except Exception as exc:
        BillingRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, error=str(exc)[:2000])
        raise
    BillingRun.objects.filter(pk=run.pk).update(status=RunStatus.DONE, finished_at=timezone.now())
    run.refresh_from_db()
    record_audit(
        actor=None,
        action="utilities.billing.done",
        obj=run,
        after={"billed": run.billed, "skipped": run.skipped},
    )
    return run


_READ_FIELDS = ("pk", "connection_id", "meter_id", "value", "consumption", "rolled_over", "held")


def _history(
    cycle: BillingCycle, ids: list[int]
) -> tuple[dict[int, list[Decimal]], dict[int, Decimal]]:
    """The recent actual consumptions of these connections (newest first) and the
    one of the same period last year, for estimates."""
    history: dict[int, list[Decimal]] = defaultdict(list)
    last_year: dict[int, Decimal] = {}
    if not ids:
        return history, last_year
    start = cycle.period_from
    year_ago = dt.date(start.year - 1, start.month, min(start.day, 28))
    for cid, consumption, period_from in (
        Reading.objects.filter(
            connection_id__in=ids,
            kind=ReadingKind.ACTUAL,
            held=False,
            consumption__isnull=False,
            read_on__lt=cycle.period_from,
            read_on__gte=year_ago - dt.timedelta(days=31),
        )
        .order_by("-read_on")
        .values_list("connection_id", "consumption", "cycle__period_from")
    ):
        if consumption is None:
            continue
        history[cid].append(consumption)
        if period_from == year_ago:
            last_year[cid] = consumption
    return history, last_year


def _bill_chunk(
    run: BillingRun,
    connections: list[Connection],
    context: _Context,
    on_connection: Callable[[Connection], None] | None,
) -> tuple[int, int]:
    cycle = context.cycle
    ids = [c.pk for c in connections]
    # The cycle's readings of the chunk, as plain rows (the bounds let the
    # database walk its (cycle, connection) index over the chunk's range only).
    readings: dict[int, list[Any]] = defaultdict(list)
    for reading in (
        Reading.objects.filter(
            cycle=cycle,
            connection_id__gte=min(ids),
            connection_id__lte=max(ids),
            connection_id__in=ids,
        )
        .order_by("read_on", "pk")
        .values_list(*_READ_FIELDS, named=True)
    ):
        readings[reading.connection_id].append(reading)
    held = [r.pk for rows in readings.values() for r in rows if r.held]
    on_hold = set(
        Anomaly.objects.filter(reading_id__in=held, status=AnomalyStatus.OPEN).values_list(
            "reading_id", flat=True
        )
        if held
        else ()
    )
    rolled = {r.meter_id for rows in readings.values() for r in rows if r.rolled_over}
    rollover = {m.pk: m.rollover for m in Meter.objects.filter(pk__in=rolled)} if rolled else {}
    # Connections without a usable reading are estimated: their history and meter.
    unread = [
        c.pk
        for c in connections
        if not any(not r.held and r.consumption is not None for r in readings.get(c.pk, ()))
    ]
    history, last_year = _history(cycle, unread)
    meters = (
        {
            m.connection_id: m
            for m in Meter.objects.filter(connection_id__in=unread, removed_on__isnull=True)
        }
        if unread
        else {}
    )
    arrears_of = revenue.amounts_owed([c.party_id for c in connections])
    now = timezone.now()
    estimates: list[Reading] = []
    bills: list[list[Any]] = []
    specs: list[Any] = []
    skipped = 0
    for connection in connections:
        if on_connection is not None:
            on_connection(connection)
        cycle_reads = readings.get(connection.pk, [])
        if any(r.pk in on_hold for r in cycle_reads):
            skipped += 1
            continue
        usable = [r for r in cycle_reads if not r.held and r.consumption is not None]
        if usable:
            estimated = False
            units = sum((r.consumption for r in usable), ZERO)
            previous_read = _previous_value(usable[0], rollover)
            current_read = usable[-1].value
        else:
            meter = meters.get(connection.pk)
            if meter is None:
                skipped += 1
                continue
            estimated = True
            units = estimate_consumption(
                history.get(connection.pk, []), last_year.get(connection.pk)
            )
            estimates.append(
                Reading(
                    meter=meter,
                    connection=connection,
                    cycle=cycle,
                    read_on=cycle.period_to,
                    kind=ReadingKind.ESTIMATED,
                    source=ReadingSource.SYSTEM,
                    consumption=units,
                )
            )
            previous_read = current_read = None
        lines = pricing.bill_lines(
            context.schedule(connection),
            units,
            currency=context.currency,
            months=context.months,
            labels=context.labels,
        )
        amount = sum((line.amount for line in lines), ZERO)
        if amount > 0:
            specs.append(
                revenue.DemandSpec(
                    party_id=connection.party_id,
                    lines=[
                        revenue.DemandLineSpec(
                            head=line.head,
                            amount=line.amount,
                            quantity=line.quantity,
                            description=line.description[:300],
                        )
                        for line in lines
                    ],
                    due_date=cycle.due_date,
                    description=context.description
                    % {
                        "utility": context.utility_label(connection.utility),
                        "cycle": cycle.code,
                        "number": connection.number,
                    },
                    source_type=BILL_SOURCE,
                    source_id=f"{cycle.pk}:{connection.pk}",
                    period_from=cycle.period_from,
                    period_to=cycle.period_to,
                    idempotency_key=_bill_key(cycle.pk, connection.pk),
                )
            )
        # In the order of _BILL_FIELDS; the demand id is filled in below.
        bills.append(
            [
                cycle.pk,
                connection.pk,
                run.pk,
                f"{cycle.code}-{connection.number}",
                previous_read,
                current_read,
                units,
                estimated,
                amount,
                arrears_of.get(connection.party_id, ZERO),
                [
                    {
                        "head": line.head,
                        "description": line.description,
                        "quantity": str(line.quantity),
                        "rate": str(line.rate) if line.rate is not None else "",
                        "amount": str(line.amount),
                        "lower": _plain(line.lower),
                        "upper": _plain(line.upper),
                    }
                    for line in lines
                ],
                None,
                now,
            ]
        )
    if estimates:
        Reading.objects.bulk_create(estimates)
    # One batch of demands for the chunk: one block of numbers, bulk inserts.
    demand_ids = {
        d.idempotency_key: d.pk
        for d in revenue.create_demands(
            actor=None, specs=specs, audit_label=f"utilities billing run {run.pk}"
        )
    }
    for bill in bills:
        bill[11] = demand_ids.get(_bill_key(cycle.pk, bill[1]))
    insert_rows(ConnectionBill, _BILL_FIELDS, bills)
    return len(bills), skipped


_BILL_FIELDS = [
    "cycle_id",
    "connection_id",
    "run_id",
    "number",
    "previous_read",
    "current_read",
    "consumption",
    "estimated",
    "amount",
    "arrears",
    "lines",
    "demand_id",
    "created_at",
]


def _bill_key(cycle_id: int, connection_id: int) -> str:
    return f"utilities:bill:{cycle_id}:{connection_id}"


def _plain(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


def _previous_value(reading: Any, rollover: dict[int, Decimal]) -> Decimal | None:
    """The reading before ``reading`` (a row of ``_READ_FIELDS``): its value less
    its consumption, across the dials' rollover if they went round."""
    if reading.value is None or reading.consumption is None:
        return None
    if reading.rolled_over:
        return reading.value + rollover[reading.meter_id] - reading.consumption
    return reading.value - reading.consumption


# --- Workflow: connection cases -----------------------------------------------------------------


def connection_from_case(*, case: Any) -> Connection:
    """The connection applied for in a new water or electricity case (its
    status follows the case: applied until the meter is connected)."""
    existing = Connection.objects.filter(case=case).first()
    if existing is not None:
        return existing
    data = case.data or {}
    utility = Utility.WATER if case.service_key.startswith("water") else Utility.ELECTRICITY
    category = data.get("category") or Category.RESIDENTIAL
    branch = case.branch or branches().first()
    if branch is None or case.applicant is None:
        raise UtilityError(_("The case has no applicant or branch."))
    parcel = None
    label = normalize_digits(str(data.get("parcel") or "")).strip()
    if label:
        from baladiya.gis import api as gis

        block, _sep, number = label.replace("-", "/").rpartition("/")
        parcel = gis.parcel_by_number(block.strip(), number.strip())
    return register_connection(
        actor=None,
        party=case.applicant,
        utility=utility,
        category=category if category in Category.values else Category.RESIDENTIAL,
        branch=branch,
        address=str(data.get("address") or case.title or "-")[:300],
        parcel=parcel,
        case_reference=case.reference,
        case=case,
    )


def check_connect(actor: Any, case: Any, action: Any) -> None:
    """The meter must be fitted and the connection fee paid before connecting."""
    connection = Connection.objects.filter(case=case).first()
    if connection is None or not connection.meters.filter(removed_on__isnull=True).exists():
        raise UtilityError(_("Fit the meter before connecting."))
    owed = revenue.open_demands(user=None, party=connection.party).filter(
        source_type="utilities.connection", source_id=str(connection.pk)
    )
    if owed.exists():
        raise UtilityError(_("The connection fee has not been paid yet."))


def connect_effect(actor: Any, case: Any, action: Any, comment: str) -> None:
    connection = Connection.objects.get(case=case)
    set_connection_status(actor=None, connection=connection, status=ConnectionStatus.ACTIVE)


def approve_effect(actor: Any, case: Any, action: Any, comment: str) -> None:
    """Approval raises the connection fee (the catalogue fee)."""
    connection = connection_from_case(case=case)
    from baladiya.onestop import api as onestop

    service = onestop.service_by_key(case.service_key)
    fee = getattr(service, "fee", None)
    if fee and fee > 0 and revenue.head_by_code(case.service_key[:40]) is not None:
        revenue.create_demand(
            actor=None,
            party=connection.party,
            lines=[revenue.DemandLineSpec(head=case.service_key[:40], amount=Decimal(fee))],
            due_date=timezone.localdate() + dt.timedelta(days=30),
            description=_("Connection fee, subscription %(number)s")
            % {"number": connection.number},
            source_type="utilities.connection",
            source_id=str(connection.pk),
            idempotency_key=f"utilities:connection-fee:{connection.pk}",
        )


def suspend_effect(actor: Any, case: Any, action: Any, comment: str) -> None:
    connection = Connection.objects.get(case=case)
    set_connection_status(actor=None, connection=connection, status=ConnectionStatus.SUSPENDED)


def reactivate_effect(actor: Any, case: Any, action: Any, comment: str) -> None:
    connection = Connection.objects.get(case=case)
    set_connection_status(actor=None, connection=connection, status=ConnectionStatus.ACTIVE)


def close_effect(actor: Any, case: Any, action: Any, comment: str) -> None:
    connection = Connection.objects.filter(case=case).first()
    if connection is not None and connection.status != ConnectionStatus.CLOSED:
        set_connection_status(actor=None, connection=connection, status=ConnectionStatus.CLOSED)


def transfer_effect(actor: Any, case: Any, action: Any, comment: str) -> None:
    """An approved transfer: the subscription passes to the new holder."""
    data = case.data or {}
    connection = Connection.objects.filter(
        number=str(data.get("subscription-number", "")).strip()
    ).first()
    if connection is None:
        raise UtilityError(_("No subscription with this number."))
    if case.applicant_id != connection.party_id:
        raise UtilityError(_("Only the holder of a subscription may transfer it."))
    holder = party_by_national_id(normalize_digits(str(data.get("new-holder-id", ""))).strip())
    if holder is None:
        raise UtilityError(_("The new holder is not registered."))
    transfer_connection(actor=None, connection=connection, to=holder)


# --- Processes and demo data ---------------------------------------------------------------

PROCESS_FILE = Path(__file__).resolve().parent / "data" / "processes" / "connection.yaml"


CONNECTION_SERVICES = ("water-connection-new", "electricity-connection-new")


def process_spec(key: str) -> dict[str, Any]:
    """The connection process for a new water or electricity connection service,
    named after the catalogue."""
    from baladiya.onestop import api as onestop

    spec = {**yaml.safe_load(PROCESS_FILE.read_text(encoding="utf-8")), "key": key}
    service = onestop.service_by_key(key)
    if service is not None:
        spec.update(name_ar=service.name_ar, name_en=service.name_en)
    return spec


def install_processes() -> None:
    """Install the connection process for both services (idempotent)."""
    from baladiya.workflow import api as workflow

    for key in CONNECTION_SERVICES:
        workflow.install_definition(actor=None, spec=process_spec(key))


def _month_start(day: dt.date, back: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def _month_end(start: dt.date) -> dt.date:
    return _month_start(start, -1) - dt.timedelta(days=1)


def _demo_tariffs(vat: Decimal) -> None:
    water_charges = [
        ChargeSpec(
            "fixed", "water-fixed", "رسم الاشتراك الشهري", "Monthly standing charge", Decimal(5)
        ),
        ChargeSpec(
            "per-unit",
            "sewage-levy",
            "رسم الصرف الصحي",
            "Sewage levy",
            Decimal("0.5"),
            vat_applies=False,
        ),
    ]
    electricity_charges = [
        ChargeSpec(
            "fixed", "electricity-fixed", "رسم العداد الشهري", "Monthly meter charge", Decimal(8)
        ),
        ChargeSpec(
            "percent", "electricity-levy", "رسم الإنارة العامة", "Street-lighting levy", Decimal(2)
        ),
    ]
    specs: list[tuple[Any, ...]] = [
        (
            "water-residential",
            "مياه - منزلي",
            "Water - residential",
            "water",
            "residential",
            "postpaid",
            [(0, 10, "2"), (10, 20, "2.5"), (20, 30, "8"), (30, None, "10")],
            "water-consumption",
            water_charges,
            (Decimal(5), Decimal(1)),
        ),
        (
            "water-commercial",
            "مياه - تجاري",
            "Water - commercial",
            "water",
            "commercial",
            "postpaid",
            [(0, 20, "4"), (20, None, "6")],
            "water-consumption",
            water_charges,
            None,
        ),
        (
            "electricity-residential",
            "كهرباء - منزلي",
            "Electricity - residential",
            "electricity",
            "residential",
            "postpaid",
            [(0, 250, "0.55"), (250, 400, "0.6"), (400, None, "0.7")],
            "electricity-consumption",
            electricity_charges,
            None,
        ),
        (
            "electricity-prepaid",
            "كهرباء مسبقة الدفع - منزلي",
            "Prepaid electricity - residential",
            "electricity",
            "residential",
            "prepaid",
            [(0, 250, "0.55"), (250, 400, "0.6"), (400, None, "0.7")],
            "electricity-consumption",
            electricity_charges[1:],
            None,
        ),
        (
            "electricity-commercial",
            "كهرباء - تجاري",
            "Electricity - commercial",
            "electricity",
            "commercial",
            "postpaid",
            [(0, None, "0.65")],
            "electricity-consumption",
            electricity_charges,
            None,
        ),
    ]
    for code, name_ar, name_en, utility, category, mode, blocks, head, charges, lifeline in specs:
        tariff = create_tariff(
            actor=None,
            code=code,
            name_ar=name_ar,
            name_en=name_en,
            utility=utility,
            category=category,
            mode=mode,
        )
        add_tariff_version(
            actor=None,
            tariff=tariff,
            effective_from=dt.date(2024, 1, 1),
            blocks=blocks,
            consumption_head=head,
            vat_percent=vat,
            vat_head="utility-vat",
            charges=charges,
            lifeline_units=lifeline[0] if lifeline else None,
            lifeline_rate=lifeline[1] if lifeline else None,
        )


def load_demo_utilities(
    *, persons: Sequence[Party], establishments: Sequence[Party], country: str
) -> dict[str, int]:
    """Demo data (idempotent: nothing is added once the tariffs exist): tariffs,
    a year of cycles, water and electricity connections (some prepaid with STS
    parameters in the demo's supply group), a year of readings, a completed
    billing cycle and a few anomalies waiting in the queue."""
    ensure_revenue_heads()
    install_processes()
    if Tariff.objects.exists():
        return {"connections": 0}
    _demo_tariffs(Decimal(15) if country == "SA" else Decimal(16))
    rng = random.Random(7)  # noqa: S311 (demo data)
    today = timezone.localdate()
    cycles: dict[str, list[BillingCycle]] = {}
    for utility in Utility.values:
        cycles[utility] = []
        for back in range(12, -1, -1):
            start = _month_start(today, back)
            end = _month_end(start)
            cycles[utility].append(
                open_cycle(
                    actor=None,
                    utility=utility,
                    period_from=start,
                    period_to=end,
                    due_date=end + dt.timedelta(days=20),
                )
            )
    branch_list = list(branches())
    fitted = _month_start(today, 14)
    meters: list[tuple[Meter, Decimal]] = []
    subscribers = [(p, Utility.WATER, Category.RESIDENTIAL) for p in persons[:40]]
    subscribers += [(p, Utility.WATER, Category.COMMERCIAL) for p in establishments[:8]]
    subscribers += [(p, Utility.ELECTRICITY, Category.RESIDENTIAL) for p in persons[:14]]
    subscribers += [(p, Utility.ELECTRICITY, Category.COMMERCIAL) for p in establishments[:4]]
    for index, (party, utility, category) in enumerate(subscribers):
        connection = register_connection(
            actor=None,
            party=party,
            utility=utility,
            category=category,
            branch=branch_list[index % len(branch_list)] if index else branch_list[0],
            address=party.address_ar or f"حي {index % 7 + 1}",
            zone=f"Z{index % 4 + 1}",
            meter_size="3/4" if category == Category.RESIDENTIAL else "1",
            status=ConnectionStatus.ACTIVE,
            connected_on=fitted,
        )
        prepaid = (
            utility == Utility.ELECTRICITY and category == Category.RESIDENTIAL and index % 2 == 0
        )
        sts = None
        if prepaid:
            stem = "600727" + f"{41000000000 + index:011d}"
            sts = StsParameters(
                meter_pan=stem + luhn_check_digit(stem),
                supply_group_code="123456",
                tariff_index="01",
                key_revision=1,
                key_type=2,
                base_date=2014,
                key_generation="dkga02",
            )
        meter = fit_meter(
            actor=None,
            connection=connection,
            serial=f"{'WM' if utility == Utility.WATER else 'EM'}-{26000 + index:06d}",
            installed_on=fitted,
            is_prepaid=prepaid,
            dial_digits=5 if utility == Utility.WATER else 6,
            initial_read=Decimal(rng.randint(0, 900)),
            sts=sts,
        )
        if not prepaid:
            usual = (
                Decimal(rng.choice([8, 12, 18, 25, 40]))
                if utility == Utility.WATER
                else Decimal(rng.choice([150, 220, 320, 450]))
            )
            meters.append((meter, usual))
    # A year of readings (bulk: a demo loads in seconds), the last month's included.
    rows = []
    for meter, usual in meters:
        value = meter.initial_read
        for cycle in cycles[meter.connection.utility][:-1]:
            units = (usual * Decimal(rng.randint(70, 130)) / 100).quantize(Decimal(1))
            rolled = value + units >= meter.rollover
            value = (value + units) % meter.rollover
            rows.append(
                Reading(
                    meter=meter,
                    connection=meter.connection,
                    cycle=cycle,
                    read_on=cycle.period_to,
                    value=value,
                    consumption=units,
                    rolled_over=rolled,
                    source=ReadingSource.IMPORT,
                )
            )
    Reading.objects.bulk_create(rows)
    # The last completed month is billed.
    for utility in Utility.values:
        run = start_billing_run(actor=None, cycle=cycles[utility][-2])
        execute_billing_run(run_id=run.pk)
    # This month: a few readings already in, two of them suspicious.
    current = [m for m, _u in meters if m.connection.utility == Utility.WATER][:6]
    read_on = min(today, cycles[Utility.WATER][-1].period_to)
    for position, meter in enumerate(current):
        previous = _previous(meter, read_on)
        base = (
            previous.value
            if previous is not None and previous.value is not None
            else meter.initial_read
        )
        value = base - 3 if position == 0 else base + (400 if position == 1 else 9)
        record_reading(actor=None, meter=meter, read_on=read_on, value=value % meter.rollover)
    return {"connections": len(subscribers), "readings": len(rows)}
