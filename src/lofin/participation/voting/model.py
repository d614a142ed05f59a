"""The data of a participatory-budgeting election (주민참여예산 주민투표), independent of the database.

Money is integer won in the web app; an imported pabulib file may carry decimal amounts (złoty with grosze), read
exactly as `fractions.Fraction` (never a float). Satisfaction values are integers, so every rule decides with integers
and `Fraction`s only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from math import lcm
from typing import Any, TypeAlias

from .i18n import N_, translate

# An amount of money: an int, or an exact Fraction for decimal amounts (2828094.61 złoty is Fraction(282809461, 100)).
Money: TypeAlias = int | Fraction


@dataclass(frozen=True)
class MesRound:
    project: str
    rho: Fraction  # price per unit of satisfaction; a supporter pays min(budget, rho · satisfaction)

    def as_dict(self) -> dict[str, Any]:
        return {"project": self.project, "rho": str(self.rho)}


def gettext_noop(message: str) -> str:
    """Marks a message for the catalogue (makemessages extracts gettext_noop calls); `translate` renders it. Django's
    own gettext_noop needs configured settings, and this module must work without them (benchmarks, a bare CLI)."""
    return message


VOTE_TYPES = ("approval", "cumulative", "scoring", "ordinal")
RULES = ("greedy", "mes", "mes+greedy", "mes-add1")
SATISFACTIONS = ("cost", "cardinality", "points", "borda")

# pabutools has no per-vote-type default; these are the measures its documentation and pabulib's analyses use:
# cost for approval, the points themselves for cardinal ballots, Borda for rankings.
DEFAULT_SAT = {"approval": "cost", "cumulative": "points", "scoring": "points", "ordinal": "borda"}


class VotingError(ValueError):
    """An election or a request that the rules cannot work with (e.g. Borda satisfaction on approval ballots)."""

    def __init__(self, message: str, **params: Any) -> None:
        self.template = message
        self.params = params
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return translate(self.template) % self.params if self.params else translate(self.template)

    def __str__(self) -> str:
        return self.message


class PbFormatError(VotingError):
    """A malformed pabulib file; `line` is 1-based (0 when the problem is the file as a whole)."""

    def __init__(self, line: int, message: str, **params: Any) -> None:
        self.line = line
        super().__init__(message, **params)

    def __str__(self) -> str:
        if self.line:
            return translate(gettext_noop("line %(line)d: %(message)s")) % {"line": self.line, "message": self.message}
        return self.message


@dataclass(frozen=True)
class Project:
    id: str
    cost: Money
    name: str = ""
    categories: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()


@dataclass(frozen=True)
class Ballot:
    """One voter's ballot. Approval ballots use `approvals`; cumulative and scoring ballots `points`
    (project id → points); ordinal ballots `ranking` (most preferred first)."""

    voter_id: str
    approvals: tuple[str, ...] = ()
    points: Mapping[str, int] | None = None
    ranking: tuple[str, ...] = ()

    def projects(self) -> tuple[str, ...]:
        """Every project the ballot mentions, in ballot order."""
        if self.points is not None:
            return tuple(self.points)
        return self.ranking or self.approvals


def _default_meta() -> dict[str, str]:
    return {}


@dataclass
class Election:
    budget: Money
    projects: list[Project]
    ballots: list[Ballot]
    vote_type: str = "approval"
    meta: dict[str, str] = field(default_factory=_default_meta)
    min_length: int | None = None
    max_length: int | None = None
    max_sum_points: int | None = None
    # Extra project columns of a pabulib file (votes, selected, description ...), kept for a faithful export.
    project_meta: dict[str, dict[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.vote_type == "choose-1":
            self.vote_type = "approval"
        if self.vote_type not in VOTE_TYPES:
            raise VotingError(gettext_noop("Unknown vote type %(vote_type)s."), vote_type=self.vote_type)
        if not _is_money(self.budget):
            raise VotingError(
                N_("The budget must be an int or a Fraction, not %(type)s."), type=type(self.budget).__name__
            )
        if self.budget < 0:
            raise VotingError(gettext_noop("The budget cannot be negative."))
        seen: set[str] = set()
        for p in self.projects:
            if p.id in seen:
                raise VotingError(gettext_noop("Project %(id)s appears twice."), id=p.id)
            if not _is_money(p.cost):
                raise VotingError(
                    N_("The cost of project %(id)s must be an int or a Fraction, not %(type)s."), id=p.id,
                    type=type(p.cost).__name__,
                )  # fmt: skip
            if p.cost < 0:
                raise VotingError(gettext_noop("Project %(id)s has a negative cost."), id=p.id)
            seen.add(p.id)

    def project(self, project_id: str) -> Project:
        for p in self.projects:
            if p.id == project_id:
                return p
        raise KeyError(project_id)

    def ballot(self, voter_id: str) -> Ballot:
        for b in self.ballots:
            if b.voter_id == voter_id:
                return b
        raise KeyError(voter_id)


def _is_money(value: object) -> bool:
    # bool is an int but not an amount; a float would let rounding decide an outcome
    return isinstance(value, int | Fraction) and not isinstance(value, bool)


def format_amount(value: Money) -> str:
    """An amount as pabulib writes it: 2828094.61 for a decimal amount, digits for a whole one; a fraction with no
    finite decimal expansion (only possible in an election built in code) as "p/q", which pabutools also reads."""
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    places, rest = 0, value.denominator
    for factor in (2, 5):
        while rest % factor == 0:
            rest //= factor
    if rest != 1:
        return f"{value.numerator}/{value.denominator}"
    while (value * 10**places).denominator != 1:
        places += 1
    scaled = value * 10**places
    whole, frac = divmod(abs(scaled.numerator), 10**places)
    return f"{'-' if value < 0 else ''}{whole}.{frac:0{places}d}"


def whole_won(amount: Money) -> int:
    """An amount the web app stores: integer won. A decimal amount (only from a file read with decimals) is refused,
    never truncated."""
    value = Fraction(amount)
    if value.denominator != 1:
        raise VotingError(N_("Amounts must be whole won, not %(amount)s."), amount=format_amount(amount))
    return value.numerator


def money_scale(election: Election) -> int:
    """The file's smallest unit of money as a divisor: 1 when every amount is whole, 100 for amounts in cents."""
    return lcm(*(Fraction(x).denominator for x in (election.budget, *(p.cost for p in election.projects))))


