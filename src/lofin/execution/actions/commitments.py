"""Writers of 지출원인행위 (commitments): making one within the allocation, and cancelling what is not yet paid.

A commitment is written with the same checks before and the same rows after on every path (the same tests run on
both databases). The main office's commitment — the hot path — is written without the ORM: on PostgreSQL by one
prepared statement (architecture §8.16), the check-and-set on the budget line, the commitment, its journal entry and
lines, and the audit event with the chain head in one data-modifying CTE, one round trip; on SQLite by the same writes
as four plain statements in one transaction. A 분임재무관's commitment, whose sub-allocation is checked too, goes
through the ORM on both databases. The ORM alone measured under the 800 commitments/s SQLite target
(docs/benchmarks.md), hence the statements. The audit hash of the PostgreSQL statement is computed by the database
with pgcrypto's HMAC over the same content `core.audit.compute_hash` builds, so `lofin audit verify` checks these
events like any other.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import weakref
from dataclasses import dataclass
from typing import Any, cast

import psycopg
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DataError, IntegrityError, connection, connections, models, transaction
from django.db.models import F
from django.db.models.base import ModelState
from django.utils.translation import gettext_lazy as _
from psycopg import pq

from lofin.accounting import chart, journal
from lofin.core import audit, clock, fiscal, idempotency
from lofin.core.audit import SEPARATOR, canonical_json, timestamp
from lofin.core.errors import Conflict, InvalidInput, NotFound
from lofin.core.models import LocalGovernment, User
from lofin.core.permissions import require
from lofin.core.types import parse_business_number

from ..access import COMMIT
from ..errors import ClosedPeriod, InsufficientAllocation
from ..models import (
    BudgetLine,
    Commitment,
    CommitmentKind,
    CommitmentStatus,
    CreditorAssignment,
    Office,
    OfficeKind,
    SubAllocation,
)
from ..rules import commitments as rules
from ..rules import yearend as yearend_rules
from ..rules.values import check_not_future, check_positive, check_text
from .common import lock_line, once_per_form, same_government

SOURCE = "execution.commitment"
AUDIT_ACTION = "execution.commit"


def do_commit(
    line: BudgetLine,
    *,
    amount: int,
    creditor: str,
    purpose: str,
    actor: User,
    idempotency_key: str,
    office: Office | None = None,
    kind: str = CommitmentKind.NORMAL,
    committed_on: dt.date | None = None,
    creditor_number: str = "",
) -> Commitment:
    """지출원인행위 within the allocation (R-EX-1). A retried request with the same key returns the first result; the
    same key with anything else changed (amount, creditor, purpose, date, office, …) is refused with `KeyReused`."""
    check_positive(amount)
    request = idempotency.fingerprint(
        "commit",
        line=line.pk,
        amount=amount,
        creditor=creditor,
        purpose=purpose,
        office=office,
        kind=kind,
        committed_on=committed_on,
        creditor_number=creditor_number,
    )
    creditor, purpose = rules.check_commitment_terms(creditor=creditor, purpose=purpose, kind=kind)
    # The line usually arrives with its government (select_related): no query for it then.
    government = line.government
    require(actor, COMMIT, government)
    same_government(line.government_id, office)
    today = clock.today()
    on = committed_on or today
    rules.check_commitment_day(line.year, on, today)
    rules.check_committing_office(office.kind if office is not None else None)
    key = idempotency.scoped_key(government.pk, actor, idempotency_key)
    terms = Terms(amount, creditor, creditor_number[:20], purpose, kind, on, request)
    if office is not None and office.kind == OfficeKind.SUB_FINANCE:
        return _commit_within_sub_allocation(line, government, office, terms, actor=actor, key=key)
    return _commit_in_statements(line, government, office, terms, actor=actor, key=key)


@dataclass(slots=True)
class Terms:
    """What a commitment is made of once checked, and the fingerprint of the request that asked for it."""

    amount: int
    creditor: str
    creditor_number: str
    purpose: str
    kind: str
    on: dt.date
    request: str

    def audit_data(self, line_id: int) -> dict[str, Any]:
        return {"line": line_id, "amount": self.amount, "creditor": self.creditor, "fingerprint": self.request}


def _insufficient(line: BudgetLine, amount: int) -> InsufficientAllocation:
    line.refresh_from_db()
    available = line.allocated - line.committed
    return InsufficientAllocation(
        _("The allocation of this line does not cover %(amount)s won: %(available)s won are available.")
        % {"amount": f"{amount:,}", "available": f"{available:,}"},
        line=line.pk,
        amount=amount,
        available=available,
    )


def _commit_within_sub_allocation(
    line: BudgetLine, government: LocalGovernment, office: Office, terms: Terms, *, actor: User, key: str
) -> Commitment:
    """A 분임재무관's commitment, through the ORM in one transaction: within the sub-allocation handed to the office
    (check-and-set on it), which the line then counts as committed by its 분임재무관."""
    amount = terms.amount
    try:
        with transaction.atomic():
            if done := Commitment.objects.filter(idempotency_key=key).first():
                return idempotency.replay(done, terms.request)
            taken = SubAllocation.objects.filter(line=line, office=office, committed__lte=F("amount") - amount).update(
                committed=F("committed") + amount
            )
            if taken != 1:
                raise InsufficientAllocation(line=line.pk, amount=amount, office=office.code)
            BudgetLine.objects.filter(pk=line.pk).update(
                committed=F("committed") + amount, sub_committed=F("sub_committed") + amount
            )
            with idempotency.unique_insert():
                commitment = Commitment.objects.create(
                    government_id=line.government_id,
                    line=line,
                    office=office,
                    amount=amount,
                    creditor=terms.creditor,
                    creditor_number=terms.creditor_number,
                    purpose=terms.purpose,
                    kind=terms.kind,
                    committed_on=terms.on,
                    committed_by=actor,
                    idempotency_key=key,
                )
            journal.post(
                government_id=line.government_id,
                account_id=line.account_id,
                fiscal_year=line.year,
                posted_on=terms.on,
                source_type=SOURCE,
                source_id=commitment.pk,
                description=terms.purpose,
                lines=chart.encumbered(amount),
                actor=actor,
            )
            audit.record(actor, AUDIT_ACTION, commitment, government=government, data=terms.audit_data(line.pk))
    except idempotency.Duplicate:
        return idempotency.replay(Commitment.objects.get(idempotency_key=key), terms.request)
    return commitment


# --- the statements of the main office: PostgreSQL (architecture §8.16) and SQLite -----------------------------------------------------------------

# The names interpolated below are this module's and the chart's constants, never input.
SQL = f"""
WITH line AS (
    UPDATE execution_budgetline
       SET committed = committed + %(amount)s
     WHERE id = %(line_id)s
       AND committed <= allocated - sub_allocated + sub_committed - %(amount)s
    RETURNING id, government_id, account_id, year
), c AS (
    INSERT INTO execution_commitment
        (government_id, line_id, office_id, amount, paid_amount, creditor, creditor_number, purpose, kind, status,
         committed_on, committed_by_id, created_at, idempotency_key)
    SELECT government_id, id, %(office_id)s::bigint, %(amount)s, 0, %(creditor)s, %(creditor_number)s, %(purpose)s, %(kind)s,
           'active', %(on)s, %(actor_id)s, %(now)s, %(key)s
      FROM line
    RETURNING id
), e AS (
    INSERT INTO accounting_journalentry
        (government_id, account_id, fiscal_year, posted_on, source_type, source_id, description, reverses_id,
         created_at, created_by_id)
    SELECT line.government_id, line.account_id, line.year, %(on)s, '{SOURCE}', c.id, %(purpose)s,
           NULL, %(now)s, %(actor_id)s
      FROM line, c
    RETURNING id
), jl AS (
    INSERT INTO accounting_journalline (entry_id, ledger_code, debit, credit)
    SELECT e.id, v.code, v.debit, v.credit
      FROM e, (VALUES ('{chart.ENCUMBRANCE}', %(amount)s::bigint, 0::bigint),
                      ('{chart.ENCUMBRANCE_RESERVE}', 0::bigint, %(amount)s::bigint))
           AS v(code, debit, credit)
), head AS (
    -- Moves the chain head and keeps the hash it replaces (SET sees the old row): one locked update, no locking read.
    UPDATE core_auditchain h
       SET last_seq = h.last_seq + 1,
           prev_hash = h.last_hash,
           last_hash = encode(hmac(convert_to(
               %(chain)s || %(sep)s || (h.last_seq + 1)::text || %(sep)s || %(before_object)s
               || (SELECT id FROM c)::text || %(sep)s || %(data)s || %(sep)s || h.last_hash, 'UTF8'),
               convert_to(%(hmac_key)s, 'UTF8'), 'sha256'), 'hex')
     WHERE h.key = %(chain)s AND EXISTS (SELECT 1 FROM c)
    RETURNING h.last_seq, h.last_hash, h.prev_hash
), ev AS (
    INSERT INTO core_auditevent
        (chain_key, seq, government_id, occurred_at, actor_id, actor_label, action, object_type, object_id, data,
         prev_hash, hash)
    SELECT %(chain)s, head.last_seq, %(government_id)s, %(now)s, %(actor_id)s, %(actor_label)s,
           '{AUDIT_ACTION}', '{SOURCE}', (SELECT id FROM c)::text, %(data)s::jsonb,
           head.prev_hash, head.last_hash
      FROM head
    RETURNING 1
)
-- No commitment without its audit event: if the chain head is missing, 1/0 aborts the whole statement.
SELECT id, 1 / (SELECT count(*) FROM ev) FROM c
"""  # noqa: S608
# The parameters in the order of the prepared statement, with their types (PostgreSQL type oids): untyped
# parameters would be inferred from context, which fails for the ones only concatenated.
_PARAMS = (
    ("amount", 20),
    ("line_id", 20),
    ("office_id", 20),
    ("creditor", 25),
    ("creditor_number", 25),
    ("purpose", 25),
    ("kind", 25),
    ("on", 1082),
    ("actor_id", 20),
    ("now", 1184),
    ("key", 25),
    ("chain", 25),
    ("sep", 25),
    ("before_object", 25),
    ("data", 25),
    ("hmac_key", 25),
    ("government_id", 20),
    ("actor_label", 25),
)
_POSITIONAL = SQL
for _number, (_name, _oid) in enumerate(_PARAMS, start=1):
    _POSITIONAL = _POSITIONAL.replace(f"%({_name})s", f"${_number}")
STATEMENT_NAME = b"lofin_execution_commit_v2"
_SEPARATOR = SEPARATOR.encode()
# The libpq connections this statement is prepared on (weakly held: a closed connection drops out).
_prepared_on: weakref.WeakSet[Any] = weakref.WeakSet()

# Chain heads this process has seen on PostgreSQL: they are never deleted, so the common path needs no query for
# them. A head that vanished with a rolled-back transaction is caught by the statement (its 1/0) and recreated.
chains_seen: set[str] = set()


def missing_audit_chain(error: Exception) -> bool:
    """The statement's refusal to write a commitment without its audit event (the 1/0 at its end)."""
    return isinstance(error.__cause__, psycopg.errors.DivisionByZero)


