"""The writers of the review (심사): sending a proposal to the responsible department, the department's finding
on feasibility and cost (부서검토), the committee members' scores and the committee's shortlist — each decision
with the reason the proposer reads."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.db.models import Avg

from lofin.core import audit
from lofin.core.models import Department, User
from lofin.core.permissions import require

from ..access import MANAGE, REVIEW, require_same_government
from ..models import CommitteeScore, DepartmentReview, PhaseKind, Proposal, ProposalStatus
from ..queries.proposals import locked
from ..rules import review as rules
from ..rules.cycles import check_phase
from ..rules.proposals import check_transition
from .proposals import move_proposal


def do_start_review(proposal: Proposal, *, department: Department | None, actor: User) -> Proposal:
    """Send a proposal to the department responsible for it (부서검토)."""
    require(actor, MANAGE, proposal.government)
    require_same_government(proposal.government, department)
    with transaction.atomic():
        proposal = locked(proposal.pk)
        check_phase(proposal.cycle.phase, (PhaseKind.PROPOSAL, PhaseKind.DEPARTMENT_REVIEW))
        Proposal.objects.filter(pk=proposal.pk).update(department=department)
        proposal.department = department
        return move_proposal(proposal, ProposalStatus.UNDER_REVIEW, "", actor)


def do_review_proposal(
    proposal: Proposal, *, feasible: bool, reason: str, actor: User, reviewed_cost: int | None = None
) -> DepartmentReview:
    require(actor, REVIEW, proposal.government)
    reason = rules.check_finding(reason, reviewed_cost)
    with transaction.atomic():
        proposal = locked(proposal.pk)
        check_phase(proposal.cycle.phase, PhaseKind.DEPARTMENT_REVIEW)
        target = rules.finding_status(feasible)
        check_transition(proposal.status, target, reason)
        rules.check_reviewed_cost(reviewed_cost, proposal.cycle.total_amount)
        review = DepartmentReview.objects.create(
            government_id=proposal.government_id,
            proposal=proposal,
            department=proposal.department,
            feasible=feasible,
            reviewed_cost=reviewed_cost,
            reason=reason,
            reviewer=actor,
        )
        if reviewed_cost is not None:
            Proposal.objects.filter(pk=proposal.pk).update(reviewed_cost=reviewed_cost)
        move_proposal(proposal, target, reason, actor, record=False)
        audit.record(
            actor,
            "participation.proposal.review",
            proposal,
            data={"feasible": feasible, "reviewed_cost": reviewed_cost, "reason": reason},
        )
    return review


def do_score_proposal(
    proposal: Proposal, *, scores: Mapping[str, int], actor: User, comment: str = "", member: User | None = None
) -> CommitteeScore:
    """Record one committee member's score (the member, or an official entering the member's sheet)."""
    require(actor, REVIEW, proposal.government)
    total = rules.committee_total(scores)
    member = member or actor
    with transaction.atomic():
        proposal = locked(proposal.pk)
        check_phase(proposal.cycle.phase, PhaseKind.COMMITTEE_REVIEW)
        rules.check_scorable(proposal.status)
        score, _created = CommitteeScore.objects.update_or_create(
            proposal=proposal,
            member=member,
            defaults={
                "government_id": proposal.government_id,
                "scores": dict(scores),
                "total": total,
                "comment": (comment or "").strip()[:500],
            },
        )
        audit.record(
            actor, "participation.proposal.score", score, government=proposal.government, data={"total": total}
        )
    return score


def do_shortlist(proposal: Proposal, *, shortlisted: bool, actor: User, reason: str = "") -> Proposal:
    """The committee's decision (심사): onto the ballot or not, with the reason the proposer will read."""
    require(actor, MANAGE, proposal.government)
    with transaction.atomic():
        proposal = locked(proposal.pk)
        check_phase(proposal.cycle.phase, PhaseKind.COMMITTEE_REVIEW)
        average = CommitteeScore.objects.filter(proposal=proposal).aggregate(a=Avg("total"))["a"]
        if average is not None:
            Proposal.objects.filter(pk=proposal.pk).update(committee_score=round(average))
        return move_proposal(proposal, rules.shortlist_status(shortlisted), reason, actor)
