from django.urls import URLPattern, URLResolver

app_name = "vending"

urlpatterns: list[URLPattern | URLResolver] = []
