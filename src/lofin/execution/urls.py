from django.urls import path

from . import views

app_name = "execution"

urlpatterns = [
    path("", views.home, name="home"),
    path("<int:year>/", views.dashboard, name="dashboard"),
    path("<int:year>/lines.<str:fmt>", views.download, name="download"),
    path("<int:year>/offices/", views.offices, name="offices"),
    path("<int:year>/offices/new/", views.create_office, name="create_office"),
    path("<int:year>/revenue/", views.revenue_page, name="revenue"),
    path("<int:year>/revenue/assess/", views.assess, name="assess"),
    path("<int:year>/transfers/", views.transfers_page, name="transfers"),
    path("<int:year>/transfers/report/<int:quarter>/", views.council_report, name="council_report"),
    path("<int:year>/transfers/report/<int:quarter>.xlsx", views.council_report_xlsx, name="council_report_xlsx"),
    path("<int:year>/year-end/", views.year_end, name="year_end"),
    path("<int:year>/provisional/", views.provisional, name="provisional"),
    path("<int:year>/year-end/lapse.<str:fmt>", views.lapse_download, name="lapse_download"),
    path("<int:year>/imprest/", views.imprest_page, name="imprest"),
    path("lines/<int:line_id>/", views.line_detail, name="line"),
    path("lines/<int:line_id>/allocate/", views.allocate, name="allocate"),
    path("lines/<int:line_id>/sub-allocate/", views.sub_allocate, name="sub_allocate"),
    path("lines/<int:line_id>/commit/", views.commit, name="commit"),
    path("lines/<int:line_id>/transfer/", views.request_transfer, name="transfer"),
    path("lines/<int:line_id>/carry-over/", views.carry_over, name="carry_over"),
    path("commitments/<int:commitment_id>/pay/", views.pay, name="pay"),
    path("commitments/<int:commitment_id>/cancel/", views.cancel, name="cancel"),
    path("commitments/<int:commitment_id>/assign/", views.assign, name="assign"),
    path("commitments/<int:commitment_id>/resolve/", views.resolve, name="resolve"),
    path("commitments/<int:commitment_id>/imprest/", views.imprest_advance, name="imprest_advance"),
    path("payments/<int:payment_id>/refund/", views.refund_payment, name="refund_payment"),
    path("imprest/<int:advance_id>/settle/", views.imprest_settle, name="imprest_settle"),
    path("transfers/<int:transfer_id>/withdraw/", views.withdraw_transfer, name="withdraw_transfer"),
    path("assessments/<int:assessment_id>/", views.assessment_detail, name="assessment"),
    path("assessments/<int:assessment_id>/receipt/", views.receipt, name="receipt"),
    path("assessments/<int:assessment_id>/notice/", views.notice, name="notice"),
    path("assessments/<int:assessment_id>/cancel/", views.cancel_assessment, name="cancel_assessment"),
    path("assessments/<int:assessment_id>/correct/", views.correct_assessment, name="correct_assessment"),
    path("receipts/<int:receipt_id>/deposit/", views.deposit, name="deposit"),
    path("receipts/<int:receipt_id>/refund/", views.overpayment_refund, name="overpayment_refund"),
]
