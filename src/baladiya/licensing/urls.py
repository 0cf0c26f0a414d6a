from django.urls import URLPattern, URLResolver

app_name = "licensing"

urlpatterns: list[URLPattern | URLResolver] = []
