"""Writes of the accounting service: 결산정리분개 through approval lines, the operator's changes to the 자동분개
mapping, and closing a year of the books (결산 drives it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from lofin.budget.models import Account
from lofin.core import audit, idempotency
from lofin.core.approvals import actions as approvals
from lofin.core.errors import Conflict, InvalidInput, NotFound
from lofin.core.models import ApprovalRequest, LocalGovernment, User
from lofin.core.permissions import require, require_operator

from . import chart, journal
from .access import POST
from .errors import OtherGovernment
from .models import ChartVersion, ClosedPeriod, LedgerMapping, ManualEntry, ManualKind, ManualStatus, MappingSide

DOC_KIND = "accounting.manual_entry"
SOURCE_MANUAL = "accounting.manual"


def parse_lines(lines: Sequence[Any]) -> list[journal.Line]:
    """(ledger code, debit, credit) of each line as sent."""
    parsed: list[journal.Line] = []
    for raw in lines:
        try:
            code, debit, credit = raw
            parsed.append((str(code).strip(), int(debit or 0), int(credit or 0)))
        except (TypeError, ValueError):
            raise InvalidInput(_("Each line is a ledger code, a debit and a credit."), field="lines") from None
    return parsed


def do_propose_manual_entry(
    government: LocalGovernment,
    *,
    account: Account,
    posted_on: dt.date,
    kind: str,
    description: str,
    lines: Sequence[Any],
    approval_line: Sequence[tuple[str, User]],
    actor: User,
    idempotency_key: str,
) -> ManualEntry:
    """Draft a 결산정리분개 and send it up its approval line; it is posted when the line ends in approval.

    Refused, with nothing written: an unbalanced entry, an unknown or summary account, a date in a closed year,
    a 회계 of another government. A retry with the same key gets the first draft; the same key with any other value
    (account, date, kind, description, lines, approval line) is `KeyReused`."""
    require(actor, POST, government)
    if account.government_id != government.pk:
        raise OtherGovernment(account=account.pk)
    if kind not in ManualKind.values:
        raise InvalidInput(_("Unknown kind of adjusting entry."), field="kind")
    parsed = parse_lines(lines)
    stored_key = idempotency.scoped_key(government.pk, actor, idempotency_key)
    request = idempotency.fingerprint(
        DOC_KIND,
        account=account,
        posted_on=posted_on,
        kind=kind,
        description=description,
        lines=[list(x) for x in parsed],
        approval_line=[(step, user) for step, user in approval_line],
    )
    if done := ManualEntry.objects.filter(idempotency_key=stored_key).first():
        return idempotency.replay(done, request)
    description = (description or "").strip()
    if not description:
        raise InvalidInput(_("Say what the entry is for."), field="description")
    journal.check_balanced(parsed)
    journal.check_open(government.pk, posted_on.year, posted_on)
    total = sum(d for _c, d, _k in parsed)
    try:
        with transaction.atomic():
            with idempotency.unique_insert():
                entry = ManualEntry.objects.create(
                    government=government,
                    account=account,
                    fiscal_year=posted_on.year,
                    posted_on=posted_on,
                    kind=kind,
                    description=description[:200],
                    lines=[list(x) for x in parsed],
                    created_by=actor,
                    idempotency_key=stored_key,
                )
            approval = approvals.do_submit_for_approval(
                government=government,
                doc_kind=DOC_KIND,
                subject_type="accounting.manualentry",
                subject_id=entry.pk,
                title=f"결산정리분개 {description}"[:200],
                amount=total,
                line=approval_line,
                actor=actor,
                idempotency_key=f"manual-{entry.pk}",
            )
            ManualEntry.objects.filter(pk=entry.pk).update(approval=approval)
            entry.approval = approval
            audit.record(
                actor,
                "accounting.manual.propose",
                entry,
                government=government,
                data={
                    "kind": kind,
                    "total": total,
                    "lines": entry.lines,
                    "approval": approval.pk,
                    "fingerprint": request,
                },
            )
    except idempotency.Duplicate:
        return idempotency.replay(ManualEntry.objects.get(idempotency_key=stored_key), request)
    return entry


def _manual(request: ApprovalRequest) -> ManualEntry:
    entry = ManualEntry.objects.select_for_update().filter(pk=int(request.subject_id)).first()
    if entry is None:
        raise NotFound()
    if entry.status != ManualStatus.IN_APPROVAL:
        raise Conflict(_("This entry has already been decided."))
    return entry


def apply_approval(request: ApprovalRequest, actor: User) -> None:
    """The final approver approved: post the entry. Runs in the decision's transaction; a year closed meanwhile
    refuses it (the approver returns it and the accountant drafts it in the open year)."""
    entry = _manual(request)
    posted = journal.post(
        government_id=entry.government_id,
        account_id=entry.account_id,
        fiscal_year=entry.fiscal_year,
        posted_on=entry.posted_on,
        source_type=SOURCE_MANUAL,
        source_id=entry.pk,
        description=entry.description,
        lines=[tuple(x) for x in entry.lines],
        actor=entry.created_by,
    )
    ManualEntry.objects.filter(pk=entry.pk).update(status=ManualStatus.POSTED, entry=posted)
    audit.record(actor, "accounting.manual.post", entry, data={"entry": posted.pk, "approval": request.pk})


def apply_rejection(request: ApprovalRequest, actor: User) -> None:
    entry = _manual(request)
    ManualEntry.objects.filter(pk=entry.pk).update(status=ManualStatus.REJECTED)
    audit.record(actor, "accounting.manual.reject", entry, data={"approval": request.pk})


def do_update_mapping(
    *,
    side: str,
    code: str,
    debit_code: str,
    credit_code: str = "",
    effective_year: int | None = None,
    is_internal: bool = False,
    asset_class: str = "",
    useful_life: int = 0,
    actor: User,
) -> LedgerMapping:
    """The system operator changes (or adds) one 자동분개 rule of a chart version (the latest by default).
    Later postings use it; entries already posted stay as they are (corrections are entries)."""
    require_operator(actor)
    if side not in MappingSide.values:
        raise InvalidInput(_("Choose expenditure or revenue."), field="side")
    code = (code or "").strip()
    if not code or len(code) > 10:
        raise InvalidInput(_("Give the budget code the rule applies to."), field="code")
    for ledger in (debit_code, credit_code) if side == MappingSide.REVENUE else (debit_code,):
        chart.check_postable(ledger)
    if useful_life < 0:
        raise InvalidInput(_("The useful life cannot be negative."), field="useful_life")
    versions = ChartVersion.objects.order_by("-effective_year")
    if effective_year is not None:
        versions = versions.filter(effective_year=effective_year)
    version = versions.first()
    if version is None:
        raise NotFound()
    with transaction.atomic():
        found = LedgerMapping.objects.filter(version=version, side=side, code=code).values().first()
        before: dict[str, Any] = dict(found) if found else {}
        mapping, _created = LedgerMapping.objects.update_or_create(
            version=version,
            side=side,
            code=code,
            defaults={
                "name": before.get("name") or code,
                "debit_code": debit_code,
                "credit_code": credit_code if side == MappingSide.REVENUE else "",
                "is_internal": is_internal,
                "asset_class": asset_class,
                "useful_life": useful_life,
            },
        )
        audit.record(
            actor,
            "accounting.mapping.update",
            mapping,
            data={
                "version": version.effective_year,
                "side": side,
                "code": code,
                "before": {k: before.get(k) for k in ("debit_code", "credit_code", "asset_class")},
                "after": {"debit_code": debit_code, "credit_code": mapping.credit_code, "asset_class": asset_class},
            },
        )
        transaction.on_commit(chart.clear_cache)
    chart.clear_cache()
    return mapping


def do_close_books(government: LocalGovernment, year: int, *, actor: User) -> ClosedPeriod:
    """Lock a year of the books: from now on nothing is posted in or dated in it (결산 calls this when done)."""
    require(actor, POST, government)
    with transaction.atomic():
        try:
            with transaction.atomic():
                closed = ClosedPeriod.objects.create(government=government, fiscal_year=year, closed_by=actor)
        except IntegrityError:
            raise Conflict(_("The books of this year are already closed."), year=year) from None
        audit.record(actor, "accounting.close", closed, government=government, data={"year": year})
    return closed


def do_reopen_books(government: LocalGovernment, year: int, *, actor: User) -> None:
    """Lift the lock of a closed year (결산 calls this when an approved reopening reverses its closing run)."""
    with transaction.atomic():
        closed = ClosedPeriod.objects.select_for_update().filter(government=government, fiscal_year=year).first()
        if closed is None:
            raise Conflict(_("The books of this year are not closed."), year=year)
        audit.record(
            actor,
            "accounting.reopen",
            closed,
            government=government,
            data={"year": year, "closed_at": closed.closed_at.isoformat(), "closed_by": closed.closed_by_id},
        )
        closed.delete()
