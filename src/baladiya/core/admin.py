"""Back-office lists. Writes go through services; the audit log is read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from baladiya.core.models import (
    AuditEntry,
    Branch,
    Department,
    Organisation,
    Party,
    Role,
    RoleAssignment,
    User,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ["name_ar", "name_en", "country", "currency", "reference_prefix"]


@admin.register(Branch)
class BranchAdmin(ReadOnlyAdmin):
    list_display = ["code", "name_ar", "name_en", "kind", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name_ar", "name_en"]


@admin.register(Department)
class DepartmentAdmin(ReadOnlyAdmin):
    list_display = ["code", "name_ar", "name_en", "parent", "is_active"]
    search_fields = ["code", "name_ar", "name_en"]


@admin.register(Party)
class PartyAdmin(ReadOnlyAdmin):
    list_display = ["name_ar", "name_en", "kind", "national_id", "commercial_registration", "phone"]
    list_filter = ["kind"]
    search_fields = ["search_text"]
    list_select_related = ["owner"]


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["role"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Baladiya"), {"fields": ("party", "home_branch", "preferred_language")}),
    )
    raw_id_fields = ["party"]
    inlines = [RoleAssignmentInline]
    list_display = ["username", "first_name", "last_name", "is_staff", "preferred_language"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["key", "name_ar", "name_en", "is_staff_role"]
    search_fields = ["key", "name_ar", "name_en"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["seq", "at", "actor_label", "action", "object_repr"]
    list_filter = ["action"]
    search_fields = ["object_repr", "actor_label", "object_id"]
    date_hierarchy = "at"
