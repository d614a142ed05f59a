"""Core endpoints: the public registry of governments, the caller's profile, approvals and notifications."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from lofin.core.approvals import actions as approval_actions
from lofin.core.approvals import queries as approval_queries
from lofin.core.errors import InvalidInput
from lofin.core.http import AuthedRequest
from lofin.core.models import ApprovalRequest, ApprovalStep, GovernmentVersion, LocalGovernment, Notification, User
from lofin.core.notifications.actions import do_mark_read
from lofin.core.schemas import (
    ApprovalOut,
    CountOut,
    DecisionIn,
    GovernmentOut,
    InboxItemOut,
    MeOut,
    NotificationOut,
    ReadIn,
    RejectIn,
)
from lofin.core.tenancy import government_by_code
from lofin.core.types import Id

router = Router(tags=["core"])


class GovernmentFilter(Schema):
    as_of: dt.date | None = None
    level: str | None = None
    kind: str | None = None


@router.get("/governments", response=list[GovernmentOut], auth=None, summary="The 243 local governments")
def list_governments(
    request: HttpRequest, filters: Query[GovernmentFilter]
) -> list[LocalGovernment | GovernmentVersion]:
    """Public registry of local governments, as of a date if given (earlier names, parents and codes)."""
    qs = LocalGovernment.objects.active(filters.as_of).select_related("parent").prefetch_related("versions")
    states = [g.as_of(filters.as_of) for g in qs]
    return [
        s
        for s in states
        if (not filters.level or s.level == filters.level) and (not filters.kind or s.kind == filters.kind)
    ]


@router.get("/governments/{code}", response=GovernmentOut, auth=None, summary="One local government")
def get_government(
    request: HttpRequest, code: str, as_of: dt.date | None = None
) -> LocalGovernment | GovernmentVersion:
    return government_by_code(code).as_of(as_of)


@router.get("/me", response=MeOut, summary="Who am I, and where may I act")
def me(request: AuthedRequest) -> User:
    return request.user


@router.get("/approvals/inbox", response=list[InboxItemOut], summary="Documents waiting for my decision")
def inbox(request: AuthedRequest) -> QuerySet[ApprovalStep]:
    return approval_queries.inbox(request.user)


@router.get("/approvals/{request_id}", response=ApprovalOut, summary="One document on an approval line")
def get_approval(request: AuthedRequest, request_id: Id) -> ApprovalRequest:
    return approval_queries.visible_request(request.user, request_id)


@router.post("/approvals/{request_id}/approve", response=ApprovalOut, summary="Approve the step waiting for me")
def approve(request: AuthedRequest, request_id: Id, payload: DecisionIn) -> ApprovalRequest:
    return approval_actions.do_approve(request_id, actor=request.user, comment=payload.comment)


@router.post("/approvals/{request_id}/reject", response=ApprovalOut, summary="Return the document (반려)")
def reject(request: AuthedRequest, request_id: Id, payload: RejectIn) -> ApprovalRequest:
    return approval_actions.do_reject(request_id, actor=request.user, reason=payload.reason)


@router.get("/notifications", response=list[NotificationOut], summary="My latest notifications")
def notifications(request: AuthedRequest, unread: bool = False) -> QuerySet[Notification]:
    qs = request.user.notifications.all()
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return qs[:100]


@router.post("/notifications/read", response=CountOut, summary="Mark my notifications read")
def mark_read(request: AuthedRequest, payload: ReadIn) -> CountOut:
    if not payload.all and not payload.ids:
        raise InvalidInput(_("List the notifications to mark read, or send all: true."), field="ids")
    return CountOut(updated=do_mark_read(request.user, None if payload.all else payload.ids))
