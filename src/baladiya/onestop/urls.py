from django.urls import path

from baladiya.onestop import views

app_name = "onestop"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("apply/<int:draft_id>/", views.questions, name="questions"),
    path("apply/<int:draft_id>/check/", views.check, name="check"),
    path("apply/<int:draft_id>/done/", views.done, name="done"),
    path("acknowledgement/<str:reference>.pdf", views.acknowledgement, name="acknowledgement"),
    path("<slug:key>/", views.service_detail, name="service"),
    path("<slug:key>/apply/", views.apply, name="apply"),
]
