"""Tenant-scoped reads of participatory budgeting. Every function takes the government (already access-checked
by the caller through `access_government`) or an object reached from it; other governments' rows look absent."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from lofin.core.errors import NotFound
from lofin.core.models import LocalGovernment
from lofin.core.tenancy import for_tenant, get_for_tenant

from .models import (
    Ballot,
    BallotChannel,
    Cycle,
    Override,
    Phase,
    Proposal,
    ProposalStatus,
    Question,
    Resident,
    Result,
    StatusEvent,
)


def cycles(government: LocalGovernment) -> QuerySet[Cycle]:
    return for_tenant(Cycle.objects.all(), government).order_by("-year", "id")


def cycle(government: LocalGovernment, cycle_id: int) -> Cycle:
    return get_for_tenant(Cycle.objects.select_related("government"), government, pk=cycle_id)


def phases(cycle: Cycle) -> list[Phase]:
    return list(Phase.objects.filter(cycle=cycle).order_by("starts_on"))


def proposals(cycle: Cycle, *, status: str | None = None, district_id: int | None = None) -> QuerySet[Proposal]:
    qs = Proposal.objects.filter(cycle=cycle).select_related("district", "department").order_by("number")
    if status:
        qs = qs.filter(status=status)
    if district_id:
        qs = qs.filter(district_id=district_id)
    return qs


def proposal(government: LocalGovernment, proposal_id: int) -> Proposal:
    return get_for_tenant(
        Proposal.objects.select_related("cycle", "district", "department", "proposer", "budget_project"),
        government,
        pk=proposal_id,
    )


def events(proposal: Proposal) -> QuerySet[StatusEvent]:
    """The decisions on a proposal with their reasons: what the proposer sees."""
    return StatusEvent.objects.filter(proposal=proposal).order_by("at", "id")


def resident(government: LocalGovernment, user: Any) -> Resident | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Resident.objects.filter(government=government, user=user).first()


def my_ballot(cycle: Cycle, user: Any) -> Ballot | None:
    person = resident(cycle.government, user)
    if person is None:
        return None
    return Ballot.objects.filter(cycle=cycle, voter_key=person.identity_hash, is_active=True).first()


def current_results(cycle: Cycle) -> list[Result]:
    return list(Result.objects.filter(cycle=cycle, is_current=True).select_related("district").order_by("district_id"))


def overrides(cycle: Cycle) -> QuerySet[Override]:
    return Override.objects.filter(cycle=cycle).select_related("proposal").order_by("decided_at", "id")


def questions(government: LocalGovernment, *, cycle: Cycle | None = None) -> QuerySet[Question]:
    qs = for_tenant(Question.objects.select_related("answer", "department", "proposal"), government)
    if cycle is not None:
        qs = qs.filter(cycle=cycle)
    return qs.order_by("-asked_at", "-id")


def question(government: LocalGovernment, question_id: int) -> Question:
    return get_for_tenant(Question.objects.select_related("answer", "department"), government, pk=question_id)


def turnout(cycle: Cycle) -> dict[str, int]:
    """Counted ballots by channel (replaced ones are not counted), and how many online ballots were replaced."""
    rows = (
        Ballot.objects.filter(cycle=cycle)
        .values("channel", "is_active")
        .annotate(n=Count("id"))
        .values_list("channel", "is_active", "n")
    )
    out = {c: 0 for c in BallotChannel.values} | {"replaced": 0, "total": 0}
    for channel, active, n in rows:
        if active:
            out[channel] += n
            out["total"] += n
        else:
            out["replaced"] += n
    return out


def execution_by_project(government: LocalGovernment, year: int, project_ids: list[int]) -> dict[int, dict[str, int]]:
    """예산현액, commitments and payments of the 세부사업 in execution (zero when not executed yet)."""
    from lofin.execution.models import BudgetLine

    out: dict[int, dict[str, int]] = defaultdict(lambda: {"appropriation": 0, "committed": 0, "paid": 0})
    if not project_ids:
        return out
    rows = (
        BudgetLine.objects.filter(government=government, year=year, project_id__in=project_ids)
        .values("project_id")
        .annotate(a=Sum("appropriation"), c=Sum("committed"), p=Sum("paid"))
    )
    for row in rows:
        out[row["project_id"]] = {"appropriation": row["a"] or 0, "committed": row["c"] or 0, "paid": row["p"] or 0}
    return out


def tracking(proposal: Proposal) -> dict[str, Any]:
    """The public tracking of one proposal: its decisions, its budget line and what has been spent on it."""
    project = proposal.budget_project
    out: dict[str, Any] = {
        "status": proposal.status,
        "adopted_amount": proposal.adopted_amount,
        "budget_project": None,
        "budget_line": None,
        "execution": None,
    }
    if project is not None:
        out["budget_project"] = {"id": project.pk, "code": project.code, "name": project.name, "year": project.year}
        out["execution"] = execution_by_project(proposal.government, project.year, [project.pk])[project.pk]
    line = proposal.budget_line
    if line is not None:
        out["budget_line"] = {
            "id": line.pk,
            "version": line.version_id,
            "object_code": line.object_code,
            "requested_amount": line.requested_amount,
            "amount": line.amount,
        }
    return out


STATUS_REACHED = {
    "reviewed": Q(status__in=[s for s in ProposalStatus.values if s not in ("submitted", "under_review", "withdrawn")]),
    "shortlisted": Q(
        status__in=[
            ProposalStatus.SHORTLISTED,
            ProposalStatus.ON_BALLOT,
            ProposalStatus.SELECTED,
            ProposalStatus.NOT_SELECTED,
            ProposalStatus.ADOPTED,
            ProposalStatus.IN_EXECUTION,
        ]
    ),
    "selected": Q(status__in=[ProposalStatus.SELECTED, ProposalStatus.ADOPTED, ProposalStatus.IN_EXECUTION]),
    "adopted": Q(status__in=[ProposalStatus.ADOPTED, ProposalStatus.IN_EXECUTION]),
}


def require_in(government: LocalGovernment, obj: Any) -> None:
    if getattr(obj, "government_id", None) != government.pk:
        raise NotFound()
