from django.urls import path

from . import views

app_name = "accounting"

urlpatterns = [
    path("", views.home, name="home"),
    path("<int:year>/closing/", views.closing, name="closing"),
    path("<int:year>/trial-balance/", views.trial_balance, name="trial_balance"),
    path("<int:year>/ledger/<str:code>/", views.ledger, name="ledger"),
    path("<int:year>/statements/<str:entity>/", views.statements, name="statements"),
    path("<int:year>/budget-result/", views.budget_result, name="budget_result"),
    path("<int:year>/performance-report/", views.performance_report, name="performance_report"),
    path("<int:year>/statements/<str:entity>/<str:statement>.<str:fmt>", views.download, name="download"),
]
