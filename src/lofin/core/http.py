"""Request types for views that only run for a logged-in user (login_required, the API's auth)."""

from __future__ import annotations

from django.http import HttpRequest

from lofin.core.models import LocalGovernment, User


class AuthedRequest(HttpRequest):
    user: User  # type: ignore[assignment]
    government: LocalGovernment | None


class TenantRequest(AuthedRequest):
    """A request to a URL with `<gov_code>`: TenantMiddleware has resolved the government for a member."""

    government: LocalGovernment  # type: ignore[assignment]
