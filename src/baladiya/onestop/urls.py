from django.urls import path

from baladiya.onestop import views

app_name = "onestop"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("<slug:key>/", views.service_detail, name="service"),
]
