from django.urls import path

from baladiya.permits import views

app_name = "permits"

urlpatterns = [
    path("permits/", views.mine, name="mine"),
    path("permits/apply/<slug:kind>/", views.apply, name="apply"),
    path("permits/<str:reference>/", views.detail, name="detail"),
    path("permits/<str:reference>/pdf/", views.pdf, name="pdf"),
    path("permits/<str:reference>/amend/", views.amend, name="amend"),
    path("staff/permits/", views.staff_list, name="staff-list"),
    path("staff/permits/<str:reference>/", views.staff_detail, name="staff-detail"),
    path("verify/permit/<str:token>/", views.verify, name="verify"),
]
