from django.urls import include, path

from lofin.api import api
from lofin.core.admin import admin_site
from lofin.participation import urls as participation_urls
from lofin.portal import views as portal_views

urlpatterns = [
    path("healthz", portal_views.healthz, name="healthz"),
    path("readyz", portal_views.readyz, name="readyz"),
    path("metrics", portal_views.metrics, name="metrics"),
    path("api/v1/", api.urls),
    path("admin/", admin_site.urls),
    path("g/<str:gov_code>/budget/", include("lofin.budget.urls")),
    path("g/<str:gov_code>/budget/", include("lofin.budget.book.urls")),
    path("g/<str:gov_code>/execution/", include("lofin.execution.urls")),
    path("g/<str:gov_code>/accounting/", include("lofin.closing.urls")),
    path("closing/", include("lofin.closing.operator_urls")),
    path("g/<str:gov_code>/participation/", include(participation_urls.official)),
    # The built 주민e참여 takes over its service entry (/participation/) from the portal's placeholder.
    path("participation/", include("lofin.participation.urls")),
    path("", include("lofin.core.urls")),
    path("", include("lofin.portal.urls")),
]

handler404 = "lofin.portal.errors.not_found"
handler500 = "lofin.portal.errors.server_error"
handler403 = "lofin.portal.errors.forbidden"
handler400 = "lofin.portal.errors.bad_request"
