"""Staff pages (connections, meters, readings, anomalies, billing runs,
monitoring) and the citizen's own consumption and bills."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from baladiya.core import api as core
from baladiya.revenue import api as revenue
from baladiya.utilities import api, selectors, services, tasks
from baladiya.utilities.forms import (
    FitMeterForm,
    ImportForm,
    ReadingForm,
    ReplaceMeterForm,
    RunForm,
    TariffBlockFormSet,
    TariffChargeFormSet,
    TariffVersionForm,
    decimal_or_none,
)
from baladiya.utilities.models import AnomalyKind, ConnectionStatus, MeterStatus, Utility


def _staff(request: HttpRequest, capability: str) -> None:
    if not request.user.is_staff:
        raise core.AccessDenied(_("This page is for staff."))
    core.require(request.user, capability)


def _errors_into(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _connection_or_404(request: HttpRequest, pk: int) -> Any:
    try:
        return selectors.connection_for(user=request.user, pk=pk)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def _language(request: HttpRequest) -> str:
    lang = request.GET.get("lang") or translation.get_language() or "ar"
    return "en" if lang.startswith("en") else "ar"


def _sts(data: dict[str, Any]) -> services.StsParameters | None:
    if not data.get("sts_meter_pan"):
        return None
    return services.StsParameters(
        meter_pan=data["sts_meter_pan"],
        supply_group_code=data["sts_supply_group_code"],
        tariff_index=data["sts_tariff_index"],
        key_revision=data["sts_key_revision"] or 1,
        key_type=data["sts_key_type"] if data["sts_key_type"] != "" else 2,
        base_date=data["sts_base_date"] or 2014,
        key_generation=data["sts_key_generation"] or "dkga02",
    )


# --- Connections ------------------------------------------------------------------------


@login_required
def connections(request: HttpRequest) -> HttpResponse:
    _staff(request, "utilities.view")
    qs = selectors.connections(
        user=request.user,
        query=request.GET.get("q", ""),
        utility=request.GET.get("utility", ""),
        status=request.GET.get("status", ""),
        zone=request.GET.get("zone", ""),
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "utilities/connections.html",
        {
            "page_obj": page,
            "utilities": Utility.choices,
            "statuses": ConnectionStatus.choices,
        },
    )


def _history_context(connection: Any) -> dict[str, Any]:
    points = selectors.consumption_history(connection)
    return {
        "chart": selectors.chart(points),
        "bills": selectors.bills_of(connection),
        "unit": "m³" if connection.utility == Utility.WATER else "kWh",
    }


@login_required
def connection(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request, "utilities.view")
    conn = _connection_or_404(request, pk)
    meter = selectors.fitted_meter(conn)
    fit_form = FitMeterForm(
        request.POST if request.POST.get("op") == "fit" else None,
        initial={"installed_on": timezone.localdate()},
        prefix="fit",
    )
    if request.method == "POST" and request.POST.get("op") == "fit" and fit_form.is_valid():
        data = fit_form.cleaned_data
        try:
            services.fit_meter(
                actor=request.user,
                connection=conn,
                serial=data["serial"],
                installed_on=data["installed_on"],
                is_prepaid=data["is_prepaid"],
                dial_digits=data["dial_digits"],
                initial_read=data["initial_read"],
                sts=_sts(data),
            )
        except ValidationError as exc:
            _errors_into(fit_form, exc)
        else:
            messages.success(request, _("The meter was fitted."))
            return redirect("utilities:connection", pk=conn.pk)
    return render(
        request,
        "utilities/connection.html",
        {
            "connection": conn,
            "meter": meter,
            "meters": selectors.meter_history(conn),
            "readings": selectors.readings_of(conn),
            "fit_form": fit_form,
            "owed": revenue.amount_owed(conn.party),
            "may_manage": core.has_capability(
                request.user, "utilities.manage_connections", branch=conn.branch
            ),
            **_history_context(conn),
        },
    )


@login_required
def replace_meter(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request, "utilities.manage_connections")
    conn = _connection_or_404(request, pk)
    meter = selectors.fitted_meter(conn)
    if meter is None:
        raise Http404
    form = ReplaceMeterForm(request.POST or None, initial={"replaced_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.replace_meter(
                actor=request.user,
                connection=conn,
                closing_read=data["closing_read"],
                closing_status=data["closing_status"],
                new_serial=data["new_serial"],
                replaced_on=data["replaced_on"],
                dial_digits=data["dial_digits"],
                initial_read=data["initial_read"],
                sts=_sts(data),
            )
        except ValidationError as exc:
            _errors_into(form, exc)
        else:
            messages.success(request, _("The meter was replaced."))
            return redirect("utilities:connection", pk=conn.pk)
    return render(
        request, "utilities/replace_meter.html", {"connection": conn, "meter": meter, "form": form}
    )


@login_required
def tariffs(request: HttpRequest) -> HttpResponse:
    """Every tariff with its versions, blocks and charges."""
    _staff(request, "utilities.view")
    return render(
        request,
        "utilities/tariffs.html",
        {
            "tariffs": selectors.tariffs(),
            "today": timezone.localdate(),
            "can_manage": core.has_capability(request.user, "utilities.manage_tariffs"),
        },
    )


def _version_initial(
    current: Any,
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """A new version's form filled from the current one, starting next month."""
    today = timezone.localdate()
    next_month = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    if current is None:
        return {"effective_from": today, "vat_percent": 0}, [], []
    start = max(next_month, current.effective_from + dt.timedelta(days=1))
    terms = {
        "effective_from": start,
        "method": current.method,
        "consumption_head": current.consumption_head,
        "lifeline_units": current.lifeline_units,
        "lifeline_rate": current.lifeline_rate,
        "vat_percent": current.vat_percent,
        "vat_head": current.vat_head,
    }
    blocks = [{"lower": b.lower, "upper": b.upper, "rate": b.rate} for b in current.blocks.all()]
    charges = [
        {
            "kind": c.kind,
            "head": c.head,
            "description_ar": c.description_ar,
            "description_en": c.description_en,
            "amount": c.amount,
            "meter_size": c.meter_size,
            "vat_applies": c.vat_applies,
        }
        for c in current.charges.all()
    ]
    return terms, blocks, charges


