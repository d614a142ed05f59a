from __future__ import annotations

from typing import Annotated

from ninja import Schema
from pydantic import Field

from lofin.core.types import Id, PositiveWon


class AdoptIn(Schema):
    version_id: Id
    parent_id: Id
    object_code: Annotated[str, Field(min_length=1, max_length=20)]


class LinkIn(Schema):
    project_id: Id
    amount: PositiveWon
