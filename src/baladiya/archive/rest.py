"""The archive over the API: search, a document's metadata and its file, with
the same permission checks and access log as the pages (404 when not allowed)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError as APIValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from baladiya.archive import services
from baladiya.archive.models import AccessAction, Document


class HitSerializer(serializers.Serializer):
    document_id = serializers.IntegerField()
    title = serializers.CharField()
    snippet_html = serializers.CharField()
    score = serializers.FloatField()
    date = serializers.DateField(allow_null=True)
    doc_type = serializers.CharField()
    level = serializers.CharField()


class SearchPageSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    page = serializers.IntegerField()
    per_page = serializers.IntegerField()
    hits = HitSerializer(many=True)


class SearchParams(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, default="")
    doc_type = serializers.SlugField(required=False, allow_blank=True, default="")
    department = serializers.IntegerField(required=False, allow_null=True, default=None)
    branch = serializers.IntegerField(required=False, allow_null=True, default=None)
    tag = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    date_from = serializers.DateField(required=False, allow_null=True, default=None)
    date_to = serializers.DateField(required=False, allow_null=True, default=None)
    order = serializers.ChoiceField(
        choices=["relevance", "date"], required=False, default="relevance"
    )
    page = serializers.IntegerField(required=False, min_value=1, default=1)
    per_page = serializers.IntegerField(required=False, min_value=1, max_value=100, default=20)


class VersionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    filename = serializers.CharField()
    mime_type = serializers.CharField()
    state = serializers.CharField()
    error = serializers.CharField()
    pages = serializers.IntegerField(allow_null=True)
    sha256 = serializers.CharField(source="file.sha256")
    size = serializers.IntegerField(source="file.size")
    created_at = serializers.DateTimeField()


class DocumentSerializer(serializers.ModelSerializer):
    doc_type = serializers.CharField(source="doc_type.key")
    department = serializers.CharField(source="department.code")
    versions = VersionSerializer(many=True, read_only=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "title",
            "doc_type",
            "number",
            "date",
            "department",
            "level",
            "metadata",
            "tags",
            "link_type",
            "link_id",
            "legal_hold",
            "review_due",
            "created_at",
            "versions",
        ]


def _ip(request: Request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class SearchView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[SearchParams], responses=SearchPageSerializer)
    def get(self, request: Request) -> Response:
        params = SearchParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        try:
            page = services.logged_search(
                user=request.user,
                query=data["q"],
                ip=_ip(request),
                doc_type=data["doc_type"],
                department=data["department"],
                branch=data["branch"],
                tags=data["tag"],
                date_from=data["date_from"],
                date_to=data["date_to"],
                order=data["order"],
                page=data["page"],
                per_page=data["per_page"],
            )
        except ValidationError as exc:
            raise APIValidationError(exc.messages) from exc
        return Response(SearchPageSerializer(page).data)


class DocumentView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=DocumentSerializer)
    def get(self, request: Request, pk: int) -> Response:
        document = services.open_document(
            user=request.user, pk=pk, action=AccessAction.VIEW, ip=_ip(request)
        )
        if document is None:
            raise Http404
        return Response(DocumentSerializer(document).data)


class DocumentFileView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("v", int, required=False, description="version number")],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        document = services.open_document(
            user=request.user, pk=pk, action=AccessAction.DOWNLOAD, ip=_ip(request)
        )
        if document is None:
            raise Http404
        versions = document.versions.select_related("file").order_by("-number")
        number = request.query_params.get("v", "")
        if number.isdigit():
            versions = versions.filter(number=int(number))
        version = versions.first()
        if version is None:
            raise Http404
        return FileResponse(
            default_storage.open(version.file.storage_key, "rb"),
            content_type=version.mime_type,
            as_attachment=True,
            filename=version.filename,
        )


urlpatterns = [
    path("archive/search/", SearchView.as_view(), name="api-archive-search"),
    path("archive/documents/<int:pk>/", DocumentView.as_view(), name="api-archive-document"),
    path(
        "archive/documents/<int:pk>/file/",
        DocumentFileView.as_view(),
        name="api-archive-document-file",
    ),
]
