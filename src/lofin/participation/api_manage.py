"""주민e참여 API, the officials' steps: department review, committee scores and shortlist, the phases, the count and
its overrides, adoption into the budget and the start of execution — the twins of the officials' pages, through the
same actions (so the same permission checks, phase rules, reasons and audit). And following a proposal.

Registered on the router of `api`; the government in the path must be the caller's, and every id is looked up
within it: an official of another government gets 404.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from ninja import Status

from lofin.budget.models import BudgetVersion, Project
from lofin.core.errors import InvalidInput
from lofin.core.http import AuthedRequest
from lofin.core.models import Department
from lofin.core.tenancy import get_for_tenant
from lofin.core.types import Id

from . import actions, adoption, follow_actions, queries, tally
from .api import PREFIX, _cycle, _cycle_out, _gov, _proposal_out, get_results, router
from .models import Follow, Proposal, ProposalStatus
from .schemas import (
    AdoptIn,
    AdvanceIn,
    CycleOut,
    FollowedOut,
    FollowOut,
    LinkIn,
    OverrideIn,
    OverrideOut,
    ProposalOut,
    ResultsOut,
    ReviewIn,
    ReviewStartIn,
    ScoreIn,
    ScoreOut,
    ShortlistIn,
)


def _proposal(request: AuthedRequest, government: str, proposal_id: Id) -> Proposal:
    return queries.proposal(_gov(request, government), proposal_id)


def _fresh(p: Proposal) -> dict[str, Any]:
    return _proposal_out(queries.proposal(p.government, p.pk))


@router.post(
    PREFIX + "/proposals/{proposal_id}/review/start",
    response=ProposalOut,
    summary="Send a proposal to the responsible department for review (budget office)",
)
def start_review(request: AuthedRequest, government: str, proposal_id: Id, payload: ReviewStartIn) -> dict[str, Any]:
    p = _proposal(request, government, proposal_id)
    department = None
    if payload.department_id is not None:
        department = Department.objects.filter(government_id=p.government_id, pk=payload.department_id).first()
        if department is None:
            raise InvalidInput(_("Unknown department."), field="department_id")
    actions.do_start_review(p, department=department, actor=request.user)
    return _fresh(p)


@router.post(
    PREFIX + "/proposals/{proposal_id}/review",
    response=ProposalOut,
    summary="Record the department's finding: feasible or not, with the reason the proposer reads",
)
def review(request: AuthedRequest, government: str, proposal_id: Id, payload: ReviewIn) -> dict[str, Any]:
    p = _proposal(request, government, proposal_id)
    actions.do_review_proposal(
        p, feasible=payload.feasible, reason=payload.reason, reviewed_cost=payload.reviewed_cost, actor=request.user
    )
    return _fresh(p)


@router.post(
    PREFIX + "/proposals/{proposal_id}/scores",
    response={201: ScoreOut},
    summary="Record my committee score of a feasible proposal (sending it again replaces it)",
)
def score(request: AuthedRequest, government: str, proposal_id: Id, payload: ScoreIn) -> Status:
    p = _proposal(request, government, proposal_id)
    s = actions.do_score_proposal(p, scores=payload.scores, comment=payload.comment, actor=request.user)
    return Status(
        201,
        {"proposal_id": p.pk, "member": str(s.member), "scores": s.scores, "total": s.total, "comment": s.comment},
    )


@router.post(
    PREFIX + "/proposals/{proposal_id}/shortlist",
    response=ProposalOut,
    summary="The committee's decision: onto the ballot or not, with its reason",
)
def shortlist(request: AuthedRequest, government: str, proposal_id: Id, payload: ShortlistIn) -> dict[str, Any]:
    p = _proposal(request, government, proposal_id)
    actions.do_shortlist(p, shortlisted=payload.shortlisted, reason=payload.reason, actor=request.user)
    return _fresh(p)


@router.post(
    PREFIX + "/cycles/{cycle_id}/advance",
    response=CycleOut,
    summary="Move the cycle to its next phase (entering the vote puts the shortlisted proposals on the ballot)",
)
def advance(request: AuthedRequest, government: str, cycle_id: Id, payload: AdvanceIn) -> dict[str, Any]:
    c = actions.do_advance_phase(_cycle(request, government, cycle_id), actor=request.user, to=payload.to)
    return _cycle_out(c)


@router.post(
    PREFIX + "/cycles/{cycle_id}/results/compute",
    response=ResultsOut,
    summary="Count the vote with the cycle's rule (after the vote, before any override or adoption)",
)
def compute_result(request: AuthedRequest, government: str, cycle_id: Id) -> dict[str, Any]:
    tally.do_compute_result(_cycle(request, government, cycle_id), actor=request.user)
    return get_results(request, government, cycle_id)


@router.post(
    PREFIX + "/cycles/{cycle_id}/overrides",
    response={201: OverrideOut},
    summary="Add a project to the selection or remove it, with a reason published with the result",
)
def override(request: AuthedRequest, government: str, cycle_id: Id, payload: OverrideIn) -> Status:
    c = _cycle(request, government, cycle_id)
    p = get_for_tenant(Proposal.objects.all(), c.government, pk=payload.proposal_id)
    o = tally.do_override(c, proposal=p, action=payload.action, reason=payload.reason, actor=request.user)
    return Status(
        201, {"proposal_id": o.proposal_id, "action": o.action, "reason": o.reason, "decided_at": o.decided_at}
    )


@router.post(
    PREFIX + "/cycles/{cycle_id}/adopt",
    response=list[ProposalOut],
    summary="Make every selected proposal a 세부사업 with a request line in the budget being requested",
)
def adopt(request: AuthedRequest, government: str, cycle_id: Id, payload: AdoptIn) -> list[dict[str, Any]]:
    c = _cycle(request, government, cycle_id)
    version = get_for_tenant(BudgetVersion.objects.all(), c.government, pk=payload.version_id)
    parent = get_for_tenant(Project.objects.all(), c.government, pk=payload.parent_id)
    adopted = adoption.do_adopt_into_request(
        c, version=version, parent=parent, object_code=payload.object_code, actor=request.user
    )
    return [_fresh(p) for p in adopted]


@router.post(
    PREFIX + "/proposals/{proposal_id}/link",
    response=ProposalOut,
    summary="Fund a selected proposal within an existing 세부사업 of the cycle's year",
)
def link(request: AuthedRequest, government: str, proposal_id: Id, payload: LinkIn) -> dict[str, Any]:
    p = _proposal(request, government, proposal_id)
    project = get_for_tenant(Project.objects.all(), p.government, pk=payload.project_id)
    adoption.do_link_to_project(p, project=project, amount=payload.amount, actor=request.user)
    return _fresh(p)


@router.post(
    PREFIX + "/cycles/{cycle_id}/execution/start",
    response=list[ProposalOut],
    summary="Mark adopted proposals whose 세부사업 has commitments as being carried out",
)
def start_execution(request: AuthedRequest, government: str, cycle_id: Id) -> list[dict[str, Any]]:
    moved = adoption.do_start_execution(_cycle(request, government, cycle_id), actor=request.user)
    return [_fresh(p) for p in moved]


# --- following ----------------------------------------------------------------------------------------------------


@router.put(
    PREFIX + "/proposals/{proposal_id}/follow",
    response=FollowOut,
    summary="Follow a proposal: be told of every decision on it and of answers to questions about it",
)
def follow(request: AuthedRequest, government: str, proposal_id: Id) -> dict[str, Any]:
    p = _proposal(request, government, proposal_id)
    follow_actions.do_follow_proposal(p, actor=request.user)
    return {"proposal_id": p.pk, "following": True}


@router.delete(PREFIX + "/proposals/{proposal_id}/follow", response=FollowOut, summary="Stop following a proposal")
def unfollow(request: AuthedRequest, government: str, proposal_id: Id) -> dict[str, Any]:
    p = _proposal(request, government, proposal_id)
    follow_actions.do_unfollow_proposal(p, actor=request.user)
    return {"proposal_id": p.pk, "following": False}


@router.get(PREFIX + "/follows", response=list[FollowedOut], summary="The proposals I follow")
def my_follows(request: AuthedRequest, government: str) -> list[dict[str, Any]]:
    gov = _gov(request, government)
    rows = Follow.objects.filter(government=gov, user=request.user).select_related("proposal").order_by("-id")
    return [
        {
            "proposal_id": f.proposal_id,
            "cycle_id": f.proposal.cycle_id,
            "number": f.proposal.number,
            "title": f.proposal.title,
            "status": f.proposal.status,
            "status_label": str(ProposalStatus(f.proposal.status).label),
            "status_reason": f.proposal.status_reason,
            "followed_at": f.created_at,
        }
        for f in rows[:500]
    ]