def _commit_in_statements(
    line: BudgetLine, government: LocalGovernment, office: Office | None, terms: Terms, *, actor: User, key: str
) -> Commitment:
    """The main office's commitment without the ORM (`execute`): within the allocation not handed on to
    분임재무관 (the statements' check-and-set on the line), and the object a query would return."""
    chain = audit.chain_key_for(government)
    postgresql = connection.vendor == "postgresql"
    if not postgresql or chain not in chains_seen:
        audit.ensure_chains([chain])
    # On PostgreSQL the statement is atomic on its own: outside a transaction it needs no BEGIN/COMMIT round trips.
    # Inside one (or on SQLite) it runs in a savepoint or transaction of its own, so a refusal leaves the caller's
    # transaction usable.
    single_statement = postgresql and not connection.in_atomic_block
    now = clock.now()

    def write() -> int | None:
        with contextlib.nullcontext() if single_statement else transaction.atomic():
            return execute(
                line_id=line.pk,
                office_id=office.pk if office is not None else None,
                government_id=government.pk,
                chain_key=chain,
                terms=terms,
                now=now,
                actor=actor,
                key=key,
            )

    try:
        try:
            commitment_id = write()
        except DataError as exc:
            if not missing_audit_chain(exc):
                raise
            # The chain head was not there (a rolled-back transaction took it with it): the statement wrote
            # nothing. Create the head and write again.
            chains_seen.discard(chain)
            audit.ensure_chains([chain])
            commitment_id = write()
        chains_seen.add(chain)
    except IntegrityError:
        if done := Commitment.objects.filter(idempotency_key=key).first():
            return idempotency.replay(done, terms.request)
        raise
    if commitment_id is None:
        if done := Commitment.objects.filter(idempotency_key=key).first():
            return idempotency.replay(done, terms.request)
        raise _insufficient(line, terms.amount)
    # The instance a query would return, with the values the statement stored. Ids, then the objects in the relation
    # cache, without Model.__init__'s per-field work or the related-object setters' checks: together they cost as
    # much Python time as the rest of the commitment (docs/benchmarks.md).
    commitment = Commitment.__new__(Commitment)
    commitment.__dict__.update(
        id=commitment_id,
        government_id=government.pk,
        line_id=line.pk,
        office_id=office.pk if office is not None else None,
        amount=terms.amount,
        paid_amount=0,
        creditor=terms.creditor,
        creditor_number=terms.creditor_number,
        purpose=terms.purpose,
        kind=terms.kind,
        status=CommitmentStatus.ACTIVE,
        committed_on=terms.on,
        committed_by_id=actor.pk,
        idempotency_key=key,
        created_at=now,
        _state=ModelState(),
    )
    commitment._state.adding, commitment._state.db = False, DEFAULT_DB_ALIAS
    for field, value in ((_LINE, line), (_OFFICE, office), (_COMMITTED_BY, actor)):
        field.set_cached_value(commitment, value)
    return commitment


