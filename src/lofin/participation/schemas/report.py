from __future__ import annotations

from ninja import Schema


class ParticipationReportOut(Schema):
    cycle_id: int
    year: int
    title: str
    total_amount: int
    proposals: int
    reviewed: int
    feasible: int
    shortlisted: int
    selected: int
    adopted: int
    online: int
    paper: int
    in_person: int
    ballots: int
    replaced: int
    eligible: int
    turnout_pct: str
    adopted_amount: int
    executed_amount: int
