from django.urls import URLPattern, URLResolver, path

from baladiya.vending import views

app_name = "vending"

urlpatterns: list[URLPattern | URLResolver] = [
    path("staff/vending/", views.desk, name="desk"),
    path("staff/vending/sell/", views.sell, name="sell"),
    path("staff/vending/policy/", views.policy, name="policy"),
    path("staff/vending/sales/<str:number>/", views.vend_detail, name="vend"),
    path("staff/vending/sales/<str:number>/pdf/", views.vend_pdf, name="vend-pdf"),
    path("account/meters/", views.my_meters, name="my-meters"),
    path("account/meters/<str:serial>/top-up/", views.top_up, name="top-up"),
    path("account/meters/tokens/<str:number>/pdf/", views.my_vend_pdf, name="my-vend-pdf"),
]
