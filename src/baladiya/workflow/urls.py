from django.urls import path

from baladiya.workflow import views

app_name = "workflow"

urlpatterns = [
    path("staff/inbox/", views.inbox, name="inbox"),
    path("staff/inbox/assign/", views.bulk_assign, name="bulk-assign"),
    path("staff/cases/<str:reference>/", views.staff_case, name="staff-case"),
    path("staff/processes/<slug:key>/", views.process_diagram, name="process"),
    path("account/cases/", views.my_cases, name="my-cases"),
    path("account/cases/<str:reference>/", views.my_case, name="my-case"),
    path("track/", views.track, name="track"),
]
