"""The only writers of budget execution. Money moves only here: each action checks role and rules, takes what it
needs with one conditional UPDATE per row (check-and-set), posts its journal entry and its audit record in the
same transaction, and leaves nothing behind when it is refused."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
from collections.abc import Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DataError, IntegrityError, connection, transaction
from django.db.models import F
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lofin.accounting import assets, journal
from lofin.budget.models import BudgetVersion, ExpenditureLine, VersionStatus
from lofin.core import audit, fiscal
from lofin.core.errors import Conflict, InvalidInput, NotFound
from lofin.core.models import LocalGovernment, Membership
from lofin.core.permissions import require
from lofin.core.roles import Role

from . import fastpath, resolution_hook, rules
from .access import ALLOCATE, CASH, COMMIT, PAY
from .models import (
    Allocation,
    AllocationKind,
    BudgetLine,
    Commitment,
    CommitmentKind,
    CommitmentStatus,
    DocumentCounter,
    ExpenditureResolution,
    Office,
    OfficeKind,
    PaymentOrder,
    PaymentStatus,
    Refund,
    SubAllocation,
    Withholding,
)

ENCUMBRANCE = "9210"  # 지출원인행위 (budgetary control, Dr)
ENCUMBRANCE_RESERVE = "9220"  # its counterpart (Cr)
CASH_LEDGER = "1110"
WITHHOLDING_LEDGER = "2110"
OTHER_REVENUE = "4400"


class _Duplicate(Exception):
    """A concurrent request with the same idempotency key won: undo ours and return theirs."""


def _key(government: LocalGovernment, actor: Any, key: str) -> str:
    if not key or len(key) > 100:
        raise InvalidInput(_("An Idempotency-Key of 1 to 100 characters is required."), field="idempotency_key")
    return f"{government.pk}:{actor.pk}:{key}"


def _fingerprint(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


def _same_government(government_id: int, *objects: Any) -> None:
    for obj in objects:
        if obj is not None and obj.government_id != government_id:
            raise NotFound()


def _today() -> dt.date:
    return timezone.localdate()


# --- appropriations from the confirmed budget ------------------------------------------------------------------


def do_sync_appropriations(version: BudgetVersion, *, actor: Any) -> int:
    """Make the confirmed version the base of execution: each line's 예산액 becomes the version's amount.
    Called when a version is confirmed (본예산 or 추경); a 추경 cannot cut a line below what is allocated."""
    if version.status != VersionStatus.CONFIRMED:
        raise Conflict(_("Only a confirmed budget is executed."))
    amounts = {
        (project_id, obj): (account_id, amount)
        for project_id, obj, account_id, amount in ExpenditureLine.objects.filter(version=version).values_list(
            "project_id", "object_code", "account_id", "amount"
        )
    }
    with transaction.atomic():
        existing = {
            (line.project_id, line.object_code): line
            for line in BudgetLine.objects.select_for_update().filter(government=version.government, year=version.year)
        }
        creating, updating = [], []
        for key, (account_id, amount) in amounts.items():
            line = existing.get(key)
            if line is None:
                creating.append(
                    BudgetLine(
                        government=version.government,
                        year=version.year,
                        account_id=account_id,
                        project_id=key[0],
                        object_code=key[1],
                        budget_amount=amount,
                        appropriation=amount,
                        budget_version=version.number,
                    )
                )
            elif line.budget_amount != amount or line.budget_version != version.number:
                _rebase(line, amount, version.number)
                updating.append(line)
        for key, line in existing.items():
            if key not in amounts and line.budget_amount:
                _rebase(line, 0, version.number)
                updating.append(line)
        BudgetLine.objects.bulk_create(creating, batch_size=2000)
        if updating:
            BudgetLine.objects.bulk_update(
                updating, ["budget_amount", "appropriation", "budget_version"], batch_size=2000
            )
        audit.record(
            actor,
            "execution.appropriation.sync",
            version,
            data={"year": version.year, "version": version.number, "created": len(creating), "updated": len(updating)},
        )
    return len(creating) + len(updating)


def _rebase(line: BudgetLine, amount: int, number: int) -> None:
    appropriation = amount + line.transfer_amount + line.reserve_amount + line.carried_in
    if appropriation < line.allocated:
        raise rules.OverAppropriation(
            _(
                "The supplementary budget would cut a line below what is already allocated "
                "(%(allocated)s won); reduce the allocation first."
            )
            % {"allocated": f"{line.allocated:,}"},
            line=line.pk,
        )
    line.budget_amount, line.appropriation, line.budget_version = amount, appropriation, number


# --- offices, allocation, cash ---------------------------------------------------------------------------------


def do_create_office(
    government: LocalGovernment,
    *,
    year: int,
    code: str,
    name: str,
    kind: str,
    actor: Any,
    small_office_exception: bool = False,
) -> Office:
    require(actor, CASH, government)
    if kind not in OfficeKind.values:
        raise InvalidInput(_("Unknown kind of office."), field="kind")
    if not (code or "").strip() or not (name or "").strip():
        raise InvalidInput(_("An office needs a code and a name."))
    with transaction.atomic():
        try:
            with transaction.atomic():
                office = Office.objects.create(
                    government=government,
                    year=year,
                    code=code.strip(),
                    name=name.strip(),
                    kind=kind,
                    small_office_exception=small_office_exception,
                )
        except IntegrityError:
            raise Conflict(_("An office with this code exists already."), field="code") from None
        audit.record(
            actor,
            "execution.office.create",
            office,
            data={"code": code, "kind": kind, "small_office_exception": small_office_exception},
        )
    return office


def do_allocate(
    line: BudgetLine, *, amount: int, actor: Any, kind: str = AllocationKind.MONTHLY, period: int = 1
) -> Allocation:
    """예산배정: release part of the appropriation for commitment (R-BP-6: Σ 배정 ≤ 예산현액)."""
    rules.check_positive(amount)
    government = LocalGovernment.objects.get(pk=line.government_id)
    require(actor, ALLOCATE, government)
    if kind not in AllocationKind.values or not (1 <= period <= (4 if kind == AllocationKind.QUARTERLY else 12)):
        raise InvalidInput(_("Choose a month (1–12) or a quarter (1–4)."), field="period")
    with transaction.atomic():
        taken = BudgetLine.objects.filter(pk=line.pk, allocated__lte=F("appropriation") - amount).update(
            allocated=F("allocated") + amount
        )
        if taken != 1:
            line.refresh_from_db()
            raise rules.OverAppropriation(
                line=line.pk, appropriation=line.appropriation, allocated=line.allocated, amount=amount
            )
        allocation = Allocation.objects.create(
            line=line, government_id=line.government_id, kind=kind, period=period, amount=amount, created_by=actor
        )
        audit.record(
            actor,
            "execution.allocate",
            allocation,
            government=government,
            data={"line": line.pk, "amount": amount, "kind": kind, "period": period},
        )
    return allocation


def do_sub_allocate(line: BudgetLine, *, office: Office, amount: int, actor: Any) -> SubAllocation:
    """재배정: hand part of the allocation to a 분임재무관 office (R-BP-6: Σ 재배정 ≤ 배정)."""
    rules.check_positive(amount)
    _same_government(line.government_id, office)
    government = LocalGovernment.objects.get(pk=line.government_id)
    require(actor, ALLOCATE, government)
    if office.kind != OfficeKind.SUB_FINANCE:
        raise InvalidInput(_("Sub-allocations go to a 분임재무관 office."), field="office")
    with transaction.atomic():
        # The main office keeps what it has committed: only the uncommitted allocation can be handed on.
        taken = BudgetLine.objects.filter(
            pk=line.pk,
            sub_allocated__lte=F("allocated") - amount,
            committed__lte=F("allocated") - amount - F("sub_allocated") + F("sub_committed"),
        ).update(sub_allocated=F("sub_allocated") + amount)
        if taken != 1:
            raise rules.InsufficientAllocation(line=line.pk, amount=amount)
        sub, _created = SubAllocation.objects.get_or_create(line=line, office=office)
        SubAllocation.objects.filter(pk=sub.pk).update(amount=F("amount") + amount)
        sub.refresh_from_db()
        audit.record(actor, "execution.sub_allocate", sub, government=government, data={"amount": amount})
    return sub


def do_allocate_cash(office: Office, *, amount: int, actor: Any) -> Office:
    """자금배정: raise a 지출원 office's payment ceiling (지출한도, 지방회계법 시행령 §32)."""
    rules.check_positive(amount)
    government = LocalGovernment.objects.get(pk=office.government_id)
    require(actor, CASH, government)
    if office.kind != OfficeKind.DISBURSING:
        raise InvalidInput(_("Cash is allocated to a 지출원 office."), field="office")
    with transaction.atomic():
        Office.objects.filter(pk=office.pk).update(limit_amount=F("limit_amount") + amount)
        office.refresh_from_db()
        audit.record(actor, "execution.cash.allocate", office, government=government, data={"amount": amount})
    return office


