from django.urls import path

from .views import adjustment, attachments, council, performance, requests, revenue, setup, versions

app_name = "budget"

urlpatterns = [
    path("", versions.home, name="home"),
    path("open/", versions.open_version, name="open"),
    path("setup/<int:year>/", setup.setup_page, name="setup"),
    path("setup/<int:year>/projects/<str:code>/targets/", performance.targets_page, name="targets"),
    path("attachments/<int:attachment_id>/", attachments.attachment_download, name="attachment"),
    path("<int:year>/v<int:number>/attach/", attachments.attach, name="attach"),
    path("<int:year>/v<int:number>/", versions.version_page, name="version"),
    path("<int:year>/v<int:number>/request/", requests.request_page, name="request"),
    path("<int:year>/v<int:number>/revenue/", revenue.revenue_page, name="revenue"),
    path("<int:year>/v<int:number>/adjust/", adjustment.adjust_page, name="adjust"),
    path("<int:year>/v<int:number>/council/", council.council_page, name="council"),
    path("<int:year>/v<int:number>/<str:action>/", versions.version_action, name="action"),
    path("lines/<int:line_id>/<str:action>/", adjustment.line_amount, name="line_amount"),
    path("revenue-lines/<int:line_id>/<str:action>/", revenue.revenue_amount, name="revenue_amount"),
]
