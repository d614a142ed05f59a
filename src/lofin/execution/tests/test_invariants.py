"""The invariants of budget control, as properties (Hypothesis) and under 16 concurrent clients."""

import datetime as dt
import random
import threading
from collections import Counter

import pytest
from django.db import connection, connections, transaction
from django.db.models import F, Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lofin.accounting.models import JournalEntry, JournalLine
from lofin.core import audit
from lofin.core.errors import LofinError
from lofin.core.models import AuditEvent
from lofin.execution.actions import appropriations, commitments, offices, payments
from lofin.execution.models import BudgetLine, Commitment, Office, PaymentOrder, Refund
from lofin.execution.testing import YEAR, build_execution

DAY = dt.date(YEAR, 6, 15)


def check_invariants(ex):
    """committed ≤ allocated ≤ 예산현액; paid ≤ committed per commitment and per line; Σ payments of the office ≤
    its 지출한도; the line's counters equal the sums of their documents; every entry balances; every state
    change has its audit row."""
    for line in BudgetLine.objects.filter(government=ex.s.gov, year=YEAR):
        assert 0 <= line.paid <= line.committed <= line.allocated <= line.appropriation
        active = Commitment.objects.filter(line=line).exclude(status="cancelled")
        assert line.committed == (active.aggregate(s=Sum("amount"))["s"] or 0)
        assert line.paid == (active.aggregate(s=Sum("paid_amount"))["s"] or 0)
    for c in Commitment.objects.all():
        paid = PaymentOrder.objects.filter(commitment=c).aggregate(s=Sum("amount"))["s"] or 0
        refunded = PaymentOrder.objects.filter(commitment=c).aggregate(s=Sum("refunded_amount"))["s"] or 0
        assert c.paid_amount == paid - refunded <= c.amount
    for office in Office.objects.filter(government=ex.s.gov, kind="disbursing"):
        assert office.paid_amount <= office.limit_amount
        # A 반납 before the cash closes gives the office's ceiling back (payments.do_record_refund).
        orders = PaymentOrder.objects.filter(office=office).aggregate(s=Sum("amount"), r=Sum("refunded_amount"))
        assert office.paid_amount == (orders["s"] or 0) - (orders["r"] or 0)
    # Government and account are copied without a database constraint (architecture §8.16): they must match.
    assert not Commitment.objects.exclude(government_id=F("line__government_id")).exists()
    assert (
        not JournalEntry.objects.filter(source_type="execution.commitment").exclude(government_id=ex.s.gov.pk).exists()
    )
    totals = JournalLine.objects.values("entry_id").annotate(d=Sum("debit"), c=Sum("credit"))
    assert all(t["d"] == t["c"] for t in totals)
    assert AuditEvent.objects.filter(action="execution.commit").count() == Commitment.objects.count()
    assert AuditEvent.objects.filter(action="execution.payment.issue").count() == PaymentOrder.objects.count()
    assert JournalEntry.objects.filter(source_type="execution.commitment").count() >= Commitment.objects.count()
    # The chain verifies, whichever path wrote it (on PostgreSQL commitments are written by one SQL statement).
    assert [r.broken for r in audit.verify(ex.s.gov.code)] == [None]


class _Undo(Exception):
    pass


operations = st.lists(
    st.tuples(st.sampled_from(["allocate", "commit", "pay", "cancel", "cash"]), st.integers(1, 200_000_000)),
    max_size=25,
)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(ops=operations)
def test_no_sequence_of_requests_breaks_budget_control(ex, ops):
    try:
        with transaction.atomic():
            for n, (kind, amount) in enumerate(ops, start=1):
                try:
                    if kind == "allocate":
                        appropriations.do_allocate(ex.senior, amount=amount, actor=ex.s.officer)
                    elif kind == "cash":
                        offices.do_allocate_cash(ex.disbursing_office, amount=amount, actor=ex.s.officer)
                    elif kind == "commit":
                        commitments.do_commit(
                            ex.senior,
                            amount=amount,
                            creditor="한빛복지",
                            purpose="x",
                            actor=ex.finance,
                            idempotency_key=f"c{n}",
                            committed_on=DAY,
                        )
                    elif kind == "pay":
                        commitment = Commitment.objects.filter(status="active").order_by("?").first()
                        if commitment:
                            payments.do_issue_payment(
                                commitment,
                                amount=amount,
                                payee_name="한빛복지",
                                payee_bank="농협",
                                payee_account="3010123456",
                                office=ex.disbursing_office,
                                actor=ex.disburser,
                                idempotency_key=f"p{n}",
                                issued_on=DAY,
                            )
                    elif kind == "cancel":
                        commitment = Commitment.objects.filter(status="active").first()
                        if commitment:
                            commitments.do_cancel_commitment(commitment.pk, actor=ex.finance, reason="변경")
                except LofinError:
                    pass  # a refused request must leave everything as it was; the invariants below check it
                check_invariants(ex)
            raise _Undo
    except _Undo:
        pass


