from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Schema
from pydantic import Field

from lofin.core.types import Text

from ..models import Resident
from .ballots import BirthDate, SexDigit


class VerificationStartIn(Schema):
    name: Text(60)  # type: ignore[valid-type]
    birth_date: BirthDate
    sex_digit: SexDigit
    carrier: Annotated[str, Field(pattern=r"^(SKT|KT|LGU|SKM|KTM|LGM)$")]
    phone: Text(20)  # type: ignore[valid-type]


class VerificationStartOut(Schema):
    token: str
    expires_in: int
    test_code: str


class VerificationConfirmIn(Schema):
    token: Text(500)  # type: ignore[valid-type]
    code: Text(6)  # type: ignore[valid-type]


class ResidentOut(Schema):
    verified_name: str
    method: str
    verified_at: dt.datetime
    basis: str
    on_resident_list: bool

    @staticmethod
    def resolve_on_resident_list(obj: Resident) -> bool:
        return bool(obj.basis)
