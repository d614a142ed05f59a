from django.urls import path

from . import views

app_name = "budget"

urlpatterns = [
    path("", views.home, name="home"),
    path("open/", views.open_version, name="open"),
    path("setup/<int:year>/", views.setup_page, name="setup"),
    path("attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("<int:year>/v<int:number>/attach/", views.attach, name="attach"),
    path("<int:year>/v<int:number>/", views.version_page, name="version"),
    path("<int:year>/v<int:number>/request/", views.request_page, name="request"),
    path("<int:year>/v<int:number>/revenue/", views.revenue_page, name="revenue"),
    path("<int:year>/v<int:number>/adjust/", views.adjust_page, name="adjust"),
    path("<int:year>/v<int:number>/council/", views.council_page, name="council"),
    path("<int:year>/v<int:number>/<str:action>/", views.version_action, name="action"),
    path("lines/<int:line_id>/<str:action>/", views.line_amount, name="line_amount"),
    path("revenue-lines/<int:line_id>/<str:action>/", views.revenue_amount, name="revenue_amount"),
]
