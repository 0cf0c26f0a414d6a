from django.urls import URLPattern, URLResolver, path

from baladiya.utilities import views

app_name = "utilities"

urlpatterns: list[URLPattern | URLResolver] = [
    path("staff/utilities/", views.connections, name="connections"),
    path("staff/utilities/connections/<int:pk>/", views.connection, name="connection"),
    path(
        "staff/utilities/connections/<int:pk>/replace-meter/",
        views.replace_meter,
        name="replace-meter",
    ),
    path("staff/utilities/readings/", views.readings, name="readings"),
    path("staff/utilities/readings/imports/<int:pk>/", views.import_report, name="import-report"),
    path("staff/utilities/anomalies/", views.anomalies, name="anomalies"),
    path(
        "staff/utilities/anomalies/<int:pk>/resolve/",
        views.resolve_anomaly,
        name="resolve-anomaly",
    ),
    path("staff/utilities/runs/", views.runs, name="runs"),
    path("staff/utilities/runs/<int:pk>/", views.run, name="run"),
    path("staff/utilities/runs/<int:pk>/progress/", views.run_progress, name="run-progress"),
    path("staff/utilities/runs/<int:pk>/bills.pdf", views.run_pdf, name="run-pdf"),
    path("staff/utilities/monitor/", views.monitor, name="monitor"),
    path("staff/utilities/tariffs/", views.tariffs, name="tariffs"),
    path(
        "staff/utilities/tariffs/<int:pk>/new-version/",
        views.new_tariff_version,
        name="tariff-version",
    ),
    path("account/utilities/", views.my_connections, name="my-connections"),
    path("account/utilities/<int:pk>/", views.my_connection, name="my-connection"),
    path("account/utilities/bills/<int:pk>/", views.bill_pdf, name="bill-pdf"),
]
