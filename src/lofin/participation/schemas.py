from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field

from lofin.core.types import Id, Text

Won = Annotated[int, Field(ge=1, le=10**15)]
Points = Annotated[int, Field(ge=1, le=10**6)]


class PhaseOut(Schema):
    kind: str
    label: str
    starts_on: dt.date
    ends_on: dt.date


class DistrictOut(Schema):
    id: int
    kind: str
    code: str
    name: str
    amount: int | None


class CycleOut(Schema):
    id: int
    government: str
    year: int
    title: str
    total_amount: int
    ballot_kind: str
    max_choices: int | None
    min_choices: int
    max_points: int | None
    rule: str
    satisfaction: str
    min_age: int
    eligible: list[str]
    status: str
    phase: str
    phase_label: str


class CycleDetailOut(CycleOut):
    description: str
    phases: list[PhaseOut]
    districts: list[DistrictOut]


class ProposalIn(Schema):
    title: Text(120)  # type: ignore[valid-type]
    description: Text(5000)  # type: ignore[valid-type]
    cost: Won
    location: Text(200) = ""  # type: ignore[valid-type]
    latitude: Annotated[float, Field(ge=-90, le=90)] | None = None
    longitude: Annotated[float, Field(ge=-180, le=180)] | None = None
    district_id: Id | None = None


class ProposalOut(Schema):
    id: int
    cycle_id: int
    number: int
    title: str
    cost: int
    reviewed_cost: int | None
    location: str
    district: str
    department: str
    status: str
    status_label: str
    status_reason: str
    votes: int


class EventOut(Schema):
    from_status: str
    to_status: str
    label: str
    reason: str
    at: dt.datetime


class CommentOut(Schema):
    id: int
    author: str
    body: str
    created_at: dt.datetime


class ProposalDetailOut(ProposalOut):
    description: str
    latitude: float | None
    longitude: float | None
    photos: list[str]
    events: list[EventOut]
    comments: list[CommentOut]
    tracking: dict[str, Any]


class CommentIn(Schema):
    body: Text(2000)  # type: ignore[valid-type]


class BallotIn(Schema):
    approvals: list[Id] = Field(default_factory=list, max_length=500)
    points: dict[Id, Points] | None = None
    ranking: list[Id] = Field(default_factory=list, max_length=500)


class PaperBallotIn(BallotIn):
    name: Text(60)  # type: ignore[valid-type]
    birth_date: Annotated[dt.date, Field(ge=dt.date(1900, 1, 1), le=dt.date(2100, 12, 31))]
    sex_digit: Annotated[str, Field(pattern=r"^[1-8]$")]
    channel: Annotated[str, Field(pattern=r"^(paper|in_person)$")] = "paper"


class BallotOut(Schema):
    id: int
    cycle_id: int
    channel: str
    cast_on: dt.date
    choices: list[int]


class ResultOut(Schema):
    id: int
    district: str
    rule: str
    satisfaction: str
    budget: int
    winners: list[int]
    total_cost: int
    voter_count: int
    digest: str
    computed_at: dt.datetime
    explanation: dict[str, Any]


class OverrideOut(Schema):
    proposal_id: int
    action: str
    reason: str
    decided_at: dt.datetime


class ResultsOut(Schema):
    cycle_id: int
    results: list[ResultOut]
    overrides: list[OverrideOut]
    selected: list[int]


class VoterExplanationOut(Schema):
    district: str
    winners: list[int]
    explanation: dict[str, Any]


class QuestionIn(Schema):
    title: Text(120)  # type: ignore[valid-type]
    body: Text(4000)  # type: ignore[valid-type]
    cycle_id: Id | None = None
    proposal_id: Id | None = None


class AnswerIn(Schema):
    body: Text(4000)  # type: ignore[valid-type]


class QuestionOut(Schema):
    id: int
    title: str
    body: str
    department: str
    asked_at: dt.datetime
    due_on: dt.date
    overdue: bool
    answer: str | None
    answered_at: dt.datetime | None


class VerificationStartIn(Schema):
    name: Text(60)  # type: ignore[valid-type]
    birth_date: Annotated[dt.date, Field(ge=dt.date(1900, 1, 1), le=dt.date(2100, 12, 31))]
    sex_digit: Annotated[str, Field(pattern=r"^[1-8]$")]
    carrier: Annotated[str, Field(pattern=r"^(SKT|KT|LGU|SKM|KTM|LGM)$")]
    phone: Text(20)  # type: ignore[valid-type]


class VerificationStartOut(Schema):
    token: str
    expires_in: int
    test_code: str


class VerificationConfirmIn(Schema):
    token: Text(500)  # type: ignore[valid-type]
    code: Text(6)  # type: ignore[valid-type]


class ResidentOut(Schema):
    verified_name: str
    method: str
    verified_at: dt.datetime
    basis: str
    on_resident_list: bool


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


# --- the officials' steps (api_manage) and following ------------------------------------------------------------


class ReviewStartIn(Schema):
    department_id: Id | None = None


class ReviewIn(Schema):
    feasible: bool
    reason: Text(500)  # type: ignore[valid-type]
    reviewed_cost: Won | None = None


class ScoreIn(Schema):
    """Points per criterion: necessity ≤ 30, feasibility ≤ 30, benefit ≤ 25, cost ≤ 15."""

    scores: dict[Annotated[str, Field(max_length=20)], Annotated[int, Field(ge=0, le=100)]] = Field(max_length=10)
    comment: Text(500) = ""  # type: ignore[valid-type]


class ScoreOut(Schema):
    proposal_id: int
    member: str
    scores: dict[str, int]
    total: int
    comment: str


class ShortlistIn(Schema):
    shortlisted: bool
    reason: Text(500) = ""  # type: ignore[valid-type]


class AdvanceIn(Schema):
    to: Annotated[str, Field(max_length=20)] | None = None


class OverrideIn(Schema):
    proposal_id: Id
    action: Annotated[str, Field(pattern=r"^(add|remove)$")]
    reason: Text(500)  # type: ignore[valid-type]


class AdoptIn(Schema):
    version_id: Id
    parent_id: Id
    object_code: Annotated[str, Field(min_length=1, max_length=20)]


class LinkIn(Schema):
    project_id: Id
    amount: Won


class FollowOut(Schema):
    proposal_id: int
    following: bool


class FollowedOut(Schema):
    proposal_id: int
    cycle_id: int
    number: int
    title: str
    status: str
    status_label: str
    status_reason: str
    followed_at: dt.datetime
