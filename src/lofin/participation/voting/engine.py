"""Winner rules: greedy by satisfaction and the Method of Equal Shares (균등배분방식), with exact arithmetic.

The semantics are pabutools 1.2.3's (COMSOC-Community/pabutools): `greedy_utilitarian_welfare` (take projects by
total satisfaction per unit of cost, skip what no longer fits, go on), `method_of_equal_shares` (each voter starts
with budget/n; each round buys the project whose supporters can pay for it at the lowest price per unit of
satisfaction ρ, every supporter paying min(own budget, ρ·satisfaction)), its completion by greedy
(`completion_by_rule_combination`) and by `voter_budget_increment=1` (rerun MES with one more unit per voter until
the outcome is exhaustive — return it — or over budget — return the previous one). Ties go to the smaller project
id as a string, as pabutools' lexicographic tie-breaking.

Speed comes from two facts that keep the arithmetic exact: voters whose ballots are equal always hold equal budgets,
and during one MES run every voter's budget is one of few values. Voters are therefore kept in a numpy array of
*budget classes* (an index into a list of `Fraction` values); a project's supporters are counted per class with
`np.bincount` (integers only) and the price is found by scanning the classes, not the voters. Only projects whose
lower bound on ρ (ρ never falls as budgets shrink) could beat the best one are recomputed in a round.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import chain, pairwise
from math import gcd, lcm
from typing import Any

import numpy as np

from .add1 import next_step, parametric_run, stop_kind
from .model import (
    RULES,
    SATISFACTIONS,
    Ballot,
    Election,
    VotingError,
    default_sat,
    gettext_noop,
    satisfaction_vector,
)

_INF = float("inf")  # only a sort key for zero-cost projects, never part of a sum or a comparison of prices


@dataclass(frozen=True)
class MesRound:
    project: str
    rho: Fraction  # price per unit of satisfaction; a supporter pays min(budget, rho · satisfaction)

    def as_dict(self) -> dict[str, Any]:
        return {"project": self.project, "rho": str(self.rho)}


@dataclass
class Outcome:
    winners: list[str]  # in the order they were selected
    total_cost: int
    rule: str
    sat: str
    budget: int = 0
    endowment: Fraction | None = None  # each voter's starting budget in the (last) MES run
    initial: list[str] = field(default_factory=list)  # zero-cost projects MES takes before its first round
    mes_rounds: list[MesRound] = field(default_factory=list)
    greedy: list[str] = field(default_factory=list)  # projects taken by greedy (the rule, or the completion)
    greedy_order: list[str] = field(default_factory=list)  # the order greedy considered the projects in
    add1_steps: int = 0  # how many times the per-voter budget was raised by 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "winners": list(self.winners),
            "total_cost": self.total_cost,
            "rule": self.rule,
            "sat": self.sat,
            "budget": self.budget,
            "endowment": None if self.endowment is None else str(self.endowment),
            "initial": list(self.initial),
            "mes_rounds": [r.as_dict() for r in self.mes_rounds],
            "greedy": list(self.greedy),
            "greedy_order": list(self.greedy_order),
            "add1_steps": self.add1_steps,
        }


class Prepared:
    """An election turned into integer arrays for one satisfaction measure.

    Ballots are grouped twice: first by their literal content (cheap: a tuple hash), then by satisfaction vector,
    so the satisfaction of each distinct ballot is computed once.
    """

    def __init__(self, election: Election, sat: str) -> None:
        self.election = election
        self.sat = sat
        self.ids = [p.id for p in election.projects]
        self.costs = [p.cost for p in election.projects]
        self.index = {pid: i for i, pid in enumerate(self.ids)}
        self.budget = election.budget
        self.n_voters = len(election.ballots)
        cost_of = dict(zip(self.ids, self.costs, strict=True))
        vote_type = election.vote_type
        raw: dict[Any, int] = {}
        raw_ballots: list[Ballot] = []
        raw_of_ballot: list[int] = []
        for ballot in election.ballots:
            if vote_type == "approval":
                key: Any = ballot.approvals
            elif vote_type == "ordinal":
                key = ballot.ranking
            else:
                key = tuple((ballot.points or {}).items())
            r = raw.get(key)
            if r is None:
                r = raw[key] = len(raw_ballots)
                raw_ballots.append(ballot)
            raw_of_ballot.append(r)
        groups: dict[tuple[Any, ...], int] = {}
        group_of_raw = []
        index = self.index
        if vote_type == "approval" and sat in ("cost", "cardinality"):
            # the satisfaction of an approval ballot depends only on the set of projects: key by sorted indices
            for ballot in raw_ballots:
                key = tuple(sorted({index[p] for p in ballot.approvals}))
                group_of_raw.append(groups.setdefault(key, len(groups)))
            self._approval_keys: list[tuple[int, ...]] | None = list(groups)
            self._groups: list[tuple[tuple[int, int], ...]] | None = None
        else:
            # one group per distinct ballot (equal satisfaction vectors from different ballots stay apart: harmless)
            self._groups = [
                tuple([(index[p], u) for p, u in satisfaction_vector(election, ballot, sat, cost_of).items()])
                for ballot in raw_ballots
            ]
            group_of_raw = list(range(len(raw_ballots)))
            groups = dict.fromkeys(range(len(raw_ballots)))  # type: ignore[arg-type]
            self._approval_keys = None
        self._group_of_ballot = np.asarray(group_of_raw, dtype=np.int64)[np.asarray(raw_of_ballot, dtype=np.int64)]
        self.group_size = np.bincount(self._group_of_ballot, minlength=len(groups)).tolist()
        n = len(self.ids)
        if self._approval_keys is not None:
            # supporters per project counted with numpy (integers only); u is the cost or 1 for every supporter
            keys = self._approval_keys
            flat = np.fromiter(chain.from_iterable(keys), dtype=np.int64)
            lengths = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
            weight = np.repeat(np.asarray(self.group_size, dtype=np.int64), lengths)
            counts = np.bincount(np.repeat(flat, weight), minlength=n).tolist()
            if sat == "cost":
                self.supporters = [m if c > 0 else 0 for m, c in zip(counts, self.costs, strict=True)]
                self.total_sat = [m * c for m, c in zip(self.supporters, self.costs, strict=True)]
            else:
                self.supporters = counts
                self.total_sat = list(counts)
        else:
            self.total_sat = [0] * n
            self.supporters = [0] * n
            for g, vec in enumerate(self._groups):  # type: ignore[arg-type]
                m = self.group_size[g]
                for p, u in vec:
                    self.total_sat[p] += m * u
                    if u > 0:
                        self.supporters[p] += m
        self._buckets: list[list[tuple[int, np.ndarray]]] | None = None
        self._supporters: dict[int, tuple[np.ndarray, np.ndarray, list[int]]] = {}

    @property
    def groups(self) -> list[tuple[tuple[int, int], ...]]:
        """group → ((project index, satisfaction), ...); for approval ballots built only when MES needs it."""
        if self._groups is None:
            costs, keys = self.costs, self._approval_keys or []
            if self.sat == "cost":
                self._groups = [tuple([(p, costs[p]) for p in key if costs[p] > 0]) for key in keys]
            else:
                self._groups = [tuple([(p, 1) for p in key]) for key in keys]
        return self._groups

    def supporters_of(self, p: int) -> tuple[np.ndarray, np.ndarray, list[int]]:
        """(every supporter of p, the index of their satisfaction level, the levels) — one array for all levels."""
        cached = self._supporters.get(p)
        if cached is None:
            buckets = self.buckets()[p]
            voters = np.concatenate([v for _, v in buckets]) if buckets else np.zeros(0, dtype=np.int64)
            level = np.concatenate([np.full(len(v), k, dtype=np.int64) for k, (_, v) in enumerate(buckets)])
            cached = self._supporters[p] = (voters, level, [u for u, _ in buckets])
        return cached

    def level_lcm(self, p: int) -> int:
        return lcm(*(u for u, _ in self.buckets()[p]))

    def group_of(self, voter_id: str) -> int:
        for i, ballot in enumerate(self.election.ballots):
            if ballot.voter_id == voter_id:
                return int(self._group_of_ballot[i])
        raise KeyError(voter_id)

    def buckets(self) -> list[list[tuple[int, np.ndarray]]]:
        """Per project: (satisfaction u > 0, the voters who get u from it) — the arrays MES counts with."""
        if self._buckets is None:
            # (group, project, u) entries, then one row per (voter, supported project), sorted by project and u
            positive = [[pu for pu in vec if pu[1] > 0] for vec in self.groups]
            lengths = np.fromiter(map(len, positive), dtype=np.int64, count=len(positive))
            flat = np.array(list(chain.from_iterable(positive)), dtype=np.int64).reshape(-1, 2)
            entry_p, entry_u = flat[:, 0], flat[:, 1]
            offsets = np.concatenate(([0], np.cumsum(lengths)[:-1])) if len(lengths) else lengths
            per_voter = lengths[self._group_of_ballot]
            voter = np.repeat(np.arange(self.n_voters, dtype=np.int64), per_voter)
            start = np.repeat(np.cumsum(per_voter) - per_voter, per_voter)
            entry = np.repeat(offsets[self._group_of_ballot], per_voter) + (np.arange(len(voter)) - start)
            proj, level = entry_p[entry], entry_u[entry]
            order = np.lexsort((voter, level, proj))
            proj, level, voter = proj[order], level[order], voter[order]
            cut = np.flatnonzero((proj[1:] != proj[:-1]) | (level[1:] != level[:-1])) + 1
            edges = [0, *cut.tolist(), len(proj)]
            buckets: list[list[tuple[int, np.ndarray]]] = [[] for _ in self.ids]
            for a, b in pairwise(edges):
                if b > a:
                    buckets[int(proj[a])].append((int(level[a]), voter[a:b]))
            self._buckets = buckets
        return self._buckets


def greedy(prep: Prepared, chosen: list[str] | None = None) -> tuple[list[str], list[str]]:
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


class _MesRun:
    """One run of MES with a given starting budget per voter.

    Budgets are exact: class c holds `nums[c] / D` with one common denominator D (a Python int that grows when a
    price needs it), so comparing and summing budgets is integer arithmetic. After every purchase the classes are
    renumbered in increasing budget order (equal budgets merged, empty classes dropped), which lets `price` walk a
    project's supporters from the poorest up without sorting.
    """

    def __init__(self, prep: Prepared, endowment: Fraction, projects: list[int]) -> None:
        self.prep = prep
        self.buckets = prep.buckets()
        self.D = endowment.denominator
        self.nums = np.array([endowment.numerator], dtype=object)
        self.cls = np.zeros(prep.n_voters, dtype=np.int64)
        self.projects = projects

    def price(self, p: int) -> Fraction | None:
        """ρ for project p, or None when its supporters together cannot pay its cost."""
        buckets = self.buckets[p]
        cost_d = self.prep.costs[p] * self.D
        nums, cls = self.nums, self.cls
        if len(buckets) == 1:
            u, voters = buckets[0]
            counts = np.bincount(cls[voters])
            live = np.flatnonzero(counts)
            rich = len(voters)
            poor = 0
            # Walk up from the poorest class; most projects stop after a few classes, so convert in chunks.
            for start in range(0, len(live), 64):
                chunk = live[start : start + 64]
                for c, n in zip(chunk.tolist(), counts[chunk].tolist(), strict=True):
                    need = cost_d - poor
                    if need <= nums[c] * rich:
                        return Fraction(need, rich * self.D * u)
                    poor += nums[c] * n
                    rich -= n
            return None
        # several satisfaction levels: walk each level's classes (already in budget order) merged by budget per unit
        # of satisfaction, an exact integer key num · (L / u) with L the lcm of the levels
        scale = self.prep.level_lcm(p)
        streams = []
        for u, voters in buckets:
            counts = np.bincount(cls[voters])
            live = np.flatnonzero(counts)
            streams.append(self._stream(live, counts, u, scale // u))
        rich_u = sum(u * len(voters) for u, voters in buckets)
        poor = 0
        for _, num, u, n in heapq.merge(*streams):
            need = cost_d - poor
            if need * u <= num * rich_u:
                return Fraction(need, rich_u * self.D)
            poor += num * n
            rich_u -= u * n
        return None

    def _stream(self, live: np.ndarray, counts: np.ndarray, u: int, factor: int) -> Iterator[tuple[int, int, int, int]]:
        nums = self.nums
        for start in range(0, len(live), 64):
            chunk = live[start : start + 64]
            for c, n in zip(chunk.tolist(), counts[chunk].tolist(), strict=True):
                num = nums[c]
                yield num * factor, num, u, n

    def buy(self, p: int, rho: Fraction) -> None:
        # nums is a numpy array of Python ints (dtype=object): exact, and the loops over classes run in C
        for u, _ in self.buckets[p]:
            pay = rho * u
            scale = pay.denominator // gcd(self.D, pay.denominator)
            if scale > 1:
                self.D *= scale
                self.nums = self.nums * scale
        cls, D = self.cls, self.D
        parts = [self.nums]
        size = len(self.nums)
        voters, level, pays = self.prep.supporters_of(p)
        pay_nums = np.array([(rho * u).numerator * (D // (rho * u).denominator) for u in pays], dtype=object)
        current = cls[voters]
        # one new class per (old class, satisfaction level) present among the supporters
        combo = current * len(pays) + level if len(pays) > 1 else current
        present = np.zeros(size * len(pays), dtype=bool)
        present[combo] = True
        pairs = np.flatnonzero(present)  # ascending: by old class (so by budget), then by level
        old = pairs // len(pays)
        budgets = self.nums[old]
        pay = pay_nums[pairs % len(pays)] if len(pays) > 1 else pay_nums[0]
        parts.append(np.where(budgets > pay, budgets - pay, 0).astype(object))
        cls[voters] = (np.cumsum(present) - 1 + size)[combo]
        size += len(pairs)
        nums = np.concatenate(parts)
        counts = np.bincount(cls, minlength=size)
        # renumber: live classes only, by increasing budget, equal budgets merged
        live = np.flatnonzero(counts)
        ordered = live[np.argsort(nums[live], kind="stable")]
        values = nums[ordered]
        step = np.empty(len(values), dtype=np.int64)
        step[0] = 0
        step[1:] = values[1:] != values[:-1]
        rank = np.zeros(size, dtype=np.int64)
        rank[ordered] = np.cumsum(step)
        self.nums = values[np.concatenate(([0], np.flatnonzero(step[1:]) + 1))]
        self.cls = rank[cls]

    def run(self) -> list[MesRound]:
        heap: list[tuple[Fraction, str, int, int]] = []
        ids = self.prep.ids
        for p in self.projects:
            # cost / total satisfaction is a lower bound on ρ; -1 marks it as not yet computed
            heap.append((Fraction(self.prep.costs[p], self.prep.total_sat[p]), ids[p], p, -1))
        heapq.heapify(heap)
        version = 0
        rounds: list[MesRound] = []
        while heap:
            rho, _, p, seen = heap[0]
            if seen == version:
                heapq.heappop(heap)
                self.buy(p, rho)
                rounds.append(MesRound(ids[p], rho))
                version += 1
                continue
            exact = self.price(p)
            if exact is None:
                heapq.heappop(heap)  # budgets only shrink: it will never be affordable again
            else:
                heapq.heapreplace(heap, (exact, ids[p], p, version))
        return rounds


def _mes_projects(prep: Prepared) -> tuple[list[int], list[str]]:
    """(projects MES can buy, zero-cost projects it takes at once) — as pabutools, by total satisfaction."""
    buyable, free = [], []
    for i, pid in enumerate(prep.ids):
        if prep.total_sat[i] > 0:
            if prep.costs[i] > 0:
                buyable.append(i)
            else:
                free.append(pid)
    return buyable, sorted(free)


# mes-add1 jumps over steps (see add1.py) when one exact parametric run costs about this many Fraction operations
# or less; beyond it (tens of thousands of distinct ballots) every step is one fast run, as such elections have
# shares of few units and need few steps.
_PARAMETRIC_WORK = 200_000


def mes(prep: Prepared, *, add1: bool = False) -> Outcome:
    buyable, free = _mes_projects(prep)
    if prep.n_voters == 0:
        return Outcome([], 0, "mes", prep.sat, budget=prep.budget)
    start = Fraction(prep.budget, prep.n_voters)
    runs: dict[int, list[MesRound]] = {0: _MesRun(prep, start, buyable).run()}
    steps = 0
    if add1:
        steps = _add1_step(prep, buyable, runs)
        if steps not in runs:
            runs[steps] = _MesRun(prep, start + steps, buyable).run()
    rounds = runs[steps]
    winners = free + [r.project for r in rounds]
    total = sum(prep.costs[prep.index[w]] for w in winners)
    return Outcome(
        winners, total, "mes", prep.sat, budget=prep.budget, endowment=start + steps, initial=free,
        mes_rounds=rounds, add1_steps=steps,
    )  # fmt: skip


def _add1_step(prep: Prepared, buyable: list[int], runs: dict[int, list[MesRound]]) -> int:
    """The step pabutools' voter_budget_increment=1 ends with: the first exhaustive one, or the one before the first
    over budget. `runs` holds step 0's rounds and receives those of the steps run here."""
    start = Fraction(prep.budget, prep.n_voters)
    bought = [prep.index[r.project] for r in runs[0]]
    kind = stop_kind(prep, buyable, bought)
    if kind is not None:
        return 0  # the first run never spends more than the budget
    work = (len(runs[0]) + 1) * sum(len(vec) for vec in prep.groups)
    k, previous = 0, 0
    if work <= _PARAMETRIC_WORK:
        while True:
            bought, delta = parametric_run(prep, buyable, k)
            kind = stop_kind(prep, buyable, bought)
            if kind == "over":
                return previous
            if kind == "exhaustive":
                return k
            # every step in [k, next) decides as k does: the one before next is a valid "previous outcome"
            nxt = next_step(k, delta)
            k, previous = nxt, nxt - 1
    while True:
        previous, k = k, k + 1
        runs[k] = _MesRun(prep, start + k, buyable).run()
        kind = stop_kind(prep, buyable, [prep.index[r.project] for r in runs[k]])
        if kind == "over":
            return previous
        if kind == "exhaustive":
            return k


