"""The commitment path on PostgreSQL as one statement: the check-and-set on the budget line, the commitment, its
journal entry and lines, and the audit event with the chain head — one round trip, one atomic statement.

Why: the write path is bounded by round trips far more than by work (docs/benchmarks.md); the ORM path makes a
dozen. This statement does exactly what `actions.do_commit` does on SQLite, and the same tests run against both.
The audit hash is computed by the database with pgcrypto's HMAC over the same content `core.audit.compute_hash`
builds, so `lofin audit verify` checks these events like any other.
"""

from __future__ import annotations

import datetime as dt
import weakref
from typing import Any

import psycopg
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone
from psycopg import pq

from lofin.core.audit import SEPARATOR, canonical_json, timestamp

SQL = """
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
    SELECT line.government_id, line.account_id, line.year, %(on)s, 'execution.commitment', c.id, %(purpose)s,
           NULL, %(now)s, %(actor_id)s
      FROM line, c
    RETURNING id
), jl AS (
    INSERT INTO accounting_journalline (entry_id, ledger_code, debit, credit)
    SELECT e.id, v.code, v.debit, v.credit
      FROM e, (VALUES ('9210', %(amount)s::bigint, 0::bigint), ('9220', 0::bigint, %(amount)s::bigint))
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
           'execution.commit', 'execution.commitment', (SELECT id FROM c)::text, %(data)s::jsonb,
           head.prev_hash, head.last_hash
      FROM head
    RETURNING 1
)
-- No commitment without its audit event: if the chain head is missing, 1/0 aborts the whole statement.
SELECT id, 1 / (SELECT count(*) FROM ev) FROM c
"""


def missing_audit_chain(error: Exception) -> bool:
    """The statement's refusal to write a commitment without its audit event (the 1/0 at its end)."""
    return isinstance(error.__cause__, psycopg.errors.DivisionByZero)


