"""Request plumbing: metrics, language, tenancy, session expiry and the mapping of business errors."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from lofin.core.errors import LofinError, NotAuthenticated, json_error
from lofin.core.metrics import REQUEST_SECONDS, REQUESTS, QueryTimer
from lofin.core.tenancy import access_government

Handler = Callable[[HttpRequest], HttpResponse]
SUPPORTED = {code for code, _name in settings.LANGUAGES}


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


class MetricsMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/metrics":
            return self.get_response(request)
        timer = QueryTimer(connection.vendor)
        start = time.perf_counter()
        with connection.execute_wrapper(timer):
            request._lofin_query_timer = timer  # type: ignore[attr-defined]
            response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = "/" + match.route if match is not None else "unmatched"
        REQUESTS.labels(route, request.method, str(response.status_code)).inc()
        REQUEST_SECONDS.labels(route, request.method).observe(time.perf_counter() - start)
        return response

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> None:
        timer = getattr(request, "_lofin_query_timer", None)
        if timer is not None and request.resolver_match is not None:
            timer.route = "/" + request.resolver_match.route


class LanguageMiddleware:
    """Korean unless the person chose otherwise (cookie, then their account). The API also honours
    Accept-Language, because programs cannot click a language switch."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def choose(self, request: HttpRequest) -> str:
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if cookie in SUPPORTED:
            return cookie
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.preferred_language in SUPPORTED:
            return user.preferred_language
        if is_api(request):
            header = request.headers.get("Accept-Language", "")
            for part in header.split(","):
                code = part.split(";")[0].strip().lower()[:2]
                if code in SUPPORTED:
                    return code
        return settings.LANGUAGE_CODE

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = self.choose(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response


class SessionExpiryMiddleware:
    """Tell apart "never logged in" from "your session ran out", so the login page can say which."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        had_cookie = settings.SESSION_COOKIE_NAME in request.COOKIES
        request.session_expired = bool(  # type: ignore[attr-defined]
            had_cookie and not request.user.is_authenticated and request.COOKIES.get("lofin_seen_login") == "1"
        )
        response = self.get_response(request)
        if request.user.is_authenticated:
            response.set_cookie("lofin_seen_login", "1", httponly=True, samesite="Lax")
        elif request.path.startswith("/accounts/logout"):
            response.delete_cookie("lofin_seen_login")
        return response


class TenantMiddleware:
    """Views whose URL names a government (`<gov_code>`) get `request.government`, resolved only for its
    members; anyone else gets 404 before the view runs."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.government = None  # type: ignore[attr-defined]
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: dict[str, Any]) -> HttpResponse | None:
        code = kwargs.get("gov_code")
        if code is None or is_api(request):
            return None
        if not request.user.is_authenticated:
            return login_redirect(request)
        try:
            request.government = access_government(request.user, code)  # type: ignore[attr-defined]
        except LofinError as error:
            return error_response(request, error)
        return None


def login_redirect(request: HttpRequest) -> HttpResponse:
    if getattr(request, "session_expired", False):
        url = reverse(settings.LOGIN_URL) + "?" + urlencode({"expired": "1"})
        return redirect_to_login(request.get_full_path(), url)
    return redirect_to_login(request.get_full_path(), reverse(settings.LOGIN_URL))


def error_response(request: HttpRequest, error: LofinError) -> HttpResponse:
    if is_api(request) or request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse(error.as_dict(), status=error.status, json_dumps_params={"ensure_ascii": False})
    if isinstance(error, NotAuthenticated):
        return login_redirect(request)
    return render(
        request,
        "errors/error.html",
        {"status": error.status, "code": error.code, "message": error.message},
        status=error.status,
    )


JSON_PATHS = ("/api/", "/healthz", "/readyz")


class ErrorMiddleware:
    """Business errors raised by views become the right status and a translated message, once, here.
    Programs calling the API or the probes get the JSON error shape even for Django's own 404 and 405."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        json_path = request.path.startswith(JSON_PATHS)
        if json_path and response.status_code in (404, 405) and "json" not in response.get("Content-Type", ""):
            if response.status_code == 405:
                allowed = response.get("Allow", "")
                error = json_error(
                    "method_not_allowed",
                    _("This address does not accept %(method)s.") % {"method": request.method},
                    405,
                    {"allowed": allowed},
                )
                if allowed:
                    error["Allow"] = allowed
                return error
            return json_error("not_found", _("Not found, or you do not have access to it."), 404)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, LofinError):
            return error_response(request, exception)
        return None
