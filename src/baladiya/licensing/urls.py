from django.urls import URLPattern, URLResolver, path

from baladiya.licensing import views

app_name = "licensing"

urlpatterns: list[URLPattern | URLResolver] = [
    path("licences/", views.home, name="home"),
    path("licences/apply/", views.apply, name="apply"),
    path("licences/<int:pk>/", views.licence, name="licence"),
    path("licences/<int:pk>/renew/", views.renew, name="renew"),
    path("licences/<int:pk>/transfer/", views.transfer, name="transfer"),
    path("licences/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("licences/<int:pk>/pdf/", views.licence_pdf, name="pdf"),
    path("licences/transfers/<int:pk>/consent/", views.consent, name="consent"),
    path("licences/establishments/<int:pk>/dues/", views.dues, name="dues"),
    path("licences/establishments/<int:pk>/workers/", views.workers, name="workers"),
    path("licences/workers/<int:pk>/remove/", views.remove_worker, name="remove-worker"),
    path(
        "licences/workers/<int:pk>/certificate/",
        views.apply_for_certificate,
        name="certificate-apply",
    ),
    path("licences/certificates/<int:pk>/pdf/", views.certificate_pdf, name="certificate-pdf"),
    path("licences/billboards/new/", views.billboard_new, name="billboard-new"),
    path("licences/billboards/<int:pk>/renew/", views.billboard_renew, name="billboard-renew"),
    path("verify/licence/", views.verify, name="verify"),
    path("verify/licence/<str:number>/", views.verify_number, name="verify-number"),
    path(
        "verify/health-certificate/<str:token>/",
        views.verify_certificate,
        name="verify-certificate",
    ),
    path("staff/licences/", views.staff_licences, name="staff-licences"),
    path("staff/licences/<int:pk>/", views.staff_licence, name="staff-licence"),
    path("staff/licences/workers/", views.staff_workers, name="staff-workers"),
    path("staff/licences/workers/<int:pk>/check/", views.medical_check, name="medical-check"),
    path("staff/licences/billboards/", views.staff_billboards, name="staff-billboards"),
    path(
        "staff/licences/billboards/<int:pk>/removal/",
        views.order_removal,
        name="order-removal",
    ),
]
