"""The one NinjaAPI at /api/v1/. Each service adds its router here; errors are mapped once, below.

Every error body has the same shape: {"code": "...", "message": "<translated>", "detail": {...}}.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps as django_apps
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.operation import Operation
from ninja.renderers import JSONRenderer
from ninja.security import django_auth

from lofin.accounting.api import router as accounting_router
from lofin.budget.api import router as budget_router
from lofin.closing.api import router as closing_router
from lofin.core.api import router as core_router
from lofin.core.auth import BearerToken
from lofin.core.errors import LofinError
from lofin.execution.api import router as execution_router
from lofin.participation.api import router as participation_router


class Utf8JSONRenderer(JSONRenderer):
    """Korean text as UTF-8, not escaped code points: half the bytes and readable in a terminal."""

    json_dumps_params = {"ensure_ascii": False}


class LofinAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        """`<app label>_<function>`: the Python module an endpoint lives in is not part of the API's contract, so
        moving code between modules never renames an operation for the programs generated from the document."""
        module = operation.view_func.__module__
        app = django_apps.get_containing_app_config(module)
        return f"{app.label if app is not None else 'lofin'}_{operation.view_func.__name__}"


api = LofinAPI(
    renderer=Utf8JSONRenderer(),
    title="Lofin API",
    version="1",
    description=(
        "API of Lofin, the local finance management system for Korea's 243 local governments. "
        "Authenticate with `Authorization: Bearer <token>` (create one with `lofin token create USERNAME`) "
        "or with a browser session plus CSRF token. Errors always have the shape "
        '`{"code": ..., "message": ..., "detail": {...}}`; messages follow Accept-Language (ko, en).'
    ),
    urls_namespace="api",
    auth=[BearerToken(), django_auth],
    openapi_url="/openapi.json",
    docs_url="/docs",
)


def _error(request: HttpRequest, status: int, code: str, message: str, detail: Any = None) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, "detail": detail or {}}, status=status)


@api.exception_handler(LofinError)
def on_business_error(request: HttpRequest, exc: LofinError) -> HttpResponse:
    body = exc.as_dict()
    return _error(request, exc.status, body["code"], body["message"], body["detail"])


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"loc": [str(p) for p in e.get("loc", [])], "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
        for e in exc.errors
    ]
    fields = ", ".join(".".join(e["loc"][1:] or e["loc"]) for e in errors)
    return _error(
        request,
        422,
        "invalid_input",
        _("Some values are missing or not valid: %(fields)s.") % {"fields": fields},
        {"errors": errors},
    )


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(
        request,
        401,
        "not_authenticated",
        _("Log in, or send a valid token in the Authorization header (Bearer)."),
    )


@api.exception_handler(AuthorizationError)
def on_authorization_error(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
    return _error(request, 403, "permission_denied", _("Your role does not allow this action."))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and "parse request body" in str(exc):
        return _error(request, 400, "malformed_json", _("The request body is not valid JSON."))
    if exc.status_code == 403 and "CSRF" in str(exc):
        return _error(
            request, 403, "csrf_failed", _("The CSRF token is missing or wrong. Reload the page and try again.")
        )
    if exc.status_code == 429:
        return _error(request, 429, "throttled", _("Too many requests. Wait a moment and try again."))
    return _error(request, exc.status_code, "bad_request", _("The request could not be processed."))


@api.exception_handler(OverflowError)
def on_overflow(request: HttpRequest, exc: OverflowError) -> HttpResponse:
    return _error(request, 422, "invalid_input", _("A number in the request is too large."))


@api.exception_handler(DataError)
def on_data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
    # Validation at the edge should catch these first; this keeps a missed case a clear 422, never a 500.
    return _error(request, 422, "invalid_input", _("A value in the request is too long or not allowed."))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", _("Not found, or you do not have access to it."))


@api.get("/", auth=None, summary="API root", tags=["core"])
def root(request: HttpRequest) -> dict[str, str]:
    return {
        "name": "Lofin API",
        "version": "1",
        "openapi": "/api/v1/openapi.json",
        "docs": "/api/v1/docs",
    }


api.add_router("/", core_router)
api.add_router("/", budget_router)
api.add_router("/", execution_router)
api.add_router("/", participation_router)
api.add_router("/", accounting_router)
api.add_router("/", closing_router)
