"""Water and electricity over the API (mounted under /api/v1/): a subscriber's
connections and consumption, meter readings from hand-held devices, billing
run progress."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from baladiya.core.api import normalize_digits, require
from baladiya.utilities import api, selectors, services
from baladiya.utilities.models import BillingRun, Connection, MeterStatus, Reading


class ConnectionSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)
    utility = serializers.CharField(read_only=True)
    category = serializers.CharField(read_only=True)
    subscriber = serializers.CharField(source="party.name", read_only=True)
    branch = serializers.CharField(source="branch.code", read_only=True)

    class Meta:
        model = Connection
        fields = [
            "id",
            "number",
            "subscriber",
            "utility",
            "category",
            "status",
            "branch",
            "zone",
            "address",
            "case_reference",
        ]


class PointSerializer(serializers.Serializer):
    label = serializers.CharField()
    units = serializers.DecimalField(max_digits=14, decimal_places=3)
    estimated = serializers.BooleanField()


class ConnectionDetailSerializer(serializers.Serializer):
    connection = ConnectionSerializer()
    history = PointSerializer(many=True)


class ReadingInSerializer(serializers.Serializer):
    serial = serializers.CharField(max_length=40)
    read_on = serializers.DateField()
    value = serializers.DecimalField(
        max_digits=14, decimal_places=3, required=False, allow_null=True
    )
    status = serializers.CharField(
        default=MeterStatus.WORKING,
        max_length=10,
        help_text="working, stuck, broken, replaced or no-access",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class ReadingSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)
    meter = serializers.CharField(source="meter.serial", read_only=True)
    anomalies = serializers.SerializerMethodField()

    class Meta:
        model = Reading
        fields = ["id", "meter", "read_on", "value", "status", "consumption", "held", "anomalies"]

    def get_anomalies(self, reading: Reading) -> list[str]:
        return [a.kind for a in reading.anomalies.all()]


class RunSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)
    cycle = serializers.CharField(source="cycle.code", read_only=True)
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = BillingRun
        fields = ["id", "cycle", "zone", "status", "total", "billed", "skipped", "percent", "error"]


class ConnectionList(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ConnectionSerializer(many=True))
    def get(self, request: Request) -> Response:
        """Staff: every connection (``?q=`` searches); a citizen: his own."""
        if request.user.is_staff:
            qs: Any = selectors.connections(
                user=request.user, query=request.query_params.get("q", "")
            )
        else:
            qs = selectors.connections_of(user=request.user)
        return Response(ConnectionSerializer(qs[:200], many=True).data)


class ConnectionDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ConnectionDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        try:
            connection = selectors.connection_for(user=request.user, pk=pk)
        except ObjectDoesNotExist as exc:
            raise Http404 from exc
        history = selectors.consumption_history(connection)
        return Response(
            ConnectionDetailSerializer({"connection": connection, "history": history}).data
        )


class ReadingCreate(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ReadingInSerializer, responses={201: ReadingSerializer})
    def post(self, request: Request) -> Response:
        require(request.user, "utilities.enter_readings")
        data = ReadingInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        meter = api.meter_by_serial(normalize_digits(values["serial"]))
        if meter is None:
            return Response(
                {"serial": [_("No meter with this serial number.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        reading = services.record_reading(
            actor=request.user,
            meter=meter,
            read_on=values["read_on"],
            value=values.get("value"),
            status=values["status"],
            note=values["note"],
        )
        return Response(ReadingSerializer(reading).data, status=status.HTTP_201_CREATED)


class RunDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=RunSerializer)
    def get(self, request: Request, pk: int) -> Response:
        try:
            run = selectors.run_for(user=request.user, pk=pk)
        except ObjectDoesNotExist as exc:
            raise Http404 from exc
        return Response(RunSerializer(run).data)


urlpatterns: list[URLPattern] = [
    path("utilities/connections/", ConnectionList.as_view(), name="api-utilities-connections"),
    path(
        "utilities/connections/<int:pk>/",
        ConnectionDetail.as_view(),
        name="api-utilities-connection",
    ),
    path("utilities/readings/", ReadingCreate.as_view(), name="api-utilities-readings"),
    path("utilities/runs/<int:pk>/", RunDetail.as_view(), name="api-utilities-run"),
]
