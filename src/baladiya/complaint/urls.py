from django.urls import path

from baladiya.complaint import views

app_name = "complaint"

urlpatterns = [
    path("complaints/new/", views.new, name="new"),
    path("complaints/<str:reference>/filed/", views.filed, name="filed"),
    path("complaints/<str:reference>/", views.detail, name="detail"),
    path("staff/complaints/<str:reference>/", views.staff_detail, name="staff-detail"),
]
