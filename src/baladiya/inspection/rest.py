"""Violations over the API (mounted under /api/v1/): a person's violation
inquiry and one violation, with the same permission checks as the pages."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from baladiya.inspection import selectors
from baladiya.inspection.models import Violation


class ViolationSerializer(serializers.ModelSerializer):
    article = serializers.CharField(source="article.code", read_only=True)
    party = serializers.CharField(source="party.name", read_only=True)
    demand = serializers.CharField(source="demand.number", read_only=True, default=None)
    objection = serializers.CharField(
        source="objection.case.reference", read_only=True, default=None
    )

    class Meta:
        model = Violation
        fields = [
            "number",
            "party",
            "category",
            "article",
            "description",
            "latitude",
            "longitude",
            "address",
            "offence_number",
            "fine",
            "status",
            "demand",
            "objection",
            "recorded_at",
        ]


class MyViolations(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ViolationSerializer(many=True))
    def get(self, request: Request) -> Response:
        """The signed-in person's violations and those of his establishments."""
        found = selectors.violations_for(request.user)
        return Response(ViolationSerializer(found, many=True).data)


class ViolationDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ViolationSerializer)
    def get(self, request: Request, number: str) -> Response:
        try:
            found = selectors.violation_for(request.user, number)
        except ObjectDoesNotExist as exc:
            raise Http404 from exc
        return Response(ViolationSerializer(found).data)


urlpatterns: list[URLPattern] = [
    path("inspection/violations/", MyViolations.as_view(), name="inspection-violations"),
    path(
        "inspection/violations/<str:number>/",
        ViolationDetail.as_view(),
        name="inspection-violation",
    ),
]
