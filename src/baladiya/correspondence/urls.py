from django.urls import path

from baladiya.correspondence import views

app_name = "correspondence"

urlpatterns = [
    path("staff/correspondence/", views.register, name="register"),
    path("staff/correspondence/department/", views.department, name="department"),
    path("staff/correspondence/new/", views.new, name="new"),
    path("staff/correspondence/correspondents/", views.entities, name="entities"),
    path("staff/correspondence/referrals/<str:reference>/", views.referral, name="referral"),
    path("staff/correspondence/<str:number>/", views.detail, name="detail"),
    path("staff/correspondence/<str:number>/pdf/", views.slip_pdf, name="pdf"),
    path("correspondence/mine/", views.my_letters, name="mine"),
    path("correspondence/verify/<str:token>/", views.verify, name="verify"),
]
