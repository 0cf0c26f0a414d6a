"""The ledger reports over the API, as JSON (same selectors as the pages)."""

from __future__ import annotations

from django.http import Http404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from baladiya.finance import selectors


class ReportView(APIView):
    """``GET /api/v1/finance/reports/<key>/?year=2026`` (``account``, ``from``,
    ``to`` for the ledgers). Keys: trial-balance, general-ledger, cash-book,
    revenue-by-head, ipsas-cash. Needs ``finance.view_reports``."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=OpenApiTypes.OBJECT, operation_id="finance_report")
    def get(self, request: Request, key: str) -> Response:
        try:
            result = selectors.report(user=request.user, key=key, params=request.query_params)
        except LookupError as exc:
            raise Http404(str(exc)) from exc
        return Response(result.as_json())


urlpatterns = [
    path("finance/reports/<slug:key>/", ReportView.as_view(), name="api-finance-report"),
]
