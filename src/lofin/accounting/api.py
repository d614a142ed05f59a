"""Accounting API (복식부기): trial balance, general ledger with drill-down to the source document, one entry, and
결산정리분개 sent up an approval line.

Reads need the accounting VIEW permission (officials and analysts of the government). Refusals have a named `code`
and write nothing: `unbalanced_entry`, `summary_ledger`, `unknown_ledger`, `period_closed`, `other_government`,
`invalid_input`, `permission_denied`, `not_found` (also for another government's entry or account)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from lofin.budget.models import Account
from lofin.core.errors import InvalidInput, NotFound
from lofin.core.http import AuthedRequest
from lofin.core.models import User
from lofin.core.schemas import LineStepIn
from lofin.core.tenancy import access_government
from lofin.core.types import Id, Text

from . import actions, queries, sources
from .access import VIEW
from .models import ManualKind

router = Router(tags=["accounting"])

Year = Annotated[int, Field(ge=2000, le=2100)]
Month = Annotated[int, Field(ge=1, le=14)]
Day = Annotated[dt.date, Field(ge=dt.date(2000, 1, 1), le=dt.date(2100, 12, 31))]
Won = Annotated[int, Field(ge=0, le=10**15)]
EntityName = Literal["general", "other_special", "fund", "enterprise_special"]


class BooksQuery(Schema):
    government: Text(7)  # type: ignore[valid-type]
    year: Year
    entity: EntityName | None = Field(None, description="회계실체: general, other_special, fund, enterprise_special")


class TrialBalanceQuery(BooksQuery):
    month_from: Month = 1
    month_to: Month = Field(14, description="months of the fiscal year; 13 and 14 are January and February after it")


class TrialBalanceRowOut(Schema):
    code: str
    name: str
    category: str
    section: str
    internal: bool
    debit: int
    credit: int
    balance: int


class TrialBalanceOut(Schema):
    government: str
    year: int
    entity: str | None
    month_from: int
    month_to: int
    rows: list[TrialBalanceRowOut]
    total_debit: int
    total_credit: int


class LedgerQuery(BooksQuery):
    code: Text(12)  # type: ignore[valid-type]
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=10**9)


class SourceOut(Schema):
    type: str
    id: int
    kind: str
    label: str
    url: str


class LedgerLineOut(Schema):
    entry_id: int
    posted_on: dt.date
    description: str
    account_id: int
    debit: int
    credit: int
    source: SourceOut


class EntryLineOut(Schema):
    code: str
    debit: int
    credit: int


class EntryOut(Schema):
    id: int
    government: str
    account_id: int
    fiscal_year: int
    posted_on: dt.date
    description: str
    reverses_id: int | None
    lines: list[EntryLineOut]
    source: SourceOut


class ManualLineIn(Schema):
    code: Text(12)  # type: ignore[valid-type]
    debit: Won = 0
    credit: Won = 0


class ManualEntryIn(Schema):
    government: Text(7)  # type: ignore[valid-type]
    account_id: Id
    posted_on: Day
    kind: ManualKind
    description: Text(200)  # type: ignore[valid-type]
    lines: list[ManualLineIn] = Field(min_length=2, max_length=200)
    approval_line: list[LineStepIn] = Field(min_length=1, max_length=10)
    idempotency_key: Text(100)  # type: ignore[valid-type]


class ManualEntryOut(Schema):
    id: int
    status: str
    approval_id: int | None
    fiscal_year: int


def _source(source_type: str, source_id: int, gov_code: str) -> dict[str, Any]:
    s = sources.resolve(source_type, source_id, gov_code)
    return {"type": s.source_type, "id": s.source_id, "kind": s.kind, "label": s.label, "url": s.url}


@router.get(
    "/accounting/trial-balance",
    response=TrialBalanceOut,
    summary="Trial balance (시산표) of a government's year",
    description="Debits and credits per ledger account, for one accounting entity or all; totals are equal.",
)
def get_trial_balance(request: AuthedRequest, filters: Query[TrialBalanceQuery]) -> dict[str, Any]:
    gov = access_government(request.user, filters.government, VIEW)
    if filters.month_from > filters.month_to:
        raise InvalidInput(_("The first month comes before the last."), field="month_from")
    tb = queries.trial_balance(
        gov, filters.year, entity=filters.entity, month_from=filters.month_from, month_to=filters.month_to
    )
    return {
        "government": gov.code,
        "year": tb.fiscal_year,
        "entity": tb.entity,
        "month_from": tb.month_from,
        "month_to": tb.month_to,
        "rows": [
            {
                "code": r.code,
                "name": r.name,
                "category": r.category,
                "section": r.section,
                "internal": r.is_internal,
                "debit": r.debit,
                "credit": r.credit,
                "balance": r.balance,
            }
            for r in tb.rows
        ],
        "total_debit": tb.total_debit,
        "total_credit": tb.total_credit,
    }


@router.get(
    "/accounting/ledger",
    response=list[LedgerLineOut],
    summary="General ledger (총계정원장) of one account",
    description="Its lines in posting order, each with the source document it came from and where to see it.",
)
def get_ledger(request: AuthedRequest, filters: Query[LedgerQuery]) -> list[dict[str, Any]]:
    gov = access_government(request.user, filters.government, VIEW)
    rows = queries.ledger(
        gov.pk, filters.year, filters.code, entity=filters.entity, limit=filters.limit, offset=filters.offset
    )
    return [
        {
            "entry_id": r["entry_id"],
            "posted_on": r["entry__posted_on"],
            "description": r["entry__description"],
            "account_id": r["entry__account_id"],
            "debit": r["debit"],
            "credit": r["credit"],
            "source": _source(r["entry__source_type"], r["entry__source_id"], gov.code),
        }
        for r in rows
    ]


@router.get("/accounting/entries/{entry_id}", response=EntryOut, summary="One journal entry with its source")
def get_entry(request: AuthedRequest, entry_id: int, government: str) -> dict[str, Any]:
    gov = access_government(request.user, government, VIEW)
    entry = queries.entry_detail(gov.pk, entry_id)
    if entry is None:
        raise NotFound()
    return {
        "id": entry.pk,
        "government": gov.code,
        "account_id": entry.account_id,
        "fiscal_year": entry.fiscal_year,
        "posted_on": entry.posted_on,
        "description": entry.description,
        "reverses_id": entry.reverses_id,
        "lines": [{"code": x.ledger_code, "debit": x.debit, "credit": x.credit} for x in entry.lines.all()],
        "source": _source(entry.source_type, entry.source_id, gov.code),
    }


@router.post(
    "/accounting/manual-entries",
    response={201: ManualEntryOut, 200: ManualEntryOut},
    summary="Draft an adjusting entry (결산정리분개) and send it up an approval line",
    description="Posted when the final approver approves. A retry with the same key returns the first draft (200).",
)
def post_manual_entry(request: AuthedRequest, payload: ManualEntryIn) -> Any:
    gov = access_government(request.user, payload.government)
    account = Account.objects.filter(pk=payload.account_id).first()
    if account is None:
        raise NotFound()
    people = {u.username: u for u in User.objects.filter(username__in=[s.username for s in payload.approval_line])}
    line = []
    for step in payload.approval_line:
        if step.username not in people:
            raise InvalidInput(_("Unknown user %(name)s on the approval line.") % {"name": step.username})
        line.append((step.kind, people[step.username]))
    existed = queries.manual_entry_by_key(gov.pk, request.user.pk, payload.idempotency_key)
    entry = actions.do_propose_manual_entry(
        gov,
        account=account,
        posted_on=payload.posted_on,
        kind=payload.kind,
        description=payload.description,
        lines=[(x.code, x.debit, x.credit) for x in payload.lines],
        approval_line=line,
        actor=request.user,
        idempotency_key=payload.idempotency_key,
    )
    body = {"id": entry.pk, "status": entry.status, "approval_id": entry.approval_id, "fiscal_year": entry.fiscal_year}
    return Status(200 if existed else 201, body)
