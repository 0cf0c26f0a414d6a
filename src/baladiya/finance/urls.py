from django.urls import path

from baladiya.finance import views

app_name = "finance"

urlpatterns = [
    path("staff/finance/reports/", views.reports, name="reports"),
    path("staff/finance/reports/<slug:key>/", views.report, name="report"),
    path("staff/finance/periods/", views.periods, name="periods"),
]
