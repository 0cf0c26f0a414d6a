"""Investment over the API (mounted under /api/v1/): the public opportunities,
and the committee's list of offers, which carries no price before the opening."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from baladiya.investment import selectors
from baladiya.investment.models import Offer, Opportunity


class OpportunitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Opportunity
        fields = [
            "reference",
            "name_ar",
            "name_en",
            "site_ar",
            "site_en",
            "area_m2",
            "activity_ar",
            "activity_en",
            "terms_ar",
            "terms_en",
            "min_annual_rent",
            "term_years",
            "frequency",
            "deadline",
            "price_weight",
            "criteria",
            "status",
        ]


class OfferSerializer(serializers.ModelSerializer):
    investor = serializers.CharField(source="investor.name", read_only=True)

    class Meta:
        model = Offer
        fields = [
            "number",
            "investor",
            "submitted_at",
            "status",
            "annual_rent",
            "financial_score",
            "technical_score",
            "total_score",
        ]


class Opportunities(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=OpportunitySerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(OpportunitySerializer(selectors.published(), many=True).data)


class Offers(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=OfferSerializer(many=True))
    def get(self, request: Request, reference: str) -> Response:
        """The offers on an opportunity (committee): the price stays empty until
        the offers are opened after the deadline."""
        try:
            found = selectors.staff_opportunity(request.user, reference)
        except ObjectDoesNotExist as exc:
            raise Http404 from exc
        return Response(OfferSerializer(selectors.offers(request.user, found), many=True).data)


urlpatterns: list[URLPattern] = [
    path("investment/opportunities/", Opportunities.as_view(), name="investment-opportunities"),
    path(
        "investment/opportunities/<str:reference>/offers/",
        Offers.as_view(),
        name="investment-offers",
    ),
]
