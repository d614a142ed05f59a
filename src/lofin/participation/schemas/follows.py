from __future__ import annotations

import datetime as dt

from ninja import Schema

from ..models import Follow, ProposalStatus


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

    @staticmethod
    def resolve_cycle_id(obj: Follow) -> int:
        return obj.proposal.cycle_id

    @staticmethod
    def resolve_number(obj: Follow) -> int:
        return obj.proposal.number

    @staticmethod
    def resolve_title(obj: Follow) -> str:
        return obj.proposal.title

    @staticmethod
    def resolve_status(obj: Follow) -> str:
        return obj.proposal.status

    @staticmethod
    def resolve_status_label(obj: Follow) -> str:
        return str(ProposalStatus(obj.proposal.status).label)

    @staticmethod
    def resolve_status_reason(obj: Follow) -> str:
        return obj.proposal.status_reason

    @staticmethod
    def resolve_followed_at(obj: Follow) -> dt.datetime:
        return obj.created_at
