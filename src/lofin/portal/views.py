"""The home page and the entry of each of the six services."""

from __future__ import annotations

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from lofin.core import permissions
from lofin.core.metrics import export
from lofin.core.tenancy import member_governments

from .services import BY_KEY, SERVICES


def home(request: HttpRequest) -> HttpResponse:
    governments = member_governments(request.user) if request.user.is_authenticated else []
    return render(
        request,
        "portal/home.html",
        {
            "services": SERVICES,
            "governments": governments,
            "is_operator": permissions.is_operator(request.user),
        },
    )


def service_entry(request: HttpRequest, key: str) -> HttpResponse:
    service = BY_KEY.get(key)
    if service is None:
        raise Http404
    governments = member_governments(request.user) if request.user.is_authenticated else []
    return render(
        request,
        f"portal/service_{key}.html",
        {"service": service, "governments": governments},
    )


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"}, json_dumps_params={"ensure_ascii": False})


_migrations_ok = {"done": False}


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # any failure to reach the database means not ready
        checks["database"] = f"error: {type(exc).__name__}"
        return JsonResponse({"status": "unavailable", "checks": checks}, status=503)
    if not _migrations_ok["done"]:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            checks["migrations"] = f"{len(plan)} not applied"
            return JsonResponse({"status": "unavailable", "checks": checks}, status=503)
        # Once applied they stay applied for this process's code; no need to re-read the graph each probe.
        _migrations_ok["done"] = True
    checks["migrations"] = "ok"
    return JsonResponse({"status": "ok", "checks": checks, "database": connection.vendor})


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    body, content_type = export()
    return HttpResponse(body, content_type=content_type)
