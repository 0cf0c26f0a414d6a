from django.urls import path

from baladiya.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
]
