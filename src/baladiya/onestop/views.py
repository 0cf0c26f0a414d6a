"""The public service catalogue pages."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from baladiya.core.api import service_points
from baladiya.onestop import selectors
from baladiya.onestop.models import ServiceCategory


def catalogue(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    category = request.GET.get("category", "")
    services = selectors.public_services(query=query, category=category)
    page_obj = Paginator(services, 24).get_page(request.GET.get("page"))
    context = {
        "page_obj": page_obj,
        "query": query,
        "category": category,
        "categories": ServiceCategory.objects.order_by("order"),
    }
    template = "onestop/_service_results.html" if request.htmx else "onestop/catalogue.html"
    return render(request, template, context)


def service_detail(request: HttpRequest, key: str) -> HttpResponse:
    service = selectors.service_by_key(key)
    if service is None or not service.is_public:
        raise Http404
    return render(
        request,
        "onestop/service_detail.html",
        {
            "service": service,
            "offices": service_points(),
        },
    )
