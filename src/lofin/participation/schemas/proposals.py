from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field

from lofin.core.types import Id, PositiveWon, Text

from ..models import Proposal, StatusEvent
from ..queries import proposals as queries
from .comments import CommentOut


class ProposalIn(Schema):
    title: Text(120)  # type: ignore[valid-type]
    description: Text(5000)  # type: ignore[valid-type]
    cost: PositiveWon
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

    @staticmethod
    def resolve_district(obj: Proposal) -> str:
        return obj.district.name if obj.district_id and obj.district else ""

    @staticmethod
    def resolve_department(obj: Proposal) -> str:
        return obj.department.name if obj.department_id and obj.department else ""

    @staticmethod
    def resolve_status_label(obj: Proposal) -> str:
        return str(obj.get_status_display())


class EventOut(Schema):
    from_status: str
    to_status: str
    label: str
    reason: str
    at: dt.datetime

    @staticmethod
    def resolve_label(obj: StatusEvent) -> str:
        return str(obj.get_to_status_display())


class ProposalDetailOut(ProposalOut):
    description: str
    latitude: float | None
    longitude: float | None
    photos: list[str]
    events: list[EventOut]
    comments: list[CommentOut]
    tracking: dict[str, Any]

    @staticmethod
    def resolve_latitude(obj: Proposal) -> float | None:
        return float(obj.latitude) if obj.latitude is not None else None

    @staticmethod
    def resolve_longitude(obj: Proposal) -> float | None:
        return float(obj.longitude) if obj.longitude is not None else None

    @staticmethod
    def resolve_photos(obj: Proposal) -> list[str]:
        return [photo.image.url for photo in obj.photos.all()]

    @staticmethod
    def resolve_events(obj: Proposal) -> list[StatusEvent]:
        return list(queries.events(obj))

    @staticmethod
    def resolve_comments(obj: Proposal) -> list[Any]:
        return list(obj.comments.select_related("author"))

    @staticmethod
    def resolve_tracking(obj: Proposal) -> dict[str, Any]:
        return queries.tracking(obj)
