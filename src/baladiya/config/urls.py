from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from baladiya.archive import rest as archive_rest
from baladiya.complaint import rest as complaint_rest
from baladiya.core import rest as core_rest
from baladiya.correspondence import rest as correspondence_rest
from baladiya.finance import rest as finance_rest
from baladiya.gis import rest as gis_rest
from baladiya.inspection import rest as inspection_rest
from baladiya.investment import rest as investment_rest
from baladiya.licensing import rest as licensing_rest
from baladiya.onestop import rest as onestop_rest
from baladiya.permits import rest as permits_rest
from baladiya.revenue import rest as revenue_rest
from baladiya.utilities import rest as utilities_rest
from baladiya.vending import rest as vending_rest
from baladiya.workflow import rest as workflow_rest

api_v1 = [
    *core_rest.urlpatterns,
    *onestop_rest.urlpatterns,
    *workflow_rest.urlpatterns,
    *revenue_rest.urlpatterns,
    *finance_rest.urlpatterns,
    *gis_rest.urlpatterns,
    *complaint_rest.urlpatterns,
    *utilities_rest.urlpatterns,
    *vending_rest.urlpatterns,
    *licensing_rest.urlpatterns,
    *permits_rest.urlpatterns,
    *inspection_rest.urlpatterns,
    *investment_rest.urlpatterns,
    *archive_rest.urlpatterns,
    *correspondence_rest.urlpatterns,
]

urlpatterns = [
    # The API first: its clients make most of the requests, and resolving walks
    # the patterns in order.
    path("api/v1/", include(api_v1)),
    path("", include("baladiya.portal.urls")),
    path("", include("baladiya.core.urls")),
    path("services/", include("baladiya.onestop.urls")),
    path("", include("baladiya.workflow.urls")),
    path("", include("baladiya.revenue.urls")),
    path("", include("baladiya.finance.urls")),
    path("", include("baladiya.gis.urls")),
    path("", include("baladiya.complaint.urls")),
    path("open311/v2/", include("baladiya.open311.urls")),
    path("", include("baladiya.utilities.urls")),
    path("", include("baladiya.vending.urls")),
    path("", include("baladiya.licensing.urls")),
    path("", include("baladiya.permits.urls")),
    path("", include("baladiya.inspection.urls")),
    path("", include("baladiya.investment.urls")),
    path("", include("baladiya.archive.urls")),
    path("", include("baladiya.correspondence.urls")),
    path("admin/", admin.site.urls),
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
