"""The GeoJSON API of the gis app (mounted under /api/v1/). Public reads carry
no personal data: owners are never in these responses."""

from __future__ import annotations

from django.http import Http404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from baladiya.gis import api as gis
from baladiya.gis import selectors

MAX_FEATURES = 4000


def _float(request: Request, name: str) -> float:
    try:
        return float(request.query_params[name])
    except (KeyError, ValueError) as exc:
        raise Http404 from exc


class ParcelCollection(APIView):
    """Parcels in force whose bounding box meets ``bbox=min_lon,min_lat,max_lon,max_lat``
    (GeoJSON FeatureCollection, at most 4000 features)."""

    permission_classes = [AllowAny]

    @extend_schema(responses=OpenApiTypes.OBJECT, operation_id="gis_parcels")
    def get(self, request: Request) -> Response:
        try:
            values = [float(v) for v in request.query_params.get("bbox", "").split(",")]
        except ValueError:
            values = []
        if len(values) != 4:
            return Response({"detail": "bbox=min_lon,min_lat,max_lon,max_lat is required"}, 400)
        parcels = selectors.parcels_in_bbox(*values, limit=MAX_FEATURES + 1)
        body = selectors.parcels_geojson(parcels[:MAX_FEATURES])
        body["truncated"] = len(parcels) > MAX_FEATURES
        return Response(body)


class ParcelDetail(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=OpenApiTypes.OBJECT, operation_id="gis_parcel_detail")
    def get(self, request: Request, parcel_id: int) -> Response:
        parcel = selectors.parcel_by_id(parcel_id)
        if parcel is None:
            raise Http404
        feature = selectors.parcel_feature(parcel)
        rules = gis.zone_rules_for_parcel(parcel)
        feature["properties"]["rules"] = (
            {
                "max_floors": rules.max_floors,
                "max_coverage_pct": rules.max_coverage_pct,
                "max_far": rules.max_far,
                "setback_front_m": rules.setback_front_m,
                "setback_side_m": rules.setback_side_m,
                "setback_rear_m": rules.setback_rear_m,
                "permitted_uses": list(rules.permitted_uses),
            }
            if rules
            else None
        )
        feature["properties"]["neighbours"] = [p.label for p in selectors.neighbours(parcel)]
        return Response(feature)


class ParcelAtPoint(APIView):
    """The parcel containing ``lon``, ``lat`` (WGS84), as a GeoJSON Feature."""

    permission_classes = [AllowAny]

    @extend_schema(responses=OpenApiTypes.OBJECT, operation_id="gis_parcel_at_point")
    def get(self, request: Request) -> Response:
        parcel = selectors.parcel_at_point(_float(request, "lon"), _float(request, "lat"))
        if parcel is None:
            raise Http404
        return Response(selectors.parcel_feature(parcel))


class ZoneCollection(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=OpenApiTypes.OBJECT, operation_id="gis_zones")
    def get(self, request: Request) -> Response:
        body = selectors.zones_geojson()
        rules = {
            z.code: {
                "name_ar": z.name_ar,
                "name_en": z.name_en,
                "max_floors": z.max_floors,
                "max_coverage_pct": z.max_coverage_pct,
                "max_far": z.max_far,
                "setback_front_m": z.setback_front_m,
                "setback_side_m": z.setback_side_m,
                "setback_rear_m": z.setback_rear_m,
                "permitted_uses": z.permitted_uses,
            }
            for z in selectors.zones()
        }
        for feature in body["features"]:
            feature["properties"].update(rules.get(feature["properties"]["code"], {}))
        return Response(body)


urlpatterns = [
    path("gis/parcels/", ParcelCollection.as_view(), name="api-gis-parcels"),
    path("gis/parcels/at/", ParcelAtPoint.as_view(), name="api-gis-parcel-at"),
    path("gis/parcels/<int:parcel_id>/", ParcelDetail.as_view(), name="api-gis-parcel"),
    path("gis/zones/", ZoneCollection.as_view(), name="api-gis-zones"),
]
