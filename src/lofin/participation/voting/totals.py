"""Each project's total satisfaction, counted without numpy: all that greedy needs.

`lofin pb solve --rule greedy` on approval and points ballots (most city files) then never loads numpy, whose import alone takes about a quarter of a
second of CPU here: with parsing, as long as greedy itself on tens of thousands of voters. The totals are those
`Prepared` counts (`test_pb_rules.py` checks them against each other); `Totals` has the attributes greedy reads from
a `Prepared`.
"""

from __future__ import annotations

from collections import Counter
from fractions import Fraction
from itertools import chain
from typing import Any

from .model import Election, Money, money_scale, satisfaction_vector


class Totals:
    def __init__(self, election: Election, sat: str) -> None:
        self.election, self.sat = election, sat
        self.ids = [p.id for p in election.projects]
        self.index = {pid: i for i, pid in enumerate(self.ids)}
        self.scale = money_scale(election)  # amounts in the file's smallest unit, as `Prepared` counts them
        self.costs = [int(p.cost * self.scale) for p in election.projects]
        self.budget = int(election.budget * self.scale)
        ballots = election.ballots
        if election.vote_type == "approval" and sat in ("cost", "cardinality"):
            # an approval counts once per ballot (a project named twice, once); cost satisfaction weighs it by cost
            counts = Counter(chain.from_iterable(dict.fromkeys(b.approvals) for b in ballots))
            weight = self.costs if sat == "cost" else [1] * len(self.ids)
            self.total_sat = [counts[pid] * max(w, 0) for pid, w in zip(self.ids, weight, strict=True)]
            return
        if sat == "points" and election.vote_type in ("cumulative", "scoring"):
            # a ballot's points are its satisfaction: summed straight (zero points add nothing)
            summed: dict[str, int] = {}
            get = summed.get
            for ballot in ballots:
                for pid, u in (ballot.points or {}).items():
                    summed[pid] = get(pid, 0) + u
            self.total_sat = [summed.get(pid, 0) for pid in self.ids]
            return
        # other ballots: the satisfaction of each distinct ballot once, times how many cast it
        first: dict[Any, int] = {}
        many: Counter[Any] = Counter()
        for i, ballot in enumerate(ballots):
            key = ballot.ranking if election.vote_type == "ordinal" else tuple((ballot.points or {}).items())
            first.setdefault(key, i)
            many[key] += 1
        cost_of = dict(zip(self.ids, self.costs, strict=True))
        totals = [0] * len(self.ids)
        for key, i in first.items():
            for pid, u in satisfaction_vector(election, ballots[i], sat, cost_of).items():
                totals[self.index[pid]] += u * many[key]
        self.total_sat = totals

    def money(self, amount: int | Fraction) -> Money:
        value = Fraction(amount) / self.scale
        return value.numerator if value.denominator == 1 else value