# --- commitments (지출원인행위) ----------------------------------------------------------------------------------


def do_commit(
    line: BudgetLine,
    *,
    amount: int,
    creditor: str,
    purpose: str,
    actor: Any,
    idempotency_key: str,
    office: Office | None = None,
    kind: str = CommitmentKind.NORMAL,
    committed_on: dt.date | None = None,
    creditor_number: str = "",
) -> Commitment:
    """지출원인행위 within the allocation (R-EX-1). A retried request with the same key returns the first result."""
    rules.check_positive(amount)
    creditor, purpose = (creditor or "").strip(), (purpose or "").strip()
    if not creditor:
        raise InvalidInput(_("Name the creditor."), field="creditor")
    if not purpose:
        raise InvalidInput(_("State the purpose of the commitment."), field="purpose")
    if len(creditor) > 100 or len(purpose) > 200:
        raise InvalidInput(_("The creditor or purpose is too long."))
    if kind not in CommitmentKind.values:
        raise InvalidInput(_("Unknown kind of commitment."), field="kind")
    # The line usually arrives with its government (select_related): no query for it then.
    government = line.government
    require(actor, COMMIT, government)
    _same_government(line.government_id, office)
    today = _today()
    on = committed_on or today
    # A commitment belongs to the year it is made in, and is recorded in it: once the year has ended its lines take
    # no new commitments, even dated back to December (the allocation left then lapses or is carried, R-BP-7).
    if fiscal.fiscal_year(on) != line.year or today.year > line.year:
        raise rules.ClosedPeriod(
            _("A commitment of fiscal year %(year)s must be made within that year.") % {"year": line.year}
        )
    sub = office is not None and office.kind == OfficeKind.SUB_FINANCE
    if office is not None and office.kind == OfficeKind.DISBURSING:
        raise InvalidInput(_("Commitments are made by a finance office, not a disbursing office."), field="office")
    stored_key = _key(government, actor, idempotency_key)
    fingerprint = _fingerprint(line.pk, amount, creditor, purpose, kind, office.pk if office else None)
    if not sub:
        return _commit_in_one_statement(
            line,
            government,
            amount=amount,
            creditor=creditor,
            creditor_number=creditor_number[:20],
            purpose=purpose,
            kind=kind,
            on=on,
            actor=actor,
            stored_key=stored_key,
            office=office,
            fingerprint=fingerprint,
        )
    try:
        with transaction.atomic():
            if done := Commitment.objects.filter(idempotency_key=stored_key).first():
                return _replayed(done, line.pk, amount, creditor)
            if sub:
                assert office is not None
                taken = SubAllocation.objects.filter(
                    line=line, office=office, committed__lte=F("amount") - amount
                ).update(committed=F("committed") + amount)
                if taken != 1:
                    raise rules.InsufficientAllocation(line=line.pk, amount=amount, office=office.code)
                reserved = BudgetLine.objects.filter(pk=line.pk).update(
                    committed=F("committed") + amount, sub_committed=F("sub_committed") + amount
                )
            else:
                # The main office may use the allocation that was not handed on to 분임재무관.
                reserved = BudgetLine.objects.filter(
                    pk=line.pk, committed__lte=F("allocated") - F("sub_allocated") + F("sub_committed") - amount
                ).update(committed=F("committed") + amount)
            if reserved != 1:
                line.refresh_from_db()
                raise rules.InsufficientAllocation(
                    _("The allocation of this line does not cover %(amount)s won: %(available)s won are available.")
                    % {"amount": f"{amount:,}", "available": f"{line.allocated - line.committed:,}"},
                    line=line.pk,
                    amount=amount,
                    available=line.allocated - line.committed,
                )
            try:
                with transaction.atomic():
                    commitment = Commitment.objects.create(
                        government_id=line.government_id,
                        line=line,
                        office=office,
                        amount=amount,
                        creditor=creditor,
                        creditor_number=creditor_number[:20],
                        purpose=purpose,
                        kind=kind,
                        committed_on=on,
                        committed_by=actor,
                        idempotency_key=stored_key,
                    )
            except IntegrityError:
                raise _Duplicate() from None
            journal.post(
                government_id=line.government_id,
                account_id=line.account_id,
                fiscal_year=line.year,
                posted_on=on,
                source_type="execution.commitment",
                source_id=commitment.pk,
                description=purpose,
                lines=[(ENCUMBRANCE, amount, 0), (ENCUMBRANCE_RESERVE, 0, amount)],
                actor=actor,
            )
            audit.record(
                actor,
                "execution.commit",
                commitment,
                government=government,
                data={"line": line.pk, "amount": amount, "creditor": creditor, "fingerprint": fingerprint[:16]},
            )
    except _Duplicate:
        return _replayed(Commitment.objects.get(idempotency_key=stored_key), line.pk, amount, creditor)
    return commitment


