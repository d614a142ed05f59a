"""성과계획서 on a project's page: its department sets the performance targets while the budget is formulated, and
records each achieved value (with the reason when short) once the year has ended."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lofin.core import clock, types
from lofin.core.errors import NotFound
from lofin.core.http import TenantRequest
from lofin.core.permissions import require
from lofin.core.submit import submit

from ..access import VIEW
from ..actions import performance as actions
from ..forms import ResultForm, TargetForm
from ..models import PerformanceTarget, Project
from ..queries import performance as queries
from ..rules import performance as rules


@require_http_methods(["GET", "POST"])
def targets_page(request: TenantRequest, gov_code: str, year: int, code: str) -> HttpResponse:
    government = request.government
    require(request.user, VIEW, government)
    project = (
        Project.objects.filter(government=government, year=types.year_or_404(year), code=code)
        .select_related("department", "government")
        .first()
    )
    if project is None:
        raise NotFound()
    which = request.POST.get("form")
    target_form = TargetForm(request.POST if which == "target" else None)
    result_form = ResultForm(request.POST if which == "result" else None)
    if which == "target":
        done = submit(
            target_form,
            lambda d: actions.do_set_performance_target(
                project,
                indicator=d["indicator"],
                unit=d["unit"],
                target_value=d["target_value"],
                baseline_value=d["baseline_value"],
                method=d["method"],
                direction=d["direction"],
                actor=request.user,
            ),
        )
        if done is not None:
            messages.success(request, _("The performance target is saved."))
            return redirect(request.path)
    if which == "result":

        def record(d: dict) -> PerformanceTarget:
            target = PerformanceTarget.objects.filter(pk=d["target"], project=project).first()
            if target is None:
                raise NotFound()
            return actions.do_record_performance_result(
                target, achieved_value=d["achieved_value"], reason=d["reason"], actor=request.user
            )

        if submit(result_form, record) is not None:
            messages.success(request, _("The result is recorded."))
            return redirect(request.path)
    rows = []
    for target in queries.of_project(project):
        rate = (
            rules.achievement_rate(target.target_value, target.achieved_value, target.direction)
            if target.has_result
            else None
        )
        rows.append((target, rate))
    context = {
        "government": government,
        "year": project.year,
        "project": project,
        "rows": rows,
        "target_form": target_form,
        "result_form": result_form,
        "posted_target": request.POST.get("target") if which == "result" else None,
        "year_ended": rules.year_ended(project.year, clock.today()),
    }
    return render(request, "budget/targets.html", context)
