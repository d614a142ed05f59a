"""After the count: the selected projects become request lines of the next budget (예산반영), adopted projects whose
세부사업 has commitments are marked as being carried out (사업추진), and the cycle is closed; and the public tracking
of the selected projects into the budget and its execution."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lofin.budget.models import BudgetVersion, Project, ProjectLevel, VersionStatus
from lofin.core.http import TenantRequest
from lofin.core.models import User
from lofin.core.permissions import require
from lofin.core.submit import submit

from ..access import MANAGE
from ..actions import adoption as actions
from ..actions import cycles as cycle_actions
from ..forms import AdoptForm, SimpleForm
from ..models import Cycle, Proposal, ProposalStatus
from ..queries import cycles, proposals
from .common import government_or_404, once_on_cycle, public_context, public_cycle


@require_GET
def tracking(request: HttpRequest, gov: str, cycle_id: int) -> HttpResponse:
    government = government_or_404(gov)
    cycle = public_cycle(government, cycle_id, request)
    adopted = proposals.selected(cycle).select_related("budget_project", "budget_line", "department")
    rows = [{"proposal": p, "tracking": proposals.tracking(p)} for p in adopted.order_by("number")]
    return render(request, "participation/tracking.html", public_context(request, government, cycle, rows=rows))


def _adopt(
    cycle: Cycle, versions: list[BudgetVersion], parents: list[Project], d: dict[str, Any], actor: User
) -> Cycle:
    actions.do_adopt_into_request(
        cycle,
        version=next(v for v in versions if str(v.pk) == d["version"]),
        parent=next(p for p in parents if str(p.pk) == d["parent"]),
        object_code=d["object_code"].strip(),
        actor=actor,
    )
    return Cycle.objects.get(pk=cycle.pk)


@require_http_methods(["GET", "POST"])
def adopt(request: TenantRequest, gov_code: str, cycle_id: int) -> HttpResponse:
    government = request.government
    require(request.user, MANAGE, government)
    cycle = cycles.cycle(government, cycle_id)
    versions = list(
        BudgetVersion.objects.filter(government=government, year=cycle.year, status=VersionStatus.REQUESTING)
    )
    parents = list(
        Project.objects.filter(government=government, year=cycle.year, level=ProjectLevel.UNIT).order_by("code")
    )
    form = AdoptForm(
        request.POST or None,
        versions=[(str(v.pk), f"{v.year} {v.get_kind_display()} #{v.number}") for v in versions],
        parents=[(str(p.pk), f"{p.code} {p.name}") for p in parents],
    )
    if request.method == "POST":
        done = submit(
            form,
            lambda d: once_on_cycle(
                request, form, cycle, "adopt", d, lambda: _adopt(cycle, versions, parents, d, request.user)
            ),
        )
        if done is not None:
            messages.success(request, _("The selected projects are in the budget requests."))
            return redirect("participation_admin:cycle", government.code, cycle.pk)
    return render(
        request,
        "participation/admin/adopt.html",
        public_context(
            request,
            government,
            cycle,
            form=form,
            selected=Proposal.objects.filter(cycle=cycle, status=ProposalStatus.SELECTED).order_by("number"),
        ),
        status=400 if form.is_bound else 200,
    )


@require_POST
def progress(request: TenantRequest, gov_code: str, cycle_id: int) -> HttpResponse:
    """사업추진: adopted projects whose 세부사업 has commitments; or closing the cycle."""
    cycle = cycles.cycle(request.government, cycle_id)
    form = SimpleForm(request.POST)
    finish = request.POST.get("do") == "finish"

    def call() -> Cycle:
        if finish:
            return cycle_actions.do_finish_cycle(cycle, actor=request.user)
        actions.do_start_execution(cycle, actor=request.user)
        return Cycle.objects.get(pk=cycle.pk)

    done = submit(
        form,
        lambda d: once_on_cycle(request, form, cycle, "finish" if finish else "execution", d, call),
    )
    if done is not None:
        messages.success(request, _("The cycle is closed.") if finish else _("The projects' progress is updated."))
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
    return redirect("participation_admin:cycle", gov_code, cycle.pk)
