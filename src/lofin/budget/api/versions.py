"""Budget versions of a year: read (confirmed ones are public), opened, compared, and their deadlines."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status

from lofin.core.auth import optional_bearer
from lofin.core.http import AuthedRequest
from lofin.core.permissions import has_permission
from lofin.core.tenancy import access_government, government_by_code
from lofin.core.types import checked_year

from ..access import VIEW
from ..actions import setup, supplementary
from ..models import BudgetVersion, VersionStatus
from ..queries import supplementary as diffs
from ..queries import versions as queries
from ..rules import council as council_rules
from ..schemas.versions import DeadlinesOut, DiffOut, OpenIn, SummaryOut, VersionOut
from .common import readable

router = Router()


@router.get(
    "/budget/{code}/{year}/versions",
    response=list[VersionOut],
    auth=optional_bearer,
    summary="Budget versions of a year",
)
def list_versions(request: HttpRequest, code: str, year: int) -> list[BudgetVersion]:
    government = government_by_code(code)
    qs = queries.versions(government, checked_year(year))
    if not has_permission(request.user, VIEW, government):
        qs = qs.filter(status=VersionStatus.CONFIRMED)
    return list(qs)


@router.get(
    "/budget/{code}/{year}", response=SummaryOut, auth=optional_bearer, summary="Totals, totals by 분야 and every line"
)
def show(request: HttpRequest, code: str, year: int, version: int | None = None) -> dict[str, Any]:
    """The same as `lofin budget show --json`: without `version`, the 본예산."""
    return queries.summary(readable(request, code, year, version))


@router.get(
    "/budget/{code}/{year}/diff",
    response=DiffOut,
    auth=optional_bearer,
    summary="A supplementary budget against its base",
)
def diff(request: HttpRequest, code: str, year: int, version: int) -> dict[str, Any]:
    return diffs.version_diff(readable(request, code, year, version))


@router.get(
    "/budget/{code}/{year}/deadlines", response=DeadlinesOut, auth=optional_bearer, summary="Statutory deadlines (§142)"
)
def deadlines(request: HttpRequest, code: str, year: int) -> dict[str, Any]:
    government = government_by_code(code)
    due = council_rules.deadlines(government.level, checked_year(year))
    original = queries.versions(government, year).filter(number=0).first()
    submitted = original.submitted_at if original else None
    voted = original.voted_on if original else None
    return {
        "bill_due": due.bill_due,
        "vote_due": due.vote_due,
        "submitted_at": submitted,
        "voted_on": voted,
        "bill_late": bool(submitted and timezone.localdate(submitted) > due.bill_due),
        "vote_late": bool(voted and voted > due.vote_due),
    }


@router.post("/budget/{code}/{year}/versions", response={201: VersionOut}, summary="Open the 본예산 or a 추경")
def open_version(request: AuthedRequest, code: str, year: int, payload: OpenIn) -> Status:
    government = access_government(request.user, code)
    if payload.kind == "original":
        version = setup.do_open_original(government, year=checked_year(year), actor=request.user)
    else:
        version = supplementary.do_open_supplementary(government, year=checked_year(year), actor=request.user)
    return Status(201, version)
