"""The closing run (결산) of a government's year, its reversal and the submission of the 결산서 to the council.

The 결산 is the head's act: the accounting office drafts the closing (`do_propose_closing`) and sends it up an
approval line that ends with the head of the government (or the acting head, 대결); the closing runs when the line
ends in approval (`_closing_approved`, in the decision's transaction). The run computes the statements, posts the
closing entries (each budget account's revenue and expense of the year moved into 일반순자산, dated 31 December),
stores the statements as a snapshot with its digest and locks the year (`ClosedPeriod`, through the books' own
`accounting.actions.do_close_books`), all in one transaction: a refusal or a failure writes nothing.

A closed year is reopened only by an approved reopening (`do_propose_reopening`) before the 결산서 goes to the
council: the closing entries are reversed, the lock lifted and the run kept in history with the status reopened."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from lofin.accounting import actions as books
from lofin.accounting import journal, queries
from lofin.accounting.access import POST
from lofin.accounting.models import JournalEntry
from lofin.core import audit, clock, fiscal, idempotency
from lofin.core.approvals import actions as approvals
from lofin.core.errors import InvalidInput
from lofin.core.models import ApprovalRequest, LocalGovernment, RequestStatus, User
from lofin.core.permissions import require
from lofin.core.types import checked_year

from . import budget_result, package, rules, snapshot
from .balances import SOURCE_CLOSING, categories, year_balances
from .errors import (
    AlreadyClosed,
    AlreadySubmitted,
    CashWorkOpen,
    ClosedWithoutRun,
    ClosingPending,
    LinesOverspent,
    NotClosed,
    PackageIncomplete,
)
from .models import ClosingDocument, ClosingRequest, ClosingRun, DocumentKind, RequestKind, RunStatus
from .queries import live_run

DOC_CLOSE = "closing.close"
DOC_REOPEN = "closing.reopen"
DOC_KINDS = {RequestKind.CLOSE: DOC_CLOSE, RequestKind.REOPEN: DOC_REOPEN}


def check_may_close(government: LocalGovernment, year: int) -> None:
    """R-AC-5: not while a posting of the year is allowed; R-AC-4: no expenditure line with a negative 불용액."""
    if not fiscal.books_may_close(year, clock.today()):
        raise CashWorkOpen(rule="R-AC-5", year=year, from_day=fiscal.completion_deadline(year) + dt.timedelta(days=1))
    overspent = budget_result.overspent_lines(budget_result.expenditure_rows(government.pk, year))
    if overspent:
        raise LinesOverspent(rule="R-AC-4", lines=overspent)


def _propose(
    kind: RequestKind,
    government: LocalGovernment,
    year: int,
    *,
    reason: str,
    line: Sequence[tuple[str, User]],
    actor: User,
    idempotency_key: str,
) -> ClosingRequest:
    require(actor, POST, government)
    checked_year(year)
    doc_kind = DOC_KINDS[kind]
    reason = (reason or "").strip()
    stored_key = idempotency.scoped_key(government.pk, actor, idempotency_key)
    fingerprint = idempotency.fingerprint(doc_kind, year=year, reason=reason, line=[(k, u.pk) for k, u in line])
    if done := ClosingRequest.objects.filter(idempotency_key=stored_key).first():
        return idempotency.replay(done, fingerprint)
    if kind == RequestKind.CLOSE:
        if live_run(government, year) is not None:
            raise AlreadyClosed(year=year)
        if journal.is_closed(government.pk, year):
            raise ClosedWithoutRun(year=year)
        check_may_close(government, year)
        title = f"{year}회계연도 결산 마감"
    else:
        if not reason:
            raise InvalidInput(_("Say why the closing is reversed."), field="reason")
        run = live_run(government, year)
        if run is None:
            raise NotClosed(year=year)
        if run.status == RunStatus.SUBMITTED:
            raise AlreadySubmitted(rule="R-AC-6", year=year)
        title = f"{year}회계연도 결산 마감 취소"
    try:
        with transaction.atomic():
            # One closing or reopening of a year on a line at a time; FOR NO KEY UPDATE queues the drafters.
            LocalGovernment.objects.select_for_update(no_key=True).filter(pk=government.pk).first()
            if ClosingRequest.objects.filter(
                government=government, fiscal_year=year, approval__status=RequestStatus.IN_PROGRESS
            ).exists():
                raise ClosingPending(year=year)
            with idempotency.unique_insert():
                request = ClosingRequest.objects.create(
                    government=government,
                    fiscal_year=year,
                    kind=kind,
                    reason=reason[:500],
                    run=live_run(government, year) if kind == RequestKind.REOPEN else None,
                    drafted_by=actor,
                    idempotency_key=stored_key,
                )
            approval = approvals.do_submit_for_approval(
                government=government,
                doc_kind=doc_kind,
                subject_type="closing.closingrequest",
                subject_id=request.pk,
                title=title,
                amount=None,
                line=line,
                actor=actor,
                idempotency_key=f"closing-{request.pk}",
            )
            ClosingRequest.objects.filter(pk=request.pk).update(approval=approval)
            request.approval = approval
            audit.record(
                actor,
                f"closing.{kind}.propose",
                request,
                government=government,
                data={"year": year, "reason": reason, "approval": approval.pk, "fingerprint": fingerprint},
            )
    except idempotency.Duplicate:
        return idempotency.replay(ClosingRequest.objects.get(idempotency_key=stored_key), fingerprint)
    return request


def do_propose_closing(
    government: LocalGovernment,
    year: int,
    *,
    line: Sequence[tuple[str, User]],
    actor: User,
    idempotency_key: str,
) -> ClosingRequest:
    """Draft the closing of a year's books and send it up its approval line (the head decides, 대결 allowed).

    Refused, with nothing written: before the 출납사무 완결기한 is over (R-AC-5), with an expenditure line whose
    payments and carry-overs exceed its 예산현액 (R-AC-4), a closed year, a closing already on a line."""
    return _propose(
        RequestKind.CLOSE, government, year, reason="", line=line, actor=actor, idempotency_key=idempotency_key
    )


def do_propose_reopening(
    government: LocalGovernment,
    year: int,
    *,
    reason: str,
    line: Sequence[tuple[str, User]],
    actor: User,
    idempotency_key: str,
) -> ClosingRequest:
    """Draft the reversal of a year's closing, with its reason; refused once the 결산서 is with the council."""
    return _propose(
        RequestKind.REOPEN, government, year, reason=reason, line=line, actor=actor, idempotency_key=idempotency_key
    )


