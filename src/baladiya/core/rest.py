"""Thin DRF endpoints of the core app."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from baladiya.core import selectors
from baladiya.core.models import Branch, Department, Organisation, Party
from baladiya.core.permissions import AccessDenied, role_keys


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Service-layer errors become clear API errors in the request's language."""
    if isinstance(exc, AccessDenied):
        exc = PermissionDenied(str(exc))
    elif isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = [
            "name_ar",
            "name_en",
            "country",
            "currency",
            "time_zone",
            "calendar",
            "default_language",
            "reference_prefix",
            "phone",
            "email",
            "website",
        ]


class BranchSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Branch
        fields = [
            "code",
            "kind",
            "name_ar",
            "name_en",
            "parent",
            "address_ar",
            "address_en",
            "phone",
        ]


class DepartmentSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Department
        fields = ["code", "name_ar", "name_en", "parent"]


class PartySerializer(serializers.ModelSerializer):
    class Meta:
        model = Party
        fields = [
            "id",
            "kind",
            "name_ar",
            "name_en",
            "national_id",
            "commercial_registration",
            "phone",
            "email",
            "address_ar",
            "address_en",
            "owner",
        ]


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    preferred_language = serializers.CharField()
    is_staff = serializers.BooleanField()
    roles = serializers.ListField(child=serializers.CharField())
    party = PartySerializer(allow_null=True)


class OrganisationView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=OrganisationSerializer)
    def get(self, request: Request) -> Response:
        org = selectors.organisation()
        if org is None:
            return Response({"detail": "not configured"}, status=404)
        return Response(OrganisationSerializer(org).data)


class BranchList(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = BranchSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.branches()


class DepartmentList(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = DepartmentSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.departments()


class PartyList(generics.ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = PartySerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.search_parties(
            user=self.request.user,
            query=self.request.query_params.get("q", ""),
            kind=self.request.query_params.get("kind", ""),
        )


class MeView(APIView):
    permission_classes = [IsAuthenticated]
    serializer_class = MeSerializer

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        user = request.user
        return Response(
            MeSerializer(
                {
                    "username": user.get_username(),
                    "full_name": user.get_full_name(),
                    "preferred_language": user.preferred_language,
                    "is_staff": user.is_staff,
                    "roles": sorted(role_keys(user)),
                    "party": user.party,
                }
            ).data
        )


urlpatterns = [
    path("organisation/", OrganisationView.as_view(), name="api-organisation"),
    path("branches/", BranchList.as_view(), name="api-branches"),
    path("departments/", DepartmentList.as_view(), name="api-departments"),
    path("parties/", PartyList.as_view(), name="api-parties"),
    path("me/", MeView.as_view(), name="api-me"),
    path("auth/token/", ObtainAuthToken.as_view(), name="api-token"),
]
