"""Reads for pages, the REST API and other apps; permission-checked where a
user is given."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from baladiya.core.api import (
    Branch,
    Party,
    User,
    has_capability,
    normalize_arabic,
    normalize_digits,
    organisation,
    require,
)
from baladiya.utilities import pricing
from baladiya.utilities.models import (
    Anomaly,
    AnomalyStatus,
    BillingCycle,
    BillingRun,
    Connection,
    ConnectionBill,
    ConnectionStatus,
    Meter,
    Reading,
    ReadingImport,
    ReadingKind,
    Tariff,
    TariffBlock,
    TariffCharge,
    TariffMode,
    TariffVersion,
    Utility,
)


class TariffMissing(LookupError):
    pass


def currency() -> str:
    org = organisation()
    return org.currency if org is not None else "ILS"


# --- Meters ---------------------------------------------------------------------------


def meter_by_serial(serial: str) -> Meter | None:
    return (
        Meter.objects.select_related("connection", "connection__party")
        .filter(serial=serial.strip())
        .first()
    )


def meters_of(party: Party) -> QuerySet[Meter]:
    """The meters fitted on the party's connections (not the removed ones)."""
    return (
        Meter.objects.select_related("connection")
        .filter(connection__party=party, removed_on__isnull=True)
        .order_by("connection__number")
    )


def prepaid_meters() -> QuerySet[Meter]:
    return (
        Meter.objects.select_related("connection", "connection__party")
        .filter(is_prepaid=True, removed_on__isnull=True)
        .order_by("serial")
    )


# --- Tariffs --------------------------------------------------------------------------


def tariff_version(
    *, utility: str, category: str, mode: str, on: dt.date, prefetch: bool = True
) -> TariffVersion:
    """The version in force on ``on`` of the tariff for this utility, category
    and mode (a prepaid meter without a prepaid tariff pays the postpaid one).
    Without ``prefetch`` its blocks and charges are left to :func:`schedule_of`,
    which keeps them per process."""
    modes = [mode] if mode == TariffMode.POSTPAID else [mode, TariffMode.POSTPAID]
    for wanted in modes:
        in_force = (
            TariffVersion.objects.filter(
                tariff__utility=utility,
                tariff__category=category,
                tariff__mode=wanted,
                effective_from__lte=on,
            )
            .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
            .select_related("tariff")
            .order_by("-effective_from")
        )
        if prefetch:
            in_force = in_force.prefetch_related("blocks", "charges")
        version = in_force.first()
        if version is not None:
            return version
    raise TariffMissing(
        _("No %(utility)s tariff for %(category)s on %(date)s.")
        % {"utility": utility, "category": category, "date": on.isoformat()}
    )


# A version's blocks and charges, per (id, creation time): they are written with the
# version, in its transaction, and never change afterwards (a change of price is a
# new version; the admin is read-only), so a process may keep them.
_CONTENT: dict[tuple[int, dt.datetime], tuple[list[TariffBlock], list[TariffCharge]]] = {}
_CONTENT_LIMIT = 512


def _content(version: TariffVersion) -> tuple[list[TariffBlock], list[TariffCharge]]:
    key = (version.pk, version.created_at)
    content = _CONTENT.get(key)
    if content is None:
        content = (list(version.blocks.all()), list(version.charges.all()))
        if len(_CONTENT) >= _CONTENT_LIMIT:
            _CONTENT.clear()
        _CONTENT[key] = content
    return content


def schedule_of(version: TariffVersion, *, meter_size: str = "") -> pricing.Schedule:
    """The version as plain values for ``pricing`` (fixed charges for this
    meter size, or for every size)."""
    english = (get_language() or "ar").startswith("en")
    charges = []
    blocks, version_charges = _content(version)
    for charge in version_charges:
        if charge.meter_size and charge.meter_size != meter_size:
            continue
        charges.append(
            pricing.Charge(
                kind=charge.kind,
                head=charge.head,
                description=charge.description_en if english else charge.description_ar,
                amount=charge.amount,
                vat_applies=charge.vat_applies,
            )
        )
    return pricing.Schedule(
        blocks=tuple(pricing.Block(b.lower, b.upper, b.rate) for b in blocks),
        consumption_head=version.consumption_head,
        method=version.method,
        lifeline_units=version.lifeline_units,
        lifeline_rate=version.lifeline_rate,
        charges=tuple(charges),
        vat_percent=version.vat_percent,
        vat_head=version.vat_head,
    )


def tariff_by_id(pk: int) -> Tariff | None:
    return Tariff.objects.filter(pk=pk).first()


def latest_tariff_version(tariff: Tariff) -> TariffVersion | None:
    """The tariff's newest version (a new one is made from it), with its blocks
    and charges."""
    return tariff.versions.prefetch_related("blocks", "charges").order_by("-version").first()


