"""Back-office lists. Violations and objections carry money and workflow, so
they are read-only here; the fine schedule is edited through its service."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from baladiya.inspection.models import FineArticle, Objection, Violation, Visit


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FineArticle)
class FineArticleAdmin(ReadOnly):
    list_display = ["code", "category", "name_ar", "amount", "repeat_factor", "is_active"]
    list_filter = ["category", "is_active"]


@admin.register(Violation)
class ViolationAdmin(ReadOnly):
    list_display = ["number", "party", "article", "fine", "status", "recorded_at"]
    list_filter = ["category", "status"]
    search_fields = ["number"]


@admin.register(Objection)
class ObjectionAdmin(ReadOnly):
    list_display = ["case", "violation", "proposed", "decision", "decided_at"]


@admin.register(Visit)
class VisitAdmin(ReadOnly):
    list_display = ["day", "inspector", "party", "purpose", "status", "result"]
    list_filter = ["status", "category"]
