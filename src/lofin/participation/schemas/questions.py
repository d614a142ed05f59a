from __future__ import annotations

import datetime as dt

from ninja import Schema

from lofin.core.types import Id, Text

from ..models import Question


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

    @staticmethod
    def resolve_department(obj: Question) -> str:
        return obj.department.name if obj.department else ""

    @staticmethod
    def resolve_overdue(obj: Question) -> bool:
        return obj.is_overdue

    @staticmethod
    def resolve_answer(obj: Question) -> str | None:
        answer = getattr(obj, "answer", None)
        return answer.body if answer else None

    @staticmethod
    def resolve_answered_at(obj: Question) -> dt.datetime | None:
        answer = getattr(obj, "answer", None)
        return answer.answered_at if answer else None
