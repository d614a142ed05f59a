"""The law of a participatory budgeting cycle (주민참여예산): its phases in the order of the process, the dates of
each, and the settings a cycle needs before residents take part.

지방재정법 §39 ① obliges the head of a local government to let residents take part in drawing up the budget, and
시행령 §46 names the ways (사업공모, 설문조사, 공청회, ...); each government's 주민참여예산 조례 sets the process, who
may take part and how the projects are chosen. A cycle carries those settings (`Cycle`), and these rules hold it to
them. No ORM here: the actions pass plain values in and get values or typed refusals back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from lofin.core import types
from lofin.core.errors import Conflict, InvalidInput

from ..errors import WrongPhase
from ..models.cycle import PHASE_ORDER, BallotKind, PhaseKind, Rule, Satisfaction

TITLE_MAX = 120
# The youngest voter a 조례 may admit is left to the cycle; none in force goes below 14 or above 19 (만 나이).
MIN_AGE_RANGE = (0, 30)


@dataclass(frozen=True)
class DistrictIn:
    """A district (동) or theme of a cycle; with an `amount` of its own its projects compete only for it."""

    code: str
    name: str
    kind: str = "district"
    amount: int | None = None


def check_amount(value: object, field: str) -> int:
    """An amount of the cycle (its total, a district's share, a reviewed cost, an adopted amount): whole won, at
    least one, at most `core.types.MAX_WON`."""
    try:
        return types.check_won(value, min_value=1)  # type: ignore[arg-type]
    except ValueError:
        raise InvalidInput(_("Enter an amount in won, more than zero."), field=field) from None


# --- phases -------------------------------------------------------------------------------------------------


def phase_on(phases: Mapping[str, tuple[dt.date, dt.date]], day: dt.date) -> str:
    """The phase whose dates contain `day` (the latest if they overlap), or "" between phases."""
    current = ""
    for kind in PHASE_ORDER:
        dates = phases.get(kind)
        if dates and dates[0] <= day <= dates[1]:
            current = kind
    return current


def check_phase(
    current: str,
    expected: str | Sequence[str],
    *,
    day: dt.date | None = None,
    dates: tuple[dt.date, dt.date] | None = None,
) -> None:
    """The cycle must be in `expected` (조례: each step of the process in its phase) and, when the phase has dates
    and `day` is given, `day` must fall within them (a proposal after the 사업공모 closed, a vote after the poll)."""
    wanted = (expected,) if isinstance(expected, str) else tuple(expected)
    if current not in wanted:
        raise WrongPhase(
            _("This can be done during %(phase)s only.")
            % {"phase": " / ".join(str(PhaseKind(p).label) for p in wanted)},
            phase=current,
            expected=list(wanted),
        )
    if day is not None and dates is not None and not dates[0] <= day <= dates[1]:
        raise WrongPhase(
            _("%(phase)s runs from %(start)s to %(end)s.")
            % {"phase": PhaseKind(current).label, "start": dates[0], "end": dates[1]},
            phase=current,
        )


def next_phase(current: str) -> str:
    """The phases follow the process of 시행령 §46 and the 조례: 사업공모, 부서검토, 위원회 심사, 주민투표, 예산반영,
    사업추진; none is skipped."""
    if not current:
        return PHASE_ORDER[0]
    index = PHASE_ORDER.index(current)
    if index + 1 >= len(PHASE_ORDER):
        raise WrongPhase(_("The cycle is already in its last phase."), phase=current)
    return PHASE_ORDER[index + 1]


def check_next_phase(current: str, to: str | None, *, finished: bool) -> str:
    """The phase a cycle may move to: the next one (`to`, when given, must be it); a finished cycle moves no more."""
    if finished:
        raise WrongPhase(_("The cycle is finished."), phase=current)
    target = next_phase(current)
    if to is not None and to != target:
        raise WrongPhase(_("The next phase is %(phase)s.") % {"phase": PhaseKind(target).label}, phase=current)
    return target


def check_phase_kinds(phases: Mapping[str, object]) -> None:
    if set(phases) - set(PhaseKind.values):
        raise InvalidInput(_("Unknown phase."), field="phases")


def check_phase_dates(phases: Mapping[str, tuple[dt.date, dt.date]]) -> None:
    """Each phase ends on or after it starts, and phases follow each other in the order of the process."""
    previous_start: dt.date | None = None
    for kind in PHASE_ORDER:
        if kind not in phases:
            continue
        start, end = phases[kind]
        if end < start:
            raise InvalidInput(_("A phase cannot end before it starts."), field=kind)
        if previous_start is not None and start < previous_start:
            raise InvalidInput(_("The phases must follow each other in order."), field=kind)
        previous_start = start


def check_finish(current: str) -> None:
    """A cycle is closed once its projects are in the budget (예산반영) or being carried out (사업추진)."""
    check_phase(current, (PhaseKind.BUDGET_ADOPTION, PhaseKind.IMPLEMENTATION))


# --- settings -----------------------------------------------------------------------------------------------


def check_title(title: str) -> str:
    title = (title or "").strip()
    if not title or len(title) > TITLE_MAX:
        raise InvalidInput(_("Give the cycle a title of at most 120 characters."), field="title")
    return title


def check_ballot_method(kind: str, *, max_choices: int | None, max_points: int | None, min_choices: int) -> None:
    """The cycle's voting method is complete (조례: 주민투표의 방법): k-approval needs k, cumulative needs the points
    per voter, and the fewest projects per ballot do not exceed the most."""
    if kind not in BallotKind.values:
        raise InvalidInput(_("Choose a ballot kind."), field="ballot_kind")
    if kind == BallotKind.K_APPROVAL and not max_choices:
        raise InvalidInput(_("Set how many projects a voter may choose."), field="max_choices")
    if kind == BallotKind.CUMULATIVE and not max_points:
        raise InvalidInput(_("Set how many points each voter has."), field="max_points")
    if max_choices is not None and min_choices > max_choices:
        raise InvalidInput(_("The fewest projects per ballot exceed the most."), field="min_choices")


def check_counting(rule: str, satisfaction: str) -> None:
    """The counting rule and satisfaction measure are among those the engine implements."""
    if rule not in Rule.values:
        raise InvalidInput(_("Choose a counting rule."), field="rule")
    if satisfaction not in Satisfaction.values:
        raise InvalidInput(_("Choose how satisfaction is measured."), field="satisfaction")


def check_voters(*, residents: bool, workers: bool, students: bool, min_age: int) -> None:
    """Who may vote (조례: 참여 자격 — residents, and usually people working or studying in the area) and from
    which age (만 나이 on the voting day): at least one group, an age the 조례 could set."""
    if not (residents or workers or students):
        raise InvalidInput(_("Let at least residents, workers or students vote."), field="allow_residents")
    if not MIN_AGE_RANGE[0] <= min_age <= MIN_AGE_RANGE[1]:
        raise InvalidInput(_("The minimum age must be between 0 and 30."), field="min_age")


def check_districts(districts: Sequence[DistrictIn], total_amount: int) -> int:
    """Every district or theme has its own code and a name; the amounts set aside for some of them add up to at
    most the cycle's amount (the rest is shared). Returns the amount set aside."""
    codes = [d.code.strip() for d in districts]
    if len(set(codes)) != len(codes) or not all(codes) or not all(d.name.strip() for d in districts):
        raise InvalidInput(_("Every district needs its own code and a name."), field="districts")
    earmarked = sum(check_amount(d.amount, "districts") for d in districts if d.amount is not None)
    if earmarked > total_amount:
        raise InvalidInput(_("The districts' amounts add up to more than the cycle's amount."), field="districts")
    return earmarked


def check_ballot_filled(shortlisted: int) -> None:
    """The vote opens only with projects on the ballot: the committee's shortlist."""
    if not shortlisted:
        raise Conflict(_("No proposal is shortlisted: there is nothing to vote on."), field="phase")
