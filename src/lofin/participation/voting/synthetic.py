"""Seeded synthetic elections for tests and benchmarks: project popularity follows a Zipf-like skew and ballots are
short, as in city-wide PB votes (Warszawa, Wrocław: a few projects per ballot out of a hundred or more)."""

from __future__ import annotations

import random

from .model import Ballot, Election, Project


def synthetic_election(
    *,
    seed: int,
    n_voters: int,
    n_projects: int,
    vote_type: str = "approval",
    mean_length: float = 4.0,
    max_length: int | None = None,
    budget_share: float = 0.3,
    skew: float = 1.0,
    cost_range: tuple[int, int] = (10_000, 2_000_000),
    max_points: int = 10,
) -> Election:
    rng = random.Random(seed)
    projects = [
        Project(id=str(i + 1), cost=rng.randrange(cost_range[0], cost_range[1] + 1, 100) if cost_range[1] else 0)
        for i in range(n_projects)
    ]
    weights = [1 / (rank + 1) ** skew for rank in range(n_projects)]
    rng.shuffle(weights)
    ids = [p.id for p in projects]
    cap = min(max_length or n_projects, n_projects)
    ballots: list[Ballot] = []
    for v in range(n_voters):
        length = min(cap, max(1, int(rng.expovariate(1 / mean_length)) + 1))
        chosen: list[str] = []
        seen: set[str] = set()
        while len(chosen) < length:
            p = rng.choices(ids, weights)[0]
            if p not in seen:
                seen.add(p)
                chosen.append(p)
        voter = f"v{v + 1}"
        if vote_type in ("cumulative", "scoring"):
            ballots.append(Ballot(voter, points={p: rng.randint(1, max_points) for p in chosen}))
        elif vote_type == "ordinal":
            ballots.append(Ballot(voter, ranking=tuple(chosen)))
        else:
            ballots.append(Ballot(voter, approvals=tuple(chosen)))
    total = sum(p.cost for p in projects)
    return Election(
        budget=int(total * budget_share),
        projects=projects,
        ballots=ballots,
        vote_type=vote_type,
        meta={"description": f"synthetic seed={seed}"},
        max_length=max_length,
    )
