"""A department's request: its lines with 산출근거, and its submission on an approval line."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Status

from lofin.core.approvals.queries import people_on_line
from lofin.core.auth import optional_bearer
from lofin.core.errors import InvalidInput, NotFound
from lofin.core.http import AuthedRequest
from lofin.core.models import Department

from ..actions import requests as actions
from ..models import ExpenditureLine, Project
from ..schemas.requests import DepartmentSubmitIn, LineIn, LineOut
from .common import readable, writable_version

router = Router()


@router.get(
    "/budget/{code}/{year}/lines",
    response=list[LineOut],
    auth=optional_bearer,
    summary="Expenditure lines with 산출근거",
)
def lines(
    request: HttpRequest,
    code: str,
    year: int,
    version: int | None = None,
    department: str | None = None,
    offset: Query[int] = 0,
    limit: Query[int] = 200,
) -> list[ExpenditureLine]:
    if not (0 <= offset <= 10**7 and 1 <= limit <= 1000):
        raise InvalidInput(_("offset must be ≥ 0 and limit between 1 and 1000."))
    v = readable(request, code, year, version)
    qs = (
        ExpenditureLine.objects.filter(version=v)
        .select_related("account", "project", "project__department")
        .prefetch_related("basis")
        .order_by("account__code", "project__code", "object_code")
    )
    if department:
        qs = qs.filter(project__department__code=department)
    return list(qs[offset : offset + limit])


@router.post("/budget/lines", response={201: LineOut}, summary="Request (or rewrite) a line with its 산출근거")
def request_line(request: AuthedRequest, payload: LineIn) -> Status:
    version = writable_version(request, payload.version_id)
    project = Project.objects.filter(
        government=version.government, year=version.year, code=payload.project_code
    ).first()
    if project is None:
        raise NotFound(
            _("There is no project %(code)s in %(year)s.") % {"code": payload.project_code, "year": version.year}
        )
    line = actions.do_save_request_line(
        version,
        project=project,
        object_code=payload.object_code,
        basis=[actions.BasisIn(b.description, b.unit_price, b.quantity, b.times, b.amount) for b in payload.basis],
        state_amount=payload.state_amount,
        province_amount=payload.province_amount,
        actor=request.user,
    )
    return Status(201, line)


@router.post("/budget/departments/submit", response=dict, summary="Send a department's request on its approval line")
def submit_department(
    request: AuthedRequest, payload: DepartmentSubmitIn, idempotency_key: str = Header(..., alias="Idempotency-Key")
) -> dict[str, Any]:
    version = writable_version(request, payload.version_id)
    department = Department.objects.filter(government=version.government, code=payload.department_code).first()
    if department is None:
        raise NotFound()
    submission = actions.do_submit_department(
        version,
        department=department,
        line=people_on_line(payload.line),
        actor=request.user,
        idempotency_key=idempotency_key,
    )
    return {"status": submission.status, "approval_id": submission.approval_id}
