from django.urls import path

from lofin.core import views

app_name = "core"

urlpatterns = [
    path("accounts/login/", views.login_view, name="login"),
    path("accounts/login/otp/", views.login_otp_view, name="login_otp"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("accounts/signup/", views.signup_view, name="signup"),
    path("accounts/", views.account_view, name="account"),
    path("accounts/otp/setup/", views.otp_setup_view, name="otp_setup"),
    path("accounts/otp/disable/", views.otp_disable_view, name="otp_disable"),
    path("language/", views.set_language_view, name="set_language"),
    path("me/notifications/", views.notifications_view, name="notifications"),
    path("me/inbox/", views.inbox_view, name="inbox"),
    path("me/approvals/<int:request_id>/", views.approval_detail_view, name="approval_detail"),
    path("me/approvals/<int:request_id>/decide/", views.approval_decide_view, name="approval_decide"),
    path("g/<str:gov_code>/", views.workspace_view, name="workspace"),
    path("g/<str:gov_code>/draft/", views.draft_view, name="draft"),
    path("g/<str:gov_code>/delegations/", views.delegations_view, name="delegations"),
    path("g/<str:gov_code>/audit/", views.audit_trail_view, name="audit_trail"),
]
