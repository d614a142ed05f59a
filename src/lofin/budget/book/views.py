"""Pages of the budget book (예산서): the book of a version, one department's 사업별 detail, XLSX and PDF.

Thin: parse, authorise, build with the book's tables, render. The URL names a government, so TenantMiddleware
has already turned away everyone who is not a member of it (404). Confirmed versions are open to every member;
versions still being prepared are shown only to the government's officials, and to anyone else they look
absent (queries.version_for raises NotFound), so a resident cannot even learn that a draft exists.
"""

from __future__ import annotations

import time

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from lofin.core import types
from lofin.core.errors import NotFound
from lofin.core.http import TenantRequest
from lofin.core.models import Department
from lofin.core.permissions import has_permission

from ..access import VIEW
from ..models import BudgetVersion, VersionKind, VersionStatus
from ..queries import confirmation as confirmation_queries
from ..queries import performance as performance_queries
from ..queries import versions as queries
from . import pdf, tables, xlsx

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

LEVEL_LABELS = {
    "department": _("department"),
    "policy": _("policy programme"),
    "unit": _("unit project"),
    "detail": _("detail project"),
    "object": _("expenditure item"),
}


def _version(request: TenantRequest, year: int) -> BudgetVersion:
    raw = request.GET.get("version", "")
    if raw and not (types.is_ascii_digits(raw) and len(raw) < 6):
        raise NotFound()
    return queries.version_for(request.user, request.government, types.year_or_404(year), int(raw) if raw else None)


def _visible_versions(request: TenantRequest, year: int) -> list[BudgetVersion]:
    versions = queries.versions(request.government, year)
    if not has_permission(request.user, VIEW, request.government):
        versions = versions.filter(status=VersionStatus.CONFIRMED)
    return list(versions)


def _private(response: HttpResponse) -> HttpResponse:
    # Drafts are not public and the page depends on who asks: no shared caches.
    patch_cache_control(response, private=True)
    return response


@require_GET
def book_view(request: TenantRequest, gov_code: str, year: int) -> HttpResponse:
    version = _version(request, year)
    context = {
        "government": request.government,
        "year": year,
        "version": version,
        "versions": _visible_versions(request, year),
        "book": tables.build(version),
        "query": f"?version={version.number}",
    }
    return _private(render(request, "budget/book.html", context))


@require_GET
def department_view(request: TenantRequest, gov_code: str, year: int, department_id: int) -> HttpResponse:
    """사업별 of one department with its 산출근거: an htmx fragment inside the book, or a page without JS."""
    version = _version(request, year)
    department = None
    if department_id:
        department = Department.objects.filter(government=request.government, pk=department_id).first()
        if department is None:
            raise NotFound()
    context = {
        "government": request.government,
        "year": year,
        "version": version,
        "department": department,
        "supplementary": version.kind == VersionKind.SUPPLEMENTARY,
        "rows": [(LEVEL_LABELS[row.level], row) for row in tables.project_rows(version, department_id)],
        "query": f"?version={version.number}",
    }
    template = "budget/book_department.html"
    if getattr(request, "htmx", False):
        template += "#detail"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return _private(response)


@require_GET
def gender_view(request: TenantRequest, gov_code: str, year: int) -> HttpResponse:
    """성인지 예산서 (지방재정법 §36의2, R-BS-5): generated from the version's funded projects flagged as gender budget
    items; amounts in thousand won like the rest of the book (rounded once, at display)."""
    version = _version(request, year)
    projects = confirmation_queries.gender_projects(version)
    context = {
        "government": request.government,
        "year": year,
        "version": version,
        "rows": [
            {
                "code": p.code,
                "name": p.name,
                "department": p.department,
                "goal": p.goal,
                "thousands": tables.thousand(p.amount),
            }
            for p in projects
        ],
        "total": tables.thousand(sum(p.amount for p in projects)),
        "query": f"?version={version.number}",
    }
    return _private(render(request, "budget/book_gender.html", context))


@require_GET
def performance_view(request: TenantRequest, gov_code: str, year: int) -> HttpResponse:
    """성과계획서 (지방재정법 §5, §44의2): the version's projects with performance targets, each with its budget (in
    thousand won, the lines of every 세부사업 below it) and its indicators, units, targets and measurement methods."""
    version = _version(request, year)
    rows = performance_queries.plan(version)
    for row in rows:
        row["thousands"] = tables.thousand(row["amount"])
    context = {
        "government": request.government,
        "year": year,
        "version": version,
        "rows": rows,
        "query": f"?version={version.number}",
    }
    return _private(render(request, "budget/book_performance.html", context))


def _download(version: BudgetVersion, body: bytes, content_type: str, extension: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    name = f"budget-book-{version.government.code}-{version.year}-{version.number}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return _private(response)


@require_GET
def xlsx_view(request: TenantRequest, gov_code: str, year: int) -> HttpResponse:
    version = _version(request, year)
    started = time.perf_counter()
    response = _download(version, xlsx.xlsx_bytes(version), XLSX_TYPE, "xlsx")
    response["Server-Timing"] = f"book;dur={(time.perf_counter() - started) * 1000:.0f}"
    return response


@require_GET
def pdf_view(request: TenantRequest, gov_code: str, year: int) -> HttpResponse:
    version = _version(request, year)
    started = time.perf_counter()
    response = _download(version, pdf.pdf_bytes(version), "application/pdf", "pdf")
    response["Server-Timing"] = f"book;dur={(time.perf_counter() - started) * 1000:.0f}"
    return response
