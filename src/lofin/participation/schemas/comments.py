from __future__ import annotations

import datetime as dt

from ninja import Schema

from lofin.core.types import Text

from ..models import Comment


class CommentIn(Schema):
    body: Text(2000)  # type: ignore[valid-type]


class CommentOut(Schema):
    id: int
    author: str
    body: str
    created_at: dt.datetime

    @staticmethod
    def resolve_author(obj: Comment) -> str:
        return str(obj.author)

    @staticmethod
    def resolve_body(obj: Comment) -> str:
        # A comment an official hid keeps its place in the thread without its words.
        return "" if obj.hidden_reason else obj.body
