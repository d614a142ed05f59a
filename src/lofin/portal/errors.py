"""Error pages: translated, in the site layout, JSON for the API."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _

from lofin.core.errors import json_error
from lofin.core.middleware import is_api


def _respond(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    if is_api(request):
        return json_error(code, message, status)
    body: str
    try:
        body = loader.render_to_string(
            "errors/error.html", {"status": status, "code": code, "message": message}, request=request
        )
    except Exception:  # the error page must render even if the template context is what failed
        language = translation.get_language() or "ko"
        body = f"<!doctype html><html lang='{language}'><title>{status}</title><h1>{status}</h1><p>{message}</p></html>"
    return HttpResponse(body, status=status)


def not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _respond(request, 404, "not_found", _("Not found, or you do not have access to it."))


def forbidden(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _respond(request, 403, "permission_denied", _("Your role does not allow this action."))


def bad_request(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _respond(request, 400, "bad_request", _("The request could not be understood."))


def server_error(request: HttpRequest) -> HttpResponse:
    return _respond(
        request,
        500,
        "server_error",
        _(
            "Something went wrong on our side. Nothing was saved. Please try again; if it keeps failing, tell the operator."
        ),
    )
