from django.contrib import admin

from baladiya.correspondence.models import Entity, Letter, Referral


class ReadOnly(admin.ModelAdmin):
    """The register is written by its services only (numbers, audit, workflow)."""

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Entity)
class EntityAdmin(ReadOnly):
    list_display = ["name_ar", "name_en", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name_ar", "name_en"]


@admin.register(Letter)
class LetterAdmin(ReadOnly):
    list_display = ["number", "direction", "letter_date", "entity", "subject", "status"]
    list_filter = ["direction", "year", "status", "classification"]
    search_fields = ["number", "subject"]


@admin.register(Referral)
class ReferralAdmin(ReadOnly):
    list_display = ["letter", "department", "due_date", "case"]
    list_filter = ["department"]
