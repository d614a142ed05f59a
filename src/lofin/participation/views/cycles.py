"""Cycles on screen: the public entry of 주민e참여 and each government's home with the cycle's timeline; in the
workspace, the officials' list of cycles, a new cycle's set-up, a cycle's page, moving it to its next phase and
moving its phase dates."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lofin.core import clock, idempotency
from lofin.core.http import TenantRequest
from lofin.core.models import LocalGovernment
from lofin.core.permissions import VIEW_WORKSPACE, require
from lofin.core.submit import submit

from ..access import MANAGE
from ..actions import cycles as actions
from ..forms import CycleForm, OverrideForm, PhaseDatesForm, SimpleForm
from ..models import Cycle, CycleStatus, PhaseKind, Proposal, ProposalStatus
from ..queries import ballots, cycles, proposals, questions
from ..queries.residents import current_census
from ..rules.cycles import next_phase
from .common import (
    current_cycle,
    form_request,
    government_or_404,
    once_on_cycle,
    public_context,
    public_cycle,
    refusal_to_messages,
    workspace_context,
)
from .results import results_context


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """주민e참여: the governments running participatory budgeting, and where to take part."""
    ids = Cycle.objects.exclude(status=CycleStatus.DRAFT).values("government_id")
    governments = LocalGovernment.objects.filter(pk__in=ids).order_by("code")
    return render(request, "participation/index.html", {"governments": governments})


def _timeline(cycle: Cycle) -> list[dict[str, object]]:
    today = clock.today()
    order = list(PhaseKind.values)
    current = order.index(cycle.phase) if cycle.phase else -1
    out: list[dict[str, object]] = []
    for phase in cycles.phases(cycle):
        index = order.index(phase.kind)
        out.append(
            {
                "phase": phase,
                "state": "current" if index == current else ("done" if index < current else "next"),
                "today_inside": phase.starts_on <= today <= phase.ends_on,
            }
        )
    return out


def _cycle_home(request: HttpRequest, cycle: Cycle) -> dict[str, Any]:
    return {
        "timeline": _timeline(cycle),
        "districts": cycles.districts(cycle),
        "proposal_count": Proposal.objects.filter(cycle=cycle).count(),
        "turnout": ballots.turnout(cycle),
        "my_ballot": ballots.roll_entry(cycle, request.user),  # type: ignore[arg-type]
    }


@require_GET
def home(request: HttpRequest, gov: str) -> HttpResponse:
    government = government_or_404(gov)
    cycle = current_cycle(government)
    ctx = public_context(request, government, cycle, cycles=cycles.cycles(government).exclude(status=CycleStatus.DRAFT))
    if cycle is not None:
        ctx.update(_cycle_home(request, cycle))
    return render(request, "participation/home.html", ctx)


@require_GET
def cycle_home(request: HttpRequest, gov: str, cycle_id: int) -> HttpResponse:
    government = government_or_404(gov)
    cycle = public_cycle(government, cycle_id, request)
    ctx = public_context(
        request,
        government,
        cycle,
        cycles=cycles.cycles(government).exclude(status=CycleStatus.DRAFT),
        **_cycle_home(request, cycle),
    )
    return render(request, "participation/home.html", ctx)


@require_GET
def workspace(request: TenantRequest, gov_code: str) -> HttpResponse:
    government = request.government
    require(request.user, VIEW_WORKSPACE, government)
    today = clock.today()
    open_questions = questions.questions(government).filter(answer__isnull=True)
    return render(
        request,
        "participation/admin/workspace.html",
        workspace_context(
            request,
            cycles=cycles.cycles(government),
            census=current_census(government),
            open_questions=open_questions[:50],
            overdue=open_questions.filter(due_on__lt=today).count(),
            years=sorted({c.year for c in cycles.cycles(government)}, reverse=True),
            today=today,
        ),
    )


@require_http_methods(["GET", "POST"])
def create_cycle(request: TenantRequest, gov_code: str) -> HttpResponse:
    government = request.government
    require(request.user, MANAGE, government)
    year = clock.today().year + 1
    form = CycleForm(
        request.POST or None,
        initial={"year": year, "title": _("%(year)d participatory budgeting") % {"year": year}},
    )
    if request.method == "POST":
        done = submit(
            form,
            lambda d: idempotency.once_per_form(
                scope="participation",
                government_id=government.pk,
                actor=request.user,
                form_key=form.key,
                kind="cycle",
                values=form_request(d),
                lock=lambda: None,
                call=lambda: actions.do_create_cycle(
                    government,
                    year=d["year"],
                    title=d["title"],
                    description=d["description"],
                    total_amount=d["total_amount"],
                    ballot_kind=d["ballot_kind"],
                    rule=d["rule"],
                    satisfaction=d["satisfaction"] or "",
                    max_choices=d["max_choices"],
                    min_choices=d["min_choices"] or 1,
                    max_points=d["max_points"],
                    allow_residents=d["allow_residents"],
                    allow_workers=d["allow_workers"],
                    allow_students=d["allow_students"],
                    min_age=d["min_age"],
                    phases=form.phases(),
                    districts=[actions.DistrictIn(**x) for x in d["districts"]],
                    actor=request.user,
                ),
                load=lambda pk: Cycle.objects.get(pk=pk),
            ),
            {"phases": "proposal_start", "phase": "proposal_start", "max_choices": "max_choices"},
        )
        if done is not None:
            messages.success(request, _("The cycle %(title)s is set up.") % {"title": done.title})
            return redirect("participation_admin:cycle", government.code, done.pk)
    return render(
        request,
        "participation/admin/cycle_form.html",
        workspace_context(request, form=form),
        status=400 if form.is_bound else 200,
    )


@require_GET
def cycle(request: TenantRequest, gov_code: str, cycle_id: int) -> HttpResponse:
    government = request.government
    require(request.user, VIEW_WORKSPACE, government)
    c = cycles.cycle(government, cycle_id)
    rows = proposals.proposals(c).prefetch_related("scores")
    following = next_phase(c.phase) if c.phase != PhaseKind.IMPLEMENTATION else ""
    on_ballot = [p for p in rows if p.status in (ProposalStatus.SELECTED, ProposalStatus.NOT_SELECTED)]
    return render(
        request,
        "participation/admin/cycle.html",
        workspace_context(
            request,
            cycle=c,
            phases=cycles.phases(c),
            districts=cycles.districts(c),
            proposals=rows,
            next_phase=PhaseKind(following).label if following else "",
            action_form=SimpleForm(),
            count_form=SimpleForm(),
            finish_form=SimpleForm(),
            override_form=OverrideForm(proposals=[(str(p.pk), str(p)) for p in on_ballot]),
            **results_context(c),
        ),
    )


@require_POST
def advance(request: TenantRequest, gov_code: str, cycle_id: int) -> HttpResponse:
    c = cycles.cycle(request.government, cycle_id)
    form = SimpleForm(request.POST)
    done = submit(
        form,
        lambda d: once_on_cycle(
            request, form, c, "advance", d, lambda: actions.do_advance_phase(c, actor=request.user)
        ),
    )
    if done is not None:
        messages.success(request, _("The cycle is now in the phase: %(phase)s.") % {"phase": done.get_phase_display()})
    else:
        refusal_to_messages(request, form)
    return redirect("participation_admin:cycle", gov_code, c.pk)


@require_http_methods(["GET", "POST"])
def phase_dates(request: TenantRequest, gov_code: str, cycle_id: int) -> HttpResponse:
    """Move the dates of the phases (the order of the phases stays the law's)."""
    government = request.government
    require(request.user, MANAGE, government)
    cycle = cycles.cycle(government, cycle_id)
    initial = {}
    for phase in cycles.phases(cycle):
        initial[f"{phase.kind}_start"], initial[f"{phase.kind}_end"] = phase.starts_on, phase.ends_on
    form = PhaseDatesForm(request.POST or None, initial=initial)
    if request.method == "POST":
        done = submit(
            form,
            lambda d: once_on_cycle(
                request,
                form,
                cycle,
                "phases",
                d,
                lambda: actions.do_set_phase_dates(cycle, phases=form.phases(), actor=request.user),
            ),
            {"phases": "proposal_start"},
        )
        if done is not None:
            messages.success(request, _("The phase dates are changed."))
            return redirect("participation_admin:cycle", government.code, cycle.pk)
    return render(
        request,
        "participation/admin/phases.html",
        public_context(request, government, cycle, form=form),
        status=400 if form.is_bound else 200,
    )
