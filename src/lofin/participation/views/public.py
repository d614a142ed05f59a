"""The public pages of 주민e참여: anyone may read them, without logging in — the home of a government's
주민참여예산, its proposals with every decision and reason, the results with their explanations, the tracking of
adopted projects, and the questions with their answers."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from lofin.core.models import LocalGovernment

from .. import follow_actions, queries
from ..models import Cycle, CycleStatus, District, PhaseKind, Proposal, ProposalStatus
from ..vote_actions import ON_BALLOT_STATUSES
from .common import abilities, current_cycle, government_or_404, public_cycle, public_proposal, verdict_message

SELECTED = (ProposalStatus.SELECTED, ProposalStatus.ADOPTED, ProposalStatus.IN_EXECUTION)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """주민e참여: the governments running participatory budgeting, and where to take part."""
    ids = Cycle.objects.exclude(status=CycleStatus.DRAFT).values("government_id")
    governments = LocalGovernment.objects.filter(pk__in=ids).order_by("code")
    return render(request, "participation/index.html", {"governments": governments})


def _timeline(cycle: Cycle) -> list[dict[str, object]]:
    today = timezone.localdate()
    order = list(PhaseKind.values)
    current = order.index(cycle.phase) if cycle.phase else -1
    out = []
    for phase in queries.phases(cycle):
        index = order.index(phase.kind)
        out.append(
            {
                "phase": phase,
                "state": "current" if index == current else ("done" if index < current else "next"),
                "today_inside": phase.starts_on <= today <= phase.ends_on,
            }
        )
    return out


def _context(request: HttpRequest, government: LocalGovernment, cycle: Cycle | None, **extra: object) -> dict:
    return {"government": government, "cycle": cycle, **abilities(request, government), **extra}


@require_GET
def home(request: HttpRequest, gov: str) -> HttpResponse:
    government = government_or_404(gov)
    cycle = current_cycle(government)
    cycles = queries.cycles(government).exclude(status=CycleStatus.DRAFT)
    ctx = _context(request, government, cycle, cycles=cycles)
    if cycle is not None:
        ctx.update(
            timeline=_timeline(cycle),
            districts=District.objects.filter(cycle=cycle),
            proposal_count=Proposal.objects.filter(cycle=cycle).count(),
            turnout=queries.turnout(cycle),
            my_ballot=queries.my_ballot(cycle, request.user),
        )
    return render(request, "participation/home.html", ctx)


@require_GET
def cycle_home(request: HttpRequest, gov: str, cycle_id: int) -> HttpResponse:
    government = government_or_404(gov)
    cycle = public_cycle(government, cycle_id, request)
    ctx = _context(
        request,
        government,
        cycle,
        cycles=queries.cycles(government).exclude(status=CycleStatus.DRAFT),
        timeline=_timeline(cycle),
        districts=District.objects.filter(cycle=cycle),
        proposal_count=Proposal.objects.filter(cycle=cycle).count(),
        turnout=queries.turnout(cycle),
        my_ballot=queries.my_ballot(cycle, request.user),
    )
    return render(request, "participation/home.html", ctx)


@require_GET
def proposals(request: HttpRequest, gov: str, cycle_id: int) -> HttpResponse:
    government = government_or_404(gov)
    cycle = public_cycle(government, cycle_id, request)
    status = request.GET.get("status", "")
    district = request.GET.get("district", "")
    search = (request.GET.get("q") or "").strip()[:100]
    rows = queries.proposals(
        cycle,
        status=status if status in ProposalStatus.values else None,
        district_id=int(district) if district.isdigit() else None,
    )
    if search:
        rows = rows.filter(
            Q(title__icontains=search) | Q(description__icontains=search) | Q(location__icontains=search)
        )
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    ctx = _context(
        request,
        government,
        cycle,
        page=page,
        statuses=ProposalStatus.choices,
        districts=District.objects.filter(cycle=cycle),
        filters={"status": status, "district": district, "q": search},
    )
    if request.headers.get("HX-Request"):
        return render(request, "participation/proposals.html#results", ctx)
    return render(request, "participation/proposals.html", ctx)


@require_GET
def proposal_detail(request: HttpRequest, gov: str, proposal_id: int) -> HttpResponse:
    from ..forms import CommentForm, QuestionForm

    government = government_or_404(gov)
    proposal = public_proposal(government, proposal_id, request)
    ctx = _context(
        request,
        government,
        proposal.cycle,
        proposal=proposal,
        events=queries.events(proposal).select_related("actor"),
        comments=proposal.comments.select_related("author"),
        photos=proposal.photos.all(),
        tracking=queries.tracking(proposal),
        reviews=proposal.reviews.select_related("department").order_by("id"),
        questions=queries.questions(government).filter(proposal=proposal),
        comment_form=CommentForm(),
        question_form=QuestionForm(),
        is_proposer=request.user.is_authenticated and proposal.proposer_id == request.user.pk,
        following=follow_actions.is_following(proposal, request.user),
    )
    return render(request, "participation/proposal.html", ctx)


def results_context(cycle: Cycle) -> dict[str, object]:
    names = {p.pk: p for p in Proposal.objects.filter(cycle=cycle, status__in=ON_BALLOT_STATUSES)}
    results = []
    for result in queries.current_results(cycle):
        projects = result.explanation.get("projects", {})
        rows = [
            {"proposal": names[int(pid)], "detail": detail, "message": verdict_message(detail)}
            for pid, detail in projects.items()
            if str(pid).isdigit() and int(pid) in names
        ]
        rows.sort(key=lambda r: (not r["detail"].get("selected"), r["proposal"].number))
        results.append({"result": result, "rows": rows})
    return {
        "results": results,
        "overrides": queries.overrides(cycle),
        "turnout": queries.turnout(cycle),
        "selected": [p for p in names.values() if p.status in SELECTED],
    }


@require_GET
def results(request: HttpRequest, gov: str, cycle_id: int) -> HttpResponse:
    government = government_or_404(gov)
    cycle = public_cycle(government, cycle_id, request)
    ctx = _context(request, government, cycle, **results_context(cycle))
    ctx["my_ballot"] = queries.my_ballot(cycle, request.user)
    return render(request, "participation/results.html", ctx)


@require_GET
def tracking(request: HttpRequest, gov: str, cycle_id: int) -> HttpResponse:
    government = government_or_404(gov)
    cycle = public_cycle(government, cycle_id, request)
    adopted = Proposal.objects.filter(queries.STATUS_REACHED["selected"], cycle=cycle).select_related(
        "budget_project", "budget_line", "department"
    )
    rows = [{"proposal": p, "tracking": queries.tracking(p)} for p in adopted.order_by("number")]
    return render(request, "participation/tracking.html", _context(request, government, cycle, rows=rows))


@require_GET
def questions(request: HttpRequest, gov: str) -> HttpResponse:
    from ..forms import QuestionForm

    government = government_or_404(gov)
    cycle = current_cycle(government)
    page = Paginator(queries.questions(government), 20).get_page(request.GET.get("page"))
    ctx = _context(request, government, cycle, page=page, form=QuestionForm(), today=timezone.localdate())
    return render(request, "participation/questions.html", ctx)
