from django.urls import URLPattern, URLResolver, path

from baladiya.archive import views

app_name = "archive"

urlpatterns: list[URLPattern | URLResolver] = [
    path("staff/archive/", views.home, name="home"),
    path("staff/archive/suggest/", views.suggest, name="suggest"),
    path("staff/archive/upload/", views.upload, name="upload"),
    path("staff/archive/queue/", views.queue, name="queue"),
    path("staff/archive/retention/", views.retention, name="retention"),
    path("staff/archive/access-log/", views.access_log, name="access-log"),
    path("staff/archive/export/", views.export, name="export"),
    path("staff/archive/<str:pk>/", views.document, name="document"),
    path("staff/archive/<str:pk>/file/", views.download, name="download"),
    path("staff/archive/<str:pk>/pdf/", views.searchable_pdf, name="searchable-pdf"),
    path("staff/archive/<str:pk>/thumbnail/", views.thumbnail, name="thumbnail"),
    path("staff/archive/<str:pk>/preview/", views.preview, name="preview"),
]
