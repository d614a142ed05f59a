"""The year end of revenue: arrears and prescription (지방재정법 §82, §84), and unpaid revenue carried as 과년도 수입
of the next year (지방회계법 §27)."""

import datetime as dt

import pytest

from lofin.accounting.models import JournalEntry
from lofin.core.errors import NotFound, PermissionDenied
from lofin.execution import errors
from lofin.execution.actions import revenue, yearend
from lofin.execution.models import Assessment, AssessmentStatus
from lofin.execution.queries import revenue as revenue_queries
from lofin.execution.tests.revenue_setup import assess, audits, counts, entry, receive

pytestmark = pytest.mark.django_db

D = dt.date


# --- arrears and prescription (R-RV-5) -----------------------------------------------------------------------------


def old_claim(rv, amount=500_000, collected=200_000):
    # Noticed 2 Mar 2023, due Friday 17 Mar 2023.
    a = assess(rv, amount=amount, key="old", on=D(2023, 3, 2), notice_on=D(2023, 3, 2))
    assert a.due_on == D(2023, 3, 17)
    if collected:
        receive(rv, a, collected, key="old-r", on=D(2023, 4, 3))
    return a


def test_a_claim_untouched_for_five_years_after_its_due_date_is_written_off(rv, travel):
    travel(D(2029, 1, 2))  # what follows has happened by then
    # Nothing paid: a payment would interrupt prescription (R-RV-5, test_revenue_statutes).
    a = old_claim(rv, amount=300_000, collected=0)
    assert yearend.do_mark_prescribed(rv.gov, D(2028, 3, 17), actor=rv.collector) == []
    done = yearend.do_mark_prescribed(rv.gov, D(2028, 3, 18), actor=rv.collector)
    assert [x.pk for x in done] == [a.pk]
    a.refresh_from_db()
    assert a.status == AssessmentStatus.PRESCRIBED
    # 불납결손 of what was still owed, in the year it is written off.
    assert entry("execution.prescription", a.pk) == (
        2028,
        D(2028, 3, 18),
        [("1130", 0, 300_000), ("5900", 300_000, 0)],
    )
    assert audits("execution.revenue.prescribe", a).get().data["written_off"] == 300_000
    report = revenue_queries.revenue_report(rv.gov, 2028, 3)
    assert [(x["revenue_code"], x["written_off"]) for x in report["rows"]] == [("212", 300_000)]
    # Once only.
    assert yearend.do_mark_prescribed(rv.gov, D(2029, 1, 2), actor=rv.collector) == []
    with pytest.raises(errors.AssessmentNotOpen):
        receive(rv, a, 1_000, key="late", on=D(2028, 4, 3), past_year_revenue=True)


def test_a_reminder_interrupts_prescription(rv, travel):
    travel(D(2030, 2, 1))  # what follows has happened by then
    a = old_claim(rv)
    # 독촉 on 10 Jan 2025: due 25 Jan is a Saturday, then Sunday, the temporary holiday and 설날 (27–30 Jan).
    a = revenue.do_send_notice(a, notice_on=D(2025, 1, 10), actor=rv.collector)
    assert (a.due_on, a.interrupted_on) == (D(2025, 1, 31), D(2025, 1, 10))
    assert yearend.do_mark_prescribed(rv.gov, D(2028, 3, 18), actor=rv.collector) == []
    assert yearend.do_mark_prescribed(rv.gov, D(2030, 1, 31), actor=rv.collector) == []
    assert len(yearend.do_mark_prescribed(rv.gov, D(2030, 2, 1), actor=rv.collector)) == 1


def test_an_expired_claim_cannot_be_revived_before_it_is_marked(rv, travel):
    travel(D(2028, 3, 20))  # what follows has happened by then
    a = old_claim(rv, collected=0)
    before = counts()
    with pytest.raises(errors.ClaimPrescribed) as err:
        revenue.do_send_notice(a, notice_on=D(2028, 3, 20), actor=rv.collector)
    assert err.value.code == "claim_prescribed"
    with pytest.raises(errors.ClaimPrescribed):
        receive(rv, a, 1_000, key="late", on=D(2028, 3, 20), past_year_revenue=True)
    assert counts() == before


