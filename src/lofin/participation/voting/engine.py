"""Winner rules: greedy by satisfaction and the Method of Equal Shares (균등배분방식), with exact arithmetic.

The semantics are pabutools 1.2.3's (COMSOC-Community/pabutools): `greedy_utilitarian_welfare` (take projects by
total satisfaction per unit of cost, skip what no longer fits, go on), `method_of_equal_shares` (each voter starts
with budget/n; each round buys the project whose supporters can pay for it at the lowest price per unit of
satisfaction ρ, every supporter paying min(own budget, ρ·satisfaction)), its completion by greedy
(`completion_by_rule_combination`) and by `voter_budget_increment=1` (rerun MES with one more unit per voter until
the outcome is exhaustive — return it — or over budget — return the previous one). Ties go to the smaller project
id as a string, as pabutools' lexicographic tie-breaking.

The modules beneath: `prepared` turns ballots into integer arrays (`Prepared`), `mesrun` is one exact MES run
(`MesRun`), `add1` finds the step where voter_budget_increment=1 stops without running every step (with `bracket`),
`totals` counts what greedy needs on approval and points ballots without numpy — those with numpy load only when
another rule or ballot needs them. Outcomes are in the election's own money (`Prepared.money`), exact `Fraction`s
where a file has decimal amounts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Protocol

from .model import (
    RULES,
    SATISFACTIONS,
    Election,
    MesRound,
    Money,
    VotingError,
    default_sat,
    format_amount,
    gettext_noop,
)
from .totals import Totals

if TYPE_CHECKING:
    from .prepared import Prepared

__all__ = ["MesRound", "Outcome", "greedy", "mes", "solve", "solve_prepared"]

_INF = float("inf")  # only a sort key for zero-cost projects, never part of a sum or a comparison of prices


@dataclass
class Outcome:
    winners: list[str]  # in the order they were selected
    total_cost: Money  # in the election's money: an int, or an exact Fraction for a file with decimal amounts
    rule: str
    sat: str
    budget: Money = 0
    endowment: Fraction | None = None  # each voter's starting budget in the (last) MES run
    initial: list[str] = field(default_factory=list)  # zero-cost projects MES takes before its first round
    mes_rounds: list[MesRound] = field(default_factory=list)  # ρ in the election's money per unit of satisfaction
    greedy: list[str] = field(default_factory=list)  # projects taken by greedy (the rule, or the completion)
    greedy_order: list[str] = field(default_factory=list)  # the order greedy considered the projects in
    add1_steps: int = 0  # how many times the per-voter budget was raised by 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "winners": list(self.winners),
            "total_cost": self.total_cost if isinstance(self.total_cost, int) else format_amount(self.total_cost),
            "rule": self.rule,
            "sat": self.sat,
            "budget": self.budget if isinstance(self.budget, int) else format_amount(self.budget),
            "endowment": None if self.endowment is None else str(self.endowment),
            "initial": list(self.initial),
            "mes_rounds": [r.as_dict() for r in self.mes_rounds],
            "greedy": list(self.greedy),
            "greedy_order": list(self.greedy_order),
            "add1_steps": self.add1_steps,
        }


class Counted(Protocol):
    """What greedy reads: a `Prepared` (numpy, for MES) or `Totals` (greedy alone, without numpy)."""

    sat: str
    ids: list[str]
    index: dict[str, int]
    costs: list[int]
    budget: int
    total_sat: list[int]

    def money(self, amount: int | Fraction) -> Money: ...


def greedy(prep: Counted, chosen: list[str] | None = None) -> tuple[list[str], list[str]]:
    """pabutools' greedy_utilitarian_welfare: (projects taken, the order they were considered in)."""
    chosen = list(chosen or [])
    remaining = prep.budget - sum(prep.costs[prep.index[p]] for p in chosen)
    taken_set = set(chosen)

    def density(i: int) -> Fraction | float:
        total, cost = prep.total_sat[i], prep.costs[i]
        if prep.sat == "borda":  # a positional (non-additive) measure: pabutools' general greedy scheme
            return Fraction(total, cost) if cost > 0 else _INF
        if total > 0:
            return Fraction(total, cost) if cost > 0 else _INF
        return Fraction(0)

    candidates = [i for i in range(len(prep.ids)) if prep.ids[i] not in taken_set]
    order = sorted(candidates, key=lambda i: (-density(i), prep.ids[i]))
    taken: list[str] = []
    for i in order:
        if prep.costs[i] <= remaining:
            taken.append(prep.ids[i])
            remaining -= prep.costs[i]
    return taken, [prep.ids[i] for i in order]


