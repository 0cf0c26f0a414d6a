from django.contrib import admin

from baladiya.permits.models import DepositRefund, Permit, SiteInspection


class ReadOnly(admin.ModelAdmin):
    """Permits, inspections and refunds change only through their services."""

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Permit)
class PermitAdmin(ReadOnly):
    list_display = ["case", "number", "kind", "holder", "parcel", "issued_at"]
    list_filter = ["kind"]
    search_fields = ["case__reference", "number", "holder__national_id"]
    raw_id_fields = ["case", "holder", "parcel"]


@admin.register(SiteInspection)
class SiteInspectionAdmin(ReadOnly):
    list_display = ["permit", "stage", "result", "inspector", "inspected_at"]
    list_filter = ["stage", "result"]


@admin.register(DepositRefund)
class DepositRefundAdmin(ReadOnly):
    list_display = ["number", "permit", "amount", "currency", "approved_by", "approved_at"]
