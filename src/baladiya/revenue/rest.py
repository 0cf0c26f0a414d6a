"""Revenue over the API: the signed-in party's statement, and counter payments
for integrations (a bank or a charging point) with an ``Idempotency-Key``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from baladiya.core import api as core
from baladiya.revenue import selectors, services
from baladiya.revenue.models import Channel, Tender


def _statement_json(statement: Any) -> dict[str, Any]:
    return {
        "party": statement.party.pk,
        "currency": statement.currency,
        "owed": str(statement.owed),
        "balance": str(statement.balance),
        "rows": [
            {
                "date": row.date.isoformat(),
                "kind": row.kind,
                "reference": row.reference,
                "description": row.description,
                "debit": str(row.debit),
                "credit": str(row.credit),
                "balance": str(row.balance),
            }
            for row in statement.rows
        ],
        "open_demands": [
            {
                "id": d.pk,
                "number": d.number,
                "due_date": d.due_date.isoformat(),
                "outstanding": str(d.outstanding),
            }
            for d in statement.open_demands
        ],
    }


class MyStatement(APIView):
    """The signed-in citizen's statement across every module."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=OpenApiTypes.OBJECT, operation_id="revenue_my_statement")
    def get(self, request: Request) -> Response:
        party = getattr(request.user, "party", None)
        if party is None:
            return Response({"detail": "no party"}, status=status.HTTP_404_NOT_FOUND)
        return Response(_statement_json(selectors.statement(user=request.user, party=party)))


class PaymentInput(serializers.Serializer):
    national_id = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=3)
    tender = serializers.ChoiceField(choices=Tender.choices)
    channel = serializers.ChoiceField(choices=[Channel.BANK, Channel.CHARGING_POINT])
    branch = serializers.CharField(required=False, allow_blank=True)
    reference = serializers.CharField(required=False, allow_blank=True)


class Payments(APIView):
    """Record a payment made at a bank or charging point. Send an
    ``Idempotency-Key`` header: a retry returns the same receipt."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=PaymentInput, responses=OpenApiTypes.OBJECT, operation_id="revenue_payment_create"
    )
    def post(self, request: Request) -> Response:
        key = request.headers.get("Idempotency-Key", "")
        if not key:
            return Response({"detail": "Idempotency-Key header required"}, status=400)
        data = PaymentInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        party = core.party_by_national_id(
            values["national_id"]
        ) or core.party_by_commercial_registration(values["national_id"])
        if party is None:
            return Response({"detail": "unknown party"}, status=404)
        try:
            payment = services.take_payment(
                actor=request.user,
                party=party,
                amount=values["amount"],
                tender=values["tender"],
                channel=values["channel"],
                branch=core.branch_by_code(values.get("branch", "")),
                reference=values.get("reference", ""),
                idempotency_key=f"api:{request.user.pk}:{key}",
            )
        except ValidationError as exc:
            return Response({"detail": exc.messages}, status=400)
        return Response(
            {
                "payment": payment.pk,
                "receipt": payment.receipt.number,
                "advance": str(core.quantize(payment.advance, payment.currency)),
            },
            status=201,
        )


urlpatterns = [
    path("revenue/statement/", MyStatement.as_view(), name="api-my-statement"),
    path("revenue/payments/", Payments.as_view(), name="api-payments"),
]
