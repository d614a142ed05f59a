"""Core endpoints: the public registry of governments, the caller's profile, approvals and notifications."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from lofin.core import governments as registry
from lofin.core.approvals import actions as approval_actions
from lofin.core.approvals import queries as approval_queries
from lofin.core.errors import InvalidInput
from lofin.core.http import AuthedRequest
from lofin.core.models import ApprovalRequest, LocalGovernment
from lofin.core.notifications.actions import do_mark_read
from lofin.core.roles import Role
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
from lofin.core.types import IdParam

router = Router(tags=["core"])


class GovernmentFilter(Schema):
    as_of: dt.date | None = None
    level: str | None = None
    kind: str | None = None


@router.get("/governments", response=list[GovernmentOut], auth=None, summary="The 243 local governments")
def list_governments(request: HttpRequest, filters: Query[GovernmentFilter]) -> list[dict[str, str]]:
    """Public registry of local governments, as of a date if given (earlier names, parents and codes)."""
    qs = LocalGovernment.objects.active(filters.as_of).select_related("parent").prefetch_related("versions")
    rows = [registry.as_row(g, filters.as_of) for g in qs]
    if filters.level:
        rows = [r for r in rows if r["level"] == filters.level]
    if filters.kind:
        rows = [r for r in rows if r["kind"] == filters.kind]
    return rows


@router.get("/governments/{code}", response=GovernmentOut, auth=None, summary="One local government")
def get_government(request: HttpRequest, code: str, as_of: dt.date | None = None) -> dict[str, str]:
    return registry.as_row(government_by_code(code), as_of)


@router.get("/me", response=MeOut, summary="Who am I, and where may I act")
def me(request: AuthedRequest) -> dict[str, Any]:
    user = request.user
    memberships = user.memberships.current().select_related("government").order_by("government__code", "role")
    return {
        "username": user.get_username(),
        "display_name": user.display_name,
        "account_type": user.account_type,
        "language": user.preferred_language,
        "memberships": [
            {
                "government": m.government.code if m.government else None,
                "role": m.role,
                "role_label": str(Role(m.role).label),
            }
            for m in memberships
        ],
    }


def _approval(request_obj: ApprovalRequest) -> dict[str, Any]:
    steps = request_obj.steps.select_related("assignee", "acted_by").order_by("order")
    return {
        "id": request_obj.pk,
        "government": request_obj.government.code,
        "doc_kind": request_obj.doc_kind,
        "title": request_obj.title,
        "amount": request_obj.amount,
        "drafter": request_obj.drafter.get_username(),
        "status": request_obj.status,
        "required_position": request_obj.required_position,
        "created_at": request_obj.created_at,
        "decided_at": request_obj.decided_at,
        "steps": [
            {
                "order": s.order,
                "kind": s.kind,
                "assignee": s.assignee.get_username(),
                "status": s.status,
                "acted_by": s.acted_by.get_username() if s.acted_by else None,
                "mode": s.mode,
                "comment": s.comment,
                "acted_at": s.acted_at,
            }
            for s in steps
        ],
    }


@router.get("/approvals/inbox", response=list[InboxItemOut], summary="Documents waiting for my decision")
def inbox(request: AuthedRequest) -> list[dict[str, Any]]:
    return [
        {
            "request_id": s.request_id,
            "government": s.request.government.code,
            "title": s.request.title,
            "amount": s.request.amount,
            "drafter": s.request.drafter.get_username(),
            "step": s.order,
            "kind": s.kind,
            "acting_for": s.assignee.get_username() if s.assignee_id != request.user.pk else None,
        }
        for s in approval_queries.inbox(request.user)
    ]


@router.get("/approvals/{request_id}", response=ApprovalOut, summary="One document on an approval line")
def get_approval(request: AuthedRequest, request_id: IdParam) -> dict[str, Any]:
    return _approval(approval_queries.visible_request(request.user, request_id))


@router.post("/approvals/{request_id}/approve", response=ApprovalOut, summary="Approve the step waiting for me")
def approve(request: AuthedRequest, request_id: IdParam, payload: DecisionIn) -> dict[str, Any]:
    return _approval(approval_actions.do_approve(request_id, actor=request.user, comment=payload.comment))


@router.post("/approvals/{request_id}/reject", response=ApprovalOut, summary="Return the document (반려)")
def reject(request: AuthedRequest, request_id: IdParam, payload: RejectIn) -> dict[str, Any]:
    return _approval(approval_actions.do_reject(request_id, actor=request.user, reason=payload.reason))


@router.get("/notifications", response=list[NotificationOut], summary="My latest notifications")
def notifications(request: AuthedRequest, unread: bool = False) -> list[dict[str, Any]]:
    qs = request.user.notifications.all()
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return [
        {
            "id": n.pk,
            "event": n.event,
            "title": n.title,
            "body": n.body,
            "url": n.url,
            "created_at": n.created_at,
            "read": n.read_at is not None,
        }
        for n in qs[:100]
    ]


@router.post("/notifications/read", response=CountOut, summary="Mark my notifications read")
def mark_read(request: AuthedRequest, payload: ReadIn) -> dict[str, int]:
    if not payload.all and not payload.ids:
        raise InvalidInput(_("List the notifications to mark read, or send all: true."), field="ids")
    return {"updated": do_mark_read(request.user, None if payload.all else payload.ids)}