CLIENTS = 16
ROUNDS = 12


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_sixteen_concurrent_clients_cannot_overdraw_a_line_or_double_a_request():
    ex = build_execution()
    allocation = 50_000_000
    appropriations.do_allocate(ex.senior, amount=allocation, actor=ex.s.officer)
    offices.do_allocate_cash(ex.disbursing_office, amount=30_000_000, actor=ex.s.officer)
    outcomes = Counter()
    errors: list[BaseException] = []
    start = threading.Barrier(CLIENTS)

    def client(index: int) -> None:
        rng = random.Random(index)
        try:
            start.wait()
            for round_ in range(ROUNDS):
                # Every client also retries one shared key: exactly one commitment may come of it.
                key = "shared" if round_ == 0 else f"c{index}-{round_}"
                amount = 1_000_000 if key == "shared" else rng.randint(500_000, 3_000_000)
                try:
                    commitment = commitments.do_commit(
                        ex.senior,
                        amount=amount,
                        creditor="한빛복지",
                        purpose="동시성",
                        actor=ex.finance,
                        idempotency_key=key,
                        committed_on=DAY,
                    )
                    outcomes["committed"] += 1
                    payments.do_issue_payment(
                        commitment,
                        amount=rng.randint(1, amount),
                        payee_name="한빛복지",
                        payee_bank="농협",
                        payee_account="3010123456",
                        office=ex.disbursing_office,
                        actor=ex.disburser,
                        idempotency_key=f"p-{key}-{index}",
                        issued_on=DAY,
                    )
                    outcomes["paid"] += 1
                except LofinError as refused:
                    outcomes[refused.code] += 1
        except BaseException as exc:  # surfaced below: a crash in a client must fail the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    ex.senior.refresh_from_db()
    assert outcomes["insufficient_allocation"] > 0, "the test must push the line past its allocation"
    assert Commitment.objects.filter(idempotency_key__endswith=":shared").count() == 1
    assert ex.senior.committed <= allocation
    check_invariants(ex)
    connection.close()


@pytest.mark.django_db(transaction=True)
def test_a_refund_sent_twice_at_once_is_recorded_once():
    ex = build_execution()
    appropriations.do_allocate(ex.senior, amount=10_000_000, actor=ex.s.officer)
    offices.do_allocate_cash(ex.disbursing_office, amount=10_000_000, actor=ex.s.officer)
    day = dt.date(YEAR, 6, 15)
    commitment = commitments.do_commit(
        ex.senior,
        amount=5_000_000,
        creditor="한빛",
        purpose="p",
        actor=ex.finance,
        idempotency_key="c",
        committed_on=day,
    )
    payment = payments.do_issue_payment(
        commitment,
        amount=5_000_000,
        payee_name="한빛",
        payee_bank="농협",
        payee_account="301012345671",
        office=ex.disbursing_office,
        actor=ex.disburser,
        idempotency_key="p",
        issued_on=day,
    )
    start = threading.Barrier(4)
    results: list[object] = []

    def client() -> None:
        try:
            start.wait()
            refund = payments.do_record_refund(
                payment, amount=1_000_000, received_on=day, actor=ex.disburser, idempotency_key="same"
            )
            results.append(refund.pk)
        except BaseException as exc:
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=client) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(results)) == 1 and isinstance(results[0], int), results
    payment.refresh_from_db()
    assert (Refund.objects.count(), payment.refunded_amount) == (1, 1_000_000)