def default_sat(vote_type: str) -> str:
    return DEFAULT_SAT.get(vote_type, "cost")


def satisfaction_vector(election: Election, ballot: Ballot, sat: str, costs: Mapping[str, int]) -> dict[str, int]:
    """Project id → satisfaction of this ballot, as pabutools' Cost_Sat, Cardinality_Sat, Additive_Cardinal_Sat and
    Additive_Borda_Sat define it (zero entries are left out)."""
    vote_type = election.vote_type
    if sat == "cost" or sat == "cardinality":
        if vote_type in ("cumulative", "scoring"):
            mentioned: tuple[str, ...] = tuple((ballot.points or {}).keys())
        elif vote_type == "ordinal":
            mentioned = ballot.ranking
        else:
            mentioned = ballot.approvals
        if sat == "cost":
            return {p: costs[p] for p in dict.fromkeys(mentioned) if costs[p] > 0}
        return dict.fromkeys(mentioned, 1)
    if sat == "points":
        if vote_type not in ("cumulative", "scoring"):
            raise VotingError(gettext_noop("Points satisfaction needs cumulative or scoring ballots."))
        return {p: int(v) for p, v in (ballot.points or {}).items() if v != 0}
    if sat == "borda":
        if vote_type != "ordinal":
            raise VotingError(gettext_noop("Borda satisfaction needs ordinal (ranked) ballots."))
        n = len(ballot.ranking)
        # pabutools: position 0 scores len-1, the last ranked project scores 0; a repeated project keeps its first
        # position (list.index).
        out: dict[str, int] = {}
        for pos, p in enumerate(ballot.ranking):
            if p not in out:
                out[p] = n - pos - 1
        return {p: v for p, v in out.items() if v > 0}
    raise VotingError(gettext_noop("Unknown satisfaction %(sat)s."), sat=sat)
