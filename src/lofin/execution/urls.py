from django.urls import path

from . import views

app_name = "execution"

urlpatterns = [
    path("", views.home, name="home"),
    path("<int:year>/", views.dashboard, name="dashboard"),
    path("<int:year>/lines.<str:fmt>", views.download, name="download"),
    path("<int:year>/offices/", views.offices, name="offices"),
    path("<int:year>/revenue/", views.revenue_page, name="revenue"),
    path("<int:year>/revenue/assess/", views.assess, name="assess"),
    path("<int:year>/transfers/", views.transfers_page, name="transfers"),
    path("lines/<int:line_id>/", views.line_detail, name="line"),
    path("lines/<int:line_id>/allocate/", views.allocate, name="allocate"),
    path("lines/<int:line_id>/commit/", views.commit, name="commit"),
    path("lines/<int:line_id>/transfer/", views.request_transfer, name="transfer"),
    path("commitments/<int:commitment_id>/pay/", views.pay, name="pay"),
    path("commitments/<int:commitment_id>/cancel/", views.cancel, name="cancel"),
    path("assessments/<int:assessment_id>/receipt/", views.receipt, name="receipt"),
]
