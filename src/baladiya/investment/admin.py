"""Back-office lists, read-only: offers show only their metadata (the price is
empty and the terms are ciphertext until the committee opens them)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from baladiya.investment.models import Contract, Instalment, Offer, Opportunity


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Opportunity)
class OpportunityAdmin(ReadOnly):
    list_display = ["reference", "name_ar", "deadline", "min_annual_rent", "status"]
    list_filter = ["status"]


@admin.register(Offer)
class OfferAdmin(ReadOnly):
    list_display = ["number", "opportunity", "investor", "submitted_at", "status", "annual_rent"]
    list_filter = ["status"]
    exclude = ["sealed_terms", "sealed_document", "idempotency_key"]


@admin.register(Contract)
class ContractAdmin(ReadOnly):
    list_display = ["number", "investor", "annual_rent", "frequency", "start_date", "end_date"]


@admin.register(Instalment)
class InstalmentAdmin(ReadOnly):
    list_display = ["contract", "sequence", "due_date", "amount", "demand"]
