from __future__ import annotations

import datetime as dt

from ninja import Schema


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


class DecisionIn(Schema):
    comment: str = ""


class RejectIn(Schema):
    reason: str


class NotificationOut(Schema):
    id: int
    event: str
    title: str
    body: str
    url: str
    created_at: dt.datetime
    read: bool


class ReadIn(Schema):
    ids: list[int] | None = None


class CountOut(Schema):
    updated: int
