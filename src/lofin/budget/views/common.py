"""What the budget screens share: the version an address names, the approval line a page proposes and posts
back, the table of lines that adjustment and the council page through."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import Q
from django.urls import reverse

from lofin.core import types
from lofin.core.approvals import queries as approval_queries
from lofin.core.errors import NotFound
from lofin.core.http import TenantRequest
from lofin.core.models import Department, Official, User
from lofin.core.permissions import has_permission

from ..access import MANAGE, VIEW
from ..models import BudgetVersion, CodeKind, ExpenditureLine, NationalCode, VersionStatus
from ..queries import versions as queries

PAGE_SIZE = 100


def version_or_404(request: TenantRequest, year: int, number: int) -> BudgetVersion:
    version = BudgetVersion.objects.filter(
        government=request.government, year=types.year_or_404(year), number=number
    ).first()
    if version is None:
        raise NotFound()
    # A budget still being prepared is internal: to others it looks absent, as in the API.
    if version.status != VersionStatus.CONFIRMED and not has_permission(request.user, VIEW, request.government):
        raise NotFound()
    return version


def is_budget_office(request: TenantRequest) -> bool:
    return has_permission(request.user, MANAGE, request.government)


def version_url(version: BudgetVersion, page: str = "version") -> str:
    return reverse(f"budget:{page}", args=[version.government.code, version.year, version.number])


def default_line(request: TenantRequest, doc_kind: str) -> list[dict[str, Any]]:
    """The approval line the page proposes after the drafter, from the government's approval policy."""
    planned = approval_queries.default_line(request.government, request.user, doc_kind=doc_kind, amount=None)
    people = {u.pk: u for u in User.objects.filter(pk__in=[s.assignee_id for s in planned])}
    return [{"kind": s.kind, "user": people[s.assignee_id]} for s in planned[1:] if s.assignee_id in people]


def line_from_post(request: TenantRequest) -> list[tuple[str, User]]:
    """The approval line the page proposed, posted back as step-N-kind / step-N-user (ids)."""
    line = []
    for i in range(10):
        kind, user_id = request.POST.get(f"step-{i}-kind", ""), request.POST.get(f"step-{i}-user", "")
        if not kind or not types.is_ascii_digits(user_id) or len(user_id) > 18:
            continue
        user = User.objects.filter(pk=int(user_id)).first()
        if user is None:
            raise NotFound()
        line.append((kind, user))
    return line


def user_department(request: TenantRequest) -> Department | None:
    post = (
        Official.objects.filter(user=request.user, government=request.government).select_related("department").first()
    )
    return post.department if post else None


def object_choices(year: int) -> list[tuple[str, str]]:
    return [
        (code, f"{code} {name}")
        for code, name in NationalCode.objects.filter(kind=CodeKind.OBJECT, year=year, level="subitem")
        .order_by("code")
        .values_list("code", "name")
    ]


def line_table(request: TenantRequest, version: BudgetVersion) -> dict[str, Any]:
    lines = (
        ExpenditureLine.objects.filter(version=version)
        .select_related("project", "project__department", "account")
        .order_by("project__department__code", "project__code", "object_code")
    )
    department = request.GET.get("department", "")
    if department:
        lines = lines.filter(project__department__code=department)
    search = request.GET.get("q", "").strip()[:50]
    if search:
        lines = lines.filter(Q(project__name__icontains=search) | Q(project__code__icontains=search))
    page = Paginator(lines, PAGE_SIZE).get_page(request.GET.get("page"))
    names = dict(NationalCode.objects.filter(kind=CodeKind.OBJECT, year=version.year).values_list("code", "name"))
    return {
        "page": page,
        "rows": [(line, names.get(line.object_code, "")) for line in page.object_list],
        "departments": queries.department_totals(version),
        "department": department,
        "q": search,
    }