_LINE, _OFFICE, _COMMITTED_BY = (
    cast(models.ForeignKey, Commitment._meta.get_field(name)) for name in ("line", "office", "committed_by")
)


def execute(
    *,
    line_id: int,
    office_id: int | None,
    government_id: int,
    chain_key: str,
    terms: Terms,
    now: dt.datetime,
    actor: User,
    key: str,
) -> int | None:
    """The statement: returns the commitment's id, or None when the allocation does not cover the amount (nothing
    written). A duplicate idempotency key raises IntegrityError (the statement is rolled back as a whole)."""
    if connection.vendor != "postgresql":
        return _execute_sqlite(
            line_id=line_id, office_id=office_id, government_id=government_id, chain_key=chain_key, terms=terms,
            now=now, actor=actor, key=key,
        )  # fmt: skip
    actor_label = actor.get_username()
    data = canonical_json(terms.audit_data(line_id))
    # Everything compute_hash hashes between the sequence number and the object id, in its order.
    before_object = SEPARATOR.join(
        [str(government_id), timestamp(now), str(actor.pk), actor_label, AUDIT_ACTION, SOURCE, ""]
    )
    db = connections[DEFAULT_DB_ALIAS]  # one lookup of the thread's connection, not one per attribute
    db.ensure_connection()
    conn = db.connection
    if db.in_atomic_block or not conn.autocommit:
        # Inside a transaction psycopg sends BEGIN before its own next statement, not before libpq's: go through a
        # psycopg cursor so that this statement is part of the caller's transaction.
        values = (
            *(terms.amount, line_id, office_id, terms.creditor, terms.creditor_number, terms.purpose, terms.kind),
            *(terms.on, actor.pk, now, key, chain_key, SEPARATOR, before_object, data),
            *(settings.LOFIN_AUDIT_KEY, government_id, actor_label),
        )
        with db.wrap_database_errors, psycopg.Cursor(conn) as cursor:
            cursor.execute(
                SQL, {name: value for (name, _oid), value in zip(_PARAMS, values, strict=True)}, prepare=True
            )
            row = cursor.fetchone()
        return int(row[0]) if row else None
    # The parameters in PostgreSQL's text format, in the order of _PARAMS (dates and timestamps in ISO 8601).
    params = [
        b"%d" % terms.amount,
        b"%d" % line_id,
        None if office_id is None else b"%d" % office_id,
        terms.creditor.encode(),
        terms.creditor_number.encode(),
        terms.purpose.encode(),
        terms.kind.encode(),
        terms.on.isoformat().encode(),
        b"%d" % actor.pk,
        now.isoformat().encode(),
        key.encode(),
        chain_key.encode(),
        _SEPARATOR,
        before_object.encode(),
        data.encode(),
        settings.LOFIN_AUDIT_KEY.encode(),
        b"%d" % government_id,
        actor_label.encode(),
    ]
    with db.wrap_database_errors:
        return execute_prepared(conn, params)


