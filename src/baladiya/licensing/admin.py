"""Back-office lists; licences, certificates and billboards are read-only here
(they change only through the licensing services)."""

from typing import Any

from django.contrib import admin

from baladiya.licensing.models import (
    Activity,
    Billboard,
    Establishment,
    HealthCertificate,
    Licence,
    Worker,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Activity)
class ActivityAdmin(ReadOnly):
    list_display = ["code", "name_ar", "name_en", "isic", "is_food"]


@admin.register(Establishment)
class EstablishmentAdmin(ReadOnly):
    list_display = ["name", "owner", "activity", "area", "closed_on"]
    search_fields = ["name", "commercial_registration"]
    list_select_related = ["owner", "activity"]


@admin.register(Licence)
class LicenceAdmin(ReadOnly):
    list_display = ["number", "establishment", "holder", "status", "valid_until"]
    list_filter = ["status"]
    search_fields = ["number", "establishment__name"]
    list_select_related = ["establishment", "holder"]


@admin.register(Worker)
class WorkerAdmin(ReadOnly):
    list_display = ["name", "id_number", "establishment", "is_active"]
    search_fields = ["name", "id_number"]


@admin.register(HealthCertificate)
class HealthCertificateAdmin(ReadOnly):
    list_display = ["number", "worker", "result", "valid_until"]
    search_fields = ["number"]


@admin.register(Billboard)
class BillboardAdmin(ReadOnly):
    list_display = ["number", "site", "owner", "sign_type", "status", "valid_until"]
    list_filter = ["status", "sign_type"]
