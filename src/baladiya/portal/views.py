"""The municipality's public home page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from baladiya.core.api import service_points
from baladiya.onestop.api import categories_with_services


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/home.html",
        {
            "categories": categories_with_services(),
            "offices": service_points(),
            "today": timezone.localdate(),
        },
    )
