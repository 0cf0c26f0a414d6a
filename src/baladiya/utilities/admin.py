"""Back-office lists; readings, bills and runs are read-only (they carry money
or drive billing: change them through the pages, which audit every change)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from baladiya.utilities.models import (
    Anomaly,
    BillingCycle,
    BillingRun,
    Connection,
    ConnectionBill,
    Meter,
    Reading,
    Tariff,
    TariffVersion,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Connection)
class ConnectionAdmin(ReadOnly):
    list_display = ["number", "party", "utility", "category", "status", "branch", "zone"]
    list_filter = ["utility", "category", "status"]
    search_fields = ["number", "party__name_ar", "party__national_id", "address"]


@admin.register(Meter)
class MeterAdmin(ReadOnly):
    list_display = ["serial", "connection", "is_prepaid", "installed_on", "removed_on"]
    list_filter = ["is_prepaid"]
    search_fields = ["serial", "sts_meter_pan"]


@admin.register(Tariff)
class TariffAdmin(ReadOnly):
    list_display = ["code", "name_ar", "utility", "category", "mode"]


@admin.register(TariffVersion)
class TariffVersionAdmin(ReadOnly):
    list_display = ["tariff", "version", "effective_from", "effective_to", "method", "vat_percent"]


@admin.register(BillingCycle)
class BillingCycleAdmin(ReadOnly):
    list_display = ["utility", "code", "period_from", "period_to", "due_date"]


@admin.register(Reading)
class ReadingAdmin(ReadOnly):
    list_display = ["meter", "read_on", "value", "consumption", "status", "kind", "held"]
    list_filter = ["kind", "status", "held"]
    search_fields = ["meter__serial"]


@admin.register(Anomaly)
class AnomalyAdmin(ReadOnly):
    list_display = ["connection", "kind", "status", "created_at"]
    list_filter = ["kind", "status"]


@admin.register(BillingRun)
class BillingRunAdmin(ReadOnly):
    list_display = ["cycle", "branch", "zone", "status", "total", "billed", "skipped"]


@admin.register(ConnectionBill)
class ConnectionBillAdmin(ReadOnly):
    list_display = ["number", "connection", "cycle", "consumption", "amount", "arrears"]
    search_fields = ["number", "connection__number"]
