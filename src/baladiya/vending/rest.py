"""Vending over the API (mounted under /api/v1/): sell at a charging point and
read a sale back (a reprint: the same token, never a new one)."""

from __future__ import annotations

from django.http import Http404
from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from baladiya.utilities import api as utilities
from baladiya.utilities import sts
from baladiya.vending import selectors, services
from baladiya.vending.models import Vend


class VendSerializer(serializers.ModelSerializer):
    meter = serializers.CharField(source="meter.serial", read_only=True)
    token_grouped = serializers.SerializerMethodField()

    class Meta:
        model = Vend
        fields = [
            "number",
            "status",
            "channel",
            "meter",
            "utility",
            "amount",
            "arrears",
            "purchase",
            "units",
            "tid",
            "token",
            "token_grouped",
            "issued_at",
        ]

    def get_token_grouped(self, vend: Vend) -> str:
        return sts.group_digits(vend.token) if vend.token else ""


class SellSerializer(serializers.Serializer):
    meter = serializers.CharField(max_length=40, help_text="the meter's serial number")
    amount = serializers.DecimalField(max_digits=14, decimal_places=3, min_value=0)
    idempotency_key = serializers.CharField(max_length=80)
    tender = serializers.CharField(max_length=20, default="cash")


class ErrorSerializer(serializers.Serializer):
    detail = serializers.ListField(child=serializers.CharField())


class VendCreate(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=SellSerializer, responses={201: VendSerializer, 400: ErrorSerializer})
    def post(self, request: Request) -> Response:
        data = SellSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        meter = utilities.meter_by_serial(values["meter"])
        if meter is None:
            raise Http404
        try:
            vend = services.sell(
                actor=request.user,
                meter=meter,
                amount=values["amount"],
                idempotency_key=f"api:{request.user.pk}:{values['idempotency_key']}",
                tender=values["tender"],
            )
        except services.VendingError as exc:
            return Response({"detail": exc.messages}, status=status.HTTP_400_BAD_REQUEST)
        return Response(VendSerializer(vend).data, status=status.HTTP_201_CREATED)


class VendDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=VendSerializer)
    def get(self, request: Request, number: str) -> Response:
        vend = selectors.vend_for_user(user=request.user, number=number)
        if vend is None:
            raise Http404
        return Response(VendSerializer(vend).data)


urlpatterns: list[URLPattern] = [
    path("vending/vends/", VendCreate.as_view(), name="vending-vend-create"),
    path("vending/vends/<str:number>/", VendDetail.as_view(), name="vending-vend-detail"),
]
