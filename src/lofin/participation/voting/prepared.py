"""An election turned into integer arrays for one satisfaction measure: what every rule counts with.

Money inside the rules is integral. A pabulib file may carry decimal amounts (złoty with grosze: `budget;2828094.61`);
they are read exactly as `Fraction`s, and `Prepared` counts in the file's smallest unit: every cost and the budget are
multiplied by one per-file `scale` (the least common multiple of their denominators, 100 for grosze), which changes no
decision of any rule (greedy compares ratios and sums, MES prices scale with the money) except the step of mes-add1,
which stays one unit of the file's currency: `scale` internal units (`add1.py`). Outcomes are converted back
(`money`, `rho_out`), so an integer election (scale 1, the web app's won) is counted exactly as before.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import chain, pairwise
from typing import Any

import numpy as np

from .i18n import N_
from .model import Ballot, Election, Money, VotingError, money_scale, satisfaction_vector

# numpy counts satisfaction in int64: a project's total (supporters × cost with cost satisfaction) must stay below this
_INT64_SAFE = 2**62


class Prepared:
    """An election turned into integer arrays for one satisfaction measure.

    Ballots are grouped twice: first by their literal content (cheap: a tuple hash), then by satisfaction vector,
    so the satisfaction of each distinct ballot is computed once.
    """

    def __init__(self, election: Election, sat: str) -> None:
        self.election = election
        self.sat = sat
        self.ids = [p.id for p in election.projects]
        # one scale for the whole file: amounts in its smallest unit (1 for whole amounts, 100 for grosze)
        self.scale = money_scale(election)
        self.costs = [int(p.cost * self.scale) for p in election.projects]
        self.index = {pid: i for i, pid in enumerate(self.ids)}
        self.budget = int(election.budget * self.scale)
        self.n_voters = len(election.ballots)
        if sat == "cost" and max(self.costs, default=0) * self.n_voters >= _INT64_SAFE:
            raise VotingError(N_("The amounts are too large to count exactly (cost × voters must stay below 2^62)."))
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

    def money(self, amount: int | Fraction) -> Money:
        """An amount counted here (in the file's smallest unit) in the election's own unit: an int when whole."""
        value = Fraction(amount) / self.scale
        return value.numerator if value.denominator == 1 else value

    def rho_out(self, rho: Fraction) -> Fraction:
        """A price per unit of satisfaction in the election's money. With cost satisfaction the satisfaction is money
        too, so the scale cancels; otherwise it is money per point."""
        return rho if self.sat == "cost" else rho / self.scale

    def rho_in(self, rho: Fraction) -> Fraction:
        return rho if self.sat == "cost" else rho * self.scale
