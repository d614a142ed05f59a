"""What the budget endpoints share: the version or line an address names, and who may read or write it."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model
from django.http import HttpRequest

from lofin.core.errors import NotFound
from lofin.core.http import AuthedRequest
from lofin.core.tenancy import access_government, government_by_code
from lofin.core.types import checked_year

from ..models import BudgetVersion
from ..queries import versions as queries

M = TypeVar("M", bound=Model)


def readable(request: HttpRequest, code: str, year: int, number: int | None) -> BudgetVersion:
    """A version anyone may read once confirmed; one being prepared only the government's officials."""
    return queries.version_for(request.user, government_by_code(code), checked_year(year), number)  # type: ignore[arg-type]


def writable_version(request: AuthedRequest, version_id: int) -> BudgetVersion:
    version = BudgetVersion.objects.select_related("government").filter(pk=version_id).first()
    if version is None:
        raise NotFound()
    access_government(request.user, version.government.code)
    return version


def writable_line(request: AuthedRequest, model: type[M], line_id: int) -> M:
    line = model._default_manager.select_related("government").filter(pk=line_id).first()
    if line is None:
        raise NotFound()
    access_government(request.user, line.government.code)  # type: ignore[attr-defined]
    return line