def solve(election: Election, rule: str, sat: str | None = None) -> Outcome:
    """The outcome of `rule` (one of RULES) with satisfaction `sat` (one of SATISFACTIONS; None = the default
    for the election's vote type: cost for approval, points for cumulative/scoring, Borda for ordinal)."""
    if rule not in RULES:
        raise VotingError(gettext_noop("Unknown rule %(rule)s."), rule=rule)
    sat = sat or default_sat(election.vote_type)
    if sat not in SATISFACTIONS:
        raise VotingError(gettext_noop("Unknown satisfaction %(sat)s."), sat=sat)
    prep = Prepared(election, sat)
    return solve_prepared(prep, rule)


def solve_prepared(prep: Prepared, rule: str) -> Outcome:
    if rule == "greedy":
        taken, order = greedy(prep)
        total = sum(prep.costs[prep.index[p]] for p in taken)
        return Outcome(taken, total, rule, prep.sat, budget=prep.budget, greedy=taken, greedy_order=order)
    outcome = mes(prep, add1=rule == "mes-add1")
    outcome.rule = rule
    if rule == "mes+greedy":
        taken, order = greedy(prep, outcome.winners)
        outcome.winners += taken
        outcome.greedy = taken
        outcome.greedy_order = order
        outcome.total_cost += sum(prep.costs[prep.index[p]] for p in taken)
    return outcome
