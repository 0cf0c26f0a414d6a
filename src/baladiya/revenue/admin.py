"""Back-office lists of revenue: read-only (money moves only through services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from baladiya.revenue.models import (
    CashierShift,
    Demand,
    FeeSchedule,
    Payment,
    Receipt,
    RevenueHead,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(RevenueHead)
class RevenueHeadAdmin(ReadOnly):
    list_display = ["code", "name_ar", "name_en", "account_code", "priority", "is_active"]
    search_fields = ["code", "name_ar", "name_en"]


@admin.register(Demand)
class DemandAdmin(ReadOnly):
    list_display = ["number", "party", "due_date", "status", "total", "paid", "adjusted"]
    list_filter = ["status"]
    search_fields = ["number", "party__national_id", "source_id"]


@admin.register(Payment)
class PaymentAdmin(ReadOnly):
    list_display = ["pk", "party", "amount", "tender", "channel", "status", "received_at"]
    list_filter = ["status", "tender", "channel"]


@admin.register(Receipt)
class ReceiptAdmin(ReadOnly):
    list_display = ["number", "status", "issued_at", "print_count"]
    search_fields = ["number"]


admin.site.register(FeeSchedule, ReadOnly)
admin.site.register(CashierShift, ReadOnly)
