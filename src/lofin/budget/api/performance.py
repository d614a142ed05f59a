"""The 성과계획서's performance targets of a year's projects and, after the year, their results."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from lofin.core.errors import NotFound
from lofin.core.http import AuthedRequest
from lofin.core.tenancy import access_government
from lofin.core.types import Id, Text, Year

from ..access import VIEW
from ..actions import performance as actions
from ..models import PerformanceTarget, Project
from ..queries import performance as queries
from ..schemas.performance import ResultIn, TargetIn, TargetOut

router = Router()


class TargetsQuery(Schema):
    government: Text(7)  # type: ignore[valid-type]
    year: Year
    project_code: Text(20) | None = None  # type: ignore[valid-type]


@router.get("/budget/performance-targets", response=list[TargetOut], summary="성과계획서: the targets of a year")
def targets(request: HttpRequest, q: Query[TargetsQuery]) -> list[PerformanceTarget]:
    government = access_government(request.user, q.government, VIEW)  # type: ignore[arg-type]
    found = queries.targets(government, q.year)
    if q.project_code:
        found = found.filter(project__code=q.project_code)
    return list(found)


@router.post(
    "/budget/performance-targets",
    response={201: TargetOut},
    summary="Set (or rewrite) a performance target of a 정책·단위사업 while the budget is formulated",
)
def set_target(request: AuthedRequest, payload: TargetIn) -> Status:
    government = access_government(request.user, payload.government)
    project = Project.objects.filter(government=government, year=payload.year, code=payload.project_code).first()
    if project is None:
        raise NotFound(
            _("There is no project %(code)s in %(year)s.") % {"code": payload.project_code, "year": payload.year}
        )
    target = actions.do_set_performance_target(
        project,
        indicator=payload.indicator,
        unit=payload.unit,
        target_value=payload.target_value,
        baseline_value=payload.baseline_value,
        method=payload.method,
        direction=payload.direction,
        actor=request.user,
    )
    return Status(201, target)


@router.post(
    "/budget/performance-targets/{target_id}/result",
    response=TargetOut,
    summary="Record the achieved value of a target once its year has ended (the reason when short of it)",
)
def record_result(request: AuthedRequest, target_id: Id, payload: ResultIn) -> PerformanceTarget:
    target = PerformanceTarget.objects.select_related("government", "project").filter(pk=target_id).first()
    if target is None:
        raise NotFound()
    access_government(request.user, target.government.code)
    return actions.do_record_performance_result(
        target, achieved_value=payload.achieved_value, reason=payload.reason, actor=request.user
    )