# SQLite: the statement's writes as four plain statements in the caller's (IMMEDIATE) transaction.
SQLITE_LINE = """
UPDATE execution_budgetline SET committed = committed + %s
 WHERE id = %s AND committed <= allocated - sub_allocated + sub_committed - %s
RETURNING account_id, year
"""
SQLITE_COMMITMENT = """
INSERT INTO execution_commitment
    (government_id, line_id, office_id, amount, paid_amount, creditor, creditor_number, purpose, kind, status,
     committed_on, committed_by_id, created_at, idempotency_key)
VALUES (%s, %s, %s, %s, 0, %s, %s, %s, %s, 'active', %s, %s, %s, %s)
RETURNING id
"""
SQLITE_ENTRY = """
INSERT INTO accounting_journalentry
    (government_id, account_id, fiscal_year, posted_on, source_type, source_id, description, reverses_id,
     created_at, created_by_id)
VALUES (%s, %s, %s, %s, %s, %s, %s, NULL, %s, %s)
RETURNING id
"""
SQLITE_LINES = "INSERT INTO accounting_journalline (entry_id, ledger_code, debit, credit) VALUES (%s, %s, %s, %s)"


def _execute_sqlite(
    *,
    line_id: int,
    office_id: int | None,
    government_id: int,
    chain_key: str,
    terms: Terms,
    now: dt.datetime,
    actor: User,
    key: str,
) -> int | None:
    """The audit event goes through core.audit.record_raw, so both databases hash the same way."""
    amount = terms.amount
    with connection.cursor() as cursor:
        cursor.execute(SQLITE_LINE, [amount, line_id, amount])
        row = cursor.fetchone()
        if row is None:
            return None
        account_id, year = row
        cursor.execute(
            SQLITE_COMMITMENT,
            [
                *(government_id, line_id, office_id, amount),
                *(terms.creditor, terms.creditor_number, terms.purpose, terms.kind),
                *(terms.on, actor.pk, now, key),
            ],
        )
        commitment_id = int(cursor.fetchone()[0])
        cursor.execute(
            SQLITE_ENTRY,
            [government_id, account_id, year, terms.on, SOURCE, commitment_id, terms.purpose, now, actor.pk],
        )
        entry_id = cursor.fetchone()[0]
        cursor.executemany(
            SQLITE_LINES,
            [(entry_id, chart.ENCUMBRANCE, amount, 0), (entry_id, chart.ENCUMBRANCE_RESERVE, 0, amount)],
        )
    audit.record_raw(
        actor,
        AUDIT_ACTION,
        government_id=government_id,
        chain_key=chain_key,
        object_type=SOURCE,
        object_id=commitment_id,
        data=terms.audit_data(line_id),
        occurred_at=now,
    )
    return commitment_id


