"""Cases over the API: a user's inbox and cases, actions, assignment."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from baladiya.core import api as core
from baladiya.workflow import selectors, services
from baladiya.workflow.models import Case, Channel


class CaseSerializer(serializers.Serializer):
    """A case as the API shows it. Declared field by field rather than derived from
    the model, so a response does not rebuild its fields from the model each time."""

    reference = serializers.CharField(read_only=True)
    service_key = serializers.SlugField(read_only=True)
    title = serializers.CharField(read_only=True)
    state = serializers.CharField(source="state.key", read_only=True)
    state_name = serializers.CharField(source="state.name", read_only=True)
    assignee = serializers.CharField(source="assignee.username", default=None, read_only=True)
    department = serializers.CharField(source="department.code", default=None, read_only=True)
    branch = serializers.CharField(source="branch.code", default=None, read_only=True)
    channel = serializers.ChoiceField(choices=Channel.choices, read_only=True)
    data = serializers.JSONField(read_only=True)
    submitted_at = serializers.DateTimeField(read_only=True)
    due_at = serializers.DateTimeField(read_only=True, allow_null=True)
    closed_at = serializers.DateTimeField(read_only=True, allow_null=True)


class ActionSerializer(serializers.Serializer):
    action = serializers.SlugField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class AssignSerializer(serializers.Serializer):
    assignee = serializers.CharField(allow_blank=True, help_text="username; empty to unassign")


class CaseList(generics.ListAPIView):
    """Staff: the inbox (``q``, ``service``, ``assigned=me|none``, ``overdue=1``).
    Citizens: their own cases."""

    permission_classes = [IsAuthenticated]
    serializer_class = CaseSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        user, params = self.request.user, self.request.query_params
        if not user.is_staff:
            return selectors.cases_of(user)
        inbox = selectors.inbox(
            user,
            selectors.InboxFilters(
                service_key=params.get("service", ""),
                assigned=params.get("assigned", ""),
                overdue=params.get("overdue") == "1",
                query=params.get("q", ""),
            ),
        )
        # Only what CaseSerializer shows (the inbox page shows the applicant too).
        return inbox.select_related(None).select_related(
            "state", "assignee", "branch", "department"
        )


def _case(request: Request, reference: str) -> Case:
    try:
        return selectors.case_for(request.user, reference=reference)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


class CaseDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=CaseSerializer)
    def get(self, request: Request, reference: str) -> Response:
        return Response(CaseSerializer(_case(request, reference)).data)


class CaseAction(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ActionSerializer, responses=CaseSerializer)
    def post(self, request: Request, reference: str) -> Response:
        data = ActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            case = services.take_action(
                actor=request.user,
                reference=reference,
                action_key=data.validated_data["action"],
                comment=data.validated_data["comment"],
            )
        except Case.DoesNotExist as exc:  # no such case, or not one the user may see
            raise Http404 from exc
        return Response(CaseSerializer(case).data)


class CaseAssign(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=AssignSerializer, responses=CaseSerializer)
    def post(self, request: Request, reference: str) -> Response:
        data = AssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        username = data.validated_data["assignee"]
        assignee: Any = None
        if username:
            assignee = core.user_by_username(username)
            if assignee is None:
                return Response(
                    {"assignee": [_("There is no user with this username.")]},
                    status=status.HTTP_400_BAD_REQUEST,
                )
        try:
            case = services.assign(actor=request.user, reference=reference, assignee=assignee)
        except Case.DoesNotExist as exc:  # no such case, or not one the user may see
            raise Http404 from exc
        return Response(CaseSerializer(case).data)


urlpatterns = [
    path("cases/", CaseList.as_view(), name="api-cases"),
    path("cases/<str:reference>/", CaseDetail.as_view(), name="api-case"),
    path("cases/<str:reference>/actions/", CaseAction.as_view(), name="api-case-action"),
    path("cases/<str:reference>/assign/", CaseAssign.as_view(), name="api-case-assign"),
]
