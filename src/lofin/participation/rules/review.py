"""The review of proposals (심사): the responsible department's finding on feasibility and cost (부서검토), and the
committee's scores and shortlist (주민참여예산위원회 심사), as the 조례 sets them. Pure: no ORM."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _

from lofin.core.errors import InvalidInput

from ..errors import WrongStatus
from ..models.proposals import ProposalStatus
from .cycles import check_amount

# The committee's criteria with their most points (a common 조례 sheet: 필요성, 실현가능성, 주민편익, 비용적정성).
COMMITTEE_CRITERIA = {"necessity": 30, "feasibility": 30, "benefit": 25, "cost": 15}


def check_finding(reason: str, reviewed_cost: int | None) -> str:
    """A department's finding states its reason (the proposer reads it); a reviewed cost is an amount in won.
    Returns the reason as kept."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Give the reason for the review's finding; the proposer will read it."), field="reason")
    if reviewed_cost is not None:
        check_amount(reviewed_cost, "reviewed_cost")
    return reason[:500]


def check_reviewed_cost(reviewed_cost: int | None, total_amount: int) -> None:
    """The reviewed cost of a project fits in the cycle's whole amount."""
    if reviewed_cost is not None and reviewed_cost > total_amount:
        raise InvalidInput(_("The reviewed cost is more than the cycle's whole amount."), field="reviewed_cost")


def finding_status(feasible: bool) -> str:
    return ProposalStatus.FEASIBLE if feasible else ProposalStatus.INFEASIBLE


def committee_total(scores: Mapping[str, int], criteria: Mapping[str, int] = COMMITTEE_CRITERIA) -> int:
    """Sum of the criteria scores, each between 0 and the criterion's maximum."""
    unknown = set(scores) - set(criteria)
    if unknown:
        raise InvalidInput(_("Unknown scoring criteria: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    total = 0
    for name, top in criteria.items():
        value = scores.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top:
            raise InvalidInput(
                _("Score %(name)s from 0 to %(top)d.") % {"name": name, "top": top}, field=f"scores.{name}"
            )
        total += value
    return total


def check_scorable(status: str) -> None:
    """The committee scores only the proposals the department found feasible."""
    if status != ProposalStatus.FEASIBLE:
        raise WrongStatus(_("Only proposals found feasible are scored."))


def shortlist_status(shortlisted: bool) -> str:
    return ProposalStatus.SHORTLISTED if shortlisted else ProposalStatus.REJECTED
