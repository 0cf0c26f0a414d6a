"""Back-office lists of the ledger: read-only (postings go through services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from baladiya.finance.models import (
    Account,
    AccountBalance,
    FiscalPeriod,
    FiscalYear,
    JournalEntry,
    JournalLine,
    PostingRule,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class LineInline(admin.TabularInline):
    model = JournalLine
    extra = 0
    can_delete = False
    readonly_fields = ["account", "debit", "credit", "party", "analysis", "memo"]
    fields = readonly_fields

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Account)
class AccountAdmin(ReadOnly):
    list_display = ["code", "name_ar", "name_en", "kind", "is_postable", "is_cash", "ipsas_line"]
    list_filter = ["kind", "is_cash"]
    search_fields = ["code", "name_ar", "name_en"]


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnly):
    list_display = ["number", "date", "status", "source", "total", "memo"]
    list_filter = ["status", "source"]
    search_fields = ["number", "source_ref", "memo"]
    inlines = [LineInline]


admin.site.register(FiscalYear, ReadOnly)
admin.site.register(FiscalPeriod, ReadOnly)
admin.site.register(AccountBalance, ReadOnly)
admin.site.register(PostingRule, ReadOnly)
