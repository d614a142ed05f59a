"""Winner rules: greedy by satisfaction and the Method of Equal Shares (균등배분방식), with exact arithmetic.

The semantics are pabutools 1.2.3's (COMSOC-Community/pabutools): `greedy_utilitarian_welfare` (take projects by
total satisfaction per unit of cost, skip what no longer fits, go on), `method_of_equal_shares` (each voter starts
with budget/n; each round buys the project whose supporters can pay for it at the lowest price per unit of
satisfaction ρ, every supporter paying min(own budget, ρ·satisfaction)), its completion by greedy
(`completion_by_rule_combination`) and by `voter_budget_increment=1` (rerun MES with one more unit per voter until
the outcome is exhaustive — return it — or over budget — return the previous one). Ties go to the smaller project
id as a string, as pabutools' lexicographic tie-breaking.

Speed comes from keeping the arithmetic exact but the bookkeeping in numpy. Ballots become one integer row per
(voter, project, satisfaction) (`Prepared`, built straight from the ballots for approval, points and Borda). During one
MES run every voter's budget is one of few values: voters sit in *budget classes* (an index into an array of Python
ints over one denominator), a project's supporters are counted per class with `np.bincount` / `np.unique`, and its
price ρ is located with floats and then computed and checked with integers against every supporter
(`_MesRun.price`: a guess is either proven or replaced by the exact walk; no float decides). Only
projects whose lower bound on ρ (ρ never falls as budgets shrink) could beat the best one are recomputed in a round.
mes-add1 runs a few steps one by one and then gallops over steps with a certificate (`_MesRun.follow`), or, for tiny
elections, jumps with the parametric run of add1.py.
"""

from __future__ import annotations

