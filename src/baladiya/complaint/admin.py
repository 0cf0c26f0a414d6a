from django.contrib import admin

from baladiya.complaint.models import Complaint


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ["case", "category", "rating", "resolved_at"]
    list_filter = ["category", "rating"]
    readonly_fields = [f.name for f in Complaint._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
