"""What every 주민e참여 screen shares: the government and cycle a public URL names, what the person may do there,
and `core.submit`, which puts an action's refusal next to the field it concerns."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lofin.core.errors import NotFound
from lofin.core.models import LocalGovernment
from lofin.core.permissions import has_permission
from lofin.core.submit import submit
from lofin.participation.voting.explain import ProjectVerdict

from .. import queries
from ..access import ENTER_BALLOTS, MANAGE, PARTICIPATE, REVIEW
from ..models import Cycle, CycleStatus, Proposal

__all__ = ["abilities", "government_or_404", "public_cycle", "public_proposal", "submit", "verdict_message"]


def government_or_404(code: str) -> LocalGovernment:
    government = LocalGovernment.objects.filter(code=str(code).strip()).first()
    if government is None:
        raise NotFound()
    return government


def abilities(request: HttpRequest, government: LocalGovernment) -> dict[str, Any]:
    user = request.user
    resident = queries.resident(government, user)
    return {
        "resident": resident,
        "can_participate": has_permission(user, PARTICIPATE, government),
        "can_manage": has_permission(user, MANAGE, government),
        "can_review": has_permission(user, REVIEW, government),
        "can_enter_ballots": has_permission(user, ENTER_BALLOTS, government),
    }


def public_cycle(government: LocalGovernment, cycle_id: int, request: HttpRequest | None = None) -> Cycle:
    """A cycle as the public sees it: one still being prepared is shown only to those who run it."""
    cycle = queries.cycle(government, cycle_id)
    if cycle.status == CycleStatus.DRAFT and not (
        request is not None and has_permission(request.user, MANAGE, government)
    ):
        raise NotFound()
    return cycle


def public_proposal(government: LocalGovernment, proposal_id: int, request: HttpRequest | None = None) -> Proposal:
    proposal = queries.proposal(government, proposal_id)
    public_cycle(government, proposal.cycle_id, request)
    return proposal


def current_cycle(government: LocalGovernment) -> Cycle | None:
    """The cycle residents take part in now: the newest open one, else the newest finished one."""
    open_ = queries.cycles(government).exclude(status=CycleStatus.DRAFT)
    return open_.filter(status=CycleStatus.OPEN).first() or open_.first()


def verdict_message(detail: dict[str, Any]) -> str:
    """An explanation stored by the tally, said again in the reader's language."""
    if not detail or "reason" not in detail:
        return ""
    fields = {k: detail.get(k) for k in ("project", "name", "cost", "won", "reason", "params", "paid")}
    try:
        return ProjectVerdict(**fields).message  # type: ignore[arg-type]
    except (KeyError, TypeError, ValueError):
        return str(detail.get("message", ""))