import heapq
import operator
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import chain, pairwise
from math import gcd
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
        self._buckets: list[list[tuple[int, np.ndarray]]] | None = None
        self._supporters: dict[int, tuple[np.ndarray, np.ndarray, list[int]]] = {}
        self._levels: dict[int, np.ndarray] = {}
        self._flat: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._groups: list[tuple[tuple[int, int], ...]] | None = None
        self._approval_keys: list[tuple[int, ...]] | None = None
        self._group_size: list[int] | None = None
        self._group_of_ballot = np.zeros(0, dtype=np.int64)
        vote_type = election.vote_type
        if (
            (sat == "points" and vote_type in ("cumulative", "scoring"))
            or (sat == "borda" and vote_type == "ordinal")
            or (sat in ("cost", "cardinality") and vote_type == "approval")
        ):
            self._init_flat()
        else:
            self._init_grouped()

    def _init_flat(self) -> None:
        """Points and Borda ballots are rarely equal to each other: skip grouping them (built only if `groups` is
        asked for) and go straight to one (voter, project, satisfaction) row per mention, in numpy."""
        ballots, n = self.election.ballots, self.n_voters
        if self.sat == "points":
            mentions = [b.points or {} for b in ballots]
            lengths = np.fromiter(map(len, mentions), dtype=np.int64, count=n)
            proj = np.fromiter(map(self.index.__getitem__, chain.from_iterable(mentions)), dtype=np.int64)
            sat = np.fromiter(chain.from_iterable(m.values() for m in mentions), dtype=np.int64, count=len(proj))
        elif self.sat in ("cost", "cardinality"):
            approvals = [b.approvals for b in ballots]
            lengths = np.fromiter(map(len, approvals), dtype=np.int64, count=n)
            proj = np.fromiter(map(self.index.__getitem__, chain.from_iterable(approvals)), dtype=np.int64)
            if self.sat == "cost":
                sat = np.array(self.costs, dtype=np.int64)[proj] if len(proj) else proj
            else:
                sat = np.ones(len(proj), dtype=np.int64)
        else:
            rankings = [b.ranking for b in ballots]
            lengths = np.fromiter(map(len, rankings), dtype=np.int64, count=n)
            proj = np.fromiter(map(self.index.__getitem__, chain.from_iterable(rankings)), dtype=np.int64)
            # Borda: position 0 of a ranking of length L scores L − 1
            first = np.repeat(np.cumsum(lengths) - lengths, lengths)
            sat = np.repeat(lengths, lengths) - (np.arange(len(proj)) - first) - 1
        voter = np.repeat(np.arange(n, dtype=np.int64), lengths)
        if self.sat != "points" and len(proj):
            # a project named twice counts once, at its first position (pabutools: a set of approvals; list.index
            # for rankings): drop the later mentions. Points ballots are dicts, without repeats.
            seen = np.sort(voter * len(self.ids) + proj)
            if (seen[1:] == seen[:-1]).any():
                order = np.lexsort((np.arange(len(proj)), proj, voter))
                dup = np.zeros(len(proj), dtype=bool)
                dup[order[1:]] = (voter[order[1:]] == voter[order[:-1]]) & (proj[order[1:]] == proj[order[:-1]])
                voter, proj, sat = voter[~dup], proj[~dup], sat[~dup]
        total = np.zeros(len(self.ids), dtype=np.int64)
        np.add.at(total, proj, sat)
        self.total_sat = total.tolist()
        positive = sat > 0
        self.supporters = np.bincount(proj[positive], minlength=len(self.ids)).tolist()
        self._flat = (voter[positive], proj[positive], sat[positive])

    def _group_flat(self) -> None:
        """The ballot groups of a flat-built election, for the few users that need them (add1 jumps, explain)."""
        cost_of = dict(zip(self.ids, self.costs, strict=True))
        raw: dict[Any, int] = {}
        groups: list[tuple[tuple[int, int], ...]] = []
        of_ballot = []
        index, election = self.index, self.election
        for ballot in election.ballots:
            if election.vote_type == "approval":
                key: Any = ballot.approvals
            elif election.vote_type == "ordinal":
                key = ballot.ranking
            else:
                key = tuple((ballot.points or {}).items())
            g = raw.get(key)
            if g is None:
                g = raw[key] = len(groups)
                vec = satisfaction_vector(election, ballot, self.sat, cost_of)
                groups.append(tuple([(index[p], u) for p, u in vec.items()]))
            of_ballot.append(g)
        self._groups = groups
        self._group_of_ballot = np.asarray(of_ballot, dtype=np.int64)
        self._group_size = np.bincount(self._group_of_ballot, minlength=len(groups)).tolist()

    @property
    def group_size(self) -> list[int]:
        if self._group_size is None:
            self._group_flat()
        return self._group_size  # type: ignore[return-value]

    def distinct_entries(self) -> int:
        """Σ over distinct ballots of their length: the size of one parametric add1 run. For flat-built elections
        an estimate from a hash of each ballot (a collision only lowers it; it chooses a method, never a result)."""
        if self._flat is None or self._groups is not None:
            return sum(len(vec) for vec in self.groups)
        voter, proj, sat = self._flat
        if not len(voter):
            return 0
        mix = (proj.astype(np.uint64) << np.uint64(32)) + sat.astype(np.uint64)  # splitmix64 of (project, u)
        mix = (mix ^ (mix >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        mix = (mix ^ (mix >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        mix ^= mix >> np.uint64(31)
        h = np.zeros(self.n_voters, dtype=np.uint64)
        np.add.at(h, voter, mix)
        _, first = np.unique(h, return_index=True)
        lengths = np.bincount(voter, minlength=self.n_voters)
        return int(lengths[first].sum())

    def _init_grouped(self) -> None:
        election, sat = self.election, self.sat
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
            self._approval_keys = list(groups)
        else:
            # one group per distinct ballot (equal satisfaction vectors from different ballots stay apart: harmless)
            self._groups = [
                tuple([(index[p], u) for p, u in satisfaction_vector(election, ballot, sat, cost_of).items()])
                for ballot in raw_ballots
            ]
            group_of_raw = list(range(len(raw_ballots)))
            groups = dict.fromkeys(range(len(raw_ballots)))  # type: ignore[arg-type,assignment]
            self._approval_keys = None
        self._group_of_ballot = np.asarray(group_of_raw, dtype=np.int64)[np.asarray(raw_of_ballot, dtype=np.int64)]
        self._group_size = np.bincount(self._group_of_ballot, minlength=len(groups)).tolist()
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

    @property
    def groups(self) -> list[tuple[tuple[int, int], ...]]:
        """group → ((project index, satisfaction), ...); for approval ballots built only when MES needs it."""
        if self._groups is None and self._flat is not None:
            self._group_flat()
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

    def levels_of(self, p: int) -> np.ndarray:
        """p's satisfaction levels as an int64 array, indexed like the levels of `supporters_of`."""
        cached = self._levels.get(p)
        if cached is None:
            cached = self._levels[p] = np.array(self.supporters_of(p)[2], dtype=np.int64)
        return cached

    def group_of(self, voter_id: str) -> int:
        self.group_size  # noqa: B018 - builds the groups of a flat-built election
        for i, ballot in enumerate(self.election.ballots):
            if ballot.voter_id == voter_id:
                return int(self._group_of_ballot[i])
        raise KeyError(voter_id)

    def buckets(self) -> list[list[tuple[int, np.ndarray]]]:
        """Per project: (satisfaction u > 0, the voters who get u from it) — the arrays MES counts with."""
        if self._buckets is None and self._flat is not None:
            voter, proj, level = self._flat
            self._buckets = self._split(proj, level, voter)
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
            self._buckets = self._split(proj, level, voter)
        return self._buckets

    def _split(self, proj: np.ndarray, level: np.ndarray, voter: np.ndarray) -> list[list[tuple[int, np.ndarray]]]:
        order = np.lexsort((voter, level, proj))
        proj, level, voter = proj[order], level[order], voter[order]
        cut = np.flatnonzero((proj[1:] != proj[:-1]) | (level[1:] != level[:-1])) + 1
        edges = [0, *cut.tolist(), len(proj)]
        buckets: list[list[tuple[int, np.ndarray]]] = [[] for _ in self.ids]
        for a, b in pairwise(edges):
            if b > a:
                buckets[int(proj[a])].append((int(level[a]), voter[a:b]))
        return buckets


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
    price needs it), so comparing and summing budgets is integer arithmetic. Each class also keeps `fl[c]`, the
    float nearest to its budget; floats only *locate* a price (sort the supporters, guess who is capped) and the
    price is then computed and checked with integers (`price`), so no float ever decides a comparison.
    """

    def __init__(self, prep: Prepared, endowment: Fraction, projects: list[int]) -> None:
        self.prep = prep
        self.buckets = prep.buckets()
        self.D = endowment.denominator
        self.nums = np.array([endowment.numerator], dtype=object)
        # D grows at almost every purchase; rather than rescale every class, a class keeps the numerator of the
        # epoch it was made in, and mult[epoch] turns it into a numerator over the current D
        self.epoch = np.zeros(1, dtype=np.int64)
        self.mult = np.array([1], dtype=object)
        self.fl = np.array([float(endowment)], dtype=np.float64)  # correctly rounded, as Fraction.__float__
        self.cls = np.zeros(prep.n_voters, dtype=np.int64)
        self.projects = projects

    def _pairs(self, p: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """p's supporters as (budget class, satisfaction, how many voters) triples, one per class and level."""
        voters, level, pays = self.prep.supporters_of(p)
        us = self.prep.levels_of(p)
        levels = len(pays)
        combo = self.cls[voters] * levels + level if levels > 1 else self.cls[voters]
        if len(self.nums) * levels <= 8 * len(voters):
            counts = np.bincount(combo)
            live = np.flatnonzero(counts)
            counts = counts[live]
        else:  # many classes (points, Borda): sorting the supporters beats a count over every class
            live, counts = np.unique(combo, return_counts=True)
        if levels == 1:
            return live, np.full(len(live), pays[0], dtype=np.int64), counts
        return live // levels, us[live % levels], counts

    def price(self, p: int) -> Fraction | None:
        """ρ for project p, or None when its supporters together cannot pay its cost.

        ρ is the one value with Σ min(budget, ρ·u) = cost over p's supporters. Sorted by budget/u, the capped
        supporters (budget ≤ ρ·u) are a prefix P, and ρ = (cost − Σ_P budget) / Σ_{not P} u. Floats (sort keys and
        running sums) guess P; ρ is then computed from P exactly and accepted only if every supporter in P has
        budget ≤ ρ·u and every other one budget ≥ ρ·u, checked with integers for every supporter: with several
        satisfaction levels the float key fl(budget)/u can order two nearly equal budget/u the wrong way, so no
        supporter is assumed to be on the right side. A rejected guess falls back to the exact walk.
        """
        c, u, n = self._pairs(p)
        if len(c) == 0:
            return None
        cost = self.prep.costs[p]
        fb = self.fl[c]
        key = fb / u
        order = np.argsort(key, kind="stable")
        c, u, n, fb, key = c[order], u[order], n[order], fb[order], key[order]
        nu = n * u
        rich = int(nu.sum()) - np.concatenate(([0], np.cumsum(nu)[:-1]))  # exact int64: voters × points
        paid = np.concatenate(([0.0], np.cumsum(n * fb)[:-1]))
        ok = (cost - paid) <= key * rich
        i = int(np.argmax(ok))
        D = self.D
        if not ok[i]:
            total = sum(map(operator.mul, self.exact(c).tolist(), n.tolist()))
            return None if total < cost * D else self._price_exact(c, u, n, cost)
        ex = self.exact(c)
        poor = sum(map(operator.mul, ex[:i].tolist(), n[:i].tolist()))
        need, rich_i = cost * D - poor, int(rich[i])
        if need <= 0:
            return self._price_exact(c, u, n, cost)
        # Every supporter is checked with integers: capped ones budget ≤ ρ·u, i.e. num·rich ≤ need·u, the others ≥.
        # (The float keys may order two nearly equal budget/u the wrong way when satisfaction levels differ.)
        lhs = ex * rich_i
        rhs = u.astype(object) * need
        if not (lhs[:i] <= rhs[:i]).all() or not (lhs[i:] >= rhs[i:]).all():
            return self._price_exact(c, u, n, cost)
        return Fraction(need, rich_i * D)

    def _price_exact(self, c: np.ndarray, u: np.ndarray, n: np.ndarray, cost: int) -> Fraction | None:
        """The exact walk from the poorest (by budget per unit of satisfaction) up, all in Fractions."""
        D = self.D
        exact = dict(zip(c.tolist(), self.exact(c).tolist(), strict=True))
        nums = exact.__getitem__
        entries = sorted(zip(c.tolist(), u.tolist(), n.tolist(), strict=True), key=lambda e: Fraction(nums(e[0]), e[1]))
        rich_u = sum(uu * nn for _, uu, nn in entries)
        poor = 0
        for cc, uu, nn in entries:
            need = cost * D - poor
            if need * uu <= nums(cc) * rich_u:
                return Fraction(need, rich_u * D)
            poor += nums(cc) * nn
            rich_u -= uu * nn
        return None

    def buy(self, p: int, rho: Fraction) -> None:
        # nums is a numpy array of Python ints (dtype=object): exact, and the loops over classes run in C
        # ρ·u = a·u/b for every level u: a D divisible by b makes every payment a whole numerator over D
        a, b = rho.numerator, rho.denominator
        scale = b // gcd(self.D, b)
        if scale > 1:
            self.D *= scale
            self.mult = self.mult * scale
        if self.mult[-1] != 1:  # classes made now are numerators over the current D
            self.mult = np.append(self.mult, np.array([1], dtype=object))
        cls, D = self.cls, self.D
        size = len(self.nums)
        voters, level, pays = self.prep.supporters_of(p)
        per_unit = a * (D // b)
        pay_nums = np.array([per_unit * u for u in pays], dtype=object)
        current = cls[voters]
        # one new class per (old class, satisfaction level) present among the supporters
        combo = current * len(pays) + level if len(pays) > 1 else current
        if size * len(pays) <= 4 * len(voters):
            present = np.zeros(size * len(pays), dtype=bool)
            present[combo] = True
            pairs = np.flatnonzero(present)
            cls[voters] = (np.cumsum(present) - 1 + size)[combo]
        else:
            pairs, inverse = np.unique(combo, return_inverse=True)
            cls[voters] = inverse + size
        budgets = self.exact(pairs // len(pays))
        pay = pay_nums[pairs % len(pays)] if len(pays) > 1 else pay_nums[0]
        left = np.where(budgets > pay, budgets - pay, 0).astype(object)
        nums = np.concatenate((self.nums, left))
        fl = np.concatenate((self.fl, (left / D).astype(np.float64)))  # int / int: correctly rounded
        epoch = np.concatenate((self.epoch, np.full(len(left), len(self.mult) - 1, dtype=np.int64)))
        # drop the classes nobody holds any more (when they are many); everyone at zero shares one class
        counts = np.bincount(cls, minlength=len(nums))
        live = counts > 0
        if len(nums) < 64 + 2 * int(np.count_nonzero(live)):
            self.nums, self.fl, self.epoch = nums, fl, epoch
            return
        zero = np.flatnonzero(live & (fl == 0.0))
        zero = zero[nums[zero] == 0] if len(zero) else zero
        rank = np.cumsum(live) - 1
        if len(zero) > 1:
            live[zero[1:]] = False
            rank = np.cumsum(live) - 1
            rank[zero[1:]] = rank[zero[0]]
        keep = np.flatnonzero(live)
        self.nums, self.fl, self.epoch, self.cls = nums[keep], fl[keep], epoch[keep], rank[cls]

    def exact(self, classes: np.ndarray) -> np.ndarray:
        """The budgets of these classes as numerators over the current D (Python ints in an object array)."""
        return self.nums[classes] * self.mult[self.epoch[classes]]

    def budget(self, voter: int) -> Fraction:
        c = int(self.cls[voter])
        return Fraction(self.nums[c] * self.mult[self.epoch[c]], self.D)

    def money(self, p: int) -> Fraction:
        """What p's supporters hold together."""
        voters, _, _ = self.prep.supporters_of(p)
        counts = np.bincount(self.cls[voters])
        live = np.flatnonzero(counts)
        return Fraction(sum(map(operator.mul, self.exact(live).tolist(), counts[live].tolist())), self.D)

    def run(self, over: int | None = None) -> list[MesRound]:
        """The rounds of MES; with `over`, stop as soon as the purchases cost more than it (add1 only needs to know
        that this step is over the budget, which no later purchase can undo)."""
        heap: list[tuple[Fraction, str, int, int]] = []
        spent = 0
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
                rounds.append(MesRound(ids[p], rho))
                spent += self.prep.costs[p]
                if over is not None and spent > over:
                    return rounds
                self.buy(p, rho)
                version += 1
                continue
            exact = self.price(p)
            if exact is None:
                heapq.heappop(heap)  # budgets only shrink: it will never be affordable again
            else:
                heapq.heapreplace(heap, (exact, ids[p], p, version))
        return rounds

    def follow(self, base: list[MesRound]) -> list[MesRound] | None:
        """This run (share e1) forced along `base`, the rounds of a run with a smaller share e0 — or None when it
        cannot be shown that every share in [e0, e1] buys the same projects in the same order.

        Along a fixed order of purchases every budget is a non-decreasing function of the share (round 1: e; then
        max(0, budget − ρ·u) with ρ non-increasing, as more money never raises a price), so every price is
        non-increasing. Hence if at e1 every other unbought project q has (ρ_q(e1), id_q) > (ρ_w(e0), id_w) for the
        round's winner w, then for every share e in between ρ_q(e) ≥ ρ_q(e1) and ρ_w(e) ≤ ρ_w(e0): w wins the round
        at e too (an unaffordable q at e1 is unaffordable at every smaller share). If after the last round nothing
        is affordable at e1, nothing is at any e ≤ e1, so every run in between stops there as well.
        """
        ids = self.prep.ids
        heap = [(Fraction(self.prep.costs[p], self.prep.total_sat[p]), ids[p], p, -1) for p in self.projects]
        heapq.heapify(heap)
        bought: set[int] = set()
        rounds: list[MesRound] = []
        for version, r in enumerate(base):
            w = self.prep.index[r.project]
            bar = (r.rho, r.project)
            while heap:
                rho, pid, p, seen = heap[0]
                if p in bought or p == w:
                    heapq.heappop(heap)
                    continue
                if (rho, pid) > bar:
                    break
                if seen == version:
                    return None  # an exact price at e1 at or below the winner's at e0: no conclusion
                exact = self.price(p)
                if exact is None:
                    heapq.heappop(heap)  # unaffordable at e1, so at every smaller share and in every later round
                else:
                    heapq.heapreplace(heap, (exact, pid, p, version))
            rho_w = self.price(w)
            if rho_w is None:
                return None
            self.buy(w, rho_w)
            bought.add(w)
            rounds.append(MesRound(r.project, rho_w))
        if any(p not in bought and self.price(p) is not None for _, _, p, _ in heap):
            return None
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


# mes-add1 jumps over steps with add1.py's parametric run when one costs about this many Fraction operations or less
# (a handful of distinct ballots: its jumps are then few). Beyond it the parametric run is slow and its jumps short
# (every supporter becoming capped ends one: 461 runs, 17 s, for 300 voters in won), so the first steps run one by
# one — elections of thousands of voters have shares of few units and stop there — and then `_MesRun.follow` gallops.
_PARAMETRIC_WORK = 2_000
_PLAIN_STEPS = 4  # steps run one by one before galloping


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
    work = (len(runs[0]) + 1) * prep.distinct_entries()
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
    # One run per step for the first steps (large elections stop within a few), then gallop: a run at k + s that
    # follows k's purchases in a provable way (`_MesRun.follow`) covers every step in between.
    plain, s = 0, 1
    while True:
        if plain < _PLAIN_STEPS:
            plain += 1
        else:
            followed = _MesRun(prep, start + k + s, buyable).follow(runs[k])
            if followed is not None:
                runs.pop(k)
                k += s
                runs[k] = followed
                s *= 2
                continue
            if s > 1:
                s //= 2
                continue
        previous, k = k, k + 1
        runs[k] = _MesRun(prep, start + k, buyable).run(over=prep.budget)
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
