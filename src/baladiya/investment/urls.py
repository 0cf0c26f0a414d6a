from django.urls import URLPattern, URLResolver, path

from baladiya.investment import views

app_name = "investment"

urlpatterns: list[URLPattern | URLResolver] = [
    path("investment/", views.opportunities, name="list"),
    path("investment/<str:reference>/", views.opportunity, name="opportunity"),
    path("account/investments/", views.mine, name="mine"),
    path(
        "account/investments/contracts/<str:number>/pdf/", views.contract_pdf, name="contract-pdf"
    ),
    path("staff/investment/", views.staff_list, name="staff-list"),
    path("staff/investment/<str:reference>/", views.staff_detail, name="staff-detail"),
    path("staff/investment/offers/<int:pk>/document/", views.offer_document, name="document"),
]
