"""Back-office lists of sales and meter states; read-only (money and tokens change
only through the vend service). The token digits are not listed."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from baladiya.vending.models import MeterVendState, Vend, VendingPolicy


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Vend)
class VendAdmin(ReadOnly):
    list_display = ["number", "meter", "party", "channel", "status", "amount", "units", "tid"]
    list_filter = ["channel", "status", "utility", "branch"]
    search_fields = ["number", "meter__serial", "party__national_id"]
    exclude = ["token", "idempotency_key"]
    raw_id_fields = ["meter", "party", "demand", "payment", "shift", "operator"]


@admin.register(MeterVendState)
class MeterVendStateAdmin(ReadOnly):
    list_display = ["meter", "last_tid", "month", "month_units", "updated_at"]
    search_fields = ["meter__serial"]


@admin.register(VendingPolicy)
class VendingPolicyAdmin(ReadOnly):
    list_display = ["arrears_percent", "minimum_amount", "maximum_amount", "updated_at"]
