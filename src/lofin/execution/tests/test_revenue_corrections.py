"""Cancelling or correcting a 징수결의 decided in error (지방회계법 §21): the record is kept, the books are reversed
and re-posted, never overwritten; refused once money received stands in the way."""

import datetime as dt

import pytest

from lofin.accounting.models import JournalEntry
from lofin.core import audit
from lofin.core.errors import InvalidInput, KeyReused, NotFound, PermissionDenied
from lofin.execution import errors
from lofin.execution.actions import revenue, yearend
from lofin.execution.models import Assessment, AssessmentStatus, Receipt
from lofin.execution.queries import revenue as revenue_queries
from lofin.execution.tests.revenue_setup import assess, audits, counts, entry, receive, refund

pytestmark = pytest.mark.django_db

D = dt.date
DAY_2026_03_05 = D(2026, 3, 5)


def cancel(rv, a, reason="이중 부과", on=DAY_2026_03_05, actor=None):
    return revenue.do_cancel_assessment(a, reason=reason, cancelled_on=on, actor=actor or rv.collector)


def correct(rv, a, key="c1", reason="금액 착오", on=DAY_2026_03_05, actor=None, **changes):
    return revenue.do_correct_assessment(
        a, reason=reason, corrected_on=on, actor=actor or rv.collector, idempotency_key=key, **changes
    )


# --- cancelling -----------------------------------------------------------------------------------------------------


def test_cancelling_an_uncollected_assessment_keeps_it_reverses_the_books_and_is_audited(rv):
    a = assess(rv, amount=1_000_000)
    done = cancel(rv, a)
    assert (done.status, done.cancelled_on, done.cancel_reason) == (
        AssessmentStatus.CANCELLED,
        D(2026, 3, 5),
        "이중 부과",
    )
    assert Assessment.objects.filter(pk=a.pk).exists()
    # A reversing entry of the decision's, in the year of the revenue: the receivable and the revenue are gone.
    original = JournalEntry.objects.get(source_type="execution.assessment", source_id=a.pk)
    reversal = JournalEntry.objects.get(source_type="execution.assessment_cancellation", source_id=a.pk)
    assert reversal.reverses_id == original.pk
    assert entry("execution.assessment_cancellation", a.pk) == (
        2026,
        D(2026, 3, 5),
        [("1130", 0, 1_000_000), ("4200", 1_000_000, 0)],
    )
    data = audits("execution.revenue.cancel", a).get().data
    assert (data["reason"], data["amount"]) == ("이중 부과", 1_000_000)
    assert [report.broken for report in audit.verify(rv.gov.code)] == [None]
    # Nothing left to collect or notice on it.
    with pytest.raises(errors.AssessmentNotOpen):
        receive(rv, a, 1_000)
    with pytest.raises(errors.AssessmentNotOpen):
        revenue.do_send_notice(a, notice_on=D(2026, 3, 6), actor=rv.collector)
    # Repeating the same cancellation answers with it and writes nothing.
    before = counts()
    assert cancel(rv, a).pk == a.pk
    assert counts() == before


def test_cancelling_is_refused_once_money_is_received_and_writes_nothing(rv):
    a = assess(rv, amount=1_000_000)
    receive(rv, a, 100_000)
    before = counts()
    with pytest.raises(errors.AssessmentCollected) as refused:
        cancel(rv, a, on=D(2026, 3, 25))
    assert refused.value.status == 409 and refused.value.code == "assessment_collected"
    assert "지방회계법 §28" in str(refused.value.message)
    assert counts() == before
    a.refresh_from_db()
    assert a.status == AssessmentStatus.OPEN


def test_cancelling_needs_a_reason_the_collector_of_the_government_and_an_open_decision(rv, travel):
    a = assess(rv)
    before = counts()
    with pytest.raises(InvalidInput):
        cancel(rv, a, reason="  ")
    with pytest.raises(PermissionDenied):
        cancel(rv, a, actor=rv.cashier)
    with pytest.raises(PermissionDenied):
        cancel(rv, a, actor=rv.viewer)
    with pytest.raises(NotFound):
        cancel(rv, a, actor=rv.other_collector)
    with pytest.raises(InvalidInput):
        cancel(rv, a, on=D(2026, 3, 1))  # before the decision
    with pytest.raises(InvalidInput):
        cancel(rv, a, on=D(2026, 11, 27))  # in the future
    assert counts() == before
    paid = assess(rv, key="paid", amount=1_000)
    receive(rv, paid, 1_000, key="paid-r")
    with pytest.raises(errors.AssessmentNotOpen):
        cancel(rv, paid)


def test_a_carried_decision_is_cancelled_on_its_successor_not_on_the_original(rv, travel):
    travel(D(2027, 3, 2))
    a = assess(rv, amount=300_000, on=D(2026, 8, 3))
    [successor] = yearend.do_carry_unpaid(rv.gov, 2026, on=D(2027, 2, 11), actor=rv.collector)
    with pytest.raises(errors.AssessmentCarried):
        cancel(rv, a, on=D(2027, 3, 2))
    done = cancel(rv, successor, on=D(2027, 3, 2))
    assert done.status == AssessmentStatus.CANCELLED
    assert entry("execution.assessment_cancellation", successor.pk) == (
        2027,
        D(2027, 3, 2),
        [("1130", 0, 300_000), ("4200", 300_000, 0)],
    )


# --- correcting -----------------------------------------------------------------------------------------------------


