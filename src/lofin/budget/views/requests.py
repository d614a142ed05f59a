"""요구: a department prepares its lines with 산출근거 and sends them on its approval line."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Sum
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lofin.core.errors import LofinError
from lofin.core.http import TenantRequest
from lofin.core.models import Department
from lofin.core.permissions import require
from lofin.core.submit import KeyedForm

from ..access import REQUEST
from ..actions import requests as actions
from ..forms import AttachmentForm, LineForm
from ..models import CodeKind, DepartmentSubmission, ExpenditureLine, NationalCode, Project, ProjectLevel
from .common import default_line, is_budget_office, line_from_post, object_choices, user_department, version_or_404


@require_http_methods(["GET", "POST"])
def request_page(request: TenantRequest, gov_code: str, year: int, number: int) -> HttpResponse:
    """요구: a department prepares its lines with 산출근거 and sends them on its approval line."""
    version = version_or_404(request, year, number)
    require(request.user, REQUEST, request.government)
    budget_office = is_budget_office(request)
    department = user_department(request)
    chosen = request.GET.get("department") or request.POST.get("department")
    if budget_office and chosen:
        department = Department.objects.filter(government=request.government, code=chosen).first() or department
    projects_qs = Project.objects.filter(government=request.government, year=version.year, level=ProjectLevel.DETAIL)
    if not budget_office:
        projects_qs = projects_qs.filter(department=department) if department else projects_qs.none()
    elif department is not None:
        projects_qs = projects_qs.filter(department=department)
    projects = {p.code: p for p in projects_qs.order_by("code")[:2000]}
    form = LineForm(
        request.POST or None,
        projects=[(code, f"{code} {p.name}") for code, p in projects.items()],
        objects=object_choices(version.year),
    )
    if request.method == "POST" and request.POST.get("form") == "line" and form.is_valid():
        try:
            actions.do_save_request_line(
                version,
                project=projects[form.cleaned_data["project"]],
                object_code=form.cleaned_data["object_code"],
                basis=form.basis(),
                state_amount=form.cleaned_data["state_amount"] or 0,
                province_amount=form.cleaned_data["province_amount"] or 0,
                actor=request.user,
            )
        except LofinError as error:
            if error.status == 404:
                raise
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("The line is saved."))
            return redirect(request.get_full_path())
    if request.method == "POST" and request.POST.get("form") == "submit" and department is not None:
        try:
            actions.do_submit_department(
                version,
                department=department,
                line=line_from_post(request),
                actor=request.user,
                idempotency_key=KeyedForm(request.POST).key,
            )
        except LofinError as error:
            if error.status == 404:
                raise
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The department's request is on its approval line."))
        return redirect(request.get_full_path())
    lines = (
        ExpenditureLine.objects.filter(version=version, project__in=projects.values())
        .select_related("project")
        .prefetch_related("basis")
        .order_by("project__code", "object_code")
    )
    names = dict(NationalCode.objects.filter(kind=CodeKind.OBJECT, year=version.year).values_list("code", "name"))
    submission = (
        DepartmentSubmission.objects.filter(version=version, department=department).first() if department else None
    )
    context = {
        "government": request.government,
        "version": version,
        "department": department,
        "departments": Department.objects.filter(government=request.government).order_by("code")
        if budget_office
        else [],
        "form": form,
        "lines": [(line, names.get(line.object_code, "")) for line in lines],
        "total": lines.aggregate(s=Sum("amount"))["s"] or 0,
        "submission": submission,
        "submit_line": default_line(request, "budget.request"),
        "submit_form": KeyedForm(),
        "budget_office": budget_office,
        "attachments": version.attachments.select_related("uploaded_by").order_by("-uploaded_at")[:50],
        "attachment_form": AttachmentForm(),
    }
    return render(request, "budget/request.html", context)
