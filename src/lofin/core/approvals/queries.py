"""Tenant-scoped reads for approval lines: inboxes, policies, default lines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from lofin.core import clock
from lofin.core.errors import InvalidInput, NotFound
from lofin.core.models import (
    ApprovalPolicy,
    ApprovalRequest,
    ApprovalStep,
    Delegation,
    LocalGovernment,
    Official,
    StepKind,
    StepStatus,
    User,
)
from lofin.core.permissions import VIEW_AUDIT_TRAIL, has_permission, roles_by_government
from lofin.core.roles import Position

from . import registry
from .rules import Band, PlannedStep, required_position

WILDCARD = "*"


class NamedStep(Protocol):
    """A step of an approval line naming its person by user name (`core.schemas.LineStepIn`)."""

    kind: str
    username: str


def people_on_line(steps: Sequence[NamedStep]) -> list[tuple[str, User]]:
    """An approval line sent by user name (`core.schemas.LineStepIn`) as (step kind, person) pairs."""
    people = {u.username: u for u in User.objects.filter(username__in=[s.username for s in steps])}
    line = []
    for step in steps:
        if step.username not in people:
            raise InvalidInput(_("Unknown user %(name)s on the approval line.") % {"name": step.username})
        line.append((step.kind, people[step.username]))
    return line


def bands_for(government: LocalGovernment, doc_kind: str) -> list[Band]:
    """The government's own rules for the kind, else the national ones, else the '*' rules likewise."""
    rows = list(
        ApprovalPolicy.objects.filter(
            Q(government=government) | Q(government__isnull=True), doc_kind__in=[doc_kind, WILDCARD]
        ).values_list("government_id", "doc_kind", "max_amount", "final_position")
    )
    for kind in (doc_kind, WILDCARD):
        for own in (True, False):
            picked = [
                Band(max_amount, position)
                for gov_id, k, max_amount, position in rows
                if k == kind and (gov_id == government.pk) == own
            ]
            if picked:
                return picked
    return []


def required_position_for(government: LocalGovernment, doc_kind: str, amount: int | None) -> int:
    """The government's 위임전결 rules for the kind, raised to the kind's own floor (`DocumentKind.min_position`)."""
    kind = registry.KINDS.get(doc_kind)
    return max(required_position(bands_for(government, doc_kind), amount), kind.min_position if kind else 0)


def active_delegations(at: dt.datetime | None = None) -> QuerySet[Delegation]:
    at = at or clock.now()
    return Delegation.objects.filter(starts_at__lte=at, ends_at__gt=at, revoked_at__isnull=True)


def delegators_of(substitute: User, at: dt.datetime | None = None) -> list[tuple[int, int]]:
    """(delegator_id, government_id) pairs for which `substitute` may act now."""
    return list(active_delegations(at).filter(substitute=substitute).values_list("delegator_id", "government_id"))


def substitutes_for(user_id: int, government: LocalGovernment, at: dt.datetime | None = None) -> list[int]:
    return list(
        active_delegations(at)
        .filter(delegator_id=user_id, government=government)
        .values_list("substitute_id", flat=True)
    )


def _current_government_ids(user: User) -> list[int]:
    return [gid for gid in roles_by_government(user) if gid is not None]


def inbox(user: User) -> QuerySet[ApprovalStep]:
    """Steps waiting for this person's decision, in person or as an acting approver (대결), in the governments
    where they hold a current role (someone who left a government no longer sees its documents)."""
    condition = Q(assignee=user)
    for delegator_id, government_id in delegators_of(user):
        condition |= Q(assignee_id=delegator_id, request__government_id=government_id)
    return (
        ApprovalStep.objects.filter(
            condition, status=StepStatus.PENDING, request__government_id__in=_current_government_ids(user)
        )
        .select_related("request", "request__government", "request__drafter", "assignee")
        .order_by("request__created_at")
    )


def awaiting_post_review(user: User) -> QuerySet[ApprovalStep]:
    """후결: steps a substitute decided for this person, not yet confirmed by them."""
    return ApprovalStep.objects.filter(assignee=user, mode="substitute", post_review_at__isnull=True).select_related(
        "request", "acted_by"
    )


def drafted_by(user: User) -> QuerySet[ApprovalRequest]:
    return ApprovalRequest.objects.filter(drafter=user, government_id__in=_current_government_ids(user)).select_related(
        "government"
    )


def visible_request(user: User, request_id: int) -> ApprovalRequest:
    """A request is visible to its drafter, everyone on its line, whoever acted on it, and the auditors of its
    government. Anyone else gets NotFound, as if it did not exist."""
    try:
        request = ApprovalRequest.objects.select_related("government", "drafter").get(pk=request_id)
    except (ApprovalRequest.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound() from None
    if request.government_id not in roles_by_government(user):
        raise NotFound()
    involved = request.drafter_id == user.pk or request.steps.filter(Q(assignee=user) | Q(acted_by=user)).exists()
    if not involved:
        delegator_ids = [d for d, g in delegators_of(user) if g == request.government_id]
        involved = request.steps.filter(assignee_id__in=delegator_ids).exists()
    if not involved and not has_permission(user, VIEW_AUDIT_TRAIL, request.government):
        raise NotFound()
    return request


def post_of(user: User, government: LocalGovernment) -> Official | None:
    return Official.objects.filter(user=user, government=government).select_related("department").first()


def positions(user_ids: list[int], government: LocalGovernment) -> dict[int, int]:
    return dict(Official.objects.filter(government=government, user_id__in=user_ids).values_list("user_id", "position"))


def default_line(government: LocalGovernment, drafter: User, *, doc_kind: str, amount: int | None) -> list[PlannedStep]:
    """The usual line from the org chart: the drafter, then one person per higher position up the drafter's
    department chain, ending with the first person whose position may decide this document."""
    required = required_position_for(government, doc_kind, amount)
    post = post_of(drafter, government)
    drafter_position = post.position if post else Position.STAFF
    # Nobody decides their own draft: a drafter who could decide it goes to the next position up.
    target = required if drafter_position < required else min(drafter_position + 1, Position.HEAD)
    steps = [PlannedStep(StepKind.DRAFT, drafter.pk, drafter_position)]
    department = post.department if post else None
    level = drafter_position
    seen = {drafter.pk}
    while department is not None:
        candidates = (
            Official.objects.filter(government=government, department=department, position__gt=level)
            .exclude(user_id__in=seen)
            .filter(user__is_active=True)
            .order_by("position", "user_id")
        )
        for candidate in candidates:
            if candidate.position <= level:
                continue
            kind = StepKind.APPROVE if candidate.position >= target else StepKind.REVIEW
            steps.append(PlannedStep(kind, candidate.user_id, candidate.position))
            seen.add(candidate.user_id)
            level = candidate.position
            if kind == StepKind.APPROVE:
                return steps
        department = department.parent
    top = (
        Official.objects.filter(government=government, position__gte=target, user__is_active=True)
        .exclude(user_id__in=seen)
        .order_by("position", "user_id")
        .first()
    )
    if top is not None:
        steps.append(PlannedStep(StepKind.APPROVE, top.user_id, top.position))
    return steps
