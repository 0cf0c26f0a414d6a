"""Licences over the API (mounted under /api/v1/): the owner's establishments
and licences, applying for a licence or its renewal, and public verification."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from baladiya.licensing import selectors, services
from baladiya.licensing.models import Licence


class LicenceSerializer(serializers.ModelSerializer):
    establishment = serializers.CharField(source="establishment.name", read_only=True)
    activity = serializers.CharField(source="establishment.activity.code", read_only=True)
    reference = serializers.CharField(source="case.reference", read_only=True, default=None)
    state = serializers.CharField(source="case.state.key", read_only=True, default=None)
    fee = serializers.DecimalField(max_digits=14, decimal_places=3, read_only=True)

    class Meta:
        model = Licence
        fields = [
            "id",
            "number",
            "status",
            "establishment",
            "activity",
            "reference",
            "state",
            "fee",
            "valid_from",
            "valid_until",
        ]


class PublicLicenceSerializer(serializers.Serializer):
    """Only non-personal facts."""

    number = serializers.CharField()
    establishment = serializers.CharField(source="establishment.name")
    activity = serializers.CharField(source="establishment.activity.name")
    status = serializers.CharField(source="current_status")
    valid = serializers.BooleanField(source="is_valid")
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()


class ApplySerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    activity = serializers.SlugField()
    area = serializers.CharField(max_length=12)
    commercial_registration = serializers.CharField(required=False, allow_blank=True, default="")
    address = serializers.CharField(required=False, allow_blank=True, default="")
    latitude = serializers.CharField(required=False, allow_blank=True, default="")
    longitude = serializers.CharField(required=False, allow_blank=True, default="")
    idempotency_key = serializers.CharField(required=False, allow_blank=True, max_length=80)


class MyLicences(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=LicenceSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(LicenceSerializer(selectors.licences_of(request.user), many=True).data)

    @extend_schema(request=ApplySerializer, responses={201: LicenceSerializer})
    def post(self, request: Request) -> Response:
        data = ApplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        licence = services.apply_for_licence(actor=request.user, **data.validated_data)
        return Response(LicenceSerializer(licence).data, status=status.HTTP_201_CREATED)


class RenewLicence(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={201: LicenceSerializer})
    def post(self, request: Request, pk: int) -> Response:
        try:
            renewal = services.apply_for_renewal(actor=request.user, licence_id=pk)
        except ObjectDoesNotExist as exc:
            raise Http404 from exc
        return Response(LicenceSerializer(renewal).data, status=status.HTTP_201_CREATED)


class VerifyLicence(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(responses=PublicLicenceSerializer)
    def get(self, request: Request, number: str) -> Response:
        licence = selectors.licence_by_number(number)
        if licence is None:
            raise Http404
        return Response(PublicLicenceSerializer(licence).data)


urlpatterns: list[URLPattern] = [
    path("licences/", MyLicences.as_view(), name="api-licences"),
    path("licences/<int:pk>/renew/", RenewLicence.as_view(), name="api-licence-renew"),
    path("licences/verify/<str:number>/", VerifyLicence.as_view(), name="api-licence-verify"),
]