def execute_prepared(conn: psycopg.Connection[Any], params: list[bytes | None]) -> int | None:
    """The statement on libpq directly, in autocommit (it is atomic on its own). A server-side prepared statement:
    PostgreSQL plans it once per connection. libpq is called without psycopg's cursor machinery (query conversion,
    per-parameter dumpers, its polling loop), which cost more client CPU than the rest of the commitment; libpq
    releases the GIL while it waits, so the other threads of an application server run meanwhile. The caller wraps
    it in Django's database-error translation."""
    pgconn = conn.pgconn
    if conn not in _prepared_on:
        prepared = pgconn.prepare(STATEMENT_NAME, _POSITIONAL.encode(), [oid for _name, oid in _PARAMS])
        # 42P05: already prepared in this session (a connection object reused after a reset): use it.
        if (
            prepared.status != pq.ExecStatus.COMMAND_OK
            and prepared.error_field(pq.DiagnosticField.SQLSTATE) != b"42P05"
        ):
            raise psycopg.errors.error_from_result(prepared, encoding="utf-8")
        _prepared_on.add(conn)
    # libpq takes None for a NULL parameter (the office of a main-office commitment); psycopg's stub does not say so.
    result = pgconn.exec_prepared(STATEMENT_NAME, params)  # type: ignore[arg-type]
    if result.status != pq.ExecStatus.TUPLES_OK:
        if pgconn.status != pq.ConnStatus.OK:
            raise psycopg.OperationalError(pgconn.get_error_message())
        raise psycopg.errors.error_from_result(result, encoding="utf-8")
    if result.ntuples == 0:
        return None
    value = result.get_value(0, 0)
    return int(value) if value is not None else None


# --- cancelling ----------------------------------------------------------------------------------------------------


