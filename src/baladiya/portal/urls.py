from django.urls import path

from baladiya.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("account/", views.account, name="account"),
    path("account/notifications/", views.notifications, name="notifications"),
    path("account/notifications/read/", views.read_notifications, name="read-notifications"),
]
