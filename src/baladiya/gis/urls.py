from django.urls import path

from baladiya.gis import views

app_name = "gis"

urlpatterns = [
    path("maps/", views.public_map, name="map"),
    path("maps/parcels.geojson", views.parcels_geojson, name="parcels-geojson"),
    path("maps/zones.geojson", views.zones_geojson, name="zones-geojson"),
    path("maps/layers/<slug:key>.geojson", views.layer_geojson, name="layer-geojson"),
    path("maps/at/", views.parcel_at, name="parcel-at"),
    path("parcels/<int:parcel_id>/", views.parcel_detail, name="parcel"),
    path("parcels/<int:parcel_id>/card/", views.parcel_card, name="parcel-card"),
    path("parcels/<int:parcel_id>/site-plan.pdf", views.site_plan, name="site-plan"),
    path(
        "parcels/site-plans/<str:reference>/",
        views.verify_site_plan,
        name="verify-site-plan",
    ),
    path("staff/gis/", views.staff_map, name="staff-map"),
    path("staff/gis/import/", views.import_parcels, name="import"),
    path("staff/gis/number/", views.number_area, name="number-area"),
    path("staff/gis/numbering/<int:run_id>/", views.numbering_run, name="numbering-run"),
    path("staff/gis/export.geojson", views.export_geojson, name="export"),
]
