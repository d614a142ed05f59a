"""What every 주민e참여 endpoint shares: the path prefix, and the government, cycle and proposal a path names.
Members of the government only: everyone else gets 404, as for any tenant's data."""

from __future__ import annotations

from lofin.core.http import AuthedRequest
from lofin.core.models import LocalGovernment
from lofin.core.tenancy import access_government

from ..access import VIEW
from ..models import Cycle, Proposal
from ..queries import cycles, proposals

PREFIX = "/participation/{government}"


def government_of(request: AuthedRequest, code: str) -> LocalGovernment:
    return access_government(request.user, code, VIEW)


def cycle_of(request: AuthedRequest, code: str, cycle_id: int) -> Cycle:
    return cycles.cycle(government_of(request, code), cycle_id)


def proposal_of(request: AuthedRequest, code: str, proposal_id: int) -> Proposal:
    return proposals.proposal(government_of(request, code), proposal_id)


def fresh(proposal: Proposal) -> Proposal:
    """The proposal as it is now, with what its output names (after an action changed it)."""
    return proposals.proposal(proposal.government, proposal.pk)
