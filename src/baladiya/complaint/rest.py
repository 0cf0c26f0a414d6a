"""Complaints over the API (the mobile app and the benchmark use it)."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from baladiya.complaint import services


class ComplaintSerializer(serializers.Serializer):
    """A complaint as the API shows it (declared field by field, see CaseSerializer)."""

    reference = serializers.CharField(source="case.reference", read_only=True)
    state = serializers.CharField(source="case.state.key", read_only=True)
    department = serializers.CharField(source="case.department.code", read_only=True, default=None)
    category = serializers.SlugField(read_only=True)
    description = serializers.CharField(read_only=True)
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, read_only=True, allow_null=True
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, read_only=True, allow_null=True
    )
    address = serializers.CharField(read_only=True)
    resolution_note = serializers.CharField(read_only=True)
    rating = serializers.IntegerField(read_only=True, allow_null=True)


class NewComplaintSerializer(serializers.Serializer):
    category = serializers.SlugField()
    description = serializers.CharField()
    latitude = serializers.CharField(required=False, allow_blank=True)
    longitude = serializers.CharField(required=False, allow_blank=True)
    address = serializers.CharField(required=False, allow_blank=True, default="")
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)
    idempotency_key = serializers.CharField(required=False, allow_blank=True, max_length=80)


class ResolveSerializer(serializers.Serializer):
    note = serializers.CharField()


class ComplaintCreate(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(request=NewComplaintSerializer, responses=ComplaintSerializer)
    def post(self, request: Request) -> Response:
        data = NewComplaintSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        key = values.get("idempotency_key") or None
        complaint = services.file_complaint(
            actor=request.user,
            category=values["category"],
            description=values["description"],
            latitude=values.get("latitude"),
            longitude=values.get("longitude"),
            address=values.get("address", ""),
            photos=values.get("photos") or [],
            channel="api",
            idempotency_key=f"api:{request.user.pk}:{key}" if key else None,
        )
        return Response(ComplaintSerializer(complaint).data, status=status.HTTP_201_CREATED)


class ComplaintResolve(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ResolveSerializer, responses=ComplaintSerializer)
    def post(self, request: Request, reference: str) -> Response:
        data = ResolveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            complaint = services.resolve(
                actor=request.user, reference=reference, note=data.validated_data["note"]
            )
        except ObjectDoesNotExist as exc:  # no such complaint, or not one the user may see
            raise Http404 from exc
        return Response(ComplaintSerializer(complaint).data)


urlpatterns = [
    path("complaints/", ComplaintCreate.as_view(), name="api-complaints"),
    path(
        "complaints/<str:reference>/resolve/",
        ComplaintResolve.as_view(),
        name="api-complaint-resolve",
    ),
]
