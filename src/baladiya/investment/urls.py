from django.urls import URLPattern, URLResolver

app_name = "investment"

urlpatterns: list[URLPattern | URLResolver] = []
