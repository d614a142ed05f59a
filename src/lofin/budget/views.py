"""e호조+ budget formulation screens: the year's budgets, department requests, adjustment, the council,
confirmation and supplementary budgets. Thin: parse, authorise, call one action or query, render."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, Sum
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lofin.core.approvals import queries as approval_queries
from lofin.core.errors import LofinError, NotFound
from lofin.core.http import TenantRequest
from lofin.core.models import Department, Official, User
from lofin.core.permissions import has_permission, require

from . import actions, queries, rules
from .access import MANAGE, REQUEST, VIEW
from .forms import AmountForm, AttachmentForm, LineForm, RevenueForm, VoteForm, YearForm
from .models import (
    Account,
    BudgetVersion,
    CodeKind,
    DepartmentSubmission,
    ExpenditureLine,
    NationalCode,
    Project,
    ProjectLevel,
    RevenueLine,
    VersionStatus,
)

PAGE_SIZE = 100


def _version(request: TenantRequest, year: int, number: int) -> BudgetVersion:
    version = BudgetVersion.objects.filter(government=request.government, year=year, number=number).first()
    if version is None:
        raise NotFound()
    # A budget still being prepared is internal: to others it looks absent, as in the API.
    if version.status != VersionStatus.CONFIRMED and not has_permission(request.user, VIEW, request.government):
        raise NotFound()
    return version


def _is_budget_office(request: TenantRequest) -> bool:
    return has_permission(request.user, MANAGE, request.government)


def _version_url(version: BudgetVersion, page: str = "version") -> str:
    return reverse(f"budget:{page}", args=[version.government.code, version.year, version.number])


def home(request: TenantRequest, gov_code: str) -> HttpResponse:
    government = request.government
    official = has_permission(request.user, VIEW, government)
    versions = BudgetVersion.objects.filter(government=government)
    if not official:
        versions = versions.filter(status=VersionStatus.CONFIRMED)
    by_year: dict[int, list[BudgetVersion]] = {}
    for v in versions.order_by("-year", "number"):
        by_year.setdefault(v.year, []).append(v)
    next_year = timezone.localdate().year + 1
    due = rules.deadlines(government.level, next_year)
    next_original = versions.filter(year=next_year, number=0).first()
    today = timezone.localdate()
    context = {
        "government": government,
        "by_year": sorted(by_year.items(), reverse=True),
        "next_year": next_year,
        "deadlines": due,
        "days_to_bill": (due.bill_due - today).days,
        "days_to_vote": (due.vote_due - today).days,
        "next_original": next_original,
        "budget_office": _is_budget_office(request),
        "year_form": YearForm(initial={"year": next_year}),
    }
    return render(request, "budget/home.html", context)


@require_POST
def open_version(request: TenantRequest, gov_code: str) -> HttpResponse:
    form = YearForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a fiscal year between 2000 and 2100."))
        return redirect("budget:home", gov_code)
    year = form.cleaned_data["year"]
    try:
        if request.POST.get("kind") == "supplementary":
            version = actions.do_open_supplementary(request.government, year=year, actor=request.user)
        else:
            version = actions.do_open_original(request.government, year=year, actor=request.user)
    except LofinError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, str(error.message))
        return redirect("budget:home", gov_code)
    messages.success(request, _("%(label)s of %(year)s is open for requests.") % {"label": version.label, "year": year})
    return redirect(_version_url(version))


def version_page(request: TenantRequest, gov_code: str, year: int, number: int) -> HttpResponse:
    version = _version(request, year, number)
    totals = queries.account_totals(version)
    due = rules.deadlines(request.government.level, version.year)
    submissions = {
        s.department_id: s for s in DepartmentSubmission.objects.filter(version=version).select_related("department")
    }
    departments = queries.department_totals(version)
    for d in departments:
        d["submission"] = submissions.get(d["id"])
    context = {
        "government": request.government,
        "version": version,
        "totals": totals,
        "kind_totals": queries.kind_totals(version),
        "departments": departments,
        "deadlines": due,
        "budget_office": _is_budget_office(request),
        "official": has_permission(request.user, VIEW, request.government),
        "diff": queries.version_diff(version) if version.based_on_id else None,
        "vote_form": VoteForm(initial={"voted_on": timezone.localdate()}),
        "bill_line": _default_line(request, "budget.bill", version),
        "stages": VersionStatus.choices,
        "is_late": version.number == 0
        and version.submitted_at is not None
        and timezone.localdate(version.submitted_at) > due.bill_due,
    }
    return render(request, "budget/version.html", context)


def _default_line(request: TenantRequest, doc_kind: str, version: BudgetVersion) -> list[dict[str, Any]]:
    planned = approval_queries.default_line(request.government, request.user, doc_kind=doc_kind, amount=None)
    people = {u.pk: u for u in User.objects.filter(pk__in=[s.assignee_id for s in planned])}
    return [{"kind": s.kind, "user": people[s.assignee_id]} for s in planned[1:] if s.assignee_id in people]


def _line_from_post(request: TenantRequest) -> list[tuple[str, Any]]:
    """The approval line the page proposed, posted back as step-N-kind / step-N-user (ids)."""
    line = []
    for i in range(10):
        kind, user_id = request.POST.get(f"step-{i}-kind", ""), request.POST.get(f"step-{i}-user", "")
        if not kind or not user_id.isdigit():
            continue
        user = User.objects.filter(pk=int(user_id)).first()
        if user is None:
            raise NotFound()
        line.append((kind, user))
    return line


@require_POST
def version_action(request: TenantRequest, gov_code: str, year: int, number: int, action: str) -> HttpResponse:
    version = _version(request, year, number)
    try:
        if action == "close":
            actions.do_close_requests(version, actor=request.user)
            messages.success(request, _("Requests are closed; the budget office can adjust them."))
        elif action == "submit-bill":
            key = request.POST.get("key", "")[:64] or uuid.uuid4().hex
            actions.do_submit_bill(version, line=_line_from_post(request), actor=request.user, idempotency_key=key)
            messages.success(request, _("The bill is on its approval line to the head."))
        elif action == "vote":
            form = VoteForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Enter the date of the council vote."))
            else:
                actions.do_record_vote(version, voted_on=form.cleaned_data["voted_on"], actor=request.user)
                messages.success(request, _("The council's vote is recorded."))
        elif action == "confirm":
            actions.do_confirm(version, actor=request.user)
            messages.success(request, _("The budget is confirmed; it is now the appropriation."))
        else:
            raise NotFound()
    except LofinError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, str(error.message))
    return redirect(_version_url(version))


def _user_department(request: TenantRequest) -> Department | None:
    post = (
        Official.objects.filter(user=request.user, government=request.government).select_related("department").first()
    )
    return post.department if post else None


def _object_choices(year: int) -> list[tuple[str, str]]:
    return [
        (code, f"{code} {name}")
        for code, name in NationalCode.objects.filter(kind=CodeKind.OBJECT, year=year, level="subitem")
        .order_by("code")
        .values_list("code", "name")
    ]


@require_http_methods(["GET", "POST"])
def request_page(request: TenantRequest, gov_code: str, year: int, number: int) -> HttpResponse:
    """요구: a department prepares its lines with 산출근거 and sends them on its approval line."""
    version = _version(request, year, number)
    require(request.user, REQUEST, request.government)
    budget_office = _is_budget_office(request)
    department = _user_department(request)
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
        objects=_object_choices(version.year),
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
                line=_line_from_post(request),
                actor=request.user,
                idempotency_key=request.POST.get("key", "")[:64] or uuid.uuid4().hex,
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
        "submit_line": _default_line(request, "budget.request", version),
        "key": uuid.uuid4().hex,
        "budget_office": budget_office,
        "attachments": version.attachments.select_related("uploaded_by").order_by("-uploaded_at")[:50],
        "attachment_form": AttachmentForm(),
    }
    return render(request, "budget/request.html", context)


@require_http_methods(["GET", "POST"])
def revenue_page(request: TenantRequest, gov_code: str, year: int, number: int) -> HttpResponse:
    version = _version(request, year, number)
    require(request.user, MANAGE, request.government)
    accounts = list(Account.objects.filter(government=request.government, is_active=True).order_by("code"))
    codes = [
        (code, f"{code} {name}")
        for code, name in NationalCode.objects.filter(
            kind=CodeKind.REVENUE, year=version.year, level__in=["item", "subitem"]
        )
        .order_by("code")
        .values_list("code", "name")
    ]
    form = RevenueForm(request.POST or None, accounts=[(a.code, a.name) for a in accounts], codes=codes)
    if request.method == "POST" and form.is_valid():
        account = next(a for a in accounts if a.code == form.cleaned_data["account"])
        try:
            actions.do_save_revenue_request(
                version,
                account=account,
                revenue_code=form.cleaned_data["revenue_code"],
                amount=form.cleaned_data["amount"],
                basis_text=form.cleaned_data["basis_text"],
                actor=request.user,
            )
        except LofinError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("The revenue line is saved."))
            return redirect(request.get_full_path())
    names = dict(NationalCode.objects.filter(kind=CodeKind.REVENUE, year=version.year).values_list("code", "name"))
    lines = (
        RevenueLine.objects.filter(version=version).select_related("account").order_by("account__code", "revenue_code")
    )
    return render(
        request,
        "budget/revenue.html",
        {
            "government": request.government,
            "version": version,
            "form": form,
            "lines": [(line, names.get(line.revenue_code, "")) for line in lines],
        },
    )


def _line_table(request: TenantRequest, version: BudgetVersion) -> dict[str, Any]:
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


def adjust_page(request: TenantRequest, gov_code: str, year: int, number: int) -> HttpResponse:
    """조정: the budget office sets each line's amount, with a reason where it differs from the request."""
    version = _version(request, year, number)
    require(request.user, MANAGE, request.government)
    context = {"government": request.government, "version": version, **_line_table(request, version)}
    return render(request, "budget/adjust.html", context)


