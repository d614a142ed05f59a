"""Accounting API (복식부기): trial balance, general ledger with drill-down to the source document, one entry, and
결산정리분개 sent up an approval line.

Reads need the accounting VIEW permission (officials and analysts of the government). Refusals have a named `code`
and write nothing: `unbalanced_entry`, `summary_ledger`, `unknown_ledger`, `period_closed`, `other_government`,
`invalid_input`, `permission_denied`, `not_found` (also for another government's entry or account),
`idempotency_key_reused` (the same key with a different entry)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from lofin.budget.models import Account
from lofin.core import idempotency
from lofin.core.approvals.queries import people_on_line
from lofin.core.errors import InvalidInput, NotFound
from lofin.core.http import AuthedRequest
from lofin.core.tenancy import access_government

from . import actions, queries, sources
from .access import VIEW
from .models import JournalEntry, JournalLine
from .queries import TrialBalance
from .schemas import (
    EntryOut,
    LedgerLineOut,
    LedgerQuery,
    ManualEntryIn,
    ManualEntryOut,
    TrialBalanceOut,
    TrialBalanceQuery,
)

router = Router(tags=["accounting"])


@dataclass(frozen=True)
class EntryWithSource:
    """One journal entry as the API shows it: with its government's code and the document it came from."""

    entry: JournalEntry
    government: str
    lines: list[JournalLine]
    source: sources.Source


@router.get(
    "/accounting/trial-balance",
    response=TrialBalanceOut,
    summary="Trial balance (시산표) of a government's year",
    description="Debits and credits per ledger account, for one accounting entity or all; totals are equal.",
)
def get_trial_balance(request: AuthedRequest, filters: Query[TrialBalanceQuery]) -> TrialBalance:
    gov = access_government(request.user, filters.government, VIEW)
    if filters.month_from > filters.month_to:
        raise InvalidInput(_("The first month comes before the last."), field="month_from")
    return queries.trial_balance(
        gov, filters.year, entity=filters.entity, month_from=filters.month_from, month_to=filters.month_to
    )


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
    return [{**r, "source": sources.resolve(r["entry__source_type"], r["entry__source_id"], gov.code)} for r in rows]


@router.get("/accounting/entries/{entry_id}", response=EntryOut, summary="One journal entry with its source")
def get_entry(request: AuthedRequest, entry_id: int, government: str) -> EntryWithSource:
    gov = access_government(request.user, government, VIEW)
    entry = queries.entry_detail(gov.pk, entry_id)
    if entry is None:
        raise NotFound()
    return EntryWithSource(
        entry, gov.code, list(entry.lines.all()), sources.resolve(entry.source_type, entry.source_id, gov.code)
    )


@router.post(
    "/accounting/manual-entries",
    response={201: ManualEntryOut, 200: ManualEntryOut},
    summary="Draft an adjusting entry (결산정리분개) and send it up an approval line",
    description="Posted when the final approver approves. A retry with the same key returns the first draft (200).",
)
def post_manual_entry(request: AuthedRequest, payload: ManualEntryIn) -> Status:
    gov = access_government(request.user, payload.government)
    account = Account.objects.filter(pk=payload.account_id).first()
    if account is None:
        raise NotFound()
    line = people_on_line(payload.approval_line)
    existed = queries.manual_entry_exists(idempotency.scoped_key(gov.pk, request.user, payload.idempotency_key))
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
    return Status(200 if existed else 201, entry)
