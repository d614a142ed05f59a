"""The fiscal year's set-up by the budget office: accounts, the 사업 classification, investment reviews."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lofin.core import types
from lofin.core.errors import LofinError, NotFound
from lofin.core.http import TenantRequest
from lofin.core.models import Department
from lofin.core.permissions import require

from ..access import MANAGE, VIEW
from ..actions import setup as actions
from ..forms import AccountForm, ProjectForm
from ..models import Account, CodeKind, InvestmentOutcome, NationalCode, Project
from .common import PAGE_SIZE, is_budget_office


@require_http_methods(["GET", "POST"])
def setup_page(request: TenantRequest, gov_code: str, year: int) -> HttpResponse:
    """The fiscal year's set-up by the budget office: accounts, the 사업 classification, investment reviews."""
    government = request.government
    require(request.user, VIEW, government)
    year = types.year_or_404(year)
    office = is_budget_office(request)
    accounts = list(Account.objects.filter(government=government).order_by("code"))
    departments = list(Department.objects.filter(government=government, is_active=True).order_by("code"))
    sectors = [
        (code, f"{code} {name}")
        for code, name in NationalCode.objects.filter(kind=CodeKind.FUNCTION, year=year, level="sector")
        .order_by("code")
        .values_list("code", "name")
    ]
    which = request.POST.get("form")
    account_form = AccountForm(request.POST if which == "account" else None)
    project_form = ProjectForm(
        request.POST if which == "project" else None,
        accounts=[(a.code, a.name) for a in accounts],
        departments=[(d.code, d.name) for d in departments],
        sectors=sectors,
    )
    if request.method == "POST":
        require(request.user, MANAGE, government)
        try:
            if which == "account" and account_form.is_valid():
                data = account_form.cleaned_data
                actions.do_create_account(
                    government, code=data["code"], name=data["name"], kind=data["kind"], actor=request.user
                )
                messages.success(request, _("The account is added."))
                return redirect(request.path)
            if which == "project" and project_form.is_valid():
                data = project_form.cleaned_data
                parent = (
                    Project.objects.filter(government=government, year=year, code=data["parent"]).first()
                    if data["parent"]
                    else None
                )
                if data["parent"] and parent is None:
                    raise NotFound(
                        _("There is no project %(code)s in %(year)s.") % {"code": data["parent"], "year": year}
                    )
                actions.do_create_project(
                    government,
                    year=year,
                    level=data["level"],
                    code=data["code"],
                    name=data["name"],
                    parent=parent,
                    account=next(a for a in accounts if a.code == data["account"]),
                    department=next((d for d in departments if d.code == data["department"]), None),
                    function_code=data["function_code"],
                    gender_sensitive=data["gender_sensitive"],
                    gender_goal=data["gender_goal"],
                    provisional_basis=data["provisional_basis"] or "",
                    state_share_bp=data["state_share"] * 100 if data["state_share"] else None,
                    actor=request.user,
                )
                messages.success(request, _("The project is added."))
                return redirect(request.path)
            if which == "copy":
                created = actions.do_copy_projects(government, from_year=year - 1, to_year=year, actor=request.user)
                messages.success(request, _("%(n)d projects copied from last year.") % {"n": created})
                return redirect(request.path)
            if which == "review":
                project = Project.objects.filter(
                    government=government, year=year, code=request.POST.get("code", "")
                ).first()
                if project is None:
                    raise NotFound()
                actions.do_record_investment_review(
                    project, outcome=request.POST.get("outcome", ""), actor=request.user
                )
                messages.success(request, _("The investment review is recorded."))
                return redirect(request.get_full_path())
        except LofinError as error:
            if error.status == 404 and which not in ("project",):
                raise
            messages.error(request, str(error.message))
    projects = Project.objects.filter(government=government, year=year).select_related(
        "department", "account", "parent"
    )
    search = request.GET.get("q", "").strip()[:50]
    if search:
        projects = projects.filter(Q(name__icontains=search) | Q(code__icontains=search))
    page = Paginator(projects.order_by("code"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "government": government,
        "year": year,
        "accounts": accounts,
        "page": page,
        "q": search,
        "account_form": account_form,
        "project_form": project_form,
        "budget_office": office,
        "outcomes": InvestmentOutcome.choices,
    }
    return render(request, "budget/setup.html", context)
