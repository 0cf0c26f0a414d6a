"""Reads of the service catalogue for the portal, the API and other apps."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from baladiya.core import api as core
from baladiya.core.api import normalize_arabic
from baladiya.onestop.models import (
    Audience,
    Draft,
    Service,
    ServiceCategory,
    ServiceField,
    ServiceSubcategory,
)
from baladiya.workflow import api as workflow


def public_services(*, query: str = "", category: str = "") -> QuerySet[Service]:
    """Active services open to the public, matching every word of ``query``
    (Arabic-normalised: أ/إ/آ/ا, ة/ه, ى/ي, diacritics and digits fold)."""
    qs = (
        Service.objects.filter(is_active=True)
        .exclude(audience=Audience.EMPLOYEE)
        .select_related("category")
        .order_by("category__order", "pk")
    )
    if category:
        qs = qs.filter(category__key=category)
    for word in normalize_arabic(query).split():
        qs = qs.filter(search_text__contains=word)
    return qs


def employee_services() -> QuerySet[Service]:
    return Service.objects.filter(is_active=True, audience=Audience.EMPLOYEE).select_related(
        "category"
    )


def categories_with_services() -> list[ServiceCategory]:
    services = public_services()
    return [
        c
        for c in ServiceCategory.objects.prefetch_related(
            Prefetch("services", queryset=services, to_attr="public_services")
        ).order_by("order")
        if c.public_services
    ]


def service_by_key(key: str) -> Service | None:
    return (
        Service.objects.filter(key=key, is_active=True)
        .select_related("category")
        .prefetch_related("documents", "subcategories")
        .first()
    )


def service_keys() -> set[str]:
    return set(Service.objects.values_list("key", flat=True))


def subcategories(service_key: str) -> list[ServiceSubcategory]:
    return list(
        ServiceSubcategory.objects.filter(service__key=service_key).order_by("order", "code")
    )


def subcategory(service_key: str, code: str) -> ServiceSubcategory | None:
    """A subcategory of a service (a complaint's category), cached for a minute: it
    is read on every report filed, and edited seldom."""
    return core.cached(
        f"onestop:subcategory:{service_key}:{code}",
        lambda: ServiceSubcategory.objects.filter(service__key=service_key, code=code).first(),
    )


def form_fields(service: Service) -> list[ServiceField]:
    return list(service.fields.order_by("order", "pk"))


def draft_for(user: Any, draft_id: int) -> Draft:
    """The user's own draft (``Draft.DoesNotExist`` for anyone else's)."""
    if not getattr(user, "is_authenticated", False):
        raise Draft.DoesNotExist
    return (
        Draft.objects.select_related("service")
        .prefetch_related("files")
        .get(pk=draft_id, user_id=user.pk)
    )


def open_drafts(user: Any) -> QuerySet[Draft]:
    if not getattr(user, "is_authenticated", False):
        return Draft.objects.none()
    return Draft.objects.filter(user=user, case_reference="").select_related("service")


def can_apply_online(service: Service) -> bool:
    return service.apply_online and (
        service.key == "complaint" or workflow.active_definition(service.key) is not None
    )
