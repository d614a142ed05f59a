"""The year's budgets and one version's page, with the budget office's steps: close the requests, send the bill,
record the vote, confirm."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lofin.core import clock
from lofin.core.errors import LofinError, NotFound
from lofin.core.http import TenantRequest
from lofin.core.permissions import has_permission
from lofin.core.submit import KeyedForm

from ..access import VIEW
from ..actions import adjustment, confirmation, council, setup, supplementary
from ..forms import AttachmentForm, MidTermPlanForm, VoteForm, YearForm
from ..models import AttachmentKind, BudgetVersion, DepartmentSubmission, VersionKind, VersionStatus
from ..queries import confirmation as confirmation_queries
from ..queries import supplementary as diffs
from ..queries import versions as queries
from ..rules import council as council_rules
from .common import default_line, is_budget_office, line_from_post, version_or_404, version_url


def home(request: TenantRequest, gov_code: str) -> HttpResponse:
    government = request.government
    official = has_permission(request.user, VIEW, government)
    versions = BudgetVersion.objects.filter(government=government)
    if not official:
        versions = versions.filter(status=VersionStatus.CONFIRMED)
    by_year: dict[int, list[BudgetVersion]] = {}
    for v in versions.order_by("-year", "number"):
        by_year.setdefault(v.year, []).append(v)
    today = clock.today()
    next_year = today.year + 1
    due = council_rules.deadlines(government.level, next_year)
    next_original = versions.filter(year=next_year, number=0).first()
    context = {
        "government": government,
        "by_year": sorted(by_year.items(), reverse=True),
        "next_year": next_year,
        "deadlines": due,
        "days_to_bill": (due.bill_due - today).days,
        "days_to_vote": (due.vote_due - today).days,
        "next_original": next_original,
        "budget_office": is_budget_office(request),
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
            version = supplementary.do_open_supplementary(request.government, year=year, actor=request.user)
        else:
            version = setup.do_open_original(request.government, year=year, actor=request.user)
    except LofinError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, str(error.message))
        return redirect("budget:home", gov_code)
    messages.success(request, _("%(label)s of %(year)s is open for requests.") % {"label": version.label, "year": year})
    return redirect(version_url(version))


def version_page(request: TenantRequest, gov_code: str, year: int, number: int) -> HttpResponse:
    version = version_or_404(request, year, number)
    totals = queries.account_totals(version)
    due = council_rules.deadlines(request.government.level, version.year)
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
        "budget_office": is_budget_office(request),
        "official": has_permission(request.user, VIEW, request.government),
        "diff": diffs.version_diff(version) if version.based_on_id else None,
        "vote_form": VoteForm(initial={"voted_on": clock.today()}),
        "bill_line": default_line(request, "budget.bill"),
        "bill_form": KeyedForm(),
        # What the 본예산 bill goes to the council with (R-BS-5).
        "bill_package": version.kind == VersionKind.ORIGINAL,
        "plan_form": MidTermPlanForm(
            initial={
                "title": version.mid_term_plan,
                "first_year": version.mid_term_plan_first_year or version.year,
                "last_year": version.mid_term_plan_last_year or version.year + 4,
            }
        ),
        "opinion_form": AttachmentForm(
            initial={"kind": AttachmentKind.RESIDENT_OPINION, "name": _("Residents' opinion (주민의견서)")}
        ),
        "opinions": version.attachments.filter(kind=AttachmentKind.RESIDENT_OPINION),
        "gender_projects": confirmation_queries.gender_projects(version),
        "stages": VersionStatus.choices,
        "is_late": version.number == 0
        and version.submitted_at is not None
        and timezone.localdate(version.submitted_at) > due.bill_due,
    }
    return render(request, "budget/version.html", context)


@require_POST
def version_action(request: TenantRequest, gov_code: str, year: int, number: int, action: str) -> HttpResponse:
    version = version_or_404(request, year, number)
    try:
        if action == "close":
            adjustment.do_close_requests(version, actor=request.user)
            messages.success(request, _("Requests are closed; the budget office can adjust them."))
        elif action == "submit-bill":
            adjustment.do_submit_bill(
                version, line=line_from_post(request), actor=request.user, idempotency_key=KeyedForm(request.POST).key
            )
            messages.success(request, _("The bill is on its approval line to the head."))
        elif action == "mid-term-plan":
            plan = MidTermPlanForm(request.POST)
            if not plan.is_valid():
                messages.error(request, _("Enter the plan's title and the years it covers."))
            else:
                adjustment.do_record_mid_term_plan(version, **plan.cleaned_data, actor=request.user)
                messages.success(request, _("The medium-term fiscal plan is recorded."))
        elif action == "vote":
            form = VoteForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Enter the date of the council vote."))
            else:
                council.do_record_vote(version, voted_on=form.cleaned_data["voted_on"], actor=request.user)
                messages.success(request, _("The council's vote is recorded."))
        elif action == "confirm":
            confirmation.do_confirm(version, actor=request.user)
            messages.success(request, _("The budget is confirmed; it is now the appropriation."))
        else:
            raise NotFound()
    except LofinError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, str(error.message))
    return redirect(version_url(version))
