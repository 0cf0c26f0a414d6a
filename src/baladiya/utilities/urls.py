from django.urls import URLPattern, URLResolver

app_name = "utilities"

urlpatterns: list[URLPattern | URLResolver] = []
