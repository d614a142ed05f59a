"""The count of the 주민투표 and what may change its result: the engine's input per ballot kind, when a count may be
run again, and the officials' overrides, which the 조례 allows only with a published reason. Pure: no ORM."""

from __future__ import annotations

from django.utils.translation import gettext as _

from lofin.core.errors import Conflict, InvalidInput

from ..errors import WrongStatus
from ..models.cycle import BallotKind
from ..models.proposals import ProposalStatus
from ..models.voting import OverrideAction

# Satisfaction the engine uses when the cycle leaves it to the ballot kind (pabutools' defaults).
DEFAULT_SATISFACTION = {
    BallotKind.APPROVAL: "cost",
    BallotKind.K_APPROVAL: "cost",
    BallotKind.KNAPSACK: "cost",
    BallotKind.CUMULATIVE: "points",
    BallotKind.RANKED: "borda",
}
ENGINE_VOTE_TYPE = {
    BallotKind.APPROVAL: "approval",
    BallotKind.K_APPROVAL: "approval",
    BallotKind.KNAPSACK: "approval",
    BallotKind.CUMULATIVE: "cumulative",
    BallotKind.RANKED: "ordinal",
}


def satisfaction(ballot_kind: str, chosen: str) -> str:
    """The satisfaction measure of the count: the cycle's, else the ballot kind's default."""
    return chosen or DEFAULT_SATISFACTION[BallotKind(ballot_kind)]


def check_recount(*, overridden: bool, adopted: bool) -> None:
    """The vote is counted (again) only until the published result was overridden or a project adopted into the
    budget: after that the result stands."""
    if overridden or adopted:
        raise Conflict(_("The result has been overridden or adopted; it is not counted again."))


def check_override(action: str, reason: str) -> str:
    """An override adds a project to the selection or removes it, with the reason published with the result."""
    if action not in OverrideAction.values:
        raise InvalidInput(_("Choose to add or to remove the project."), field="action")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("An override needs a reason; it is published with the result."), field="reason")
    return reason[:500]


def check_counted(counted: bool) -> None:
    if not counted:
        raise Conflict(_("Count the vote before overriding its result."))


def override_move(action: str, status: str) -> str:
    """The status an override gives a project: only one not selected can be added, only one selected removed."""
    expected = ProposalStatus.NOT_SELECTED if action == OverrideAction.ADD else ProposalStatus.SELECTED
    if status != expected:
        raise WrongStatus(
            _("Only a project that is %(status)s can be overridden this way.") % {"status": expected.label}
        )
    return ProposalStatus.SELECTED if action == OverrideAction.ADD else ProposalStatus.NOT_SELECTED


def check_something_to_count(groups: int) -> None:
    if not groups:
        raise Conflict(_("There are no projects on the ballot."))