def release_refunded(commitment_id: int, amount: int) -> None:
    """A 반납 of a cancelled commitment's payment, restored to its line, releases the amount (the 재무관 cancelled
    what was not needed): the commitment shrinks by it — cancelled in full when nothing stays paid — and the line
    no longer counts it as committed. Called under the line's lock."""
    current = Commitment.objects.select_for_update(of=("self",)).get(pk=commitment_id)
    release(current, amount)
    if current.paid_amount == amount:
        # Kept at its amount for the record, as an unpaid cancellation is; the line no longer counts it.
        Commitment.objects.filter(pk=current.pk).update(paid_amount=0, status=CommitmentStatus.CANCELLED)
    else:
        Commitment.objects.filter(pk=current.pk).update(
            amount=F("amount") - amount, paid_amount=F("paid_amount") - amount
        )


def release(commitment: Commitment, amount: int) -> None:
    """The line — and a 분임재무관's sub-allocation — stop counting `amount` of the commitment as committed: it is free
    to be committed again. The caller changes the commitment itself and posts the release of the encumbrance."""
    BudgetLine.objects.filter(pk=commitment.line_id).update(committed=F("committed") - amount)
    office = commitment.office if commitment.office_id is not None else None
    if office is not None and office.kind == OfficeKind.SUB_FINANCE:
        SubAllocation.objects.filter(line_id=commitment.line_id, office_id=office.pk).update(
            committed=F("committed") - amount
        )
        BudgetLine.objects.filter(pk=commitment.line_id).update(sub_committed=F("sub_committed") - amount)


