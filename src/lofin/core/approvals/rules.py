"""Pure rules of approval lines (결재선) and delegated decisions (위임전결). No ORM here."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from lofin.core.errors import InvalidInput, InvalidLine, PermissionDenied, SeparationOfDuties
from lofin.core.models.approvals import ActingMode, StepKind
from lofin.core.roles import Position


@dataclass(frozen=True)
class Band:
    """Documents up to `max_amount` won (None: any amount) are decided at `final_position`."""

    max_amount: int | None
    final_position: int


@dataclass(frozen=True)
class PlannedStep:
    kind: str
    assignee_id: int
    position: int


def required_position(bands: Sequence[Band], amount: int | None) -> int:
    """The lowest position that may finally decide a document of this amount under the bands.

    The applicable band is the one with the smallest max_amount that is ≥ amount; a band without a
    maximum covers every amount. Without any band, or for an amount no band covers, only the head of
    the government decides. A document without an amount (a plan, a memo) uses the unbounded band.
    """
    ordered = sorted(bands, key=lambda b: (b.max_amount is None, b.max_amount or 0))
    for band in ordered:
        if amount is None:
            if band.max_amount is None:
                return band.final_position
            continue
        if band.max_amount is None or amount <= band.max_amount:
            return band.final_position
    return Position.HEAD


def check_bands(bands: Sequence[Band]) -> None:
    """A larger amount never needs a lower decider; amounts are not negative; bands are distinct."""
    limits = [b.max_amount for b in bands]
    if len(set(limits)) != len(limits):
        raise InvalidInput(_("Two rules cover the same amount."))
    if any(b.max_amount is not None and b.max_amount < 0 for b in bands):
        raise InvalidInput(_("An amount limit cannot be negative."))
    ordered = sorted(bands, key=lambda b: (b.max_amount is None, b.max_amount or 0))
    for lower, higher in itertools.pairwise(ordered):
        if higher.final_position < lower.final_position:
            raise InvalidInput(_("A larger amount cannot be decided at a lower position than a smaller one."))


def check_line(steps: Sequence[PlannedStep], *, drafter_id: int, required: int) -> None:
    """기안 first (by the drafter), then 검토/협조 in any order, then exactly one 결재 at the end,
    whose approver holds at least the position the 위임전결 rule requires. Nobody appears twice."""
    if len(steps) < 2:
        raise InvalidLine(_("An approval line needs at least a drafter and a final approver."))
    if steps[0].kind != StepKind.DRAFT or steps[0].assignee_id != drafter_id:
        raise InvalidLine(_("The first step of an approval line is the drafter's."))
    if steps[-1].kind != StepKind.APPROVE:
        raise InvalidLine(_("The last step of an approval line is the final approval."))
    for step in steps[1:-1]:
        if step.kind not in (StepKind.REVIEW, StepKind.COOPERATE):
            raise InvalidLine(_("Steps between drafting and final approval must be review or cooperation."))
    people = [s.assignee_id for s in steps]
    if len(set(people)) != len(people):
        raise InvalidLine(_("The same person appears twice in the approval line."))
    if steps[-1].position < required:
        raise InvalidLine(
            _("This document must be decided by a %(position)s or higher.") % {"position": Position(required).label},
            required_position=required,
        )


def acting_mode(*, step_kind: str, acting_for_someone: bool, actor_position: int) -> str:
    """대결 when a substitute acts; 전결 when a final approval is decided below the head of government."""
    if acting_for_someone:
        return ActingMode.SUBSTITUTE
    if step_kind == StepKind.APPROVE and actor_position < Position.HEAD:
        return ActingMode.DELEGATED_FINAL
    return ActingMode.NORMAL


def check_substitute_may_act(*, actor_id: int, drafter_id: int, line_ids: Sequence[int]) -> None:
    """대결 must not merge duties: the drafter, or someone already on the line, cannot also decide for another."""
    if actor_id == drafter_id or actor_id in line_ids:
        raise SeparationOfDuties(
            _("You drafted this document or stand on its line, so you cannot also decide it for someone else.")
        )


def check_decider_position(*, actor_position: int, required: int, acting: bool) -> None:
    """A final decision needs the position the 위임전결 rule requires; an acting approver (대결, the usual
    직무대리) may be at most one position below it."""
    floor = required - 1 if acting else required
    if actor_position < floor:
        raise PermissionDenied(_("Your position may not decide a document of this amount."))