def commit(**kwargs: Any) -> int | None:
    """The commitment, its journal entry and its audit event, with the fewest round trips the database allows."""
    if connection.vendor == "postgresql":
        return _commit_postgresql(**kwargs)
    return _commit_sqlite(**kwargs)


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
VALUES (%s, %s, %s, %s, 'execution.commitment', %s, %s, NULL, %s, %s)
RETURNING id
"""
SQLITE_LINES = "INSERT INTO accounting_journalline (entry_id, ledger_code, debit, credit) VALUES (%s, %s, %s, %s)"


def _commit_sqlite(
    *,
    line_id: int,
    office_id: int | None,
    government_id: int,
    chain_key: str,
    amount: int,
    creditor: str,
    creditor_number: str,
    purpose: str,
    kind: str,
    on: dt.date,
    actor: Any,
    key: str,
    audit_data: dict[str, Any],
) -> int | None:
    """SQLite: the same writes as raw statements in the caller's (IMMEDIATE) transaction; the audit event goes
    through core.audit.record so both databases hash the same way."""
    from lofin.core import audit

    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(SQLITE_LINE, [amount, line_id, amount])
        row = cursor.fetchone()
        if row is None:
            return None
        account_id, year = row
        cursor.execute(
            SQLITE_COMMITMENT,
            [
                government_id,
                line_id,
                office_id,
                amount,
                creditor,
                creditor_number,
                purpose,
                kind,
                on,
                actor.pk,
                now,
                key,
            ],
        )
        commitment_id = int(cursor.fetchone()[0])
        cursor.execute(SQLITE_ENTRY, [government_id, account_id, year, on, commitment_id, purpose, now, actor.pk])
        entry_id = cursor.fetchone()[0]
        cursor.executemany(SQLITE_LINES, [(entry_id, "9210", amount, 0), (entry_id, "9220", 0, amount)])
    audit.record_raw(
        actor,
        "execution.commit",
        government_id=government_id,
        chain_key=chain_key,
        object_type="execution.commitment",
        object_id=commitment_id,
        data=audit_data,
        occurred_at=now,
    )
    return commitment_id


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
_STATEMENT_NAME = b"lofin_execution_commit_v2"
# The libpq connections this statement is prepared on (weakly held: a closed connection drops out).
_prepared_on: weakref.WeakSet[Any] = weakref.WeakSet()


def _commit_postgresql(
    *,
    line_id: int,
    office_id: int | None,
    government_id: int,
    chain_key: str,
    amount: int,
    creditor: str,
    creditor_number: str,
    purpose: str,
    kind: str,
    on: dt.date,
    actor: Any,
    key: str,
    audit_data: dict[str, Any],
) -> int | None:
    """Returns the commitment id, or None when the allocation does not cover the amount (nothing written).
    A duplicate idempotency key raises IntegrityError (the statement is rolled back as a whole)."""
    now = timezone.now()
    actor_label = actor.get_username()
    data = canonical_json(audit_data)
    # Everything compute_hash hashes between the sequence number and the object id, in its order.
    before_object = SEPARATOR.join(
        [str(government_id), timestamp(now), str(actor.pk), actor_label, "execution.commit", "execution.commitment", ""]
    )
    db = connections[DEFAULT_DB_ALIAS]  # one lookup of the thread's connection, not one per attribute
    db.ensure_connection()
    conn = db.connection
    if db.in_atomic_block or not conn.autocommit:
        # Inside a transaction psycopg sends BEGIN before its own next statement, not before libpq's: go through a
        # psycopg cursor so that this statement is part of the caller's transaction.
        values = (amount, line_id, office_id, creditor, creditor_number, purpose, kind, on, actor.pk, now, key)
        values += (chain_key, SEPARATOR, before_object, data, settings.LOFIN_AUDIT_KEY, government_id, actor_label)
        with db.wrap_database_errors, psycopg.Cursor(conn) as cursor:
            cursor.execute(
                SQL, {name: value for (name, _oid), value in zip(_PARAMS, values, strict=True)}, prepare=True
            )
            row = cursor.fetchone()
        return int(row[0]) if row else None
    # The parameters in PostgreSQL's text format, in the order of _PARAMS (dates and timestamps in ISO 8601).
    params = [
        b"%d" % amount,
        b"%d" % line_id,
        None if office_id is None else b"%d" % office_id,
        creditor.encode(),
        creditor_number.encode(),
        purpose.encode(),
        kind.encode(),
        on.isoformat().encode(),
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
        return _execute_prepared(conn, params)


_SEPARATOR = SEPARATOR.encode()


def _execute_prepared(conn: psycopg.Connection[Any], params: list[bytes | None]) -> int | None:
    """The statement on libpq directly, in autocommit (it is atomic on its own). A server-side prepared statement:
    PostgreSQL plans it once per connection. libpq is called without psycopg's cursor machinery (query conversion,
    per-parameter dumpers, its polling loop), which cost more client CPU than the rest of the commitment; libpq
    releases the GIL while it waits, so the other threads of an application server run meanwhile. The caller wraps
    it in Django's database-error translation."""
    pgconn = conn.pgconn
    if conn not in _prepared_on:
        prepared = pgconn.prepare(_STATEMENT_NAME, _POSITIONAL.encode(), [oid for _name, oid in _PARAMS])
        # 42P05: already prepared in this session (a connection object reused after a reset): use it.
        if (
            prepared.status != pq.ExecStatus.COMMAND_OK
            and prepared.error_field(pq.DiagnosticField.SQLSTATE) != b"42P05"
        ):
            raise psycopg.errors.error_from_result(prepared, encoding="utf-8")
        _prepared_on.add(conn)
    result = pgconn.exec_prepared(_STATEMENT_NAME, params)
    if result.status != pq.ExecStatus.TUPLES_OK:
        if pgconn.status != pq.ConnStatus.OK:
            raise psycopg.OperationalError(pgconn.get_error_message())
        raise psycopg.errors.error_from_result(result, encoding="utf-8")
    if result.ntuples == 0:
        return None
    value = result.get_value(0, 0)
    return int(value) if value is not None else None
