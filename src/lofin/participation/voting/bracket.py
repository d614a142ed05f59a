"""mes-add1 over an interval of steps at once: a proof that MES buys the same projects at every step of it.

mes-add1 (pabutools' voter_budget_increment=1) reruns MES with shares e(t) = budget/n + t (one unit of the election's
money per step t) until the outcome stops. Where each voter's share is tens of thousands of units (forints, won, yen,
złoty counted in grosze) the stop lies thousands of steps away and the outcome changes on the way: two projects of
nearly equal price swap rounds, a project becomes affordable. Issue 6's galloping proved an interval [t0, t1] from the
run at t1 with constant bounds budget(t0) ≤ budget(t) ≤ budget(t1): it failed as soon as a competitor's price at t1
fell below the winner's at t0, which near-ties moving in parallel make happen every few steps (Budapest 2024, 175
projects, 28,943 voters: 22,001 steps, 4,375 runs, 114 s).

`bracket_run` follows the interval itself. Along a fixed order of purchases every budget is a function of t; for each
budget class it keeps an *affine enclosure* lo(t) ≤ budget(t) ≤ hi(t) on [t0, t1] (values at both ends, in fixed
point: integers over Q = 2^shift, rounded outwards, so every bound stays a bound). From them:

- the winner's price ρ_w(t) ≤ the chord of ρ(lo(t)): the water-filling price is max over capped sets P of
  (cost − Σ_P b)/Σ_{not P} u, a maximum of affine functions of affine budgets, so convex in t and below its chord;
  each end is an upper bound checked with integers (Σ min(lo, ρ·u) ≥ cost, so no float decides);
- a competitor's price ρ_q(t) ≥ (cost − Σ_P hi(t))/Σ_{not P} u for *any* set P (a tangent of the convex price of
  hi; P is located with floats, and any P gives a valid bound), and ≥ cost / Σ u;
- the new budgets: max(0, b − ρ·u) lies between the chord of max(0, hi − ρ_low·u) (convex, so below its chord) and
  either 0 or lo − ρ_high·u (both below it); the choice keeps the enclosure exact at t0, where each round's winner is
  chosen.

Where the comparison of a competitor with the winner fails inside the interval, the interval is cut just before (the
bounds stay valid on any part of it) and the pass goes on; it returns the last step it proved. Heap keys and bars are
floats rounded outwards (`down`, `up`), so comparing them implies the comparison of the exact values. The proof is
that of the galloping with constant bounds replaced by affine ones: near-ties that move together no longer end the
interval, only the curvature of the prices and real changes of the outcome do.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Sequence
from fractions import Fraction
from math import ceil, floor

import numpy as np

from .prepared import Prepared

# An affine function of the step t: (value at t0, slope per step), both exact; valid on the whole (shrinking) interval.
Affine = tuple[Fraction, Fraction]


def down(x: Fraction | int) -> float:
    """A float at most x. Heap keys and bars are floats rounded outwards — a key is at most the price it bounds from
    below, a bar at least the price it bounds from above — so `key > bar` between them implies it between the exact
    values, and the heap compares floats instead of Fractions. (int / int is correctly rounded, within half a unit
    in the last place: one step down is below x.)"""
    x = Fraction(x)
    return math.nextafter(x.numerator / x.denominator, -math.inf)


def _down(num: int, den: int) -> float:
    return math.nextafter(num / den, -math.inf)


def up(x: Fraction | int) -> float:
    """A float at least x (see `down`)."""
    x = Fraction(x)
    return math.nextafter(x.numerator / x.denominator, math.inf)


class Bracket:
    """Affine enclosures of every voter's budget over the steps [t0, t1], along a fixed order of purchases."""

    def __init__(self, prep: Prepared, t0: int, t1: int) -> None:
        self.prep = prep
        start = Fraction(prep.budget, prep.n_voters)
        e0, e1 = start + t0 * prep.scale, start + t1 * prep.scale
        # Q as large as int64 sums of budgets over every voter allow
        shift = max(0, 60 - (prep.n_voters * ceil(e1) + 1).bit_length())
        self.Q = 1 << shift
        self.t0, self.t1 = t0, t1
        self.cls = np.zeros(prep.n_voters, dtype=np.int64)
        self.lo0 = np.array([floor(e0 * self.Q)], dtype=np.int64)
        self.lo1 = np.array([floor(e1 * self.Q)], dtype=np.int64)
        self.hi0 = np.array([ceil(e0 * self.Q)], dtype=np.int64)
        self.hi1 = np.array([ceil(e1 * self.Q)], dtype=np.int64)
        self.zero: int | None = None  # the class of the voters with nothing left at any step
        self._pairs_cache: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def copy(self) -> Bracket:
        other = object.__new__(Bracket)
        other.__dict__.update(self.__dict__)
        other.cls, other.lo0, other.lo1 = self.cls.copy(), self.lo0.copy(), self.lo1.copy()
        other.hi0, other.hi1 = self.hi0.copy(), self.hi1.copy()
        other._pairs_cache = dict(self._pairs_cache)
        return other

    @staticmethod
    def hull(a: Bracket, b: Bracket, since: int) -> Bracket:
        """Enclosures that hold for a's budgets at every step and for b's from step `since` on (each step's true
        budgets are one or the other). The lower one starts at a's value at t0 — only a happens there, and later
        rounds decide their near-ties at t0 — and ends at t1 at min(a, b), or lower where needed to pass below b at
        `since` (two affine functions: below at both ends of [since, t1] is below on it); the upper one likewise
        with max."""
        assert (a.t0, a.t1, a.Q) == (b.t0, b.t1, b.Q)
        out = a.copy()
        since = min(since, a.t1)
        width = len(b.lo0)
        pairs, inverse = np.unique(a.cls * width + b.cls, return_inverse=True)
        ia, ib = pairs // width, pairs % width
        out.cls = inverse.reshape(-1)
        out.zero = None
        out._pairs_cache = {}
        span, part = a.t1 - a.t0, since - a.t0
        lo0, hi0 = a.lo0[ia], a.hi0[ia]
        lo1, hi1 = np.minimum(a.lo1[ia], b.lo1[ib]), np.maximum(a.hi1[ia], b.hi1[ib])
        if 0 < part < span:
            # the line from a's value at t0 passes below b at `since` when its end at t1 is at most
            # a0 + (b(since) − a0)·span/part, where b(since)·span = b0·(span − part) + b1·part
            o = object
            b_lo = b.lo0[ib].astype(o) * (span - part) + b.lo1[ib].astype(o) * part
            b_hi = b.hi0[ib].astype(o) * (span - part) + b.hi1[ib].astype(o) * part
            reach_lo = (lo0.astype(o) * (part - span) + b_lo) // part
            reach_hi = -((-(hi0.astype(o) * (part - span) + b_hi)) // part)
            lo1 = np.minimum(lo1.astype(o), reach_lo).astype(np.int64)
            hi1 = np.maximum(hi1.astype(o), reach_hi).astype(np.int64)
        elif part <= 0:
            lo0, hi0 = np.minimum(lo0, b.lo0[ib]), np.maximum(hi0, b.hi0[ib])
        out.lo0, out.lo1, out.hi0, out.hi1 = lo0, lo1, hi0, hi1
        return out

    # --- the interval -------------------------------------------------------------------------------------------

    def line(self, v0: Fraction | int, v1: Fraction | int) -> Affine:
        """The affine function with these values at t0 and at t1."""
        v0, v1 = Fraction(v0), Fraction(v1)
        return v0, (v1 - v0) / (self.t1 - self.t0) if self.t1 > self.t0 else Fraction(0)

    def at(self, f: Affine, t: int | Fraction) -> Fraction:
        return f[0] if t == self.t0 or not f[1] else f[0] + f[1] * (t - self.t0)

    def ends(self, f: Affine) -> tuple[Fraction, Fraction]:
        return f[0], self.at(f, self.t1)

    def shrink(self, t1: int) -> None:
        """Keep the interval [t0, t1] only: the far end of every enclosure moves inwards, rounded outwards."""
        if t1 >= self.t1:
            return
        old, span = self.t1 - self.t0, t1 - self.t0
        for far, near, up in (("lo1", "lo0", False), ("hi1", "hi0", True)):
            v0 = getattr(self, near).astype(object)
            v1 = getattr(self, far).astype(object)
            num = v0 * old + (v1 - v0) * span
            setattr(self, far, (-((-num) // old) if up else num // old).astype(np.int64))
        self.t1 = t1

    def prefix(self, witnesses: Sequence[tuple[Affine, bool]]) -> int:
        """The last step t' ≤ t1 such that at every step t of [t0, t'] some witness g has g(t) > 0 (strict) or
        g(t) ≥ 0; t0 − 1 when none holds at t0. The steps where every witness fails form an interval (each one fails
        on an interval of an affine function), and the answer is the step before its first integer."""
        bad: tuple[Fraction, Fraction] | None = None
        width = self.t1 - self.t0
        for g, strict in witnesses:
            g0 = g[0]
            g1 = g0 + g[1] * width if g[1] else g0
            fail0, fail1 = (g0 <= 0, g1 <= 0) if strict else (g0 < 0, g1 < 0)
            if not fail0 and not fail1:
                return self.t1
            if fail0 and fail1:
                span = (Fraction(self.t0), Fraction(self.t1))
            else:
                root = self.t0 + g0 * width / (g0 - g1)
                span = (root, Fraction(self.t1)) if fail1 else (Fraction(self.t0), root)
            bad = span if bad is None else (max(bad[0], span[0]), min(bad[1], span[1]))
            if bad[0] > bad[1]:
                return self.t1
        if bad is None:
            return self.t0 - 1
        first = ceil(bad[0])  # the first step inside `bad` (a root itself may fail: its ends are included)
        return self.t1 if first > bad[1] else min(self.t1, first - 1)

    @staticmethod
    def minus(f: Affine, g: Affine) -> Affine:
        return f[0] - g[0], f[1] - g[1]

    def minimum(self, lower: Sequence[Affine]) -> float:
        """A lower bound of max(lower) over the interval: the largest of their minimums (each at an end), as a float
        rounded down (a heap key: see `down`)."""
        return max(down(min(f[0], self.at(f, self.t1))) for f in lower)

    def highest(self, f: Affine) -> float:
        """The largest value of f on the interval, as a float rounded up (see `down`)."""
        return up(max(f[0], self.at(f, self.t1)))

    # --- prices -------------------------------------------------------------------------------------------------

    def _pairs(self, p: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """p's supporters as (budget class, satisfaction, how many voters) triples (kept until a purchase moves
        voters to other classes)."""
        cached = self._pairs_cache.get(p)
        if cached is None:
            cached = self._pairs_cache[p] = self._count(p)
        return cached

    def _count(self, p: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        voters, level, pays = self.prep.supporters_of(p)
        us = self.prep.levels_of(p)
        levels = len(pays)
        combo = self.cls[voters] * levels + level if levels > 1 else self.cls[voters]
        if len(self.lo0) * levels <= 8 * len(voters):
            counts = np.bincount(combo)
            live = np.flatnonzero(counts)
            counts = counts[live]
        else:
            live, counts = np.unique(combo, return_counts=True)
        if levels == 1:
            return live, np.full(len(live), pays[0], dtype=np.int64), counts
        return live // levels, us[live % levels], counts

    @staticmethod
    def _capped(b: np.ndarray, u: np.ndarray, n: np.ndarray, cost: int) -> np.ndarray | None:
        """The supporters capped at the water-filling price of budgets b (a guess located with floats; callers either
        check the price it gives or use it where any set is valid), None when they cannot pay `cost` together."""
        if int((n * b).sum()) < cost:
            return None
        key = b / u
        order = np.argsort(key, kind="stable")
        bs, us, ns = b[order], u[order], n[order]
        nu = ns * us
        rich = int(nu.sum()) - np.concatenate(([0], np.cumsum(nu)[:-1]))
        paid = np.concatenate(([0.0], np.cumsum((ns * bs).astype(np.float64))[:-1]))
        ok = (cost - paid) <= (bs / us) * rich
        i = int(np.argmax(ok)) if ok.any() else len(ok)
        capped = np.zeros(len(b), dtype=bool)
        capped[order[:i]] = True
        return capped

    def upper(self, b: np.ndarray, u: np.ndarray, n: np.ndarray, cost: int) -> Fraction | None:
        """The water-filling price of budgets b — the ρ with Σ n·min(b, ρ·u) = cost —, or a price just above it,
        checked with integers either way (Σ n·min(b, ρ·u) ≥ cost: at least the price of b). None when b cannot pay
        (or the floats located a wrong capped set twice: the caller then proves nothing)."""
        capped = self._capped(b, u, n, cost)
        if capped is None:
            return None
        rich = int((n * u)[~capped].sum())
        if rich == 0:
            return None
        poor = int((n * b)[capped].sum())
        rho = Fraction(cost - poor, rich)
        num, den = rho.numerator, rho.denominator
        # ρ is the price if the capped set is right: b ≤ ρ·u for those in it, b ≥ ρ·u for the others (then
        # Σ n·min(b, ρ·u) = cost exactly). b is an integer, so b ≤ ρ·u is b ≤ ⌊ρ·u⌋: int64 comparisons per level.
        levels = np.unique(u)
        below = {int(v): (num * int(v)) // den for v in levels}
        above = {int(v): -((-num * int(v)) // den) for v in levels}
        floor_pay: int | np.ndarray
        ceil_pay: int | np.ndarray
        if len(levels) == 1:
            floor_pay, ceil_pay = below[int(levels[0])], above[int(levels[0])]
        else:
            index = np.searchsorted(levels, u)
            floor_pay = np.array([below[int(v)] for v in levels], dtype=np.int64)[index]
            ceil_pay = np.array([above[int(v)] for v in levels], dtype=np.int64)[index]
        if bool((b <= floor_pay)[capped].all()) and bool((b >= ceil_pay)[~capped].all()):
            return rho
        # otherwise exactly: Σ n·min(b·D, N·u) ≥ cost·D, in Python ints (b·D does not fit in int64)
        paid = np.minimum(b.astype(object) * den, u.astype(object) * num)
        if (n.astype(object) * paid).sum() >= cost * den:
            return rho
        slack = Fraction(int(n.sum()) * 1000, rich)  # the located set was wrong: try a little above
        rho += slack
        num, den = rho.numerator, rho.denominator
        paid = np.minimum(b.astype(object) * den, u.astype(object) * num)
        return rho if (n.astype(object) * paid).sum() >= cost * den else None

    def flat(self, c: np.ndarray, u: np.ndarray, n: np.ndarray, cost: int) -> Fraction | None:
        """cost / Σ satisfaction when every supporter can pay its full share ρ·u at every step (lower budgets at
        both ends at least that): the exact price on the whole interval, independent of the step. Exact prices
        decide exact ties (two projects with as many supporters under cost satisfaction cost the same per unit)."""
        rho = Fraction(cost, int((n * u).sum()))
        levels = np.unique(u)
        need = {int(v): -((-rho.numerator * int(v)) // rho.denominator) for v in levels}
        share = np.array([need[int(v)] for v in u], dtype=np.int64) if len(levels) > 1 else need[int(levels[0])]
        if bool((self.lo0[c] >= share).all()) and bool((self.lo1[c] >= share).all()):
            return rho
        return None

    def lower(self, p: int, cost: int, far: bool = False) -> tuple[list[Affine], Affine | None, float]:
        """Bounds below p's price at every step of the interval where p is affordable — cost / Σ satisfaction (the
        price with nobody capped) and the tangent at t0; with `far`, or when p is short at t0, the tangent at t1
        too —, p's shortfall cost − Σ hi(t) (p is unaffordable wherever it is positive; None when p is unaffordable
        at every step), and a float at most the largest bound's minimum on the interval (a heap key)."""
        c, u, n = self._pairs(p)
        b0, b1 = self.hi0[c], self.hi1[c]
        nu, nb0, nb1 = n * u, n * b0, n * b1
        total_u, have0, have1 = int(nu.sum()), int(nb0.sum()), int(nb1.sum())
        bounds: list[Affine] = [(Fraction(cost, total_u), Fraction(0))]
        key = _down(cost, total_u)
        short0, short1 = cost - have0, cost - have1
        if short0 > 0 and short1 > 0:
            return bounds, None, key  # Σ hi(t) is affine: below the cost at both ends, below it at every step
        span = self.t1 - self.t0
        single = len(u) == 0 or bool((u == u[0]).all())
        for here, have in ((b0, have0), (b1, have1)) if far or short0 > 0 else ((b0, have0),):
            if have < cost:
                continue  # short at t0: the tangent at t1 bounds the steps where it is affordable
            # the capped supporters of the water-filling price of `here`, located with floats (any set gives a bound)
            order = np.argsort(here if single else here / u, kind="stable")
            nu_sorted = nu[order]
            rich = total_u - np.concatenate(([0], np.cumsum(nu_sorted)[:-1]))
            paid = np.concatenate(([0.0], np.cumsum((n * here)[order].astype(np.float64))[:-1]))
            ok = (cost - paid) <= (here[order] / u[order]) * rich
            i = int(np.argmax(ok)) if ok.any() else len(ok)
            if i == 0 or i == len(rich) or int(rich[i]) == 0:
                continue  # nobody capped (the flat bound is this tangent), or everybody
            capped = order[:i]
            r = int(rich[i])
            at0, at1 = cost - int(nb0[capped].sum()), cost - int(nb1[capped].sum())
            bounds.append((Fraction(at0, r), Fraction(at1 - at0, r * span) if span else Fraction(0)))
            key = max(key, _down(min(at0, at1), r))
        return bounds, self.line(short0, short1), key

    # --- one purchase -------------------------------------------------------------------------------------------

    def buy(self, p: int, high: Affine, low: Affine) -> None:
        """p bought at a price ρ(t) with low(t) ≤ ρ(t) ≤ high(t): its supporters' enclosures, class by class."""
        voters, level, pays = self.prep.supporters_of(p)
        levels = len(pays)
        size = len(self.lo0)
        combo = self.cls[voters] * levels + level if levels > 1 else self.cls[voters]
        if size * levels <= 4 * len(voters):  # few classes: mark the ones present instead of sorting the voters
            present = np.zeros(size * levels, dtype=bool)
            present[combo] = True
            pairs = np.flatnonzero(present)
            inverse = (np.cumsum(present) - 1)[combo]
        else:
            pairs, inverse = np.unique(combo, return_inverse=True)
        old = pairs // levels if levels > 1 else pairs
        u_index = pairs % levels if levels > 1 else np.zeros(len(pairs), dtype=np.int64)

        def per_level(rho: Fraction, up: bool) -> np.ndarray:
            values = [(-((-rho.numerator * u) // rho.denominator)) if up else (rho.numerator * u) // rho.denominator
                      for u in pays]  # fmt: skip
            return np.array(values, dtype=np.int64)[u_index]

        (high0, high1), (low0, low1) = self.ends(high), self.ends(low)
        a0 = self.lo0[old] - per_level(high0, True)
        a1 = self.lo1[old] - per_level(high1, True)
        # max(0, a) ≥ a and ≥ 0: either is a lower bound; the one equal to it at t0 keeps the enclosure exact there
        # (a bracket that starts exact proves at least the steps where no comparison is within its rounding)
        keep = a0 > 0
        new_lo0 = np.where(keep, a0, 0)
        new_lo1 = np.where(keep, a1, 0)
        new_hi0 = np.maximum(self.hi0[old] - per_level(low0, False), 0)
        new_hi1 = np.maximum(self.hi1[old] - per_level(low1, False), 0)
        # voters whose budget is surely 0 at every step share one class: most voters of a late round are there, and
        # every price computation counts classes
        zero = (new_hi0 == 0) & (new_hi1 == 0)
        new_lo0[zero] = new_lo1[zero] = 0
        keep = ~zero
        ids = np.empty(len(pairs), dtype=np.int64)
        ids[keep] = size + np.arange(int(keep.sum()))
        rows = [new_lo0[keep]], [new_lo1[keep]], [new_hi0[keep]], [new_hi1[keep]]
        if zero.any():
            if self.zero is None:
                self.zero = size + int(keep.sum())
                for row in rows:
                    row.append(np.zeros(1, dtype=np.int64))
            ids[zero] = self.zero
        self.cls[voters] = ids[inverse.reshape(-1)]
        self._pairs_cache = {}
        self.lo0 = np.concatenate((self.lo0, *rows[0]))
        self.lo1 = np.concatenate((self.lo1, *rows[1]))
        self.hi0 = np.concatenate((self.hi0, *rows[2]))
        self.hi1 = np.concatenate((self.hi1, *rows[3]))
        self._compact()

    def _compact(self) -> None:
        counts = np.bincount(self.cls, minlength=len(self.lo0))
        live = counts > 0
        alive = int(np.count_nonzero(live))
        if len(self.lo0) < 64 + 2 * alive:
            return
        keep = np.flatnonzero(live)
        rank = np.cumsum(live) - 1
        self.cls = rank[self.cls]
        self._pairs_cache = {}
        if self.zero is not None:
            self.zero = int(rank[self.zero]) if live[self.zero] else None
        self.lo0, self.lo1, self.hi0, self.hi1 = self.lo0[keep], self.lo1[keep], self.hi0[keep], self.hi1[keep]

    def twins(self, p: int, q: int, costs: list[int]) -> bool:
        """Whether p and q cost the same and their supporters are the same budget classes with the same satisfaction,
        as many of each: then their prices are equal at every step (a class holds voters of equal budgets), and the
        tie goes to the smaller id. Bounds cannot show an equality; this does (round 1, where every budget is the
        share, has many: equal costs and equal numbers of supporters)."""
        if costs[p] != costs[q]:
            return False
        a, b = self._pairs(p), self._pairs(q)
        return all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))

    def afford_prefix(self, p: int, cost: int) -> int:
        """The last step up to which p's supporters' lower budgets pay its cost at every step (t0 − 1: not at t0)."""
        c, _, n = self._pairs(p)
        s0, s1 = int((n * self.lo0[c]).sum()) - cost, int((n * self.lo1[c]).sum()) - cost
        return self.prefix([(self.line(s0, s1), False)])

    def never_affordable_prefix(self, p: int, cost: int) -> int:
        """The last step t' such that p's supporters cannot pay its cost at any step of [t0, t'] (t0 − 1: not even at
        t0)."""
        c, _, n = self._pairs(p)
        s0, s1 = cost - int((n * self.hi0[c]).sum()), cost - int((n * self.hi1[c]).sum())
        return self.prefix([(self.line(s0, s1), True)])

    def winner_bounds(self, p: int, cost: int, low: Affine | None = None) -> tuple[Affine, Affine] | None:
        """(upper chord, lower tangent) of the winner's price, or None when its lower budgets cannot pay at an end.
        `low` is the tangent at t0 when the caller has it already."""
        c, u, n = self._pairs(p)
        flat = self.flat(c, u, n, cost)
        if flat is not None:
            return (flat, Fraction(0)), (flat, Fraction(0))
        r0 = self.upper(self.lo0[c], u, n, cost)
        r1 = self.upper(self.lo1[c], u, n, cost)
        if r0 is None or r1 is None:
            return None
        if low is None:
            # the tangent at t0 (exact there, like the chord), or the flat bound when nobody is capped at t0
            tangents, _, _ = self.lower(p, cost)
            low = tangents[-1]
        return self.line(r0, r1), low


def bracket_run(prep: Prepared, buyable: list[int], t0: int, t1: int) -> tuple[list[str], int]:
    """MES over the steps [t0, t1] at once: (the projects it buys at t0, in order; the last step t' such that MES
    buys exactly these projects at every step of [t0, t']). t' is t0 − 1 when not even step t0 could be proven (two
    prices equal within the fixed point's rounding): the caller then runs step t0 exactly.

    Each round picks the cheapest project at t0 (the enclosures are exact there up to rounding) and proves it cheapest
    at every step, cutting the interval where that fails. Where the one project that cuts it is the runner-up, the
    two are taken as a pair bought in rounds r and r + 1 in either order (`_Pass.pair`): near-ties between two
    projects then swap rounds inside the interval without ending it (the set bought, all that mes-add1's stop
    depends on, stays the same). Every comparison is made with integers and `Fraction`s on bounds that hold at every
    step of the interval."""
    return _Pass(prep, buyable, t0, t1).run()


class _Pass:
    def __init__(self, prep: Prepared, buyable: list[int], t0: int, t1: int) -> None:
        self.prep, self.t0, self.ids = prep, t0, prep.ids
        self.br = Bracket(prep, t0, t1)
        self.costs = [c * self.br.Q for c in prep.costs]
        # (lower bound of the price over the interval, id, project, state it was computed in); -1 marks the initial
        # bound cost / total satisfaction, which holds at every step and in every round (prices only rise in a run)
        self.heap = [(down(Fraction(self.costs[p], prep.total_sat[p])), self.ids[p], p, -1) for p in buyable]
        heapq.heapify(self.heap)
        self.witnesses: dict[int, tuple[list[Affine], Affine]] = {}
        self.bought: set[int] = set()
        self.states = itertools.count()

    def run(self) -> tuple[list[str], int]:
        order: list[str] = []
        failed = self.t0 - 1
        while True:
            state = next(self.states)
            best = self.cheapest(state)
            if best is None:
                break  # nothing affordable at t0: the run ends there, and below it is shown for every step
            pid, w = best
            # the tangent at t0 `cheapest` has just computed (the last of its bounds; affordable at t0, so not one at t1)
            bounds = self.winner(self.br, w, self.witnesses[w][0][-1])
            if bounds is None:
                return order, failed
            high, low = bounds
            cut, culprit = self.prove(self.br, self.heap, self.witnesses, state, [(w, pid, high)])
            if cut < self.br.t1 and culprit is not None and self.pair(state, w, high, low, culprit, cut):
                order += [pid, self.ids[culprit]]
                continue
            if cut < self.t0:
                return order, failed
            self.br.shrink(cut)
            self.br.buy(w, high, low)
            self.bought.add(w)
            order.append(pid)
        for _, _, q, _ in self.heap:
            if q in self.bought:
                continue
            cut = self.br.never_affordable_prefix(q, self.costs[q])
            if cut < self.t0:
                return order, failed
            self.br.shrink(cut)
        return order, self.br.t1

    def bounds(self, br: Bracket, q: int, state: int, heap: list, witnesses: dict, far: bool = False) -> bool:
        """Fresh lower bounds of q's price in this state (its heap entry must be heap[0]); False when q is
        unaffordable at every step (then dropped: budgets only shrink in later rounds)."""
        tangents, shortfall, key = br.lower(q, self.costs[q], far=far)
        if shortfall is None:
            heapq.heappop(heap)
            return False
        witnesses[q] = (tangents, shortfall)
        heapq.heapreplace(heap, (key, self.ids[q], q, state))
        return True

    def cheapest(self, state: int) -> tuple[str, int] | None:
        """The project MES buys at t0 in this round, by the lower bounds at t0 (exact there up to rounding); a project
        short at t0 cannot win. Only a choice: `prove` then shows it cheapest, or the pass fails, so floats suffice."""
        heap = self.heap
        best: tuple[float, str, int] | None = None
        computed = []
        while heap:
            key, qid, q, seen = heap[0]
            if q in self.bought:
                heapq.heappop(heap)
                continue
            if best is not None and (key, qid) > best[:2]:
                break  # key ≤ its price at t0: no project left can be cheaper at t0
            if seen != state:
                # bounds from an earlier round still hold: short at t0 then, or dearer than the best at t0 then, is
                # so now
                stale = self.witnesses.get(q)
                if stale is not None and best is not None:
                    tangents, shortfall = stale
                    if shortfall[0] > 0 or (float(max(f[0] for f in tangents)), qid) > best[:2]:
                        computed.append(heapq.heappop(heap))
                        continue
                self.bounds(self.br, q, state, heap, self.witnesses)
                continue
            computed.append(heapq.heappop(heap))
            tangents, shortfall = self.witnesses[q]
            if shortfall[0] <= 0:
                at_t0 = float(max(f[0] for f in tangents))
                if best is None or (at_t0, qid) < best[:2]:
                    best = (at_t0, qid, q)
        for item in computed:
            heapq.heappush(heap, item)
        return None if best is None else (best[1], best[2])

    def winner(self, br: Bracket, w: int, low: Affine | None = None) -> tuple[Affine, Affine] | None:
        """The winner's price bounds, on the part of the interval where its lower budgets pay its cost."""
        cut = br.afford_prefix(w, self.costs[w])
        if cut < self.t0:
            return None
        br.shrink(cut)
        return br.winner_bounds(w, self.costs[w], low)

    def prove(
        self,
        br: Bracket,
        heap: list,
        witnesses: dict,
        state: int,
        contenders: list[tuple[int, str, Affine]],
        bought: frozenset[int] = frozenset(),
    ) -> tuple[int, int | None]:
        """Shows every other project (not in `bought` either) dearer than the cheapest contender at every step of
        [t0, t'] (or short): (t', the project that limits t', None when none does). The interval is not cut here."""
        excluded = {x for x, _, _ in contenders}
        bar = min(br.highest(high) for _, _, high in contenders)
        top_id = max(xid for _, xid, _ in contenders)
        cut, culprit = br.t1, None
        proven, far = [], set()
        while heap:
            key, qid, q, seen = heap[0]
            if q in self.bought or q in bought:
                heapq.heappop(heap)
                continue
            if q in excluded:
                proven.append(heapq.heappop(heap))  # a contender stays for the rounds after this one
                continue
            if key > bar or (key == bar and qid > top_id):
                break

            def reach(tangents: list[Affine], short: Affine, qid: str = qid) -> int:
                # q loses a tie to a contender with a smaller id; where q is unaffordable it cannot win
                return br.prefix([
                    *((Bracket.minus(f, high), qid < xid) for f in tangents for _, xid, high in contenders),
                    (short, True),
                ])  # fmt: skip

            if seen != state:
                # bounds from an earlier round still hold (prices only rise as budgets shrink): try them first
                stale = witnesses.get(q)
                if stale is not None and reach(*stale) == br.t1:
                    proven.append(heapq.heappop(heap))
                else:
                    self.bounds(br, q, state, heap, witnesses)
                continue
            tangents, short = witnesses[q]
            got = reach(tangents, short)
            if got < br.t1 and any(xid < qid and br.twins(q, x, self.costs) for x, xid, _ in contenders):
                got = br.t1  # the same price as a contender at every step, which wins the tie by its smaller id
            if got < br.t1 and q not in far:
                far.add(q)  # the tangent at t1 as well, then again
                tangents, maybe_short, _ = br.lower(q, self.costs[q], far=True)
                assert maybe_short is not None
                short = maybe_short
                witnesses[q] = (tangents, short)
                got = reach(tangents, short)
            if got < cut:
                cut, culprit = got, q
            proven.append(heapq.heappop(heap))
        for item in proven:
            heapq.heappush(heap, item)
        return cut, culprit

    def pair(self, state: int, w: int, high_w: Affine, low_w: Affine, q: int, cut: int) -> bool:
        """Try w and its runner-up q as a pair bought in this round and the next in either order: at every step one of
        them is the cheapest; after w, q is; after q, w is. On success (the pair reaches further than `cut`, where w
        alone stopped) the budgets after both purchases — either order — become the pass's state."""
        br, t0 = self.br, self.t0
        qid, wid = self.ids[q], self.ids[w]
        if br.afford_prefix(q, self.costs[q]) < br.t1:
            return False
        bounds_q = br.winner_bounds(q, self.costs[q])
        if bounds_q is None:
            return False
        high_q, low_q = bounds_q
        heap, witnesses = list(self.heap), dict(self.witnesses)
        reach, _ = self.prove(br, heap, witnesses, state, [(w, wid, high_w), (q, qid, high_q)])
        if reach <= cut:
            return False
        ends = []
        for first, (high, low), second, sid in ((w, (high_w, low_w), q, qid), (q, (high_q, low_q), w, wid)):
            branch = br.copy()
            branch.shrink(reach)
            branch.buy(first, high, low)
            bounds = self.winner(branch, second)
            if bounds is None:
                return False
            second_state = next(self.states)
            got, _ = self.prove(
                branch, list(heap), dict(witnesses), second_state, [(second, sid, bounds[0])], frozenset({first})
            )
            if got <= cut:
                return False
            branch.shrink(got)
            branch.buy(second, *bounds)
            ends.append(branch)
            reach = min(reach, got)
        after_w, after_q = ends
        after_w.shrink(reach)
        after_q.shrink(reach)
        # until `cut` w alone was proven the cheapest: the order q, w can only happen after it
        self.br = Bracket.hull(after_w, after_q, since=cut + 1)
        self.heap = heap
        self.witnesses = witnesses  # still lower bounds: either order leaves every budget lower than before
        self.bought |= {w, q}
        return reach >= t0
