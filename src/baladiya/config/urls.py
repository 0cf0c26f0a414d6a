from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from baladiya.complaint import rest as complaint_rest
from baladiya.core import rest as core_rest
from baladiya.finance import rest as finance_rest
from baladiya.gis import rest as gis_rest
from baladiya.onestop import rest as onestop_rest
from baladiya.revenue import rest as revenue_rest
from baladiya.workflow import rest as workflow_rest

api_v1 = [
    *core_rest.urlpatterns,
    *onestop_rest.urlpatterns,
    *workflow_rest.urlpatterns,
    *revenue_rest.urlpatterns,
    *finance_rest.urlpatterns,
    *gis_rest.urlpatterns,
    *complaint_rest.urlpatterns,
]

urlpatterns = [
    path("", include("baladiya.portal.urls")),
    path("", include("baladiya.core.urls")),
    path("services/", include("baladiya.onestop.urls")),
    path("", include("baladiya.workflow.urls")),
    path("", include("baladiya.revenue.urls")),
    path("", include("baladiya.finance.urls")),
    path("", include("baladiya.gis.urls")),
    path("", include("baladiya.complaint.urls")),
    path("open311/v2/", include("baladiya.open311.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

if settings.BALADIYA_ENV != "production":
    # Uploaded files in the demo; production serves media from object storage or
    # the reverse proxy.
    urlpatterns.append(path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}))

handler403 = "baladiya.core.views.permission_denied"
handler404 = "baladiya.core.views.page_not_found"
handler500 = "baladiya.core.views.server_error"

admin.site.site_header = admin.site.site_title = "Baladiya"