def test_a_correction_is_a_new_decision_linked_to_the_old_with_the_books_reversed_and_reposted(rv):
    a = assess(rv, amount=1_000_000)
    new = correct(rv, a, amount=1_200_000, payer_name="김정정", due_on=D(2026, 4, 30))
    a.refresh_from_db()
    assert (a.status, a.cancelled_on, a.cancel_reason, a.amount) == (
        AssessmentStatus.CANCELLED,
        D(2026, 3, 5),
        "금액 착오",
        1_000_000,
    )
    assert (new.corrects_id, new.status, new.amount, new.payer_name, new.due_on, new.year, new.revenue_code) == (
        a.pk,
        AssessmentStatus.OPEN,
        1_200_000,
        "김정정",
        D(2026, 4, 30),
        2026,
        "212",
    )
    assert (new.assessed_on, new.decided_by_id) == (D(2026, 3, 5), rv.collector.pk)
    assert entry("execution.assessment_cancellation", a.pk)[2] == [("1130", 0, 1_000_000), ("4200", 1_000_000, 0)]
    assert entry("execution.assessment", new.pk) == (
        2026,
        D(2026, 3, 5),
        [("1130", 1_200_000, 0), ("4200", 0, 1_200_000)],
    )
    data = audits("execution.revenue.correct", new).get().data
    assert data["corrects"] == a.pk and data["reason"] == "금액 착오"
    assert data["changes"] == {
        "amount": [1_000_000, 1_200_000],
        "payer_name": ["김납부", "김정정"],
        "due_on": [None, "2026-04-30"],
    }
    assert audits("execution.revenue.cancel", a).get().data["corrected_by"] == new.pk
    assert [report.broken for report in audit.verify(rv.gov.code)] == [None]
    # Corrected once: the old decision is closed, the new one is where collection goes on.
    with pytest.raises(errors.AssessmentNotOpen):
        correct(rv, a, key="c2", amount=900_000)
    receive(rv, new, 1_200_000)


def test_a_correction_after_money_was_received_keeps_the_receipts_with_the_new_decision(rv):
    a = assess(rv, amount=1_000_000)
    r = receive(rv, a, 400_000)
    new = correct(rv, a, amount=700_000, on=D(2026, 3, 25))
    r.refresh_from_db()
    assert (r.assessment_id, new.collected_amount, new.outstanding) == (new.pk, 400_000, 300_000)
    assert audits("execution.revenue.correct", new).get().data["receipts"] == [r.pk]
    # The receivable left is exactly what the payer still owes.
    rows = JournalEntry.objects.filter(government=rv.gov).values_list(
        "lines__ledger_code", "lines__debit", "lines__credit"
    )
    assert sum(d - k for code, d, k in rows if code == "1130") == 300_000
    # Exactly the amount received closes the claim; a refund still finds its receipt.
    final = correct(rv, new, key="c2", amount=400_000, on=D(2026, 3, 26))
    assert (final.status, final.outstanding) == (AssessmentStatus.COLLECTED, 0)
    assert refund(rv, r, 100_000).amount == 100_000


def test_a_correction_below_what_was_received_or_to_another_payer_is_refused_and_writes_nothing(rv):
    a = assess(rv, amount=1_000_000)
    receive(rv, a, 400_000)
    before = counts()
    with pytest.raises(errors.AssessmentCollected) as below:
        correct(rv, a, amount=399_999, on=D(2026, 3, 25))
    assert "400,000" in str(below.value.message)
    with pytest.raises(errors.AssessmentCollected):
        correct(rv, a, payer_name="다른사람", on=D(2026, 3, 25))
    with pytest.raises(InvalidInput):
        correct(rv, a, on=D(2026, 3, 25))  # nothing changed
    with pytest.raises(InvalidInput):
        correct(rv, a, amount=500_000, reason="", on=D(2026, 3, 25))
    with pytest.raises(InvalidInput):
        correct(rv, a, due_on=D(2026, 3, 1), on=D(2026, 3, 25))  # due before the decision
    with pytest.raises(PermissionDenied):
        correct(rv, a, amount=500_000, actor=rv.cashier, on=D(2026, 3, 25))
    with pytest.raises(NotFound):
        correct(rv, a, amount=500_000, actor=rv.other_collector, on=D(2026, 3, 25))
    assert counts() == before
    assert Receipt.objects.get().assessment_id == a.pk


def test_a_retried_correction_returns_the_first_and_a_reused_key_is_refused(rv):
    a = assess(rv, amount=1_000_000)
    first = correct(rv, a, amount=900_000)
    before = counts()
    assert correct(rv, a, amount=900_000).pk == first.pk
    assert counts() == before
    with pytest.raises(KeyReused):
        correct(rv, a, amount=800_000)


def test_the_monthly_report_counts_a_corrected_decision_once(rv, travel):
    travel(D(2026, 11, 26))
    a = assess(rv, amount=1_000_000, on=D(2026, 3, 2))
    receive(rv, a, 400_000, on=D(2026, 3, 20))
    correct(rv, a, amount=700_000, on=D(2026, 4, 6))
    gone = assess(rv, key="gone", amount=50_000, on=D(2026, 4, 1))
    cancel(rv, gone, on=D(2026, 4, 2))

    def row(month):
        [r] = revenue_queries.revenue_report(rv.gov, 2026, month)["rows"]
        return r["assessed"], r["collected"], r["outstanding"]

    # March as it was: 1,000,000 decided, 400,000 received, 600,000 owed.
    assert row(3) == (1_000_000, 400_000, 600_000)
    # April: the correction takes 300,000 off; the cancelled 50,000 comes and goes.
    assert row(4) == (-300_000, 0, 300_000)
    listed = {x.pk: x.status for x in revenue_queries.assessments_of(rv.gov, 2026)}
    assert sorted(listed.values()) == ["cancelled", "cancelled", "open"]
