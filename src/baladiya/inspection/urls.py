from django.urls import URLPattern, URLResolver, path

from baladiya.inspection import views

app_name = "inspection"

urlpatterns: list[URLPattern | URLResolver] = [
    path("violations/", views.my_violations, name="my-violations"),
    path("violations/<str:number>/", views.violation, name="violation"),
    path("violations/<str:number>/pdf/", views.notice_pdf, name="notice-pdf"),
    path("objections/<str:reference>/", views.objection, name="objection"),
    path("staff/inspections/", views.visits, name="visits"),
    path("staff/inspections/visits/<int:pk>/", views.visit, name="visit"),
    path("staff/violations/", views.staff_list, name="staff-list"),
    path("staff/violations/new/", views.staff_new, name="staff-new"),
    path("staff/violations/schedule/", views.schedule, name="schedule"),
    path("staff/violations/<str:number>/", views.staff_violation, name="staff-violation"),
    path("staff/objections/<str:reference>/", views.objection_staff, name="objection-staff"),
]