# Chain heads this process has seen on PostgreSQL: they are never deleted, so the common path needs no query for
# them. A head that vanished with a rolled-back transaction is caught by the statement (fastpath.SQL) and recreated.
_chains_seen: set[str] = set()


def _commit_in_one_statement(
    line: BudgetLine,
    government: LocalGovernment,
    *,
    amount: int,
    creditor: str,
    creditor_number: str,
    purpose: str,
    kind: str,
    on: dt.date,
    actor: Any,
    stored_key: str,
    office: Office | None,
    fingerprint: str,
) -> Commitment:
    """The commitment written by execution.fastpath (one statement on PostgreSQL, raw statements on SQLite);
    commitments of a 분임재무관 take the ORM path below, which also checks their sub-allocation."""
    chain = audit.chain_key_for(government)
    postgresql = connection.vendor == "postgresql"
    if not postgresql or chain not in _chains_seen:
        audit.ensure_chains([chain])
    # On PostgreSQL the commitment is one statement, atomic on its own: outside a transaction it needs no
    # BEGIN/COMMIT round trips. Inside one (or on SQLite) it runs in a savepoint/transaction of its own.
    single_statement = postgresql and not connection.in_atomic_block
    write = functools.partial(
        fastpath.commit,
        line_id=line.pk,
        office_id=office.pk if office is not None else None,
        government_id=government.pk,
        chain_key=chain,
        amount=amount,
        creditor=creditor,
        creditor_number=creditor_number,
        purpose=purpose,
        kind=kind,
        on=on,
        actor=actor,
        key=stored_key,
        audit_data={"line": line.pk, "amount": amount, "creditor": creditor, "fingerprint": fingerprint[:16]},
    )
    try:
        try:
            with contextlib.nullcontext() if single_statement else transaction.atomic():
                commitment_id = write()
        except DataError as exc:
            if not fastpath.missing_audit_chain(exc):
                raise
            # The chain head was not there (a rolled-back transaction took it with it): the statement wrote
            # nothing. Create the head and write again.
            _chains_seen.discard(chain)
            audit.ensure_chains([chain])
            with contextlib.nullcontext() if single_statement else transaction.atomic():
                commitment_id = write()
        _chains_seen.add(chain)
    except IntegrityError:
        if done := Commitment.objects.filter(idempotency_key=stored_key).first():
            return _replayed(done, line.pk, amount, creditor)
        raise
    if commitment_id is None:
        if done := Commitment.objects.filter(idempotency_key=stored_key).first():
            return _replayed(done, line.pk, amount, creditor)
        line.refresh_from_db()
        raise rules.InsufficientAllocation(
            _("The allocation of this line does not cover %(amount)s won: %(available)s won are available.")
            % {"amount": f"{amount:,}", "available": f"{line.allocated - line.committed:,}"},
            line=line.pk,
            amount=amount,
            available=line.allocated - line.committed,
        )
    # Ids, not objects, then the objects in the relation cache: the related-object setters' checks cost as much
    # Python time as the rest of the commitment (docs/benchmarks.md).
    row = {
        "id": commitment_id,
        "government_id": government.pk,
        "line_id": line.pk,
        "office_id": office.pk if office is not None else None,
        "amount": amount,
        "paid_amount": 0,
        "creditor": creditor,
        "creditor_number": creditor_number,
        "purpose": purpose,
        "kind": kind,
        "status": CommitmentStatus.ACTIVE,
        "committed_on": on,
        "committed_by_id": actor.pk,
        "idempotency_key": stored_key,
        "created_at": None,
    }
    # The instance a query would return, without Model.__init__'s per-field work (a fifth of the path's client CPU).
    commitment = Commitment.__new__(Commitment)
    commitment.__dict__.update(row, _state=ModelState())
    commitment._state.adding, commitment._state.db = False, DEFAULT_DB_ALIAS
    for field, value in ((_LINE, line), (_OFFICE, office), (_COMMITTED_BY, actor)):
        field.set_cached_value(commitment, value)
    return commitment


