"""`mes-add1` without visiting every step: MES as a function of the per-voter share, exactly.

pabutools' `voter_budget_increment=1` reruns MES with shares e0, e0 + 1, e0 + 2, ... and stops at the first step k
whose outcome is exhaustive (keep it) or over budget (keep step k − 1). With costs in won and few voters that is
millions of runs. The step that stops is found here by jumping over the steps at which nothing can change.

Why a jump is exact. Write the share as e0 + t. Along one run of MES, as long as every comparison the run makes keeps
its sign, each voter's budget and each price ρ is an affine function of t: a price is (cost − Σ budgets of the capped
supporters) / Σ satisfaction of the others, a payment is ρ·u or the whole budget, and sums and differences of affine
functions are affine. The decisions of the run are the signs of a finite list of such differences: for every round
and every remaining project, "its supporters can pay" (Σ budgets − cost), "this supporter is capped" (budget − ρ·u),
"it is not cheaper than the winner" (ρ − ρ_winner; a zero difference goes to the smaller id). `parametric_run`
evaluates all of them exactly (`Fraction`) at one integer t0 and returns, with the projects bought, the length Δ of
the interval [t0, t0 + Δ) on which none of them changes sign: a difference d(t) = d0 + d1·(t − t0) keeps its sign up
to its root −d0/d1 when that lies ahead, a zero difference with d1 ≠ 0 may change at once (Δ = 0), one with d1 = 0
never changes. On that interval the signs, so every choice of the run, are the same, hence the projects bought and
the stop test (which depends on them alone) are the same; so every integer step in [t0, t0 + Δ) behaves as t0, and
the next step that can differ is max(t0 + 1, ⌈t0 + Δ⌉). When step k stops because of going over budget, step k − 1
lies in the previous interval, whose outcome did not stop — exactly what plain stepping keeps.

The test `test_pb_add1.py` checks this against `mes_add1_plain` (one run per step) on generated elections.
"""

from __future__ import annotations

from fractions import Fraction
from math import ceil

from .bracket import bracket_run
from .mesrun import MesRound, MesRun, mes_projects, stop_kind
from .prepared import Prepared

__all__ = ["add1_search", "mes_add1_plain", "next_step", "parametric_run", "stop_kind"]

_NEVER = None  # Δ unbounded: no difference changes sign for any t ≥ t0


class _Bound:
    """The smallest Δ over the differences recorded so far."""

    def __init__(self) -> None:
        self.delta: Fraction | None = _NEVER

    def keep(self, d0: Fraction, d1: Fraction) -> None:
        if d0 == 0:
            if d1 != 0:
                self.delta = Fraction(0)
            return
        if (d0 > 0) == (d1 > 0) or d1 == 0:
            return  # moving away from zero
        root = -d0 / d1
        if self.delta is None or root < self.delta:
            self.delta = root


def parametric_run(prep: Prepared, projects: list[int], t0: int) -> tuple[list[int], Fraction | None]:
    """MES with share budget/n + t0, group by group: (projects bought in order, Δ as in the module docstring).

    Budgets are pairs (value at t0, slope in t). Voters with equal ballots hold equal budgets, so one pair per group.
    """
    groups = prep.groups
    size = prep.group_size
    costs, ids = prep.costs, prep.ids
    # one step adds one unit of the file's money: `scale` internal units
    start = Fraction(prep.budget, prep.n_voters) + t0 * prep.scale
    value = [start] * len(groups)
    slope = [Fraction(prep.scale)] * len(groups)
    supporters: dict[int, list[tuple[int, int, int]]] = {p: [] for p in projects}
    for g, vec in enumerate(groups):
        for p, u in vec:
            if u > 0 and p in supporters and size[g]:
                supporters[p].append((g, u, size[g]))
    bound = _Bound()

    def price(p: int) -> tuple[Fraction, Fraction] | None:
        sup = supporters[p]
        cost = costs[p]
        total_v = sum((m * value[g] for g, _, m in sup), Fraction(0))
        total_s = sum((m * slope[g] for g, _, m in sup), Fraction(0))
        bound.keep(total_v - cost, total_s)
        if total_v < cost:
            return None
        poor_v, poor_s = Fraction(0), Fraction(0)
        rich_u = sum(m * u for _, u, m in sup)
        rho_v = rho_s = None
        for g, u, m in sorted(sup, key=lambda e: value[e[0]] / e[1]):
            need = cost - poor_v
            if need * u <= value[g] * rich_u:
                rho_v, rho_s = need / rich_u, -poor_s / rich_u
                break
            poor_v += m * value[g]
            poor_s += m * slope[g]
            rich_u -= m * u
        assert rho_v is not None and rho_s is not None  # affordable: the last supporter always pays in full
        for g, u, _ in sup:  # who is capped (budget < ρ·u) decides the formula of ρ
            bound.keep(value[g] - rho_v * u, slope[g] - rho_s * u)
        return rho_v, rho_s

    remaining = sorted(projects, key=lambda p: ids[p])
    bought: list[int] = []
    while remaining:
        prices = {}
        for p in list(remaining):
            rho = price(p)
            if rho is None:
                remaining.remove(p)  # budgets only shrink within a run: never affordable again
            else:
                prices[p] = rho
        if not prices:
            break
        win = min(prices, key=lambda p: (prices[p][0], ids[p]))
        wv, ws = prices[win]
        for p, (v, s) in prices.items():
            if p != win:
                bound.keep(v - wv, s - ws)
        for g, u, _ in supporters[win]:
            left = value[g] - wv * u
            if left > 0:
                value[g], slope[g] = left, slope[g] - ws * u
            else:
                value[g], slope[g] = Fraction(0), Fraction(0)
        bought.append(win)
        remaining.remove(win)
    return bought, bound.delta


