"""One run of the Method of Equal Shares (균등배분방식) with a given share per voter, decided exactly.

Each voter starts with the share; each round buys the project whose supporters can pay for it at the lowest price per
unit of satisfaction ρ, every supporter paying min(own budget, ρ·satisfaction); ties go to the smaller project id as a
string (pabutools' lexicographic tie-breaking). During one run every voter's budget is one of few values: voters sit in
*budget classes* (an index into an array of Python ints over one denominator), a project's supporters are counted per
class with `np.bincount` / `np.unique`, and its price ρ is located with floats and then computed and checked with
integers against every supporter (`MesRun.price`: a guess is either proven or replaced by the exact walk; no float
decides). Only projects whose lower bound on ρ (ρ never falls as budgets shrink) could beat the best one are
recomputed in a round. Amounts are internal (`Prepared`: the file's smallest unit).
"""

from __future__ import annotations

import heapq
import operator
from fractions import Fraction
from math import gcd

import numpy as np

from .model import MesRound
from .prepared import Prepared


class MesRun:
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

    def run(self) -> list[MesRound]:
        """The rounds of MES."""
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
                rounds.append(MesRound(ids[p], rho))
                self.buy(p, rho)
                version += 1
                continue
            exact = self.price(p)
            if exact is None:
                heapq.heappop(heap)  # budgets only shrink: it will never be affordable again
            else:
                heapq.heapreplace(heap, (exact, ids[p], p, version))
        return rounds


def mes_projects(prep: Prepared) -> tuple[list[int], list[str]]:
    """(projects MES can buy, zero-cost projects it takes at once) — as pabutools, by total satisfaction."""
    buyable, free = [], []
    for i, pid in enumerate(prep.ids):
        if prep.total_sat[i] > 0:
            if prep.costs[i] > 0:
                buyable.append(i)
            else:
                free.append(pid)
    return buyable, sorted(free)


def stop_kind(prep: Prepared, buyable: list[int], bought: list[int]) -> str | None:
    """How pabutools' voter_budget_increment loop ends on this outcome: "over" (beyond the budget), "exhaustive"
    (nothing else MES could buy fits), or None (raise the shares again)."""
    spent = sum(prep.costs[p] for p in bought)
    if spent > prep.budget:
        return "over"
    chosen = set(bought)
    if all(prep.costs[p] + spent > prep.budget for p in buyable if p not in chosen):
        return "exhaustive"
    return None