def _kept_rows(formset: Any) -> list[dict[str, Any]]:
    return [
        f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]


@login_required
def new_tariff_version(request: HttpRequest, pk: int) -> HttpResponse:
    """A new version of a tariff, filled from the current one: the current version
    ends the day before the new one starts; bills already raised keep their prices."""
    _staff(request, "utilities.manage_tariffs")
    tariff = selectors.tariff_by_id(pk)
    if tariff is None:
        raise Http404
    current = selectors.latest_tariff_version(tariff)
    terms, block_rows, charge_rows = _version_initial(current)
    posted = request.POST if request.method == "POST" else None
    form = TariffVersionForm(posted, initial=terms)
    blocks = TariffBlockFormSet(posted, initial=block_rows, prefix="blocks")
    charges = TariffChargeFormSet(posted, initial=charge_rows, prefix="charges")
    if posted is not None and form.is_valid() and blocks.is_valid() and charges.is_valid():
        data = form.cleaned_data
        try:
            version = services.add_tariff_version(
                actor=request.user,
                tariff=tariff,
                effective_from=data["effective_from"],
                method=data["method"],
                consumption_head=data["consumption_head"],
                lifeline_units=data["lifeline_units"],
                lifeline_rate=data["lifeline_rate"],
                vat_percent=data["vat_percent"],
                vat_head=data["vat_head"],
                blocks=sorted(
                    ((b["lower"], b["upper"], b["rate"]) for b in _kept_rows(blocks)),
                    key=lambda block: block[0],
                ),
                charges=[
                    services.ChargeSpec(
                        kind=c["kind"],
                        head=c["head"],
                        description_ar=c["description_ar"],
                        description_en=c["description_en"],
                        amount=c["amount"],
                        meter_size=c["meter_size"],
                        vat_applies=c["vat_applies"],
                    )
                    for c in _kept_rows(charges)
                ],
            )
        except ValidationError as exc:
            _errors_into(form, exc)
        else:
            messages.success(
                request,
                _("Version %(n)s of “%(tariff)s” is in force from %(date)s.")
                % {"n": version.version, "tariff": tariff.name, "date": version.effective_from},
            )
            return redirect("utilities:tariffs")
    return render(
        request,
        "utilities/tariff_version.html",
        {
            "tariff": tariff,
            "current": current,
            "form": form,
            "blocks": blocks,
            "charges": charges,
        },
    )


# --- Readings --------------------------------------------------------------------------------