def _cost(prep: Counted, winners: list[str]) -> Money:
    return prep.money(sum(prep.costs[prep.index[w]] for w in winners))


def mes(prep: Prepared, *, add1: bool = False) -> Outcome:
    # lazy: MES loads numpy (a quarter of a second of CPU); greedy and the start of `lofin pb` do without it
    from .add1 import add1_search  # noqa: PLC0415, RUF100
    from .mesrun import MesRun, mes_projects  # noqa: PLC0415, RUF100

    buyable, free = mes_projects(prep)
    budget = prep.money(prep.budget)
    if prep.n_voters == 0:
        return Outcome([], 0, "mes", prep.sat, budget=budget)
    start = Fraction(prep.budget, prep.n_voters)
    if add1:
        steps, rounds = add1_search(prep, buyable)
    else:
        steps, rounds = 0, MesRun(prep, start, buyable).run()
    winners = free + [r.project for r in rounds]
    return Outcome(
        winners, _cost(prep, winners), "mes", prep.sat, budget=budget,
        endowment=(start + steps * prep.scale) / prep.scale, initial=free,
        mes_rounds=[MesRound(r.project, prep.rho_out(r.rho)) for r in rounds], add1_steps=steps,
    )  # fmt: skip


def solve(election: Election, rule: str, sat: str | None = None) -> Outcome:
    """The outcome of `rule` (one of RULES) with satisfaction `sat` (one of SATISFACTIONS; None = the default
    for the election's vote type: cost for approval, points for cumulative/scoring, Borda for ordinal)."""
    if rule not in RULES:
        raise VotingError(gettext_noop("Unknown rule %(rule)s."), rule=rule)
    sat = sat or default_sat(election.vote_type)
    if sat not in SATISFACTIONS:
        raise VotingError(gettext_noop("Unknown satisfaction %(sat)s."), sat=sat)
    if rule == "greedy" and (election.vote_type == "approval" or sat == "points"):
        # approvals and points sum in plain Python faster than numpy loads (0.2 s); rankings count faster with numpy
        return solve_prepared(Totals(election, sat), rule)
    # lazy: the MES rules count with numpy (see `mes`)
    from .prepared import Prepared  # noqa: PLC0415, RUF100

    return solve_prepared(Prepared(election, sat), rule)


def solve_prepared(prep: Counted, rule: str) -> Outcome:
    """The outcome of `rule` on counted ballots: a `Prepared` for any rule, `Totals` for greedy."""
    if rule == "greedy":
        taken, order = greedy(prep)
        return Outcome(
            taken, _cost(prep, taken), rule, prep.sat, budget=prep.money(prep.budget), greedy=taken,
            greedy_order=order,
        )  # fmt: skip
    if isinstance(prep, Totals):
        raise TypeError("MES counts with Prepared, not Totals")
    outcome = mes(prep, add1=rule == "mes-add1")  # type: ignore[arg-type]  # a Prepared: Totals was refused above
    outcome.rule = rule
    if rule == "mes+greedy":
        taken, order = greedy(prep, outcome.winners)
        outcome.winners += taken
        outcome.greedy = taken
        outcome.greedy_order = order
        outcome.total_cost = _cost(prep, outcome.winners)
    return outcome
