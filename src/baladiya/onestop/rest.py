"""The service catalogue over the API (public, read-only)."""

from __future__ import annotations

from django.http import Http404
from django.urls import path
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from baladiya.onestop import selectors
from baladiya.onestop.models import Service


class ServiceSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="key", read_only=True)
    documents = serializers.SlugRelatedField(slug_field="key", many=True, read_only=True)
    subcategories = serializers.SerializerMethodField()

    class Meta:
        model = Service
        fields = [
            "key",
            "name_ar",
            "name_en",
            "category",
            "audience",
            "fee",
            "fee_note_ar",
            "fee_note_en",
            "sla_days",
            "notes_ar",
            "notes_en",
            "documents",
            "subcategories",
            "apply_online",
            "apply_in_person",
        ]

    def get_subcategories(self, obj: Service) -> list[dict[str, str]]:
        return [
            {"code": s.code, "name_ar": s.name_ar, "name_en": s.name_en}
            for s in obj.subcategories.all()
        ]


class ServiceList(generics.ListAPIView):
    """The public service catalogue; ``q`` searches (Arabic-aware), ``category`` filters."""

    permission_classes = [AllowAny]
    serializer_class = ServiceSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        params = self.request.query_params
        return selectors.public_services(
            query=params.get("q", ""), category=params.get("category", "")
        ).prefetch_related("documents", "subcategories")


class ServiceDetail(generics.RetrieveAPIView):
    permission_classes = [AllowAny]
    serializer_class = ServiceSerializer
    lookup_field = "key"

    def get_object(self) -> Service:
        service = selectors.service_by_key(self.kwargs["key"])
        if service is None or not service.is_public:
            raise Http404
        return service


urlpatterns = [
    path("services/", ServiceList.as_view(), name="api-services"),
    path("services/<slug:key>/", ServiceDetail.as_view(), name="api-service"),
]