@login_required
def readings(request: HttpRequest) -> HttpResponse:
    _staff(request, "utilities.enter_readings")
    op = request.POST.get("op")
    form = ReadingForm(request.POST if op == "enter" else None)
    import_form = ImportForm(
        request.POST if op == "import" else None, request.FILES if op == "import" else None
    )
    saved = None
    if op == "enter" and form.is_valid():
        data = form.cleaned_data
        meter = api.meter_by_serial(core.normalize_digits(data["serial"]))
        if meter is None:
            form.add_error("serial", _("No meter with this serial number."))
        else:
            try:
                saved = services.record_reading(
                    actor=request.user,
                    meter=meter,
                    read_on=data["read_on"],
                    value=data["value"],
                    status=data["status"],
                    note=data["note"],
                )
            except ValidationError as exc:
                _errors_into(form, exc)
            else:
                if saved.held:
                    messages.warning(
                        request,
                        _("The reading was saved and held for review: %(why)s")
                        % {"why": ", ".join(a.get_kind_display() for a in saved.anomalies.all())},
                    )
                else:
                    messages.success(
                        request,
                        _("Reading saved: %(units)s units consumed.")
                        % {"units": saved.consumption if saved.consumption is not None else "—"},
                    )
                return redirect("utilities:readings")
    if op == "import" and import_form.is_valid():
        upload = import_form.cleaned_data["file"]
        try:
            batch = services.import_readings(
                actor=request.user, file_name=upload.name, content=upload.read()
            )
        except ValidationError as exc:
            _errors_into(import_form, exc)
        else:
            return redirect("utilities:import-report", pk=batch.pk)
    return render(
        request,
        "utilities/readings.html",
        {"form": form, "import_form": import_form, "statuses": MeterStatus.choices},
    )


@login_required
def import_report(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request, "utilities.enter_readings")
    try:
        batch = selectors.reading_import(user=request.user, pk=pk)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    return render(request, "utilities/import_report.html", {"batch": batch})


# --- Anomalies --------------------------------------------------------------------------------


@login_required
def anomalies(request: HttpRequest) -> HttpResponse:
    _staff(request, "utilities.review_anomalies")
    kind = request.GET.get("kind", "")
    counts = selectors.anomaly_counts()
    page = Paginator(selectors.open_anomalies(user=request.user, kind=kind), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "utilities/anomalies.html",
        {
            "page_obj": page,
            "kinds": [(value, label, counts.get(value, 0)) for value, label in AnomalyKind.choices],
            "kind": kind,
        },
    )


@login_required
@require_POST
def resolve_anomaly(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request, "utilities.review_anomalies")
    try:
        anomaly = selectors.anomaly_for(user=request.user, pk=pk)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    accept = request.POST.get("decision") == "accept"
    corrected_text = request.POST.get("corrected", "").strip()
    corrected = decimal_or_none(corrected_text) if corrected_text else None
    if corrected_text and corrected is None:
        messages.error(request, _("“%(value)s” is not a number.") % {"value": corrected_text})
        return redirect("utilities:anomalies")
    try:
        services.resolve_anomaly(
            actor=request.user, anomaly=anomaly, accept=accept, corrected_value=corrected
        )
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(
            request, _("The reading was accepted.") if accept else _("The reading was rejected.")
        )
    return redirect("utilities:anomalies")


# --- Billing runs --------------------------------------------------------------------------