def do_cancel_commitment(commitment_id: int, *, actor: User, reason: str) -> Commitment:
    """Release what is not yet paid: the unpaid part returns to the line's allocation."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Give the reason for the cancellation."), field="reason")
    with transaction.atomic():
        found = Commitment.objects.filter(pk=commitment_id).values_list("line_id", flat=True).first()
        if found is None:
            raise NotFound()
        # Line before commitment, the lock order of every money path.
        lock_line(found)
        commitment = Commitment.objects.select_for_update(of=("self",)).filter(pk=commitment_id).first()
        if commitment is None:
            raise NotFound()
        government = LocalGovernment.objects.get(pk=commitment.government_id)
        require(actor, COMMIT, government)
        released = commitment.amount - commitment.paid_amount
        if commitment.status == CommitmentStatus.CANCELLED or released == 0:
            raise Conflict(_("Nothing of this commitment is left to cancel."))
        release(commitment, released)
        today = clock.today()
        if commitment.paid_amount == 0:
            # Kept at its original amount for the record; the line no longer counts it.
            Commitment.objects.filter(pk=commitment.pk).update(status=CommitmentStatus.CANCELLED, cancelled_on=today)
        else:
            # Partly paid: the commitment shrinks to what was paid and stays as its basis.
            Commitment.objects.filter(pk=commitment.pk).update(amount=commitment.paid_amount, cancelled_on=today)
        line = commitment.line
        journal.post(
            government_id=commitment.government_id,
            account_id=line.account_id,
            fiscal_year=line.year,
            posted_on=today,
            source_type=SOURCE,
            source_id=commitment.pk,
            description=f"취소: {reason}",
            lines=chart.released(released),
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


def do_cancel_commitment_from_form(commitment: Commitment, *, reason: str, actor: User, form_key: str) -> Commitment:
    """Cancelling a commitment from a screen: a second submission answers with the first result, not with
    "nothing left to cancel"."""
    return once_per_form(
        commitment.government_id,
        actor=actor,
        form_key=form_key,
        kind="cancel",
        values={"commitment": commitment.pk, "reason": reason},
        # Line before commitment: the lock order of every money path.
        lock=lambda: lock_line(commitment.line_id),
        call=lambda: do_cancel_commitment(commitment.pk, actor=actor, reason=reason),
        load=lambda pk: Commitment.objects.get(pk=pk),
    )


# --- 채권양도 ----------------------------------------------------------------------------------------------------------


def do_register_assignment(
    commitment: Commitment, *, assignee: str, notified_on: dt.date, actor: User, assignee_number: str = ""
) -> CreditorAssignment:
    """채권양도 (민법 §450): the creditor assigned the claim of an open commitment and the government was notified;
    the 재무관 registers the assignee, whom the 지출원 may then pay (R-EX-4, 지방회계법 §33). Registering the same
    assignee again answers with the first registration."""
    assignee = check_text(assignee, "assignee", 100)
    try:
        number = parse_business_number(assignee_number) if assignee_number else ""
    except ValueError as error:
        raise InvalidInput(str(error), field="assignee_number") from None
    government = LocalGovernment.objects.get(pk=commitment.government_id)
    require(actor, COMMIT, government)
    check_not_future(notified_on, "notified_on", today=clock.today())
    with transaction.atomic():
        # Line before commitment, the lock order of every money path.
        lock_line(commitment.line_id)
        current = Commitment.objects.select_for_update(of=("self",)).get(pk=commitment.pk)
        if done := CreditorAssignment.objects.filter(
            commitment=current, assignee=assignee, assignee_number=number
        ).first():
            return done
        if current.status != CommitmentStatus.ACTIVE or current.paid_amount >= current.amount:
            raise Conflict(_("Only the unpaid claim of an open commitment can be assigned."), field="commitment")
        assignment = CreditorAssignment.objects.create(
            government=government,
            commitment=current,
            assignee=assignee,
            assignee_number=number,
            notified_on=notified_on,
            registered_by=actor,
        )
        audit.record(
            actor,
            "execution.commitment.assign",
            assignment,
            government=government,
            data={
                "commitment": current.pk,
                "creditor": current.creditor,
                "assignee": assignee,
                "assignee_number": number,
                "notified_on": notified_on,
            },
        )
    return assignment


# --- 과년도지출 -------------------------------------------------------------------------------------------------------


def do_commit_past_year(
    obligation: Commitment, *, line: BudgetLine, amount: int, actor: User, idempotency_key: str
) -> Commitment:
    """과년도지출 (R-EX-8, 지방회계법 §37): an obligation of a closed year, left unpaid and not carried, is committed
    on the current year's line of the same item — to the same creditor, within the line's allocation (R-EX-1) —
    and the 지출원 pays it as any commitment. The charges of the item stay within its 불용액 of the closed year. A
    retry with the same key returns the first commitment."""
    check_positive(amount)
    government = LocalGovernment.objects.get(pk=line.government_id)
    require(actor, COMMIT, government)
    same_government(line.government_id, obligation)
    key = idempotency.scoped_key(government.pk, actor, idempotency_key)
    today = clock.today()

    def charge() -> Commitment:
        return do_commit(
            line,
            amount=amount,
            creditor=obligation.creditor,
            creditor_number=obligation.creditor_number,
            purpose=f"과년도지출: {obligation.purpose}"[:200],
            actor=actor,
            idempotency_key=idempotency_key,
            committed_on=today,
        )

    with transaction.atomic():
        if Commitment.objects.filter(idempotency_key=key).exists():
            return charge()
        # The closed year's line first (then the current one, in do_commit): charges of one item are counted one
        # after the other.
        old = BudgetLine.objects.select_for_update().select_related("project").get(pk=obligation.line_id)
        current = Commitment.objects.get(pk=obligation.pk)
        charged = sum(
            Commitment.objects.filter(past_year_of__line=old, status=CommitmentStatus.ACTIVE).values_list(
                "amount", flat=True
            )
        )
        of_obligation = sum(
            Commitment.objects.filter(past_year_of=current, status=CommitmentStatus.ACTIVE).values_list(
                "amount", flat=True
            )
        )
        carried = sum(old.carried_out.values_list("amount", flat=True))
        lapsed = yearend_rules.lapsed(old.appropriation, old.paid, carried)
        if today <= fiscal.exception_deadline(old.year):
            raise ClosedPeriod(
                _("The year %(year)s is not closed yet: its own cash pays it until 20 January.") % {"year": old.year},
                rule="R-EX-8",
            )
        unpaid = 0 if current.status != CommitmentStatus.ACTIVE else current.amount - current.paid_amount
        rules.check_past_year_charge(
            obligation_year=old.year,
            line_year=line.year,
            same_item=(old.project.code, old.object_code) == (line.project.code, line.object_code),
            unpaid=unpaid - of_obligation,
            amount=amount,
            lapsed=lapsed,
            charged=charged,
        )
        commitment = charge()
        Commitment.objects.filter(pk=commitment.pk).update(past_year_of=current)
        commitment.past_year_of_id = current.pk
        audit.record(
            actor,
            "execution.commitment.past_year",
            commitment,
            government=government,
            data={"obligation": current.pk, "amount": amount, "lapsed": lapsed, "charged": charged},
        )
    return commitment
