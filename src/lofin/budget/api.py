"""Budget formulation API: the twin of every budget screen. Confirmed budgets are public; versions being
prepared are for the government's officials only."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Status

from lofin.core.auth import optional_bearer
from lofin.core.errors import InvalidInput, NotFound
from lofin.core.http import AuthedRequest
from lofin.core.models import Department, User
from lofin.core.permissions import has_permission
from lofin.core.tenancy import access_government, government_by_code
from lofin.core.types import Id

from . import actions, queries, rules
from .access import VIEW
from .models import Account, BudgetVersion, ExpenditureLine, Project, RevenueLine, VersionStatus
from .schemas import (
    AdjustIn,
    AmendIn,
    ApprovalLineIn,
    DeadlinesOut,
    DepartmentSubmitIn,
    DiffOut,
    LineIn,
    LineOut,
    OpenIn,
    RevenueIn,
    RevenueOut,
    SummaryOut,
    VersionOut,
    VoteIn,
)

router = Router(tags=["budget"])

YEARS = range(2000, 2101)


def _year(year: int) -> int:
    if year not in YEARS:
        raise InvalidInput(_("The fiscal year must be between 2000 and 2100."), field="year")
    return year


def _readable(request: HttpRequest, code: str, year: int, number: int | None) -> BudgetVersion:
    return queries.version_for(request.user, government_by_code(code), _year(year), number)


def _version_out(v: BudgetVersion) -> dict[str, Any]:
    return {
        "id": v.pk,
        "number": v.number,
        "kind": v.kind,
        "label": v.label,
        "status": v.status,
        "status_label": str(v.get_status_display()),
        "submitted_at": v.submitted_at,
        "voted_on": v.voted_on,
        "confirmed_at": v.confirmed_at,
        "total_amount": v.total_amount,
    }


@router.get(
    "/budget/{code}/{year}/versions",
    response=list[VersionOut],
    auth=optional_bearer,
    summary="Budget versions of a year",
)
def list_versions(request: HttpRequest, code: str, year: int) -> list[dict[str, Any]]:
    government = government_by_code(code)
    qs = queries.versions(government, _year(year))
    if not has_permission(request.user, VIEW, government):
        qs = qs.filter(status=VersionStatus.CONFIRMED)
    return [_version_out(v) for v in qs]


@router.get(
    "/budget/{code}/{year}", response=SummaryOut, auth=optional_bearer, summary="Totals, totals by 분야 and every line"
)
def show(request: HttpRequest, code: str, year: int, version: int | None = None) -> dict[str, Any]:
    """The same as `lofin budget show --json`: without `version`, the 본예산."""
    return queries.summary(_readable(request, code, year, version))


@router.get(
    "/budget/{code}/{year}/diff",
    response=DiffOut,
    auth=optional_bearer,
    summary="A supplementary budget against its base",
)
def diff(request: HttpRequest, code: str, year: int, version: int) -> dict[str, Any]:
    return queries.version_diff(_readable(request, code, year, version))


@router.get(
    "/budget/{code}/{year}/deadlines", response=DeadlinesOut, auth=optional_bearer, summary="Statutory deadlines (§142)"
)
def deadlines(request: HttpRequest, code: str, year: int) -> dict[str, Any]:
    government = government_by_code(code)
    due = rules.deadlines(government.level, _year(year))
    original = queries.versions(government, year).filter(number=0).first()
    submitted = original.submitted_at if original else None
    voted = original.voted_on if original else None
    from django.utils import timezone

    return {
        "bill_due": due.bill_due,
        "vote_due": due.vote_due,
        "submitted_at": submitted,
        "voted_on": voted,
        "bill_late": bool(submitted and timezone.localdate(submitted) > due.bill_due),
        "vote_late": bool(voted and voted > due.vote_due),
    }


def _line_out(line: ExpenditureLine) -> dict[str, Any]:
    return {
        "id": line.pk,
        "account": line.account.code,
        "department": line.project.department.code if line.project.department else None,
        "project_code": line.project.code,
        "project_name": line.project.name,
        "object_code": line.object_code,
        "previous_amount": line.previous_amount,
        "requested_amount": line.requested_amount,
        "proposed_amount": line.proposed_amount,
        "amount": line.amount,
        "state_amount": line.state_amount,
        "province_amount": line.province_amount,
        "adjust_reason": line.adjust_reason,
        "amend_reason": line.amend_reason,
        "basis": [
            {
                "seq": b.seq,
                "description": b.description,
                "unit_price": b.unit_price,
                "quantity": b.quantity,
                "times": b.times,
                "amount": b.amount,
            }
            for b in line.basis.all()
        ],
    }


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
) -> list[dict[str, Any]]:
    if not (0 <= offset <= 10**7 and 1 <= limit <= 1000):
        raise InvalidInput(_("offset must be ≥ 0 and limit between 1 and 1000."))
    v = _readable(request, code, year, version)
    qs = (
        ExpenditureLine.objects.filter(version=v)
        .select_related("account", "project", "project__department")
        .prefetch_related("basis")
        .order_by("account__code", "project__code", "object_code")
    )
    if department:
        qs = qs.filter(project__department__code=department)
    return [_line_out(line) for line in qs[offset : offset + limit]]


# --- writes: officials of the government (token or session) ----------------------------------------------


def _version(request: AuthedRequest, version_id: int) -> BudgetVersion:
    version = BudgetVersion.objects.select_related("government").filter(pk=version_id).first()
    if version is None:
        raise NotFound()
    access_government(request.user, version.government.code)
    return version


def _people(version: BudgetVersion, steps: list[Any]) -> list[tuple[str, Any]]:
    people = {u.username: u for u in User.objects.filter(username__in=[s.username for s in steps])}
    line = []
    for step in steps:
        if step.username not in people:
            raise InvalidInput(_("Unknown user %(name)s on the approval line.") % {"name": step.username})
        line.append((step.kind, people[step.username]))
    return line


@router.post("/budget/{code}/{year}/versions", response={201: VersionOut}, summary="Open the 본예산 or a 추경")
def open_version(request: AuthedRequest, code: str, year: int, payload: OpenIn) -> Status:
    government = access_government(request.user, code)
    if payload.kind == "original":
        version = actions.do_open_original(government, year=_year(year), actor=request.user)
    else:
        version = actions.do_open_supplementary(government, year=_year(year), actor=request.user)
    return Status(201, _version_out(version))


@router.post("/budget/lines", response={201: LineOut}, summary="Request (or rewrite) a line with its 산출근거")
def request_line(request: AuthedRequest, payload: LineIn) -> Status:
    version = _version(request, payload.version_id)
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
    return Status(201, _line_out(line))


@router.post("/budget/revenue-lines", response={201: RevenueOut}, summary="Request a revenue line")
def request_revenue(request: AuthedRequest, payload: RevenueIn) -> Status:
    version = _version(request, payload.version_id)
    account = Account.objects.filter(government=version.government, code=payload.account_code).first()
    if account is None:
        raise NotFound()
    line = actions.do_save_revenue_request(
        version,
        account=account,
        revenue_code=payload.revenue_code,
        amount=payload.amount,
        basis_text=payload.basis_text,
        actor=request.user,
    )
    return Status(201, _revenue_out(line))


def _revenue_out(line: RevenueLine) -> dict[str, Any]:
    return {
        "id": line.pk,
        "account": line.account.code,
        "revenue_code": line.revenue_code,
        "previous_amount": line.previous_amount,
        "requested_amount": line.requested_amount,
        "proposed_amount": line.proposed_amount,
        "amount": line.amount,
    }


@router.post("/budget/departments/submit", response=dict, summary="Send a department's request on its approval line")
def submit_department(
    request: AuthedRequest, payload: DepartmentSubmitIn, idempotency_key: str = Header(..., alias="Idempotency-Key")
) -> dict[str, Any]:
    version = _version(request, payload.version_id)
    department = Department.objects.filter(government=version.government, code=payload.department_code).first()
    if department is None:
        raise NotFound()
    submission = actions.do_submit_department(
        version,
        department=department,
        line=_people(version, payload.line),
        actor=request.user,
        idempotency_key=idempotency_key,
    )
    return {"status": submission.status, "approval_id": submission.approval_id}


@router.post("/budget/versions/{version_id}/close-requests", response=VersionOut, summary="요구 마감")
def close_requests(request: AuthedRequest, version_id: Id) -> dict[str, Any]:
    return _version_out(actions.do_close_requests(_version(request, version_id), actor=request.user))


def _line(request: AuthedRequest, model: Any, line_id: int) -> Any:
    line = model.objects.select_related("government").filter(pk=line_id).first()
    if line is None:
        raise NotFound()
    access_government(request.user, line.government.code)
    return line


@router.post("/budget/lines/{line_id}/adjust", response=LineOut, summary="조정 by the budget office")
def adjust(request: AuthedRequest, line_id: Id, payload: AdjustIn) -> dict[str, Any]:
    line = _line(request, ExpenditureLine, line_id)
    return _line_out(actions.do_adjust_line(line.pk, amount=payload.amount, reason=payload.reason, actor=request.user))


@router.post("/budget/revenue-lines/{line_id}/adjust", response=RevenueOut, summary="조정 of a revenue line")
def adjust_revenue(request: AuthedRequest, line_id: Id, payload: AdjustIn) -> dict[str, Any]:
    line = _line(request, RevenueLine, line_id)
    return _revenue_out(
        actions.do_adjust_revenue(line.pk, amount=payload.amount, reason=payload.reason, actor=request.user)
    )


@router.post("/budget/versions/{version_id}/submit-bill", response=VersionOut, summary="Send the bill to the head")
def submit_bill(
    request: AuthedRequest,
    version_id: Id,
    payload: ApprovalLineIn,
    idempotency_key: str = Header(..., alias="Idempotency-Key"),
) -> dict[str, Any]:
    version = _version(request, version_id)
    return _version_out(
        actions.do_submit_bill(
            version, line=_people(version, payload.line), actor=request.user, idempotency_key=idempotency_key
        )
    )


@router.post("/budget/lines/{line_id}/amend", response=LineOut, summary="Record a council amendment")
def amend(request: AuthedRequest, line_id: Id, payload: AmendIn) -> dict[str, Any]:
    line = _line(request, ExpenditureLine, line_id)
    return _line_out(
        actions.do_amend_line(
            line.pk, amount=payload.amount, reason=payload.reason, head_consent=payload.head_consent, actor=request.user
        )
    )


@router.post("/budget/revenue-lines/{line_id}/amend", response=RevenueOut, summary="Council amendment of revenue")
def amend_revenue(request: AuthedRequest, line_id: Id, payload: AmendIn) -> dict[str, Any]:
    line = _line(request, RevenueLine, line_id)
    return _revenue_out(
        actions.do_amend_revenue(line.pk, amount=payload.amount, reason=payload.reason, actor=request.user)
    )


@router.post("/budget/versions/{version_id}/vote", response=VersionOut, summary="Record the council's vote (의결)")
def vote(request: AuthedRequest, version_id: Id, payload: VoteIn) -> dict[str, Any]:
    return _version_out(
        actions.do_record_vote(_version(request, version_id), voted_on=payload.voted_on, actor=request.user)
    )


@router.post("/budget/versions/{version_id}/confirm", response=VersionOut, summary="Confirm (확정)")
def confirm(request: AuthedRequest, version_id: Id) -> dict[str, Any]:
    return _version_out(actions.do_confirm(_version(request, version_id), actor=request.user))
