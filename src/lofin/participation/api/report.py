"""주민참여예산 운영결과 of a budget year (지방재정법 §60)."""

from __future__ import annotations

from ninja import Router

from lofin.core.http import AuthedRequest
from lofin.core.types import checked_year

from ..queries import report
from ..schemas.report import ParticipationReportOut
from .common import PREFIX, government_of

router = Router()


@router.get(PREFIX + "/report", response=list[ParticipationReportOut], summary="주민참여예산 운영결과 of a budget year")
def get_report(request: AuthedRequest, government: str, year: int) -> list[report.CycleReport]:
    gov = government_of(request, government)
    return report.annual_report(gov, checked_year(year))
