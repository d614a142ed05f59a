"""The one way a write is made safe to retry (core.idempotency): a repeated request gets the first result, the same
key with any other value is refused, and a form rendering acts at most once."""

import pytest
from django.db import transaction

from lofin.core import audit, idempotency
from lofin.core.errors import InvalidInput, KeyReused
from lofin.core.models import AuditEvent, Department


def test_a_fingerprint_covers_every_value_of_the_request_and_ignores_their_order():
    first = idempotency.fingerprint("pay", amount=100, payee_account="1234567890", on=None)
    assert first == idempotency.fingerprint("pay", on=None, payee_account="1234567890", amount=100)
    assert first != idempotency.fingerprint("pay", amount=100, payee_account="1234567891", on=None)
    assert first != idempotency.fingerprint("pay", amount=100, payee_account="1234567890", on="2026-01-02")
    assert first != idempotency.fingerprint("refund", amount=100, payee_account="1234567890", on=None)
    assert len(first) == idempotency.FINGERPRINT_LENGTH


def test_a_fingerprint_names_objects_by_their_id(seoul):
    assert idempotency.fingerprint("x", government=seoul) == idempotency.fingerprint("x", government=seoul.pk)
    # A field called "kind" is a value of the request, not the name of the fingerprint.
    assert idempotency.fingerprint("x", kind="a") != idempotency.fingerprint("x", kind="b")


@pytest.mark.parametrize("key", ["", None, "x" * 101, "tab\there"])
def test_a_key_is_one_to_a_hundred_printable_characters(key, seoul, operator):
    with pytest.raises(InvalidInput) as error:
        idempotency.scoped_key(seoul.pk, operator, key)
    assert error.value.detail == {"field": "idempotency_key"}


def test_the_same_key_of_another_person_or_government_is_another_request(seoul, busan, operator, org):
    keys = {
        idempotency.scoped_key(seoul.pk, operator, "k"),
        idempotency.scoped_key(busan.pk, operator, "k"),
        idempotency.scoped_key(seoul.pk, org["staff"], "k"),
    }
    assert len(keys) == 3


def _department(seoul, operator, code, request_fingerprint):
    with transaction.atomic():
        department = Department.objects.create(government=seoul, code=code, name=code)
        audit.record(operator, "test.create", department, data={"fingerprint": request_fingerprint})
    return department


def test_a_replay_returns_the_first_result_only_for_the_same_request(seoul, operator):
    print_ = idempotency.fingerprint("department", code="9001")
    department = _department(seoul, operator, "9001", print_)
    assert idempotency.recorded_fingerprint(department) == print_
    assert idempotency.replay(department, print_) is department
    with pytest.raises(KeyReused) as error:
        idempotency.replay(department, idempotency.fingerprint("department", code="9002"))
    assert (error.value.code, error.value.status) == ("idempotency_key_reused", 409)


def test_a_first_write_that_recorded_no_fingerprint_cannot_be_replayed(seoul, operator):
    with transaction.atomic():
        department = Department.objects.create(government=seoul, code="9003", name="x")
        audit.record(operator, "test.create", department)
    with pytest.raises(KeyReused):
        idempotency.replay(department, idempotency.fingerprint("department", code="9003"))


def test_a_unique_insert_lost_to_a_twin_becomes_a_duplicate_and_leaves_the_transaction_usable(seoul):
    Department.objects.create(government=seoul, code="9004", name="first")
    with transaction.atomic():
        with pytest.raises(idempotency.Duplicate), idempotency.unique_insert():
            Department.objects.create(government=seoul, code="9004", name="twin")
        assert Department.objects.filter(government=seoul, code="9004").count() == 1


def _form(seoul, operator, *, key="form-key-0001", name="총무과", calls=None, fail=False):
    def call():
        if fail:
            raise InvalidInput("refused")
        calls.append(name)
        return Department.objects.create(government=seoul, code=f"95{len(calls):02d}", name=name)

    return idempotency.once_per_form(
        scope="test",
        government_id=seoul.pk,
        actor=operator,
        form_key=key,
        kind="department",
        values={"name": name},
        lock=lambda: None,
        call=call,
        load=lambda pk: Department.objects.get(pk=pk),
    )


def test_a_form_acts_once_however_often_it_is_sent(seoul, operator):
    calls = []
    first = _form(seoul, operator, calls=calls)
    again = _form(seoul, operator, calls=calls)
    assert again.pk == first.pk
    assert calls == ["총무과"]
    assert AuditEvent.objects.filter(object_type="test.form").count() == 1


def test_a_form_sent_again_with_other_values_is_refused(seoul, operator):
    _form(seoul, operator, calls=[])
    with pytest.raises(KeyReused):
        _form(seoul, operator, calls=[], name="회계과")
    assert Department.objects.filter(government=seoul, name="회계과").count() == 0


def test_a_refused_action_leaves_no_claim_so_the_form_can_be_corrected(seoul, operator):
    with pytest.raises(InvalidInput):
        _form(seoul, operator, calls=[], fail=True)
    assert AuditEvent.objects.filter(object_type="test.form").count() == 0
    calls = []
    assert _form(seoul, operator, calls=calls).name == "총무과"


@pytest.mark.parametrize("key", ["", "short", "x" * 65, "bad key with spaces"])
def test_a_form_without_a_key_made_by_the_server_is_refused(seoul, operator, key):
    with pytest.raises(InvalidInput):
        _form(seoul, operator, calls=[], key=key)