def council_page(request: TenantRequest, gov_code: str, year: int, number: int) -> HttpResponse:
    """의회: record amendments line by line, then the vote, then confirm."""
    version = _version(request, year, number)
    require(request.user, MANAGE, request.government)
    context = {
        "government": request.government,
        "version": version,
        "vote_form": VoteForm(initial={"voted_on": timezone.localdate()}),
        **_line_table(request, version),
    }
    return render(request, "budget/council.html", context)


@require_POST
def line_amount(request: TenantRequest, gov_code: str, line_id: int, action: str) -> HttpResponse:
    """An adjustment or a council amendment of one line; answers with the row (htmx) or redirects back."""
    line = ExpenditureLine.objects.filter(pk=line_id, government=request.government).select_related("version").first()
    if line is None:
        raise NotFound()
    form = AmountForm(request.POST)
    error = None
    if not form.is_valid():
        error = _("Enter an amount of 0 won or more.")
    else:
        try:
            if action == "adjust":
                line = actions.do_adjust_line(
                    line.pk, amount=form.cleaned_data["amount"], reason=form.cleaned_data["reason"], actor=request.user
                )
            elif action == "amend":
                line = actions.do_amend_line(
                    line.pk,
                    amount=form.cleaned_data["amount"],
                    reason=form.cleaned_data["reason"],
                    head_consent=form.cleaned_data["head_consent"],
                    actor=request.user,
                )
            else:
                raise NotFound()
        except LofinError as exc:
            if exc.status == 404:
                raise
            error = str(exc.message)
    if request.htmx:  # type: ignore[attr-defined]
        line = ExpenditureLine.objects.select_related("project", "project__department").get(pk=line.pk)
        names = dict(
            NationalCode.objects.filter(
                kind=CodeKind.OBJECT, year=line.version.year, code=line.object_code
            ).values_list("code", "name")
        )
        return render(
            request,
            f"budget/_{action}_row.html",
            {
                "line": line,
                "object_name": names.get(line.object_code, ""),
                "error": error,
                "version": line.version,
                "government": request.government,
            },
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Saved."))
    return redirect(
        request.POST.get("next") or _version_url(line.version, "adjust" if action == "adjust" else "council")
    )


@require_POST
def revenue_amount(request: TenantRequest, gov_code: str, line_id: int, action: str) -> HttpResponse:
    line = RevenueLine.objects.filter(pk=line_id, government=request.government).select_related("version").first()
    if line is None:
        raise NotFound()
    form = AmountForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter an amount of 0 won or more."))
    else:
        try:
            if action == "adjust":
                actions.do_adjust_revenue(
                    line.pk, amount=form.cleaned_data["amount"], reason=form.cleaned_data["reason"], actor=request.user
                )
            elif action == "amend":
                actions.do_amend_revenue(
                    line.pk, amount=form.cleaned_data["amount"], reason=form.cleaned_data["reason"], actor=request.user
                )
            else:
                raise NotFound()
            messages.success(request, _("Saved."))
        except LofinError as exc:
            if exc.status == 404:
                raise
            messages.error(request, str(exc.message))
    return redirect(_version_url(line.version, "revenue"))


@require_http_methods(["GET", "POST"])
def setup_page(request: TenantRequest, gov_code: str, year: int) -> HttpResponse:
    """The fiscal year's set-up by the budget office: accounts, the 사업 classification, investment reviews."""
    from .forms import AccountForm, ProjectForm

    government = request.government
    require(request.user, VIEW, government)
    office = _is_budget_office(request)
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
    from .models import InvestmentOutcome

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


@require_POST
def attach(request: TenantRequest, gov_code: str, year: int, number: int) -> HttpResponse:
    from .forms import AttachmentForm

    version = _version(request, year, number)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to attach."))
    else:
        line = None
        if form.cleaned_data.get("line"):
            line = ExpenditureLine.objects.filter(pk=form.cleaned_data["line"], version=version).first()
            if line is None:
                raise NotFound()
        try:
            actions.do_attach(
                version, upload=form.cleaned_data["file"], name=form.cleaned_data["name"], line=line, actor=request.user
            )
        except LofinError as error:
            if error.status == 404:
                raise
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The file is attached."))
    return redirect(request.POST.get("next") or _version_url(version))


def attachment_download(request: TenantRequest, gov_code: str, attachment_id: int) -> HttpResponse:
    from django.http import FileResponse

    from .models import Attachment

    attachment = (
        Attachment.objects.filter(pk=attachment_id, government=request.government).select_related("version").first()
    )
    if attachment is None:
        raise NotFound()
    _version(request, attachment.version.year, attachment.version.number)
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.file.name.rsplit("/", 1)[-1]
    )