def test_collected_claims_and_other_governments_are_not_prescribed(rv, travel):
    travel(D(2029, 1, 2))  # what follows has happened by then
    paid = old_claim(rv, amount=200_000, collected=200_000)
    theirs = assess(
        rv, key="busan", on=D(2023, 3, 2), actor=rv.other_collector, account=rv.other_account, notice_on=D(2023, 3, 2)
    )
    assert yearend.do_mark_prescribed(rv.gov, D(2029, 1, 2), actor=rv.collector) == []
    with pytest.raises(NotFound):
        yearend.do_mark_prescribed(rv.gov, D(2029, 1, 2), actor=rv.other_collector)
    paid.refresh_from_db()
    theirs.refresh_from_db()
    assert (paid.status, theirs.status) == (AssessmentStatus.COLLECTED, AssessmentStatus.OPEN)


# --- year end: 미수납 → 과년도 수입 --------------------------------------------------------------------------------


def test_unpaid_revenue_is_carried_into_the_next_year_as_past_year_revenue(rv, travel):
    travel(D(2027, 3, 2))  # what follows has happened by then
    tax = assess(rv, code="118", key="tax", on=D(2026, 7, 1), notice_on=D(2026, 7, 1))
    receive(rv, tax, 400_000, key="tax-r1", on=D(2026, 7, 10))
    # Paid in January: already revenue of 2027, on the original claim (지방회계법 §27).
    january = receive(rv, tax, 100_000, key="tax-r2", on=D(2027, 1, 15), past_year_revenue=True)
    assert entry("execution.receipt", january.pk)[0] == 2027
    fee = assess(rv, code="212", key="fee", amount=300_000, on=D(2026, 8, 3))
    paid = assess(rv, code="212", key="paid", amount=200_000, on=D(2026, 8, 3))
    receive(rv, paid, 200_000, key="paid-r", on=D(2026, 8, 10))

    before = counts()
    with pytest.raises(errors.YearNotClosed) as err:
        yearend.do_carry_unpaid(rv.gov, 2026, on=D(2027, 2, 10), actor=rv.collector)
    assert err.value.code == "year_not_closed"
    assert counts() == before

    carried = yearend.do_carry_unpaid(rv.gov, 2026, on=D(2027, 2, 11), actor=rv.collector)
    got = [(c.carried_from_id, c.year, c.revenue_code, c.amount, c.status, c.assessed_on) for c in carried]
    assert got == [
        (tax.pk, 2027, "131", 500_000, AssessmentStatus.OPEN, D(2027, 1, 1)),  # 지방세 지난년도수입
        (fee.pk, 2027, "225", 300_000, AssessmentStatus.OPEN, D(2027, 1, 1)),  # 세외수입 지난년도수입
    ]
    # The carry keeps the due date and the last interruption (the January payment, R-RV-5): prescription does not
    # restart.
    assert (carried[0].due_on, carried[0].interrupted_on) == (D(2026, 7, 16), D(2027, 1, 15))
    # The receivable was booked once, when decided: no journal entry; one audit row per carried claim.
    assert JournalEntry.objects.count() == before[3]
    assert [audits("execution.revenue.carry", c).count() for c in carried] == [1, 1]

    # Idempotent: a second run carries nothing twice.
    assert yearend.do_carry_unpaid(rv.gov, 2026, on=D(2027, 3, 1), actor=rv.collector) == []
    assert Assessment.objects.filter(carried_from__isnull=False).count() == 2

    # The original is closed for collection; the successor is where the money goes, as revenue of 2027.
    with pytest.raises(errors.AssessmentCarried):
        receive(rv, tax, 1_000, key="tax-r3", on=D(2027, 3, 2), past_year_revenue=True)
    r = receive(rv, carried[0], 500_000, key="tax-r4", on=D(2027, 3, 2))
    assert entry("execution.receipt", r.pk) == (2027, D(2027, 3, 2), [("1110", 500_000, 0), ("1120", 0, 500_000)])

    by_status = {
        s: [a.pk for a in revenue_queries.assessments_of(rv.gov, 2026, s)] for s in ("open", "carried", "collected")
    }
    assert by_status == {"open": [], "carried": [tax.pk, fee.pk], "collected": [paid.pk]}
    assert [a.pk for a in revenue_queries.assessments_of(rv.gov, 2027, "collected")] == [carried[0].pk]


def test_only_the_collector_of_the_government_carries(rv):
    assess(rv, on=D(2026, 8, 3))
    with pytest.raises(NotFound):
        yearend.do_carry_unpaid(rv.gov, 2026, on=D(2027, 3, 1), actor=rv.other_collector)
    with pytest.raises(PermissionDenied):
        yearend.do_carry_unpaid(rv.gov, 2026, on=D(2027, 3, 1), actor=rv.cashier)
    assert not Assessment.objects.filter(carried_from__isnull=False).exists()
