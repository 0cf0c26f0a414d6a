from django.contrib import admin

from baladiya.onestop.models import DocumentKind, Service, ServiceCategory, ServiceSubcategory


class SubcategoryInline(admin.TabularInline):
    model = ServiceSubcategory
    extra = 0


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = [
        "key",
        "name_ar",
        "name_en",
        "category",
        "audience",
        "fee",
        "sla_days",
        "is_active",
    ]
    list_filter = ["category", "audience", "is_active"]
    search_fields = ["key", "name_ar", "name_en"]
    readonly_fields = ["key"]
    filter_horizontal = ["documents"]
    inlines = [SubcategoryInline]


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(admin.ModelAdmin):
    list_display = ["key", "name_ar", "name_en", "order"]


@admin.register(DocumentKind)
class DocumentKindAdmin(admin.ModelAdmin):
    list_display = ["key", "name_ar", "name_en"]
