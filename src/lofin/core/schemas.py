from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.db.models import QuerySet
from ninja import Schema
from pydantic import Field

from lofin.core.models import ApprovalRequest, ApprovalStep, Membership, Notification, User
from lofin.core.roles import Role
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

    @staticmethod
    def resolve_government(membership: Membership) -> str | None:
        return membership.government.code if membership.government else None

    @staticmethod
    def resolve_role_label(membership: Membership) -> str:
        return str(Role(membership.role).label)


class MeOut(Schema):
    username: str
    display_name: str
    account_type: str
    language: str
    memberships: list[MembershipOut]

    @staticmethod
    def resolve_username(user: User) -> str:
        return user.get_username()

    @staticmethod
    def resolve_language(user: User) -> str:
        return user.preferred_language

    @staticmethod
    def resolve_memberships(user: User) -> QuerySet[Membership]:
        return user.memberships.current().select_related("government").order_by("government__code", "role")


class StepOut(Schema):
    order: int
    kind: str
    assignee: str
    status: str
    acted_by: str | None
    mode: str
    comment: str
    acted_at: dt.datetime | None

    @staticmethod
    def resolve_assignee(step: ApprovalStep) -> str:
        return step.assignee.get_username()

    @staticmethod
    def resolve_acted_by(step: ApprovalStep) -> str | None:
        return step.acted_by.get_username() if step.acted_by else None


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

    @staticmethod
    def resolve_government(request: ApprovalRequest) -> str:
        return request.government.code

    @staticmethod
    def resolve_drafter(request: ApprovalRequest) -> str:
        return request.drafter.get_username()

    @staticmethod
    def resolve_steps(request: ApprovalRequest) -> QuerySet[ApprovalStep]:
        return request.steps.select_related("assignee", "acted_by").order_by("order")


class InboxItemOut(Schema):
    request_id: int
    government: str
    title: str
    amount: int | None
    drafter: str
    step: int
    kind: str
    acting_for: str | None

    @staticmethod
    def resolve_step(step: ApprovalStep) -> int:
        return step.order

    @staticmethod
    def resolve_government(step: ApprovalStep) -> str:
        return step.request.government.code

    @staticmethod
    def resolve_title(step: ApprovalStep) -> str:
        return step.request.title

    @staticmethod
    def resolve_amount(step: ApprovalStep) -> int | None:
        return step.request.amount

    @staticmethod
    def resolve_drafter(step: ApprovalStep) -> str:
        return step.request.drafter.get_username()

    @staticmethod
    def resolve_acting_for(step: ApprovalStep, context: dict[str, Any]) -> str | None:
        """Whose step it is, when the caller decides it for them (대결)."""
        return step.assignee.get_username() if step.assignee_id != context["request"].user.pk else None


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

    @staticmethod
    def resolve_read(notification: Notification) -> bool:
        return notification.read_at is not None


class ReadIn(Schema):
    """The notifications to mark read; send `"all": true` to mark every one."""

    ids: list[Id] = Field(default_factory=list, max_length=1000)
    all: bool = False


class CountOut(Schema):
    updated: int
