"""The commitment statement sent to libpq directly (PostgreSQL, outside a transaction): the results and refusals the
rest of the system relies on, exactly as through the psycopg cursor used inside transactions."""

import datetime as dt

import pytest
from django.db import connection

from lofin.accounting.models import JournalEntry, JournalLine
from lofin.core import audit
from lofin.core.errors import Conflict
from lofin.core.models import AuditEvent
from lofin.execution import errors
from lofin.execution.actions import appropriations, commitments
from lofin.execution.models import Commitment
from lofin.execution.testing import YEAR, build_execution

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the libpq path is PostgreSQL's"),
]

DAY = dt.date(YEAR, 6, 15)


@pytest.fixture
def ex():
    built = build_execution()
    appropriations.do_allocate(built.senior, amount=10_000_000, actor=built.s.officer)
    yield built
    connection.close()


def commit(ex, amount, key):
    return commitments.do_commit(
        ex.senior,
        amount=amount,
        creditor="(주)한빛복지",
        purpose="경로당 운영비 지원",
        actor=ex.finance,
        idempotency_key=key,
        committed_on=DAY,
    )


def test_outside_a_transaction_the_commitment_goes_to_libpq_and_is_stored_whole(ex, monkeypatch):
    sent = []
    original = commitments.execute_prepared
    monkeypatch.setattr(
        commitments, "execute_prepared", lambda conn, params: sent.append(params) or original(conn, params)
    )
    assert not connection.in_atomic_block
    made = commit(ex, 1_234_567, "raw-1")
    assert len(sent) == 1
    stored = Commitment.objects.get(pk=made.pk)
    assert (stored.amount, stored.creditor, stored.committed_on, stored.status) == (
        1_234_567,
        "(주)한빛복지",
        DAY,
        "active",
    )
    assert (made.amount, made.line_id, made._state.adding) == (1_234_567, ex.senior.pk, False)
    # The object returned carries what was stored, its creation time too.
    assert made.created_at == stored.created_at is not None
    entry = JournalEntry.objects.get(source_type="execution.commitment", source_id=made.pk)
    assert sorted(JournalLine.objects.filter(entry=entry).values_list("debit", "credit")) == [
        (0, 1_234_567),
        (1_234_567, 0),
    ]
    event = AuditEvent.objects.get(action="execution.commit", object_id=str(made.pk))
    assert event.occurred_at == stored.created_at
    assert audit.verify_chain(event.chain_key).broken is None


def test_a_retried_key_returns_the_first_commitment_and_a_reused_one_is_refused(ex):
    first = commit(ex, 500_000, "raw-2")
    assert commit(ex, 500_000, "raw-2").pk == first.pk
    with pytest.raises(Conflict):
        commit(ex, 600_000, "raw-2")
    ex.senior.refresh_from_db()
    assert ex.senior.committed == 500_000


def test_beyond_the_allocation_nothing_is_written(ex):
    commit(ex, 9_000_000, "raw-3")
    before = (Commitment.objects.count(), JournalEntry.objects.count(), AuditEvent.objects.count())
    with pytest.raises(errors.InsufficientAllocation) as refused:
        commit(ex, 1_000_001, "raw-4")
    assert refused.value.detail["available"] == 1_000_000
    assert (Commitment.objects.count(), JournalEntry.objects.count(), AuditEvent.objects.count()) == before


def test_the_statement_is_prepared_again_on_a_new_connection(ex):
    commit(ex, 1_000, "raw-5")
    connection.close()
    commit(ex, 1_000, "raw-6")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE name = %s", [commitments.STATEMENT_NAME.decode()]
        )
        assert cursor.fetchone()[0] == 1
    ex.senior.refresh_from_db()
    assert ex.senior.committed == 2_000


def test_a_lost_chain_head_is_recreated_outside_a_transaction_too(ex, monkeypatch):
    monkeypatch.setattr(audit, "chain_key_for", lambda government: "gone-raw-chain")
    monkeypatch.setattr(commitments, "chains_seen", {"gone-raw-chain"})
    made = commit(ex, 5_000, "raw-7")
    event = AuditEvent.objects.get(action="execution.commit", object_id=str(made.pk))
    assert (event.chain_key, event.seq) == ("gone-raw-chain", 1)
