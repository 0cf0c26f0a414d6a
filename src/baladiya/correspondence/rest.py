"""The correspondence register over the API (mounted under /api/v1/)."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from baladiya.core import api as core
from baladiya.correspondence import selectors, services
from baladiya.correspondence.models import (
    Classification,
    Direction,
    Letter,
    LetterStatus,
    Priority,
    Referral,
)

PAGE_SIZE = 50


class ReferralSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(source="case.reference", read_only=True)
    state = serializers.CharField(source="case.state.key", read_only=True)
    department = serializers.CharField(source="department.code", read_only=True)
    reply = serializers.CharField(source="reply.number", read_only=True, default=None)

    class Meta:
        model = Referral
        fields = ["reference", "department", "state", "due_date", "instructions", "reply"]


class LetterSerializer(serializers.ModelSerializer):
    entity = serializers.CharField(source="entity.name_ar", read_only=True, default=None)
    department = serializers.CharField(source="department.code", read_only=True, default=None)
    to_department = serializers.CharField(source="to_department.code", read_only=True, default=None)
    in_reply_to = serializers.CharField(source="in_reply_to.number", read_only=True, default=None)
    referrals = ReferralSerializer(many=True, read_only=True)

    class Meta:
        model = Letter
        fields = [
            "number",
            "direction",
            "letter_date",
            "registered_at",
            "entity",
            "external_number",
            "department",
            "to_department",
            "subject",
            "summary",
            "classification",
            "priority",
            "status",
            "in_reply_to",
            "referrals",
        ]


class LetterPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    results = LetterSerializer(many=True)


class NewLetterSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(choices=Direction.choices)
    letter_date = serializers.DateField()
    entity = serializers.CharField(required=False, allow_blank=True, default="")
    external_number = serializers.CharField(required=False, allow_blank=True, default="")
    subject = serializers.CharField()
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    classification = serializers.ChoiceField(
        choices=Classification.choices, default=Classification.INTERNAL
    )
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)
    department = serializers.CharField(required=False, allow_blank=True, default="")
    to_department = serializers.CharField(required=False, allow_blank=True, default="")
    in_reply_to = serializers.CharField(required=False, allow_blank=True, default="")
    scan = serializers.FileField(required=False, allow_null=True, default=None)
    idempotency_key = serializers.CharField(required=False, allow_blank=True, max_length=80)


class ReferSerializer(serializers.Serializer):
    department = serializers.CharField()
    due_date = serializers.DateField()
    instructions = serializers.CharField(required=False, allow_blank=True, default="")


def _department(code: str, field: str) -> object:
    if not code:
        return None
    department = core.department_by_code(code)
    if department is None:
        raise serializers.ValidationError({field: [_("No department has this code.")]})
    return department


def _letter(request: Request, number: str) -> Letter:
    try:
        return selectors.letter_for(request.user, number)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


class Letters(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        operation_id="correspondence_letters_list",
        parameters=[
            OpenApiParameter("q", str, description="Number, subject or a word of the letter"),
            OpenApiParameter("direction", str, enum=Direction.values),
            OpenApiParameter("year", int),
            OpenApiParameter("entity", int),
            OpenApiParameter("department", str, description="Department code"),
            OpenApiParameter("status", str, enum=LetterStatus.values),
            OpenApiParameter("overdue", bool),
            OpenApiParameter("page", int),
        ],
        responses=LetterPageSerializer,
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        department = (
            core.department_by_code(params.get("department", ""))
            if params.get("department")
            else None
        )
        try:
            year = int(params["year"]) if params.get("year") else None
            entity = int(params["entity"]) if params.get("entity") else None
        except ValueError as exc:
            raise serializers.ValidationError({"year": [_("Not a number.")]}) from exc
        filters = selectors.LetterFilters(
            direction=params.get("direction", ""),
            year=year,
            entity_id=entity,
            department_id=department.pk if department else None,
            status=params.get("status", ""),
            overdue=params.get("overdue", "") in ("1", "true", "True"),
            query=params.get("q", ""),
        )
        letters = selectors.with_referrals(selectors.register(request.user, filters))
        page = Paginator(letters, PAGE_SIZE).get_page(params.get("page"))
        return Response(
            {
                "count": page.paginator.count,
                "page": page.number,
                "pages": page.paginator.num_pages,
                "results": LetterSerializer(page.object_list, many=True).data,
            }
        )

    @extend_schema(request=NewLetterSerializer, responses={201: LetterSerializer})
    def post(self, request: Request) -> Response:
        data = NewLetterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        entity = None
        if values["entity"].strip() and values["direction"] != Direction.INTERNAL:
            entity = services.ensure_entity(actor=request.user, name_ar=values["entity"])
        in_reply_to = _letter(request, values["in_reply_to"]) if values["in_reply_to"] else None
        key = values.get("idempotency_key") or None
        letter = services.register_letter(
            actor=request.user,
            direction=values["direction"],
            subject=values["subject"],
            letter_date=values["letter_date"],
            entity=entity,
            summary=values["summary"],
            classification=values["classification"],
            priority=values["priority"],
            department=_department(values["department"], "department"),  # type: ignore[arg-type]
            to_department=_department(values["to_department"], "to_department"),  # type: ignore[arg-type]
            external_number=values["external_number"],
            in_reply_to=in_reply_to,
            scan=values["scan"],
            idempotency_key=f"api:{request.user.pk}:{key}" if key else None,
        )
        return Response(LetterSerializer(letter).data, status=status.HTTP_201_CREATED)


class LetterDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=LetterSerializer)
    def get(self, request: Request, number: str) -> Response:
        return Response(LetterSerializer(_letter(request, number)).data)


class LetterReferrals(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ReferSerializer, responses={201: ReferralSerializer})
    def post(self, request: Request, number: str) -> Response:
        letter = _letter(request, number)
        data = ReferSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        referral = services.refer(
            actor=request.user,
            letter_id=letter.pk,
            department=_department(values["department"], "department"),  # type: ignore[arg-type]
            due_date=values["due_date"],
            instructions=values["instructions"],
        )
        return Response(ReferralSerializer(referral).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("correspondence/letters/", Letters.as_view(), name="api-letters"),
    path("correspondence/letters/<str:number>/", LetterDetail.as_view(), name="api-letter"),
    path(
        "correspondence/letters/<str:number>/referrals/",
        LetterReferrals.as_view(),
        name="api-letter-referrals",
    ),
]
