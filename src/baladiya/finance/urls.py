from django.urls import path

from baladiya.finance import views

app_name = "finance"

urlpatterns = [
    path("staff/finance/reports/", views.reports, name="reports"),
    path("staff/finance/reports/<slug:key>/", views.report, name="report"),
    path("staff/finance/periods/", views.periods, name="periods"),
    path("staff/finance/journal/", views.journal, name="journal"),
    path("staff/finance/journal/new/", views.new_entry, name="new-entry"),
    path("staff/finance/journal/<int:pk>/", views.entry_detail, name="entry"),
]
