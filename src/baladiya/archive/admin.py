"""Back-office lists: document types are editable; documents, versions, grants
and the access log are read-only here (they change through the services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from baladiya.archive.models import AccessLogEntry, DisposalReview, Document, DocumentType


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    list_display = ["key", "name_ar", "name_en", "retention_years"]
    search_fields = ["key", "name_ar", "name_en"]


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Document)
class DocumentAdmin(ReadOnly):
    list_display = ["pk", "title", "doc_type", "department", "level", "date", "legal_hold"]
    list_filter = ["level", "doc_type", "legal_hold"]


@admin.register(AccessLogEntry)
class AccessLogAdmin(ReadOnly):
    list_display = ["at", "user", "action", "document_ref", "query"]
    list_filter = ["action"]


@admin.register(DisposalReview)
class DisposalReviewAdmin(ReadOnly):
    list_display = ["document", "state", "proposed_by", "decided_by", "decided_at"]
