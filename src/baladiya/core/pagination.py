"""The API's pagination (``REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"]``).

Its own module: DRF imports it while ``rest_framework.generics`` is being
defined, so it must not import the views."""

from __future__ import annotations

from typing import Any

from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request


class Pagination(PageNumberPagination):
    """Page numbers, without counting a first page that holds the whole result.

    The first page is read one row longer than a page; only when that extra row
    exists is the total counted, so a search that finds a few cases (a case by its
    reference, the usual inbox search) costs one query instead of two. Later pages,
    and a full first page, are counted as usual."""

    def paginate_queryset(
        self, queryset: Any, request: Request, view: Any = None
    ) -> list[Any] | None:
        page_size = self.get_page_size(request)
        if not page_size or request.query_params.get(self.page_query_param, "1") != "1":
            return super().paginate_queryset(queryset, request, view)
        rows = list(queryset[: page_size + 1])
        paginator = self.django_paginator_class(queryset, page_size)
        if len(rows) <= page_size:
            paginator.count = len(rows)  # nothing beyond this page: no COUNT
        self.page = paginator._get_page(rows[:page_size], 1, paginator)
        self.request = request
        if paginator.num_pages > 1 and self.template is not None:
            self.display_page_controls = True
        return list(self.page)