@login_required
def runs(request: HttpRequest) -> HttpResponse:
    _staff(request, "utilities.run_billing")
    cycle_choices = [(c.pk, str(c)) for c in selectors.cycles()[:36]]
    form = RunForm(request.POST or None, cycles=cycle_choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        branch = core.branch_by_code(data["branch"]) if data["branch"] else None
        if data["branch"] and branch is None:
            form.add_error("branch", _("No branch with this code."))
        else:
            try:
                run = services.start_billing_run(
                    actor=request.user,
                    cycle=selectors.cycles().get(pk=data["cycle"]),
                    branch=branch,
                    zone=data["zone"].strip(),
                )
            except ValidationError as exc:
                _errors_into(form, exc)
            else:
                tasks.run_billing.delay(run.pk)
                return redirect("utilities:run", pk=run.pk)
    page = Paginator(selectors.runs(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "utilities/runs.html", {"form": form, "page_obj": page})


def _run_or_404(request: HttpRequest, pk: int) -> Any:
    try:
        return selectors.run_for(user=request.user, pk=pk)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


@login_required
def run(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request, "utilities.run_billing")
    billing_run = _run_or_404(request, pk)
    if request.method == "POST" and request.POST.get("op") == "resume":
        tasks.run_billing.delay(billing_run.pk)
        return redirect("utilities:run", pk=pk)
    page = Paginator(selectors.bills_of_run(billing_run), 50).get_page(request.GET.get("page"))
    return render(request, "utilities/run.html", {"run": billing_run, "page_obj": page})


@login_required
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request, "utilities.run_billing")
    return render(request, "utilities/_run_progress.html", {"run": _run_or_404(request, pk)})


def _plain(text: str) -> str:
    try:
        return f"{Decimal(text).normalize():f}"
    except (InvalidOperation, ValueError):
        return text


def _bill_lines(bill: Any, heads: dict[str, Any]) -> list[dict[str, str]]:
    """The bill's lines labelled in the active language: a consumption block by
    its limits, any other line by its revenue head."""
    rows = []
    for line in bill.lines:
        if line.get("lower"):
            if line.get("upper"):
                label = _("Consumption %(lower)s–%(upper)s") % {
                    "lower": line["lower"],
                    "upper": line["upper"],
                }
            else:
                label = _("Consumption above %(lower)s") % {"lower": line["lower"]}
        else:
            if line["head"] not in heads:
                heads[line["head"]] = revenue.head_by_code(line["head"])
            head = heads[line["head"]]
            label = head.name if head is not None else line["description"]
        rows.append(
            {
                "label": label,
                "quantity": _plain(line["quantity"]),
                "rate": _plain(line["rate"]),
                "amount": line["amount"],
            }
        )
    return rows


def _bills_pdf(bills: list[Any], language: str) -> bytes:
    heads: dict[str, Any] = {}
    with translation.override(language):
        pages = [
            {
                "bill": bill,
                "lines": _bill_lines(bill, heads),
                "qr": core.qr_data_uri(
                    core.absolute_url(reverse("utilities:my-connection", args=[bill.connection_id]))
                ),
            }
            for bill in bills
        ]
    return core.render_pdf(
        "utilities/bill_pdf.html",
        {"pages": pages, "organisation": core.organisation()},
        language=language,
    )


def _pdf(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
def run_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Every bill of the run in one PDF (one page each), in Arabic or English."""
    _staff(request, "utilities.run_billing")
    billing_run = _run_or_404(request, pk)
    bills = list(selectors.bills_of_run(billing_run)[:2000])
    return _pdf(_bills_pdf(bills, _language(request)), f"bills-{billing_run.cycle.code}.pdf")


@login_required
def bill_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """One bill; its holder or staff may open it."""
    try:
        bill = selectors.bill_for(user=request.user, pk=pk)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    return _pdf(_bills_pdf([bill], _language(request)), f"bill-{bill.number}.pdf")


def _idle_prepaid_meters(*, days: int, on: dt.date) -> list[Any]:
    """Prepaid meters with no purchase in the last ``days`` days (purchases are
    the vending app's; a meter never sold to counts from its fitting)."""
    from baladiya.vending import api as vending

    last = getattr(vending, "last_purchase_dates", None)
    since = on - dt.timedelta(days=days)
    meters = list(
        api.prepaid_meters().select_related("connection__party").filter(installed_on__lte=since)
    )
    dates: dict[int, dt.date] = last([m.pk for m in meters]) if last is not None else {}
    return [m for m in meters if dates.get(m.pk, m.installed_on) <= since]


# --- Monitoring ---------------------------------------------------------------------------


@login_required
def monitor(request: HttpRequest) -> HttpResponse:
    _staff(request, "utilities.view")
    all_cycles = list(selectors.cycles()[:24])
    chosen = request.GET.get("cycle")
    cycle = next(
        (c for c in all_cycles if str(c.pk) == chosen), all_cycles[0] if all_cycles else None
    )
    try:
        days = max(1, min(int(request.GET.get("days", "30")), 3650))
    except ValueError:
        days = 30
    return render(
        request,
        "utilities/monitor.html",
        {
            "cycles": all_cycles,
            "cycle": cycle,
            "zones": selectors.totals_by_zone(cycle) if cycle else [],
            "top": selectors.top_consumers(cycle) if cycle else [],
            "counts": [
                (label, selectors.anomaly_counts().get(key, 0))
                for key, label in AnomalyKind.choices
            ],
            "days": days,
            "idle": _idle_prepaid_meters(days=days, on=timezone.localdate()),
        },
    )


# --- The citizen's pages -------------------------------------------------------------------


@login_required
def my_connections(request: HttpRequest) -> HttpResponse:
    mine = list(selectors.connections_of(user=request.user))
    return render(request, "utilities/my_connections.html", {"connections": mine})


@login_required
def my_connection(request: HttpRequest, pk: int) -> HttpResponse:
    conn = _connection_or_404(request, pk)
    if conn.party_id != request.user.party_id:
        return redirect("utilities:connection", pk=pk)
    return render(
        request,
        "utilities/my_connection.html",
        {
            "connection": conn,
            "meter": selectors.fitted_meter(conn),
            "owed": revenue.amount_owed(conn.party),
            "today": dt.date.today(),
            **_history_context(conn),
        },
    )
