"""After the count: the selected projects become request lines of the next budget (예산반영), adopted projects whose
세부사업 has commitments are marked as being carried out (사업추진), and the cycle is closed."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lofin.budget.models import BudgetVersion, Project, ProjectLevel, VersionStatus
from lofin.core.http import TenantRequest
from lofin.core.permissions import require

from .. import actions, adoption, queries
from ..access import MANAGE
from ..form_actions import lock_cycle, once
from ..forms import AdoptForm, PhaseDatesForm, SimpleForm
from ..models import Cycle, Proposal, ProposalStatus
from .common import abilities, submit


@require_http_methods(["GET", "POST"])
def adopt(request: TenantRequest, gov_code: str, cycle_id: int) -> HttpResponse:
    government = request.government
    require(request.user, MANAGE, government)
    cycle = queries.cycle(government, cycle_id)
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
            lambda d: once(
                government.pk,
                actor=request.user,
                form_key=form.key,
                kind="adopt",
                values=(cycle.pk, d["version"], d["parent"], d["object_code"]),
                lock=lock_cycle(cycle.pk),
                call=lambda: _adopt(cycle, versions, parents, d, request.user),
                load=lambda pk: Cycle.objects.get(pk=pk),
            ),
        )
        if done is not None:
            messages.success(request, _("The selected projects are in the budget requests."))
            return redirect("participation_admin:cycle", government.code, cycle.pk)
    return render(
        request,
        "participation/admin/adopt.html",
        {
            "government": government,
            **abilities(request, government),
            "cycle": cycle,
            "form": form,
            "selected": Proposal.objects.filter(cycle=cycle, status=ProposalStatus.SELECTED).order_by("number"),
        },
        status=400 if form.is_bound else 200,
    )


def _adopt(cycle: Cycle, versions: list, parents: list, d: dict, actor: object) -> Cycle:
    adoption.do_adopt_into_request(
        cycle,
        version=next(v for v in versions if str(v.pk) == d["version"]),
        parent=next(p for p in parents if str(p.pk) == d["parent"]),
        object_code=d["object_code"].strip(),
        actor=actor,
    )
    return Cycle.objects.get(pk=cycle.pk)


@require_POST
def progress(request: TenantRequest, gov_code: str, cycle_id: int) -> HttpResponse:
    """사업추진: adopted projects whose 세부사업 has commitments; or closing the cycle."""
    cycle = queries.cycle(request.government, cycle_id)
    form = SimpleForm(request.POST)
    finish = request.POST.get("do") == "finish"

    def call() -> Cycle:
        if finish:
            return actions.do_finish_cycle(cycle, actor=request.user)
        adoption.do_start_execution(cycle, actor=request.user)
        return Cycle.objects.get(pk=cycle.pk)

    done = submit(
        form,
        lambda d: once(
            cycle.government_id,
            actor=request.user,
            form_key=form.key,
            kind="finish" if finish else "execution",
            values=(cycle.pk,),
            lock=lock_cycle(cycle.pk),
            call=call,
            load=lambda pk: Cycle.objects.get(pk=pk),
        ),
    )
    if done is not None:
        messages.success(request, _("The cycle is closed.") if finish else _("The projects' progress is updated."))
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
    return redirect("participation_admin:cycle", gov_code, cycle.pk)


@require_http_methods(["GET", "POST"])
def phase_dates(request: TenantRequest, gov_code: str, cycle_id: int) -> HttpResponse:
    """Move the dates of the phases (the order of the phases stays the law's)."""
    government = request.government
    require(request.user, MANAGE, government)
    cycle = queries.cycle(government, cycle_id)
    initial = {}
    for phase in queries.phases(cycle):
        initial[f"{phase.kind}_start"], initial[f"{phase.kind}_end"] = phase.starts_on, phase.ends_on
    form = PhaseDatesForm(request.POST or None, initial=initial)
    if request.method == "POST":
        done = submit(
            form,
            lambda d: once(
                government.pk,
                actor=request.user,
                form_key=form.key,
                kind="phases",
                values=(cycle.pk, sorted((k, str(a), str(b)) for k, (a, b) in form.phases().items())),
                lock=lock_cycle(cycle.pk),
                call=lambda: actions.do_set_phase_dates(cycle, phases=form.phases(), actor=request.user),
                load=lambda pk: Cycle.objects.get(pk=pk),
            ),
            {"phases": "proposal_start"},
        )
        if done is not None:
            messages.success(request, _("The phase dates are changed."))
            return redirect("participation_admin:cycle", government.code, cycle.pk)
    return render(
        request,
        "participation/admin/phases.html",
        {"government": government, **abilities(request, government), "cycle": cycle, "form": form},
        status=400 if form.is_bound else 200,
    )
