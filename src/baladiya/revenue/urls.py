from django.urls import path

from baladiya.revenue import views

app_name = "revenue"

urlpatterns = [
    path("staff/cashier/", views.desk, name="desk"),
    path("staff/cashier/pay/", views.take_payment, name="take-payment"),
    path("staff/cashier/receipts/<int:pk>/", views.receipt_detail, name="receipt"),
    path("bills/new/", views.issue_bill, name="issue-bill"),
    path("bills/<int:pk>/pdf/", views.bill_pdf, name="bill-pdf"),
    path("verify/bill/<str:token>/", views.verify_bill, name="verify-bill"),
    path("staff/cashier/receipts/<int:pk>/pdf/", views.receipt_pdf, name="receipt-pdf"),
    path("staff/cashier/shifts/<int:pk>/", views.shift_detail, name="shift"),
    path("staff/cashier/shifts/<int:pk>/pdf/", views.shift_pdf, name="shift-pdf"),
    path("staff/revenue/approvals/", views.approvals, name="approvals"),
    path("staff/revenue/demands/", views.demands, name="demands"),
    path("staff/revenue/demands/<str:number>/", views.demand_detail, name="demand"),
    path("account/statement/", views.statement, name="statement"),
    path("account/statement/pdf/", views.statement_pdf, name="statement-pdf"),
    path("account/receipts/<int:pk>/pdf/", views.receipt_pdf, name="my-receipt-pdf"),
    path("account/clearance/", views.clearance, name="clearance"),
    path("account/pay/", views.pay_online, name="pay-online"),
    path("pay/sandbox/<str:token>/", views.sandbox_gateway, name="sandbox-gateway"),
    path("pay/callback/<slug:key>/", views.gateway_callback, name="gateway-callback"),
    path("verify/receipt/<str:token>/", views.verify_receipt, name="verify-receipt"),
    path("verify/clearance/<str:token>/", views.verify_clearance, name="verify-clearance"),
]
