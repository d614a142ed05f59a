"""Pure rules of participatory budgeting: phases, eligibility, ballots, the proposal state machine, identity.

No ORM here: the actions pass plain values in and get values or typed refusals back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from lofin.core.errors import InvalidInput

from .errors import InvalidBallot, NotEligible, WrongPhase, WrongStatus
from .models.cycle import PHASE_ORDER, BallotKind, EligibilityBasis, PhaseKind
from .models.proposals import ProposalStatus as S

# --- identity -----------------------------------------------------------------------------------------------


def normalise_name(name: str) -> str:
    """Names compare after NFC, without spaces, case-folded: "홍 길동" and "홍길동" are one person."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", name or "")).casefold()


def identity_hash(key: bytes, name: str, birth_date: dt.date, sex_digit: str) -> str:
    """The key a person is known by across accounts, the resident list and paper ballots.

    `sex_digit` is the first digit of the back half of the resident registration number (1–8), which the
    identity services return and resident lists carry; with the name and birth date it tells apart almost all
    people of one government, and the number itself is never needed."""
    if not re.fullmatch(r"[1-8]", str(sex_digit or "")):
        raise InvalidInput(_("Enter the first digit of the back half of the resident number (1–8)."), field="sex")
    content = f"{normalise_name(name)}|{birth_date:%Y%m%d}|{sex_digit}"
    return hmac.new(key, content.encode("utf-8"), hashlib.sha256).hexdigest()


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """만 나이: full years on `day` (someone born on 29 February turns a year older on 1 March)."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def check_eligibility(
    *, basis: str, birth_date: dt.date, on: dt.date, allowed_bases: Iterable[str], min_age: int
) -> None:
    allowed = set(allowed_bases)
    if not basis:
        raise NotEligible(_("You are not on the government's resident, workplace or school list."), reason="census")
    if basis not in allowed:
        raise NotEligible(
            _("This cycle is open to %(who)s only.")
            % {"who": ", ".join(str(EligibilityBasis(b).label) for b in sorted(allowed))},
            reason="basis",
        )
    if age_on(birth_date, on) < min_age:
        raise NotEligible(
            _("You must be at least %(age)d years old on the voting day.") % {"age": min_age}, reason="age"
        )


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
    """The cycle must be in `expected` and, when the phase has dates, `day` must fall within them."""
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
    if not current:
        return PHASE_ORDER[0]
    index = PHASE_ORDER.index(current)
    if index + 1 >= len(PHASE_ORDER):
        raise WrongPhase(_("The cycle is already in its last phase."), phase=current)
    return PHASE_ORDER[index + 1]


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


# --- proposals ----------------------------------------------------------------------------------------------

TRANSITIONS: dict[str, frozenset[str]] = {
    S.SUBMITTED: frozenset({S.UNDER_REVIEW, S.WITHDRAWN}),
    S.UNDER_REVIEW: frozenset({S.FEASIBLE, S.INFEASIBLE}),
    S.FEASIBLE: frozenset({S.SHORTLISTED, S.REJECTED, S.UNDER_REVIEW}),
    S.INFEASIBLE: frozenset({S.UNDER_REVIEW}),
    S.SHORTLISTED: frozenset({S.ON_BALLOT, S.REJECTED}),
    S.REJECTED: frozenset(),
    S.ON_BALLOT: frozenset({S.SELECTED, S.NOT_SELECTED}),
    # An override moves a project across the line with a published reason.
    S.SELECTED: frozenset({S.ADOPTED, S.NOT_SELECTED}),
    S.NOT_SELECTED: frozenset({S.SELECTED}),
    S.ADOPTED: frozenset({S.IN_EXECUTION}),
    S.IN_EXECUTION: frozenset(),
    S.WITHDRAWN: frozenset(),
}
# Decisions against a proposal must say why; the proposer reads the reason.
NEEDS_REASON = frozenset({S.INFEASIBLE, S.REJECTED, S.NOT_SELECTED, S.WITHDRAWN})


def check_transition(current: str, target: str, reason: str = "") -> str:
    if target not in TRANSITIONS.get(current, frozenset()):
        raise WrongStatus(
            _("A proposal that is %(current)s cannot become %(target)s.")
            % {"current": S(current).label, "target": S(target).label},
            status=current,
            target=target,
        )
    reason = (reason or "").strip()
    if target in NEEDS_REASON and target != S.WITHDRAWN and not reason:
        raise InvalidInput(_("Give the reason for this decision; the proposer will read it."), field="reason")
    return reason


def check_proposal_fields(title: str, description: str, cost: int, total_amount: int) -> tuple[str, str]:
    title = (title or "").strip()
    description = (description or "").strip()
    if not title:
        raise InvalidInput(_("Give the proposal a title."), field="title")
    if len(title) > 120:
        raise InvalidInput(_("The title is longer than 120 characters."), field="title")
    if not description:
        raise InvalidInput(_("Describe the project."), field="description")
    if isinstance(cost, bool) or not isinstance(cost, int) or cost <= 0:
        raise InvalidInput(_("Enter the estimated cost in won, more than zero."), field="cost")
    if cost > total_amount:
        raise InvalidInput(
            _("The cost is more than the cycle's whole amount of %(total)s won.") % {"total": f"{total_amount:,}"},
            field="cost",
        )
    return title, description


def check_coordinates(latitude: object, longitude: object) -> None:
    if (latitude is None) != (longitude is None):
        raise InvalidInput(_("Give both latitude and longitude, or neither."), field="latitude")
    if latitude is None:
        return
    # Korea, generously: the location is shown on a map of the government's area.
    if not (32 <= float(latitude) <= 39.5 and 124 <= float(longitude) <= 132):  # type: ignore[arg-type]
        raise InvalidInput(_("The location is outside Korea."), field="latitude")


def committee_total(scores: Mapping[str, int], criteria: Mapping[str, int]) -> int:
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


# --- ballots ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BallotSpec:
    kind: str
    min_choices: int = 1
    max_choices: int | None = None
    max_points: int | None = None


@dataclass(frozen=True)
class Choice:
    proposal_id: int
    points: int = 1
    rank: int | None = None


def validate_ballot(
    spec: BallotSpec,
    *,
    approvals: Sequence[int] = (),
    points: Mapping[int, int] | None = None,
    ranking: Sequence[int] = (),
    costs: Mapping[int, int],
    budgets: Mapping[int | None, int],
    groups: Mapping[int, int | None],
) -> list[Choice]:
    """Check one ballot against the cycle's method; return its choices.

    `costs` holds the projects on the ballot; `groups` maps each to its district with an amount of its own
    (None: the cycle's common amount) and `budgets` gives each group's amount, for the knapsack limit."""
    kind = spec.kind
    if kind == BallotKind.CUMULATIVE:
        given = dict(points or {})
        ids = list(given)
    elif kind == BallotKind.RANKED:
        ids = list(ranking)
    else:
        ids = list(approvals)
    if len(set(ids)) != len(ids):
        raise InvalidBallot(_("A project appears twice on the ballot."), reason="duplicate")
    unknown = [i for i in ids if i not in costs]
    if unknown:
        raise InvalidBallot(_("The ballot names projects that are not on this ballot."), reason="unknown", ids=unknown)
    if len(ids) < max(spec.min_choices, 1):
        raise InvalidBallot(_("Choose at least %(n)d projects.") % {"n": max(spec.min_choices, 1)}, reason="too_few")
    if spec.max_choices is not None and len(ids) > spec.max_choices and kind != BallotKind.CUMULATIVE:
        raise InvalidBallot(
            _("Choose at most %(n)d projects.") % {"n": spec.max_choices}, reason="too_many", limit=spec.max_choices
        )
    if kind == BallotKind.KNAPSACK:
        spent: dict[int | None, int] = {}
        for i in ids:
            spent[groups.get(i)] = spent.get(groups.get(i), 0) + costs[i]
        for group, total in spent.items():
            if total > budgets[group]:
                raise InvalidBallot(
                    _("The chosen projects cost %(total)s won, more than the %(budget)s won available.")
                    % {"total": f"{total:,}", "budget": f"{budgets[group]:,}"},
                    reason="over_budget",
                    total=total,
                    budget=budgets[group],
                )
    if kind == BallotKind.CUMULATIVE:
        for i in ids:
            value = given[i]
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise InvalidBallot(_("Give each chosen project a whole number of points."), reason="points")
        total_points = sum(given.values())
        if spec.max_points is not None and total_points > spec.max_points:
            raise InvalidBallot(
                _("You gave %(given)d points; you have %(max)d.") % {"given": total_points, "max": spec.max_points},
                reason="too_many_points",
                limit=spec.max_points,
            )
        return [Choice(i, given[i]) for i in ids]
    if kind == BallotKind.RANKED:
        return [Choice(i, 1, rank) for rank, i in enumerate(ids, start=1)]
    return [Choice(i) for i in ids]


def check_ballot_method(kind: str, *, max_choices: int | None, max_points: int | None, min_choices: int) -> None:
    """The cycle's voting method is complete: k-approval needs k, cumulative needs the points per voter."""
    if kind not in BallotKind.values:
        raise InvalidInput(_("Choose a ballot kind."), field="ballot_kind")
    if kind == BallotKind.K_APPROVAL and not max_choices:
        raise InvalidInput(_("Set how many projects a voter may choose."), field="max_choices")
    if kind == BallotKind.CUMULATIVE and not max_points:
        raise InvalidInput(_("Set how many points each voter has."), field="max_points")
    if max_choices is not None and min_choices > max_choices:
        raise InvalidInput(_("The fewest projects per ballot exceed the most."), field="min_choices")


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
