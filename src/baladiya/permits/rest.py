"""Permits over the API: the holder's permits, applying, one permit with its
zone check (staff) and the public verification of a permit number."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from baladiya.core import api as core
from baladiya.permits import selectors, services, zoning
from baladiya.permits.models import Permit, PermitKind


class InspectionSerializer(serializers.Serializer):
    stage = serializers.CharField()
    result = serializers.CharField()
    notes = serializers.CharField()
    inspected_at = serializers.DateTimeField()


class PermitSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(source="case.reference", read_only=True)
    state = serializers.CharField(source="case.state.key", read_only=True)
    parcel = serializers.CharField(source="parcel.label", read_only=True, default=None)
    breaches = serializers.SerializerMethodField()
    inspections = InspectionSerializer(many=True, read_only=True)

    class Meta:
        model = Permit
        fields = [
            "reference",
            "number",
            "kind",
            "state",
            "parcel",
            "use",
            "floors",
            "height_m",
            "footprint_m2",
            "built_area_m2",
            "setback_front_m",
            "setback_side_m",
            "setback_rear_m",
            "fence_length_m",
            "trench_length_m",
            "route",
            "start_date",
            "end_date",
            "deposit_amount",
            "issued_at",
            "valid_until",
            "breaches",
            "inspections",
        ]

    def get_breaches(self, permit: Permit) -> list[str]:
        return selectors.stored_breaches(permit)


class ApplicationSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PermitKind.choices)
    parcel_block = serializers.CharField(required=False, allow_blank=True, default="")
    parcel_number = serializers.CharField(required=False, allow_blank=True, default="")
    use = serializers.CharField(required=False, allow_blank=True, default="")
    floors = serializers.CharField(required=False, allow_blank=True, default="")
    height_m = serializers.CharField(required=False, allow_blank=True, default="")
    footprint_m2 = serializers.CharField(required=False, allow_blank=True, default="")
    built_area_m2 = serializers.CharField(required=False, allow_blank=True, default="")
    setback_front_m = serializers.CharField(required=False, allow_blank=True, default="")
    setback_side_m = serializers.CharField(required=False, allow_blank=True, default="")
    setback_rear_m = serializers.CharField(required=False, allow_blank=True, default="")
    fence_length_m = serializers.CharField(required=False, allow_blank=True, default="")
    works = serializers.CharField(required=False, allow_blank=True, default="")
    supervising_engineer = serializers.CharField(required=False, allow_blank=True, default="")
    route = serializers.JSONField(required=False, default=None)
    trench_length_m = serializers.CharField(required=False, allow_blank=True, default="")
    purpose = serializers.CharField(required=False, allow_blank=True, default="")
    start_date = serializers.CharField(required=False, allow_blank=True, default="")
    end_date = serializers.CharField(required=False, allow_blank=True, default="")
    idempotency_key = serializers.CharField(required=False, allow_blank=True, max_length=80)


class CheckSerializer(serializers.Serializer):
    rule = serializers.CharField()
    limit = serializers.CharField()
    proposed = serializers.CharField()
    ok = serializers.BooleanField()
    message = serializers.CharField()


class VerificationSerializer(serializers.Serializer):
    number = serializers.CharField()
    kind = serializers.CharField()
    holder = serializers.CharField()
    state = serializers.CharField()
    valid_until = serializers.DateField()


def _permit(request: Request, reference: str) -> Permit:
    try:
        return selectors.permit_for(request.user, reference)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


class MyPermits(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=PermitSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(PermitSerializer(selectors.permits_of(request.user), many=True).data)

    @extend_schema(request=ApplicationSerializer, responses=PermitSerializer)
    def post(self, request: Request) -> Response:
        data = ApplicationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values: dict[str, Any] = dict(data.validated_data)
        key = values.pop("idempotency_key", "") or None
        permit = services.apply(
            actor=request.user,
            application=services.PermitApplication(**values),
            channel="api",
            idempotency_key=f"api:{request.user.pk}:{key}" if key else None,
        )
        return Response(PermitSerializer(permit).data, status=status.HTTP_201_CREATED)


class PermitDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=PermitSerializer)
    def get(self, request: Request, reference: str) -> Response:
        return Response(PermitSerializer(_permit(request, reference)).data)


class ZoneCheck(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=CheckSerializer(many=True))
    def get(self, request: Request, reference: str) -> Response:
        core.require(request.user, "permits.review")
        permit = _permit(request, reference)
        checks: list[zoning.Check] = selectors.review(permit).checks
        return Response(
            CheckSerializer(
                [{**c.as_dict(), "ok": c.ok, "message": c.message} for c in checks], many=True
            ).data
        )


class Verify(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(responses=VerificationSerializer)
    def get(self, request: Request, token: str) -> Response:
        permit = selectors.permit_by_token(token)
        if permit is None:
            raise Http404
        return Response(
            VerificationSerializer(
                {
                    "number": permit.number,
                    "kind": permit.kind,
                    "holder": permit.holder.name,
                    "state": permit.case.state.key,
                    "valid_until": permit.valid_until,
                }
            ).data
        )


urlpatterns = [
    path("permits/", MyPermits.as_view(), name="api-permits"),
    path("permits/verify/<str:token>/", Verify.as_view(), name="api-permit-verify"),
    path("permits/<str:reference>/", PermitDetail.as_view(), name="api-permit"),
    path("permits/<str:reference>/zone-check/", ZoneCheck.as_view(), name="api-permit-zone-check"),
]