def next_step(t0: int, delta: Fraction | None) -> int:
    """The first integer step after t0 at which the outcome can differ from t0's."""
    if delta is None:  # cannot happen while some project is unbought (its affordability has a root); be safe
        return t0 + 1
    return max(t0 + 1, ceil(t0 + delta))


def mes_add1_plain(prep: Prepared, limit: int | None = None) -> tuple[list[str], int] | None:
    """The reference: one full MES run per step, as pabutools: (winners in order, steps), None after `limit`
    steps without stopping. For the tests and the benchmark."""
    buyable, free = mes_projects(prep)
    endowment = Fraction(prep.budget, prep.n_voters)
    previous = None
    steps = 0
    while True:
        rounds = MesRun(prep, endowment + steps * prep.scale, buyable).run()
        bought = [prep.index[r.project] for r in rounds]
        kind = stop_kind(prep, buyable, bought)
        if kind == "over":
            assert previous is not None
            return free + previous, steps - 1
        if kind == "exhaustive":
            return free + [r.project for r in rounds], steps
        previous = [r.project for r in rounds]
        steps += 1
        if limit is not None and steps > limit:
            return None


# mes-add1 jumps over steps with the parametric run when one costs about this many Fraction operations or less (a
# handful of distinct ballots). Beyond it brackets are faster: a parametric jump ends wherever a supporter becomes
# capped, a bracket only where the outcome changes or its bounds grow too wide (Kraków 2022 Zwierzyniec, 1,060 voters,
# 898 steps: 149 parametric runs, 8 s; brackets 0.1 s).
PARAMETRIC_WORK = 100
# After this many steps in a row that brackets could not decide, one parametric run (if it costs at most
# PARAMETRIC_FALLBACK Fraction operations) jumps over the steps that decide as the first one.
UNDECIDED_STEPS = 8
PARAMETRIC_FALLBACK = 200_000
# Steps run exactly before any bracket: many elections stop within a few steps, and a bracket run costs more than an
# exact run while proving only a stride of one at first (15,000 voters, points, 3 steps: 0.28 s by brackets alone).
EXACT_FIRST = 4


def add1_search(prep: Prepared, buyable: list[int]) -> tuple[int, list[MesRound]]:
    """(the step pabutools' voter_budget_increment=1 ends with — the first exhaustive one, or the one before the
    first over budget —, the rounds of MES at that step). Rounds are internal (ρ per internal unit)."""
    start = Fraction(prep.budget, prep.n_voters)

    runs: dict[int, list[MesRound]] = {}

    def run(step: int) -> list[MesRound]:
        if step not in runs:
            runs[step] = MesRun(prep, start + step * prep.scale, buyable).run()
        return runs[step]

    base = run(0)
    if stop_kind(prep, buyable, [prep.index[r.project] for r in base]) is not None:
        return 0, base  # the first run never spends more than the budget: it is exhaustive
    if (len(base) + 1) * prep.distinct_entries() <= PARAMETRIC_WORK:
        steps = _by_parametric_jumps(prep, buyable)
        return steps, run(steps)
    for k in range(1, EXACT_FIRST + 1):
        kind = stop_kind(prep, buyable, [prep.index[r.project] for r in run(k)])
        if kind == "over":
            return k - 1, run(k - 1)
        if kind == "exhaustive":
            return k, run(k)
    # A bracket run finds the projects MES buys at step k and proves that every step up to `reach` buys the same ones
    # (so all of them stop, or none); a step it cannot decide (two prices equal within its rounding) is run exactly.
    # Strides grow while whole brackets are proven. Prices equal at every step (an exact tie, decided by the id) defeat
    # bounds: after a few undecided steps in a row, one parametric run, which sees the tie, jumps over them.
    work = (len(base) + 1) * prep.distinct_entries()
    k, stride, undecided = EXACT_FIRST + 1, 1, 0
    while True:
        order, reach = bracket_run(prep, buyable, k, k + stride)
        if reach < k:
            undecided += 1
            if undecided >= UNDECIDED_STEPS and work <= PARAMETRIC_FALLBACK:
                bought, delta = parametric_run(prep, buyable, k)
                order, reach, undecided = [prep.ids[p] for p in bought], next_step(k, delta) - 1, 0
            else:
                order, reach = [r.project for r in run(k)], k
        else:
            undecided = 0
        kind = stop_kind(prep, buyable, [prep.index[p] for p in order])
        if kind == "over":
            return k - 1, run(k - 1)  # k > 0: step 0 never spends more than the budget
        if kind == "exhaustive":
            return k, run(k)
        stride = 3 * stride if reach == k + stride else max(1, stride // 2)
        k = reach + 1


def _by_parametric_jumps(prep: Prepared, buyable: list[int]) -> int:
    k, previous = 0, 0
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
