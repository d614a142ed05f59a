"""The hash-chained, append-only audit trail."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from lofin.core import audit, guards
from lofin.core.models import AuditChain, AuditEvent, LocalGovernment

pytestmark = pytest.mark.django_db


@pytest.fixture
def seoul():
    return LocalGovernment.objects.get(code="1100000")


def _record_some(gov, n=5):
    with transaction.atomic():
        return [audit.record(None, "test.event", gov, data={"i": i, "amount": 1_000 * i}) for i in range(n)]


def tamper(sql, params):
    """What an attacker with database rights would do: bypass the guard, then change a row."""
    with guards.maintenance(connection), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A superuser can switch triggers off for the session; the chain still gives the change away.
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


def test_events_form_one_chain_per_government(seoul):
    events = _record_some(seoul, 3)
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[0].prev_hash == "0" * 64
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    head = AuditChain.objects.get(key="1100000")
    assert (head.last_seq, head.last_hash) == (3, events[2].hash)


@pytest.mark.django_db(transaction=True)
def test_recording_outside_a_transaction_is_refused(seoul):
    with pytest.raises(RuntimeError):
        audit.record(None, "test.event", seoul)


def test_float_money_is_refused_in_audit_data(seoul):
    with pytest.raises(TypeError), transaction.atomic():
        audit.record(None, "test.event", seoul, data={"amount": 1.5})


def test_verify_passes_on_an_intact_chain(seoul, capsys):
    _record_some(seoul)
    assert all(r.broken is None for r in audit.verify())
    call_command("audit", "verify", "--government", "1100000")
    assert "intact" in capsys.readouterr().out


def test_changed_data_is_detected_and_named(seoul, capsys):
    events = _record_some(seoul)
    tamper("UPDATE core_auditevent SET data = %s WHERE id = %s", ['{"i": 2, "amount": 999999}', events[2].pk])
    report = audit.verify_chain("1100000")
    assert report.broken is not None
    assert (report.broken.seq, report.broken.event_id) == (3, events[2].pk)
    with pytest.raises(CommandError):
        call_command("audit", "verify")
    err = capsys.readouterr().err
    assert f"seq 3 (row id {events[2].pk})" in err


def test_deleted_row_is_detected(seoul):
    events = _record_some(seoul)
    tamper("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])
    broken = audit.verify_chain("1100000").broken
    assert broken is not None and broken.seq == 2


def test_truncated_tail_is_detected(seoul):
    events = _record_some(seoul)
    tamper("DELETE FROM core_auditevent WHERE id = %s", [events[-1].pk])
    broken = audit.verify_chain("1100000").broken
    assert broken is not None and "chain head" in broken.reason


def test_rewritten_chain_without_the_head_is_detected(seoul):
    events = _record_some(seoul)
    tamper("UPDATE core_auditevent SET actor_label = %s WHERE id = %s", ["someone-else", events[0].pk])
    broken = audit.verify_chain("1100000").broken
    assert broken is not None and broken.seq == 1


def test_the_database_refuses_update_and_delete_of_audit_rows(seoul):
    events = _record_some(seoul, 1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET action = 'x' WHERE id = %s", [events[0].pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [events[0].pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=events[0].pk).delete()
    assert AuditEvent.objects.get(pk=events[0].pk).action == "test.event"


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="TRUNCATE is a PostgreSQL statement")
def test_postgresql_refuses_truncate_of_the_audit_table(seoul):
    _record_some(seoul, 1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE core_auditevent")


def test_a_rolled_back_action_leaves_no_audit_row(seoul):
    before = AuditEvent.objects.count()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        audit.record(None, "test.event", seoul)
        1 / 0  # noqa: B018 - the business change fails after its audit row was written
    assert AuditEvent.objects.count() == before
    assert AuditChain.objects.get(key="1100000").last_seq == 0


def test_moving_an_event_to_another_government_is_detected(seoul):
    events = _record_some(seoul, 2)
    busan = LocalGovernment.objects.get(code="2600000")
    tamper("UPDATE core_auditevent SET government_id = %s WHERE id = %s", [busan.pk, events[1].pk])
    broken = audit.verify_chain("1100000").broken
    assert broken is not None and broken.seq == 2


def test_deleting_a_whole_chain_with_its_head_is_detected(seoul):
    _record_some(seoul, 2)
    tamper("DELETE FROM core_auditevent WHERE chain_key = %s", ["1100000"])
    tamper("DELETE FROM core_auditchain WHERE key = %s", ["1100000"])
    reports = {r.chain_key: r for r in audit.verify()}
    assert reports["1100000"].broken is not None
    assert "missing" in reports["1100000"].broken.reason


def test_a_chain_head_cannot_move_backwards_or_disappear(seoul):
    _record_some(seoul, 2)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditChain.objects.filter(key="1100000").update(last_seq=0)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditChain.objects.filter(key="1100000").delete()
    assert AuditChain.objects.get(key="1100000").last_seq == 2


def test_a_chain_rewritten_without_the_key_does_not_verify(seoul, settings):
    _record_some(seoul, 1)
    settings.LOFIN_AUDIT_KEY = "a-key-the-attacker-guessed"
    assert audit.verify_chain("1100000").broken is not None
