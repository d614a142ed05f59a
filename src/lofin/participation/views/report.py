"""주민참여예산 운영결과 of a budget year as XLSX, for 지방재정365 (지방재정법 §60)."""

from __future__ import annotations

from django.http import HttpResponse
from django.views.decorators.http import require_GET

from lofin.core import clock
from lofin.core.http import TenantRequest
from lofin.core.permissions import VIEW_WORKSPACE, require
from lofin.core.types import is_ascii_digits, year_in_range

from ..queries import report


@require_GET
def report_xlsx(request: TenantRequest, gov_code: str) -> HttpResponse:
    """주민참여예산 운영결과 of a budget year, for 지방재정365 (this year's when the address names none or no year)."""
    require(request.user, VIEW_WORKSPACE, request.government)
    text = request.GET.get("year", "")
    year = int(text) if is_ascii_digits(text) and year_in_range(int(text)) else clock.today().year
    body = report.report_xlsx(request.government, year)
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="participation_{request.government.code}_{year}.xlsx"'
    return response