def tariffs() -> QuerySet[Tariff]:
    return Tariff.objects.prefetch_related("versions__blocks", "versions__charges").order_by(
        "utility", "category", "mode"
    )


def price_prepaid_units(
    meter: Meter, amount: Decimal, *, bought: Decimal, on: dt.date
) -> pricing.Priced:
    connection: Connection = meter.connection
    version = tariff_version(
        utility=connection.utility,
        category=connection.category,
        mode=TariffMode.PREPAID,
        on=on,
        prefetch=False,
    )
    schedule = schedule_of(version, meter_size=connection.meter_size)
    return pricing.prepaid_units(schedule, amount, bought=bought, currency=currency())


# --- Connections ----------------------------------------------------------------------


def billable_connections(
    *, cycle: BillingCycle, branch: Branch | None = None, zone: str = ""
) -> QuerySet[Connection]:
    """Active connections of the cycle's utility with a fitted postpaid meter."""
    qs = Connection.objects.filter(
        utility=cycle.utility,
        status=ConnectionStatus.ACTIVE,
        meters__removed_on__isnull=True,
        meters__is_prepaid=False,
    )
    if branch is not None:
        qs = qs.filter(branch=branch)
    if zone:
        qs = qs.filter(zone=zone)
    return qs


def _staff_may_view(user: User, branch: Branch | None = None) -> bool:
    return bool(user.is_staff and has_capability(user, "utilities.view", branch=branch))


def connections(
    *, user: User, query: str = "", utility: str = "", status: str = "", zone: str = ""
) -> QuerySet[Connection]:
    require(user, "utilities.view")
    qs = Connection.objects.select_related("party", "branch").order_by("number")
    if query:
        q = normalize_digits(query).strip()
        qs = qs.filter(
            Q(number__icontains=q)
            | Q(party__search_text__icontains=normalize_arabic(q))
            | Q(party__national_id=q)
            | Q(meters__serial=q)
            | Q(address__icontains=q)
        ).distinct()
    if utility:
        qs = qs.filter(utility=utility)
    if status:
        qs = qs.filter(status=status)
    if zone:
        qs = qs.filter(zone=zone)
    return qs


def connection_for(*, user: User, pk: int) -> Connection:
    """A connection its holder or staff allowed to view it may see; anyone
    else gets ``Connection.DoesNotExist`` (as if it did not exist)."""
    connection = (
        Connection.objects.select_related("party", "branch", "parcel").filter(pk=pk).first()
    )
    if connection is None:
        raise Connection.DoesNotExist
    if _staff_may_view(user, connection.branch):
        return connection
    if user.is_authenticated and user.party_id and user.party_id == connection.party_id:
        return connection
    raise Connection.DoesNotExist


def connections_of(*, user: User) -> QuerySet[Connection]:
    """The signed-in citizen's own connections."""
    if not user.is_authenticated or not user.party_id:
        return Connection.objects.none()
    return (
        Connection.objects.filter(party_id=user.party_id)
        .prefetch_related("meters")
        .order_by("number")
    )


def fitted_meter(connection: Connection) -> Meter | None:
    return Meter.objects.filter(connection=connection, removed_on__isnull=True).first()


def meter_history(connection: Connection) -> QuerySet[Meter]:
    return Meter.objects.filter(connection=connection).order_by("-installed_on", "-pk")


def readings_of(connection: Connection, *, limit: int = 36) -> list[Reading]:
    return list(
        Reading.objects.filter(connection=connection)
        .select_related("meter", "cycle", "entered_by")
        .prefetch_related("anomalies")
        .order_by("-read_on", "-pk")[:limit]
    )


def bills_of(connection: Connection, *, limit: int = 24) -> list[ConnectionBill]:
    return list(
        ConnectionBill.objects.filter(connection=connection)
        .select_related("cycle")
        .order_by("-cycle__period_from")[:limit]
    )


def bill_for(*, user: User, pk: int) -> ConnectionBill:
    bill = (
        ConnectionBill.objects.select_related("cycle", "connection__party", "connection__branch")
        .filter(pk=pk)
        .first()
    )
    if bill is None:
        raise ConnectionBill.DoesNotExist
    connection_for(user=user, pk=bill.connection_id)
    return bill


@dataclass(frozen=True)
class Point:
    label: str
    units: Decimal
    estimated: bool