_LINE, _OFFICE, _COMMITTED_BY = (Commitment._meta.get_field(name) for name in ("line", "office", "committed_by"))


def _replayed(done: Commitment, line_id: int, amount: int, creditor: str) -> Commitment:
    if (done.line_id, done.amount, done.creditor) != (line_id, amount, creditor):
        raise Conflict(_("This Idempotency-Key was already used for a different commitment."), reason="key_reused")
    return done


def do_cancel_commitment(commitment_id: int, *, actor: Any, reason: str) -> Commitment:
    """Release what is not yet paid: the unpaid part returns to the line's allocation."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Give the reason for the cancellation."), field="reason")
    with transaction.atomic():
        found = Commitment.objects.filter(pk=commitment_id).values_list("line_id", flat=True).first()
        if found is None:
            raise NotFound()
        # Line before commitment, the lock order of every money path.
        BudgetLine.objects.select_for_update().filter(pk=found).first()
        commitment = Commitment.objects.select_for_update(of=("self",)).filter(pk=commitment_id).first()
        if commitment is None:
            raise NotFound()
        government = LocalGovernment.objects.get(pk=commitment.government_id)
        require(actor, COMMIT, government)
        released = commitment.amount - commitment.paid_amount
        if commitment.status == CommitmentStatus.CANCELLED or released == 0:
            raise Conflict(_("Nothing of this commitment is left to cancel."))
        BudgetLine.objects.filter(pk=commitment.line_id).update(committed=F("committed") - released)
        if commitment.office_id and commitment.office and commitment.office.kind == OfficeKind.SUB_FINANCE:
            SubAllocation.objects.filter(line_id=commitment.line_id, office_id=commitment.office_id).update(
                committed=F("committed") - released
            )
            BudgetLine.objects.filter(pk=commitment.line_id).update(sub_committed=F("sub_committed") - released)
        if commitment.paid_amount == 0:
            # Kept at its original amount for the record; the line no longer counts it.
            Commitment.objects.filter(pk=commitment.pk).update(status=CommitmentStatus.CANCELLED)
        else:
            # Partly paid: the commitment shrinks to what was paid and stays as its basis.
            Commitment.objects.filter(pk=commitment.pk).update(amount=commitment.paid_amount)
        line = commitment.line
        journal.post(
            government_id=commitment.government_id,
            account_id=line.account_id,
            fiscal_year=line.year,
            posted_on=_today(),
            source_type="execution.commitment",
            source_id=commitment.pk,
            description=f"취소: {reason}",
            lines=[(ENCUMBRANCE_RESERVE, released, 0), (ENCUMBRANCE, 0, released)],
            actor=actor,
        )
        commitment.refresh_from_db()
        audit.record(
            actor,
            "execution.commitment.cancel",
            commitment,
            government=government,
            data={"released": released, "reason": reason},
        )
    return commitment


# --- payment orders (지급명령) -----------------------------------------------------------------------------------


def _next_number(government_id: int, year: int, kind: str) -> int:
    counter, _created = DocumentCounter.objects.get_or_create(government_id=government_id, year=year, kind=kind)
    DocumentCounter.objects.filter(pk=counter.pk).update(value=F("value") + 1)
    counter.refresh_from_db()
    return counter.value


def _cashiers(government: LocalGovernment) -> set[int]:
    return set(
        Membership.objects.current().filter(government=government, role=Role.CASHIER).values_list("user_id", flat=True)
    )


def do_issue_payment(
    commitment: Commitment,
    *,
    amount: int,
    payee_name: str,
    payee_bank: str,
    payee_account: str,
    office: Office,
    actor: Any,
    idempotency_key: str,
    issued_on: dt.date | None = None,
    withholdings: Sequence[tuple[str, int]] = (),
    exception: fiscal.ClosingException | None = None,
    is_advance: bool = False,
    claimed_on: dt.date | None = None,
    head_approval: bool = False,
    resolution: ExpenditureResolution | None = None,
) -> PaymentOrder:
    """지급명령 (R-EX-2): against a commitment, within its unpaid amount, within the office's 지출한도, to the
    creditor, in the fiscal year's cash window, by someone other than the 재무관 who committed. Given a 지출결의,
    also within what remains of it and by someone other than the 재무관 who resolved it (resolution_hook)."""
    rules.check_positive(amount)
    government = LocalGovernment.objects.get(pk=commitment.government_id)
    require(actor, PAY, government)
    _same_government(commitment.government_id, office)
    if office.kind != OfficeKind.DISBURSING:
        raise InvalidInput(_("Payments are ordered by a disbursing office (지출원)."), field="office")
    payee_bank, payee_account = (payee_bank or "").strip(), "".join(c for c in (payee_account or "") if c.isdigit())
    if not payee_bank or not 6 <= len(payee_account) <= 20:
        raise InvalidInput(_("Give the payee's bank and account number (6 to 20 digits)."), field="payee_account")
    rules.check_payee(commitment.creditor, payee_name)
    rules.check_separation(
        committed_by=commitment.committed_by_id,
        issuer=actor.pk,
        cashiers=_cashiers(government),
        small_office_exception=office.small_office_exception,
    )
    if resolution is not None:
        resolution_hook.check(
            resolution,
            commitment.pk,
            government.pk,
            issuer=actor.pk,
            cashiers=_cashiers(government),
            small_office_exception=office.small_office_exception,
            is_advance=is_advance,
        )
    line = commitment.line
    on = issued_on or _today()
    rules.check_payment_date(line.year, on, exception)
    withheld = 0
    for kind, value in withholdings:
        rules.check_positive(value)
        if not kind:
            raise InvalidInput(_("Name each withholding."), field="withholdings")
        withheld += value
    if withheld >= amount:
        raise InvalidInput(_("Withholdings must be less than the payment."), field="withholdings")
    if is_advance:
        if commitment.kind != CommitmentKind.ADVANCE:
            raise InvalidInput(_("Advance payments are made on a commitment of the kind 선금급."), field="is_advance")
        if claimed_on is None or claimed_on > on:
            raise InvalidInput(_("Give the date of the contractor's claim for the advance."), field="claimed_on")
    stored_key = _key(government, actor, idempotency_key)
    try:
        with transaction.atomic():
            if done := PaymentOrder.objects.filter(idempotency_key=stored_key).first():
                if (done.commitment_id, done.amount) != (commitment.pk, amount):
                    raise Conflict(_("This Idempotency-Key was already used for a different payment."))
                if resolution is not None:
                    resolution_hook.check_replay(done, resolution)
                return done
            # Lock order of every money path: budget line, then commitment, then office. The line first, as
            # do_commit does, so a payment and a commitment on one line never wait for each other crosswise.
            BudgetLine.objects.select_for_update().filter(pk=line.pk).first()
            taken = Commitment.objects.filter(
                pk=commitment.pk, status=CommitmentStatus.ACTIVE, paid_amount__lte=F("amount") - amount
            ).update(paid_amount=F("paid_amount") + amount)
            if taken != 1:
                commitment.refresh_from_db()
                raise rules.InsufficientCommitment(unpaid=commitment.amount - commitment.paid_amount, amount=amount)
            if resolution is not None:
                resolution_hook.take(resolution, amount)
            within = Office.objects.filter(pk=office.pk, paid_amount__lte=F("limit_amount") - amount).update(
                paid_amount=F("paid_amount") + amount
            )
            if within != 1:
                office.refresh_from_db()
                raise rules.OverDisbursementLimit(
                    limit=office.limit_amount, paid=office.paid_amount, amount=amount, office=office.code
                )
            if is_advance:
                # Under the line lock: concurrent advances on one commitment are counted one after the other.
                advanced = sum(
                    PaymentOrder.objects.filter(commitment=commitment, is_advance=True).values_list("amount", flat=True)
                )
                rules.check_advance(commitment.amount, advanced + amount, head_approval=head_approval)
            BudgetLine.objects.filter(pk=line.pk).update(paid=F("paid") + amount)
            number = f"{line.year}-{_next_number(government.pk, line.year, 'payment'):07d}"
            try:
                with transaction.atomic():
                    payment = PaymentOrder.objects.create(
                        government_id=government.pk,
                        commitment=commitment,
                        office=office,
                        number=number,
                        fiscal_year=line.year,
                        amount=amount,
                        withholding_amount=withheld,
                        payee_name=payee_name.strip()[:100],
                        payee_bank=payee_bank[:20],
                        payee_account=payee_account,
                        issued_on=on,
                        issued_by=actor,
                        idempotency_key=stored_key,
                        is_advance=is_advance,
                        claimed_on=claimed_on,
                        head_approval=head_approval,
                    )
            except IntegrityError:
                raise _Duplicate() from None
            Withholding.objects.bulk_create(
                [Withholding(payment=payment, kind=k[:20], amount=v) for k, v in withholdings]
            )
            if resolution is not None:
                resolution_hook.link(resolution, payment)
            entry_lines = [
                (rules.expense_ledger(line.object_code, line.year), amount, 0),
                (CASH_LEDGER, 0, amount - withheld),
                (ENCUMBRANCE_RESERVE, amount, 0),
                (ENCUMBRANCE, 0, amount),
            ]
            if withheld:
                entry_lines.append((WITHHOLDING_LEDGER, 0, withheld))
            journal.post(
                government_id=government.pk,
                account_id=line.account_id,
                fiscal_year=line.year,
                posted_on=on,
                source_type="execution.payment",
                source_id=payment.pk,
                description=f"{number} {payee_name}"[:200],
                lines=entry_lines,
                actor=actor,
            )
            # A capital 통계목 (시설비, 자산취득비) buys an asset: the register the depreciation reads.
            assets.register_payment(
                government_id=government.pk,
                account_id=line.account_id,
                object_code=line.object_code,
                fiscal_year=line.year,
                acquired_on=on,
                amount=amount,
                source_type="execution.payment",
                source_id=payment.pk,
                description=f"{number} {payee_name}",
            )
            audit.record(
                actor,
                "execution.payment.issue",
                payment,
                government=government,
                data={
                    "commitment": commitment.pk,
                    "amount": amount,
                    "withheld": withheld,
                    "number": number,
                    "advance": is_advance,
                    "resolution": resolution.pk if resolution is not None else None,
                    # R-EX-6: an advance paid more than 14 days after the claim is recorded as late.
                    "advance_late": bool(is_advance and claimed_on and rules.advance_is_late(claimed_on, on)),
                },
            )
    except _Duplicate:
        # A concurrent request with the same key won: it must be the same payment, as on the lookup above.
        done = PaymentOrder.objects.get(idempotency_key=stored_key)
        if (done.commitment_id, done.amount) != (commitment.pk, amount):
            raise Conflict(_("This Idempotency-Key was already used for a different payment.")) from None
        if resolution is not None:
            resolution_hook.check_replay(done, resolution)
        return done
    return payment


def do_record_refund(
    payment: PaymentOrder, *, amount: int, received_on: dt.date, actor: Any, idempotency_key: str
) -> Refund:
    """반납: money paid comes back. By 20 Jan of the next year it restores the line (and the commitment, and the
    office's ceiling); later it is revenue of the year it arrives in (R-FY-4)."""
    rules.check_positive(amount)
    government = LocalGovernment.objects.get(pk=payment.government_id)
    require(actor, PAY, government)
    if not payment.issued_on <= received_on <= _today():
        raise InvalidInput(
            _("Money comes back after it was paid (%(paid)s) and not later than today.")
            % {"paid": payment.issued_on.isoformat()},
            field="received_on",
        )
    restores = rules.refund_restores_line(payment.fiscal_year, received_on)
    stored_key = _key(government, actor, idempotency_key)
    with transaction.atomic():
        commitment = payment.commitment
        line = commitment.line
        # The same lock order as the other money paths: line, commitment, office, then the payment. The key is
        # looked up under the line's lock, so a concurrent duplicate waits and then finds the first refund.
        BudgetLine.objects.select_for_update().filter(pk=line.pk).first()
        if done := Refund.objects.filter(idempotency_key=stored_key).first():
            if (done.payment_id, done.amount, done.received_on) != (payment.pk, amount, received_on):
                raise Conflict(_("This Idempotency-Key was already used for a different refund."), reason="key_reused")
            return done
        taken = PaymentOrder.objects.filter(pk=payment.pk, refunded_amount__lte=F("amount") - amount).update(
            refunded_amount=F("refunded_amount") + amount
        )
        if taken != 1:
            raise Conflict(_("More cannot come back than was paid."))
        if restores:
            BudgetLine.objects.filter(pk=line.pk).update(paid=F("paid") - amount)
            Commitment.objects.filter(pk=commitment.pk).update(paid_amount=F("paid_amount") - amount)
            Office.objects.filter(pk=payment.office_id).update(paid_amount=F("paid_amount") - amount)
        refund = Refund.objects.create(
            government_id=government.pk,
            payment=payment,
            amount=amount,
            received_on=received_on,
            restored_line=restores,
            recorded_by=actor,
            idempotency_key=stored_key,
        )
        ledger = rules.expense_ledger(line.object_code, line.year) if restores else OTHER_REVENUE
        lines = [(CASH_LEDGER, amount, 0), (ledger, 0, amount)]
        if restores:
            # The commitment is open again for the amount that came back.
            lines += [(ENCUMBRANCE, amount, 0), (ENCUMBRANCE_RESERVE, 0, amount)]
        journal.post(
            government_id=government.pk,
            account_id=line.account_id,
            fiscal_year=payment.fiscal_year if restores else fiscal.fiscal_year(received_on),
            posted_on=received_on,
            source_type="execution.refund",
            source_id=refund.pk,
            description=f"반납 {payment.number}",
            lines=lines,
            actor=actor,
        )
        if restores:
            assets.reduce_for_refund("execution.payment", payment.pk, amount)
        PaymentOrder.objects.filter(pk=payment.pk, refunded_amount=F("amount")).update(status=PaymentStatus.RETURNED)
        audit.record(
            actor,
            "execution.refund",
            refund,
            government=government,
            data={"payment": payment.pk, "amount": amount, "restored_line": restores},
        )
    return refund
