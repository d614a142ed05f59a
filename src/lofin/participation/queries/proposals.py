"""Tenant-scoped reads of proposals: lists, one proposal with its decisions, and the public tracking of an adopted
one into the budget and its execution."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Q, QuerySet, Sum

from lofin.core.models import LocalGovernment
from lofin.core.tenancy import get_for_tenant
from lofin.execution.models import BudgetLine

from ..models import Cycle, Proposal, ProposalStatus, StatusEvent

# The proposals that reached a stage, whatever happened to them after it.
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


def locked(proposal_id: int) -> Proposal:
    """The proposal, locked for a decision on it (inside the deciding transaction)."""
    return Proposal.objects.select_for_update(no_key=True).select_related("government", "cycle").get(pk=proposal_id)


def selected(cycle: Cycle) -> QuerySet[Proposal]:
    """The cycle's projects chosen by the vote (or an override), also once adopted or being carried out."""
    return Proposal.objects.filter(STATUS_REACHED["selected"], cycle=cycle)


def events(proposal: Proposal) -> QuerySet[StatusEvent]:
    """The decisions on a proposal with their reasons: what the proposer sees."""
    return StatusEvent.objects.filter(proposal=proposal).order_by("at", "id")


def execution_by_project(government: LocalGovernment, year: int, project_ids: list[int]) -> dict[int, dict[str, int]]:
    """예산현액, commitments and payments of the 세부사업 in execution (zero when not executed yet)."""
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


def started(government: LocalGovernment, year: int, project_id: int | None) -> bool:
    """Whether the 세부사업 has commitments (지출원인행위) in the year: its project is being carried out."""
    if project_id is None:
        return False
    return BudgetLine.objects.filter(government=government, year=year, project_id=project_id, committed__gt=0).exists()


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