def consumption_history(connection: Connection, *, cycles: int = 24) -> list[Point]:
    """Consumption per billing cycle (readings not held back), the last
    ``cycles`` cycles, oldest first; a cycle with an estimate is marked."""
    rows = (
        Reading.objects.filter(
            connection=connection, cycle__isnull=False, held=False, consumption__isnull=False
        )
        .values("cycle__code", "cycle__period_from")
        .annotate(
            units=Sum("consumption"),
            estimates=Count("pk", filter=Q(kind=ReadingKind.ESTIMATED)),
        )
        .order_by("-cycle__period_from")[:cycles]
    )
    return [
        Point(row["cycle__code"], row["units"], row["estimates"] > 0)
        for row in reversed(list(rows))
    ]


@dataclass(frozen=True)
class Chart:
    """An inline SVG bar chart of a consumption history."""

    width: int
    height: int
    bars: list[dict[str, object]]
    maximum: Decimal


def chart(points: list[Point], *, width: int = 720, height: int = 200) -> Chart:
    top = max((p.units for p in points), default=Decimal(0)) or Decimal(1)
    slot = width / max(len(points), 1)
    bars = []
    for i, point in enumerate(points):
        h = float(point.units / top) * (height - 30)
        bars.append(
            {
                "x": round(i * slot + slot * 0.15, 1),
                "y": round(height - 20 - h, 1),
                "w": round(slot * 0.7, 1),
                "h": round(h, 1),
                "label": point.label,
                "units": point.units,
                "estimated": point.estimated,
                "tx": round(i * slot + slot / 2, 1),
            }
        )
    return Chart(width=width, height=height, bars=bars, maximum=top)


# --- Readings and anomalies -------------------------------------------------------------


def open_anomalies(*, user: User, kind: str = "") -> QuerySet[Anomaly]:
    require(user, "utilities.review_anomalies")
    qs = Anomaly.objects.filter(status=AnomalyStatus.OPEN).select_related(
        "reading__meter", "connection__party"
    )
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("created_at", "pk")


def anomaly_for(*, user: User, pk: int) -> Anomaly:
    require(user, "utilities.review_anomalies")
    return Anomaly.objects.select_related("reading__meter", "connection").get(pk=pk)


def anomaly_counts() -> dict[str, int]:
    rows = (
        Anomaly.objects.filter(status=AnomalyStatus.OPEN)
        .values("kind")
        .annotate(n=Count("pk"))
        .order_by("kind")
    )
    return {row["kind"]: row["n"] for row in rows}


def reading_import(*, user: User, pk: int) -> ReadingImport:
    require(user, "utilities.enter_readings")
    return ReadingImport.objects.get(pk=pk)


# --- Billing ---------------------------------------------------------------------------


def cycles(utility: str = "") -> QuerySet[BillingCycle]:
    qs = BillingCycle.objects.all()
    return qs.filter(utility=utility) if utility else qs


def runs(*, user: User) -> QuerySet[BillingRun]:
    require(user, "utilities.run_billing")
    return BillingRun.objects.select_related("cycle", "branch").order_by("-created_at")


def run_for(*, user: User, pk: int) -> BillingRun:
    require(user, "utilities.run_billing")
    return BillingRun.objects.select_related("cycle", "branch").get(pk=pk)


def bills_of_run(run: BillingRun) -> QuerySet[ConnectionBill]:
    return (
        ConnectionBill.objects.filter(run=run)
        .select_related("cycle", "connection__party", "connection__branch")
        .order_by("connection__number")
    )


# --- Monitoring ------------------------------------------------------------------------


def totals_by_zone(cycle: BillingCycle) -> list[dict[str, object]]:
    return [
        dict(row)
        for row in ConnectionBill.objects.filter(cycle=cycle)
        .values("connection__zone")
        .annotate(
            connections=Count("pk"),
            units=Sum("consumption"),
            amount=Sum("amount"),
        )
        .order_by("connection__zone")
    ]


def top_consumers(cycle: BillingCycle, *, limit: int = 10) -> QuerySet[ConnectionBill]:
    return (
        ConnectionBill.objects.filter(cycle=cycle)
        .select_related("connection__party")
        .order_by("-consumption")[:limit]
    )


def case_row(case_id: int) -> Any:
    """A workflow case without a user (event handlers only), reached through
    the connection's own foreign key."""
    model = Connection._meta.get_field("case").related_model
    return model._default_manager.select_related("applicant", "branch").get(pk=case_id)


def linked_to_parcel(parcel: Any, user: Any) -> list[Any]:
    """The water and electricity connections on a parcel (its card on the map)."""
    from django.urls import reverse

    from baladiya.gis import api as gis

    return [
        gis.LinkedRecord(
            kind=str(Utility(c.utility).label),
            reference=c.number,
            title=c.party.name,
            url=reverse("utilities:connection", args=[c.pk]),
            status=c.get_status_display(),
        )
        for c in Connection.objects.filter(parcel=parcel).select_related("party")[:50]
    ]
