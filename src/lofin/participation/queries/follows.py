"""Who follows a proposal, and what a person follows."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from lofin.core.models import LocalGovernment, User

from ..models import Follow, Proposal


def followers(proposal_id: int, *, exclude: User | None = None) -> list[User]:
    qs = Follow.objects.filter(proposal_id=proposal_id).select_related("user").order_by("id")
    if exclude is not None and exclude.pk:
        qs = qs.exclude(user_id=exclude.pk)
    return [f.user for f in qs if f.user.is_active]


def is_following(proposal: Proposal, user: User | AnonymousUser) -> bool:
    return isinstance(user, User) and Follow.objects.filter(proposal=proposal, user=user).exists()


def followed(government: LocalGovernment, user: User) -> QuerySet[Follow]:
    """What the person follows in the government, newest first."""
    return Follow.objects.filter(government=government, user=user).select_related("proposal").order_by("-id")
