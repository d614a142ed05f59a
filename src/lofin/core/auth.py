"""API authentication: bearer tokens (`lofin token create USERNAME`) or the browser session with CSRF."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from lofin.core.actions import user_for_token


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>`."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


def optional_bearer(request: HttpRequest) -> bool:
    """Public reads: anyone may call them; a valid bearer token makes the caller known (to see more)."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        user = user_for_token(header.removeprefix("Bearer ").strip())
        if user is not None:
            request.user = user
    return True
