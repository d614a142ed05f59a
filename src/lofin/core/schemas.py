from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Schema
from pydantic import Field

from lofin.core.types import Id, Text


class GovernmentOut(Schema):
    code: str
    name: str
    short_name: str
    sido: str
    level: str
    kind: str
    parent_code: str
    legal_dong_code: str


class MembershipOut(Schema):
    government: str | None
    role: str
    role_label: str


class MeOut(Schema):
    username: str
    display_name: str
    account_type: str
    language: str
    memberships: list[MembershipOut]


class StepOut(Schema):
    order: int
    kind: str
    assignee: str
    status: str
    acted_by: str | None
    mode: str
    comment: str
    acted_at: dt.datetime | None


class ApprovalOut(Schema):
    id: int
    government: str
    doc_kind: str
    title: str
    amount: int | None
    drafter: str
    status: str
    required_position: int
    created_at: dt.datetime
    decided_at: dt.datetime | None
    steps: list[StepOut]


class InboxItemOut(Schema):
    request_id: int
    government: str
    title: str
    amount: int | None
    drafter: str
    step: int
    kind: str
    acting_for: str | None


class LineStepIn(Schema):
    """One step of an approval line after the drafter, by user name."""

    kind: Annotated[str, Field(pattern="^(review|cooperate|approve)$")]
    username: Text(150)  # type: ignore[valid-type]


# The steps after the drafter: reviews and cooperations, then the final approval.
ApprovalLine = Annotated[list[LineStepIn], Field(min_length=1, max_length=10)]


class DecisionIn(Schema):
    comment: Text(2000) = ""  # type: ignore[valid-type]


class RejectIn(Schema):
    reason: Text(2000)  # type: ignore[valid-type]


class NotificationOut(Schema):
    id: int
    event: str
    title: str
    body: str
    url: str
    created_at: dt.datetime
    read: bool


class ReadIn(Schema):
    """The notifications to mark read; send `"all": true` to mark every one."""

    ids: list[Id] = Field(default_factory=list, max_length=1000)
    all: bool = False


class CountOut(Schema):
    updated: int