def _request_of(approval: ApprovalRequest) -> ClosingRequest:
    return (
        ClosingRequest.objects.select_for_update(of=("self",))
        .select_related("government")
        .get(pk=int(approval.subject_id))
    )


def _close(government: LocalGovernment, year: int, *, actor: User, request: ClosingRequest) -> ClosingRun:
    """The closing run itself, in the caller's transaction."""
    started = time.perf_counter()
    # FOR NO KEY UPDATE queues two closings without blocking the inserts that refer to the government.
    LocalGovernment.objects.select_for_update(no_key=True).filter(pk=government.pk).first()
    if live_run(government, year) is not None:
        raise AlreadyClosed(year=year)
    if journal.is_closed(government.pk, year):
        raise ClosedWithoutRun(year=year)
    check_may_close(government, year)
    # The monthly sums make the statements (and later trial balances) read sums, not every line.
    queries.refresh_balances(government.pk, year)
    document = snapshot.compute(government, year)
    text = snapshot.canonical(document)
    run = ClosingRun.objects.create(
        government=government, fiscal_year=year, snapshot=text, digest=snapshot.digest(text), closed_by=actor
    )
    posted = 0
    for account_id, lines in rules.closing_lines(year_balances(government.pk, year), categories()).items():
        journal.post(
            government_id=government.pk,
            account_id=account_id,
            fiscal_year=year,
            posted_on=fiscal.cash_closing_date(year),
            source_type=SOURCE_CLOSING,
            source_id=run.pk,
            description=f"{year} 결산 마감분개",
            lines=lines,
            actor=actor,
        )
        posted += 1
    books.do_close_books(government, year, actor=request.drafted_by)
    run.closing_entries = posted
    run.seconds = round(time.perf_counter() - started, 3)
    run.save(update_fields=["closing_entries", "seconds"])
    ClosingRequest.objects.filter(pk=request.pk).update(run=run)
    audit.record(
        actor,
        "accounting.closing.run",
        run,
        government=government,
        data={
            "year": year,
            "digest": run.digest,
            "closing_entries": posted,
            "approval": request.approval_id,
            "drafted_by": request.drafted_by_id,
        },
    )
    return run


def closing_approved(approval: ApprovalRequest, actor: User) -> None:
    """The head (or the acting head) approved the closing: run it, in the decision's transaction."""
    request = _request_of(approval)
    _close(request.government, request.fiscal_year, actor=actor, request=request)


def reopening_approved(approval: ApprovalRequest, actor: User) -> None:
    """The head approved the reversal: the closing entries reversed, the lock lifted, the run kept as reopened."""
    request = _request_of(approval)
    government, year = request.government, request.fiscal_year
    run = ClosingRun.objects.select_for_update().filter(pk=request.run_id or 0).first()
    if run is None or run.status == RunStatus.REOPENED:
        raise NotClosed(year=year)
    if run.status == RunStatus.SUBMITTED:
        raise AlreadySubmitted(rule="R-AC-6", year=year)
    books.do_reopen_books(government, year, actor=actor)
    reversed_entries = 0
    for entry in (
        JournalEntry.objects.filter(
            government=government, fiscal_year=year, source_type=SOURCE_CLOSING, source_id=run.pk
        )
        .prefetch_related("lines")
        .order_by("pk")
    ):
        journal.post(
            government_id=government.pk,
            account_id=entry.account_id,
            fiscal_year=year,
            posted_on=entry.posted_on,
            source_type=SOURCE_CLOSING,
            source_id=run.pk,
            description=f"{year} 결산 마감분개 취소",
            lines=[(line.ledger_code, line.credit, line.debit) for line in entry.lines.all()],
            actor=actor,
            reverses_id=entry.pk,
        )
        reversed_entries += 1
    now = clock.now()
    ClosingRun.objects.filter(pk=run.pk).update(status=RunStatus.REOPENED, reopened_at=now, reopened_by=actor)
    audit.record(
        actor,
        "accounting.closing.reopen",
        run,
        government=government,
        data={
            "year": year,
            "digest": run.digest,
            "reversed_entries": reversed_entries,
            "approval": approval.pk,
            "reason": request.reason,
        },
    )


def do_record_document(
    government: LocalGovernment,
    year: int,
    *,
    kind: str,
    reference: str = "",
    dated_on: dt.date | None = None,
    summary: str = "",
    not_applicable: bool = False,
    actor: User,
) -> ClosingDocument:
    """Record a document of the 결산 package (성과보고서, 검사위원 opinion, CPA review, a 지방회계법 §17 attachment):
    its number, date and content, with who recorded it and when. Refused once the 결산서 is with the council."""
    require(actor, POST, government)
    checked_year(year)
    if kind not in DocumentKind.values:
        raise InvalidInput(_("Unknown kind of 결산 document."), field="kind")
    reference, summary = (reference or "").strip(), (summary or "").strip()
    if not_applicable and not kind.startswith("att_"):
        raise InvalidInput(_("Only an attachment may be recorded as not applicable."), field="not_applicable")
    if not not_applicable and not (reference and dated_on and summary):
        raise InvalidInput(_("Give the document's number, date and content."), field="reference")
    if dated_on is not None and dated_on > clock.today():
        raise InvalidInput(_("The document cannot be dated in the future."), field="dated_on")
    with transaction.atomic():
        run = live_run(government, year)
        if run is not None and run.status == RunStatus.SUBMITTED:
            raise AlreadySubmitted(rule="R-AC-6", year=year)
        document = ClosingDocument.objects.create(
            government=government,
            fiscal_year=year,
            kind=kind,
            reference=reference[:100],
            dated_on=None if not_applicable else dated_on,
            summary=summary,
            not_applicable=not_applicable,
            recorded_by=actor,
        )
        audit.record(
            actor,
            "closing.document.record",
            document,
            government=government,
            data={"year": year, "kind": kind, "reference": reference, "not_applicable": not_applicable},
        )
    return document


def do_submit_to_council(government: LocalGovernment, year: int, *, on: dt.date, actor: User) -> ClosingRun:
    """Record that the 결산서 went to the council (by 31 May of the next year, 지방회계법 시행령 §10); refused while
    the package lacks a part (R-AC-6), naming what is missing."""
    require(actor, POST, government)
    with transaction.atomic():
        run = (
            ClosingRun.objects.select_for_update()
            .filter(government=government, fiscal_year=year)
            .exclude(status=RunStatus.REOPENED)
            .first()
        )
        if run is None:
            raise NotClosed(year=year)
        if run.status == RunStatus.SUBMITTED:
            return run
        if on < fiscal.cash_closing_date(year) or on > clock.today():
            raise InvalidInput(_("The submission date is after the year's end and not in the future."), field="on")
        missing = package.missing(government, year, run)
        if missing:
            raise PackageIncomplete(
                _("The 결산서 is incomplete (지방회계법 §15–§17, 지방자치법 §150): missing %(missing)s.")
                % {"missing": ", ".join(str(label) for _key, label in missing)},
                rule="R-AC-6",
                missing=[key for key, _label in missing],
            )
        run.status = RunStatus.SUBMITTED
        run.submitted_on = on
        run.submitted_by = actor
        run.save(update_fields=["status", "submitted_on", "submitted_by"])
        audit.record(actor, "accounting.closing.submit", run, government=government, data={"on": on.isoformat()})
    return run
