"""지출결의 → 지급명령 → paid, and 개산급 settlement: exact values, refusals that write nothing, one audit row per
write, balanced entries, separation of duties, idempotency, and no over-ordering under concurrent clients."""

import datetime as dt
import threading
from collections import Counter

import pytest
from django.db import connection, connections
from django.db.models import Sum

from lofin.accounting.models import JournalEntry, JournalLine
from lofin.core import testing
from lofin.core.errors import (
    Conflict,
    InvalidInput,
    KeyReused,
    LofinError,
    NotFound,
    PermissionDenied,
    SeparationOfDuties,
)
from lofin.core.models import AuditEvent
from lofin.core.roles import Role
from lofin.execution import errors
from lofin.execution.actions import appropriations, commitments, offices, payments, resolutions
from lofin.execution.models import (
    BudgetLine,
    Commitment,
    EstimatedSettlement,
    ExpenditureResolution,
    Office,
    PaymentConfirmation,
    PaymentOrder,
    Refund,
    ResolutionPayment,
)
from lofin.execution.rules import resolutions as resolution_rules
from lofin.execution.testing import YEAR, build_execution
from lofin.execution.tests.test_invariants import check_invariants

pytestmark = pytest.mark.django_db

D = dt.date
COMMITTED = D(YEAR, 6, 15)
CLAIMED = D(YEAR, 6, 20)
INSPECTED = D(YEAR, 6, 22)
RESOLVED = D(YEAR, 6, 25)
ISSUED = D(YEAR, 6, 26)
PAID = D(YEAR, 6, 29)


def counts():
    return (
        ExpenditureResolution.objects.count(),
        ResolutionPayment.objects.count(),
        PaymentOrder.objects.count(),
        PaymentConfirmation.objects.count(),
        EstimatedSettlement.objects.count(),
        Refund.objects.count(),
        JournalEntry.objects.count(),
        AuditEvent.objects.count(),
    )


def money(ex, commitment=None):
    """Every counter a refused request must leave alone."""
    line = BudgetLine.objects.get(pk=ex.senior.pk)
    office = Office.objects.get(pk=ex.disbursing_office.pk)
    state: list[object] = [line.committed, line.paid, office.paid_amount]
    if commitment is not None:
        c = Commitment.objects.get(pk=commitment.pk)
        state += [c.amount, c.paid_amount, c.status]
    return state


def chain_invariants(ex):
    """Budget control with refunds in the picture (a restored 반납 gives back to the line, the commitment and the
    office), and every resolution's ordered amount is the sum of its orders."""
    restored = Refund.objects.filter(restored_line=True)
    for line in BudgetLine.objects.filter(government=ex.s.gov, year=YEAR):
        assert 0 <= line.paid <= line.committed <= line.allocated <= line.appropriation
        active = Commitment.objects.filter(line=line).exclude(status="cancelled")
        assert line.committed == (active.aggregate(s=Sum("amount"))["s"] or 0)
        assert line.paid == (active.aggregate(s=Sum("paid_amount"))["s"] or 0)
    for c in Commitment.objects.all():
        paid = PaymentOrder.objects.filter(commitment=c).aggregate(s=Sum("amount"))["s"] or 0
        back = restored.filter(payment__commitment=c).aggregate(s=Sum("amount"))["s"] or 0
        assert c.paid_amount == paid - back <= c.amount
    office = Office.objects.get(pk=ex.disbursing_office.pk)
    paid = PaymentOrder.objects.filter(office=office).aggregate(s=Sum("amount"))["s"] or 0
    assert office.paid_amount == paid - (restored.aggregate(s=Sum("amount"))["s"] or 0) <= office.limit_amount
    for r in ExpenditureResolution.objects.all():
        ordered = PaymentOrder.objects.filter(resolution_link__resolution=r).aggregate(s=Sum("amount"))["s"] or 0
        assert 0 <= r.ordered_amount == ordered <= r.amount
        assert (r.status == "ordered") == (r.ordered_amount == r.amount and r.status != "cancelled")
    totals = JournalLine.objects.values("entry_id").annotate(d=Sum("debit"), c=Sum("credit"))
    assert all(t["d"] == t["c"] for t in totals)
    assert audits("execution.resolution.create") == ExpenditureResolution.objects.count()
    assert audits("execution.payment.paid") == PaymentConfirmation.objects.count()
    assert audits("execution.estimated.settle") == EstimatedSettlement.objects.count()


def audits(action):
    return AuditEvent.objects.filter(action=action).count()


@pytest.fixture
def inspector(ex):
    return testing.official(ex.s.gov, Role.OFFICIAL, username="geomsu", dept=ex.s.budget_office)


def funded(ex, amount=100_000_000, line=None):
    line = line or ex.senior
    appropriations.do_allocate(line, amount=amount, actor=ex.s.officer, period=6)
    offices.do_allocate_cash(ex.disbursing_office, amount=amount, actor=ex.s.officer)
    line.refresh_from_db()
    return line


def commit(ex, amount, key="c1", line=None, kind="normal"):
    return commitments.do_commit(
        line or ex.senior,
        amount=amount,
        creditor="(주)한빛복지",
        purpose="경로당 운영비 지원",
        actor=ex.finance,
        idempotency_key=key,
        committed_on=COMMITTED,
        kind=kind,
    )


def resolve(ex, commitment, amount, key="r1", claim_amount=None, actor=None, **kw):
    kw.setdefault("claimed_on", CLAIMED)
    kw.setdefault("resolved_on", RESOLVED)
    return resolutions.do_resolve_expenditure(
        commitment,
        amount=amount,
        claim_number=kw.pop("claim_number", "청구-2026-101"),
        claim_amount=claim_amount or amount,
        actor=actor or ex.finance,
        idempotency_key=key,
        **kw,
    )


def inspected(inspector, result="passed"):
    return {"inspected_on": INSPECTED, "inspector": inspector, "inspection_result": result}


def pay(ex, commitment, amount, key="p1", actor=None, **kw):
    return payments.do_issue_payment(
        commitment,
        amount=amount,
        payee_name="한빛복지",
        payee_bank="농협",
        payee_account="301-0123-4567-11",
        office=ex.disbursing_office,
        actor=actor or ex.disburser,
        idempotency_key=key,
        issued_on=kw.pop("issued_on", ISSUED),
        **kw,
    )


def works_line(ex):
    """A 시설비 (401-01) line of the same project: works are paid only after their inspection."""
    line = BudgetLine.objects.create(
        government=ex.s.gov,
        year=YEAR,
        account_id=ex.senior.account_id,
        project_id=ex.senior.project_id,
        object_code="401-01",
        budget_amount=200_000_000,
        appropriation=200_000_000,
    )
    return BudgetLine.objects.select_related("government").get(pk=line.pk)


# --- 지출결의 ------------------------------------------------------------------------------------------------------


def test_a_resolution_records_the_claim_and_the_inspection_under_a_consecutive_number(ex, inspector):
    funded(ex)
    commitment = commit(ex, 10_000_000)
    entries = JournalEntry.objects.count()
    first = resolve(
        ex, commitment, 6_000_000, claim_amount=6_500_000, inspection_note="납품 수량 확인", **inspected(inspector)
    )
    second = resolve(ex, commitment, 4_000_000, key="r2")
    assert (first.number, second.number) == (f"{YEAR}-0000001", f"{YEAR}-0000002")
    first.refresh_from_db()
    assert (
        first.government_id,
        first.commitment_id,
        first.fiscal_year,
        first.amount,
        first.claim_number,
        first.claimed_on,
        first.claim_amount,
        first.inspected_on,
        first.inspector_id,
        first.inspection_result,
        first.inspection_note,
        first.resolved_on,
        first.resolved_by_id,
        first.ordered_amount,
        first.status,
    ) == (
        ex.s.gov.pk,
        commitment.pk,
        YEAR,
        6_000_000,
        "청구-2026-101",
        CLAIMED,
        6_500_000,
        INSPECTED,
        inspector.pk,
        "passed",
        "납품 수량 확인",
        RESOLVED,
        ex.finance.pk,
        0,
        "open",
    )
    assert second.inspection_result == "" and second.inspector_id is None
    # The resolution moves no money: no entry, the commitment and the line are as they were.
    assert JournalEntry.objects.count() == entries
    assert money(ex, commitment) == [10_000_000, 0, 0, 10_000_000, 0, "active"]
    event = AuditEvent.objects.get(action="execution.resolution.create", object_id=str(first.pk))
    assert (event.data["amount"], event.data["commitment"], event.data["number"]) == (
        6_000_000,
        commitment.pk,
        f"{YEAR}-0000001",
    )
    assert audits("execution.resolution.create") == 2


def test_a_resolution_cannot_exceed_what_is_neither_paid_nor_resolved(ex):
    funded(ex)
    commitment = commit(ex, 10_000_000)
    resolve(ex, commitment, 6_000_000)
    before, state = counts(), money(ex, commitment)
    with pytest.raises(errors.ResolutionExceedsCommitment) as refused:
        resolve(ex, commitment, 4_000_001, key="r2")
    assert refused.value.detail == {"unpaid": 10_000_000, "resolved": 6_000_000, "amount": 4_000_001}
    assert (counts(), money(ex, commitment)) == (before, state)
    # A payment without a resolution (the older path) also uses up the commitment.
    pay(ex, commitment, 3_000_000)
    with pytest.raises(errors.ResolutionExceedsCommitment):
        resolve(ex, commitment, 1_000_001, key="r3")
    assert resolve(ex, commitment, 1_000_000, key="r4").amount == 1_000_000


def test_a_resolution_pays_at_most_the_claim_and_only_an_active_commitment(ex):
    funded(ex)
    commitment = commit(ex, 10_000_000)
    before = counts()
    with pytest.raises(InvalidInput):
        resolve(ex, commitment, 5_000_001, claim_amount=5_000_000)
    with pytest.raises(InvalidInput):
        resolve(ex, commitment, 1_000, claim_number="  ")
    commitments.do_cancel_commitment(commitment.pk, actor=ex.finance, reason="사업 취소")
    before = counts()
    with pytest.raises(errors.ResolutionExceedsCommitment):
        resolve(ex, commitment, 1_000)
    assert counts() == before


def test_works_are_resolved_only_after_a_passed_inspection(ex, inspector):
    works = funded(ex, line=works_line(ex))
    commitment = commit(ex, 50_000_000, line=works)
    outsider = testing.official(testing.government("2600000"), Role.OFFICIAL, username="busan-geomsu")
    before = counts()
    with pytest.raises(errors.InspectionRequired):
        resolve(ex, commitment, 50_000_000)
    with pytest.raises(errors.InspectionFailed):
        resolve(ex, commitment, 50_000_000, **inspected(inspector, "failed"))
    with pytest.raises(InvalidInput):
        resolve(ex, commitment, 50_000_000, inspected_on=INSPECTED, inspection_result="passed")  # no inspector
    with pytest.raises(InvalidInput):
        resolve(ex, commitment, 50_000_000, **inspected(outsider))
    assert counts() == before
    assert resolve(ex, commitment, 50_000_000, **inspected(inspector)).inspection_result == "passed"


def test_a_subsidy_or_an_advance_claim_needs_no_inspection(ex):
    funded(ex)
    # 307-02 민간경상사업보조: a grant, not a works/goods/services contract.
    assert resolve(ex, commit(ex, 1_000_000), 1_000_000).inspection_result == ""
    assert resolution_rules.needs_inspection("401-01", commitment_kind="advance", for_advance=True) is False
    assert resolution_rules.needs_inspection("401-01", commitment_kind="advance", for_advance=False) is True
    assert resolution_rules.needs_inspection("206-01", commitment_kind="estimated", for_advance=False) is False
    assert resolution_rules.needs_inspection("307-02", commitment_kind="normal", for_advance=False) is False
    with pytest.raises(errors.ResolutionMismatch):
        resolve(ex, commit(ex, 1_000_000, key="c2"), 1_000_000, key="r2", for_advance=True)


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("claimed_on", D(YEAR, 6, 14), InvalidInput),  # before the commitment
        ("claimed_on", D(YEAR, 6, 26), InvalidInput),  # after the resolution
        ("inspected_on", D(YEAR, 6, 26), InvalidInput),  # inspected after the resolution
        ("resolved_on", D(YEAR + 1, 1, 1), InvalidInput),  # in the future
        ("resolved_on", D(YEAR - 1, 12, 31), errors.ClosedPeriod),  # before its fiscal year
    ],
)
def test_the_dates_of_a_resolution_follow_the_chain(ex, inspector, field, value, error):
    funded(ex)
    commitment = commit(ex, 1_000_000)
    kw = {**inspected(inspector), field: value}
    before = counts()
    with pytest.raises(error):
        resolve(ex, commitment, 1_000_000, **kw)
    assert counts() == before


def test_after_the_exception_deadline_no_resolution_is_made():
    with pytest.raises(errors.ClosedPeriod):
        resolution_rules.check_resolution_dates(
            fiscal_year=2025,
            committed_on=D(2025, 3, 1),
            claimed_on=D(2025, 12, 1),
            inspected_on=None,
            resolved_on=D(2026, 1, 21),
            today=D(2026, 6, 1),
        )
    resolution_rules.check_resolution_dates(
        fiscal_year=2025,
        committed_on=D(2025, 3, 1),
        claimed_on=D(2025, 12, 1),
        inspected_on=None,
        resolved_on=D(2026, 1, 20),
        today=D(2026, 6, 1),
    )


def test_only_a_finance_officer_of_the_government_resolves(ex):
    funded(ex)
    commitment = commit(ex, 1_000_000)
    outsider = testing.official(testing.government("2600000"), Role.FINANCE_OFFICER, username="busan")
    before = counts()
    with pytest.raises(PermissionDenied):
        resolve(ex, commitment, 1_000_000, actor=ex.disburser)
    with pytest.raises(NotFound):
        resolve(ex, commitment, 1_000_000, actor=outsider)
    assert counts() == before


def test_a_retried_resolution_returns_the_first_and_a_reused_key_is_refused(ex):
    funded(ex)
    commitment = commit(ex, 10_000_000)
    first = resolve(ex, commitment, 3_000_000)
    before = counts()
    assert resolve(ex, commitment, 3_000_000).pk == first.pk
    assert counts() == before
    with pytest.raises(KeyReused):
        resolve(ex, commitment, 3_000_001)
    assert counts() == before
    # The key is the person's own: another 재무관 may use the same words.
    other = testing.official(ex.s.gov, Role.FINANCE_OFFICER, username="jaemu2")
    assert resolve(ex, commitment, 3_000_000, actor=other).pk != first.pk


def test_cancelling_a_resolution_keeps_what_was_ordered(ex):
    funded(ex)
    commitment = commit(ex, 10_000_000)
    untouched = resolve(ex, commitment, 4_000_000)
    partly = resolve(ex, commitment, 6_000_000, key="r2")
    pay(ex, commitment, 2_000_000, resolution=partly)
    with pytest.raises(PermissionDenied):
        resolutions.do_cancel_resolution(untouched.pk, reason="착오", actor=ex.disburser)
    with pytest.raises(InvalidInput):
        resolutions.do_cancel_resolution(untouched.pk, reason=" ", actor=ex.finance)
    cancelled = resolutions.do_cancel_resolution(untouched.pk, reason="착오", actor=ex.finance)
    shrunk = resolutions.do_cancel_resolution(partly.pk, reason="잔여 청구 철회", actor=ex.finance)
    assert (cancelled.status, cancelled.amount, cancelled.cancel_reason) == ("cancelled", 4_000_000, "착오")
    assert (shrunk.status, shrunk.amount, shrunk.ordered_amount) == ("ordered", 2_000_000, 2_000_000)
    before = counts()
    with pytest.raises(errors.ResolutionNotOpen):
        resolutions.do_cancel_resolution(untouched.pk, reason="다시", actor=ex.finance)
    with pytest.raises(NotFound):
        resolutions.do_cancel_resolution(10**9, reason="없음", actor=ex.finance)
    assert counts() == before
    assert audits("execution.resolution.cancel") == 2
    # What was released may be resolved again: 10,000,000 − 2,000,000 paid.
    assert resolve(ex, commitment, 8_000_000, key="r3").amount == 8_000_000


# --- 지급명령 against a resolution ----------------------------------------------------------------------------


def test_payments_against_a_resolution_fill_it_in_parts(ex):
    funded(ex)
    commitment = commit(ex, 10_000_000)
    resolution = resolve(ex, commitment, 6_000_000)
    first = pay(ex, commitment, 4_000_000, resolution=resolution, withholdings=[("income_tax", 132_000)])
    resolution.refresh_from_db()
    assert (resolution.ordered_amount, resolution.status, resolution.remaining) == (4_000_000, "open", 2_000_000)
    second = pay(ex, commitment, 2_000_000, key="p2", resolution=resolution)
    resolution.refresh_from_db()
    assert (resolution.ordered_amount, resolution.status, resolution.remaining) == (6_000_000, "ordered", 0)
    assert set(resolution.orders.values_list("payment_id", flat=True)) == {first.pk, second.pk}
    assert money(ex, commitment) == [10_000_000, 6_000_000, 6_000_000, 10_000_000, 6_000_000, "active"]
    event = AuditEvent.objects.get(action="execution.payment.issue", object_id=str(first.pk))
    assert event.data["resolution"] == resolution.pk
    before, state = counts(), money(ex, commitment)
    with pytest.raises(errors.ResolutionNotOpen):
        pay(ex, commitment, 1, key="p3", resolution=resolution)
    assert (counts(), money(ex, commitment)) == (before, state)
    check_invariants(ex)
    chain_invariants(ex)


def test_a_payment_beyond_the_resolution_is_refused_and_writes_nothing(ex):
    funded(ex)
    commitment = commit(ex, 10_000_000)
    resolution = resolve(ex, commitment, 5_000_000)
    before, state = counts(), money(ex, commitment)
    with pytest.raises(errors.OverResolution) as refused:
        pay(ex, commitment, 5_000_001, resolution=resolution)
    assert refused.value.detail == {"remaining": 5_000_000, "amount": 5_000_001}
    assert (counts(), money(ex, commitment)) == (before, state)
    resolution.refresh_from_db()
    assert resolution.ordered_amount == 0


def test_a_resolution_pays_only_its_own_commitment_and_kind(ex):
    funded(ex)
    one, other = commit(ex, 5_000_000), commit(ex, 5_000_000, key="c2")
    resolution = resolve(ex, one, 5_000_000)
    before = counts()
    with pytest.raises(errors.ResolutionMismatch):
        pay(ex, other, 1_000, resolution=resolution)
    with pytest.raises(errors.ResolutionMismatch):
        pay(ex, one, 1_000, resolution=resolution, is_advance=True, claimed_on=CLAIMED)
    assert counts() == before


def test_the_finance_officer_who_resolved_cannot_order_the_payment(ex):
    funded(ex)
    both = testing.official(ex.s.gov, Role.FINANCE_OFFICER, Role.DISBURSING_OFFICER, username="gyeom")
    commitment = commit(ex, 5_000_000)
    resolution = resolve(ex, commitment, 5_000_000, actor=both)
    before = counts()
    with pytest.raises(SeparationOfDuties):
        pay(ex, commitment, 1_000_000, resolution=resolution, actor=both)
    assert counts() == before
    assert pay(ex, commitment, 1_000_000, resolution=resolution).amount == 1_000_000


def test_a_retried_order_against_a_resolution_counts_once(ex):
    funded(ex)
    commitment = commit(ex, 10_000_000)
    resolution = resolve(ex, commitment, 6_000_000)
    first = pay(ex, commitment, 4_000_000, resolution=resolution)
    before = counts()
    assert pay(ex, commitment, 4_000_000, resolution=resolution).pk == first.pk
    assert counts() == before
    other = resolve(ex, commitment, 4_000_000, key="r2")
    before = counts()
    with pytest.raises(LofinError):
        pay(ex, commitment, 4_000_000, resolution=other)  # the key already paid from the first resolution
    resolution.refresh_from_db()
    assert resolution.ordered_amount == 4_000_000
    assert counts() == before


def test_another_governments_resolution_is_not_found(ex):
    funded(ex)
    commitment = commit(ex, 5_000_000)
    resolution = resolve(ex, commitment, 5_000_000)
    resolution.government_id = testing.government("2600000").pk  # as if handed in from elsewhere
    with pytest.raises(NotFound):
        pay(ex, commitment, 1_000, resolution=resolution)


# --- the 금고's notice --------------------------------------------------------------------------------------------


def test_the_treasury_banks_notice_marks_an_order_paid_once(ex):
    funded(ex)
    commitment = commit(ex, 5_000_000)
    payment = pay(ex, commitment, 5_000_000, withholdings=[("income_tax", 150_000)])
    entries = JournalEntry.objects.count()
    paid = payments.do_confirm_payment(payment.pk, paid_on=PAID, bank_reference="NH20260629-0001", actor=ex.disburser)
    confirmation = PaymentConfirmation.objects.get(payment=payment)
    assert (paid.status, confirmation.paid_on, confirmation.bank_reference, confirmation.confirmed_by_id) == (
        "paid",
        PAID,
        "NH20260629-0001",
        ex.disburser.pk,
    )
    # The cash left the books with the order (Cr 1110 net); the notice adds no entry.
    assert JournalEntry.objects.count() == entries
    event = AuditEvent.objects.get(action="execution.payment.paid", object_id=str(payment.pk))
    assert (event.data["net"], event.data["bank_reference"]) == (4_850_000, "NH20260629-0001")
    before = counts()
    again = payments.do_confirm_payment(payment.pk, paid_on=PAID, bank_reference="NH20260629-0001", actor=ex.disburser)
    assert (again.pk, again.status, counts()) == (payment.pk, "paid", before)
    with pytest.raises(errors.AlreadyPaid):
        payments.do_confirm_payment(payment.pk, paid_on=PAID, bank_reference="NH20260629-0002", actor=ex.disburser)
    with pytest.raises(errors.AlreadyPaid):
        payments.do_confirm_payment(
            payment.pk, paid_on=D(YEAR, 6, 30), bank_reference="NH20260629-0001", actor=ex.disburser
        )
    assert counts() == before
    assert audits("execution.payment.paid") == 1


def test_a_notice_is_refused_for_a_wrong_day_a_used_reference_or_a_returned_order(ex):
    funded(ex)
    commitment = commit(ex, 5_000_000)
    one = pay(ex, commitment, 2_000_000)
    two = pay(ex, commitment, 3_000_000, key="p2")
    payments.do_confirm_payment(one.pk, paid_on=PAID, bank_reference="REF-1", actor=ex.disburser)
    outsider = testing.official(testing.government("2600000"), Role.DISBURSING_OFFICER, username="busan-jichul")
    before = counts()
    with pytest.raises(InvalidInput):
        payments.do_confirm_payment(two.pk, paid_on=D(YEAR, 6, 25), bank_reference="REF-2", actor=ex.disburser)
    with pytest.raises(InvalidInput):
        payments.do_confirm_payment(two.pk, paid_on=D(YEAR + 1, 1, 5), bank_reference="REF-2", actor=ex.disburser)
    with pytest.raises(errors.DuplicateBankReference):
        payments.do_confirm_payment(two.pk, paid_on=PAID, bank_reference="REF-1", actor=ex.disburser)
    with pytest.raises(PermissionDenied):
        payments.do_confirm_payment(two.pk, paid_on=PAID, bank_reference="REF-2", actor=ex.finance)
    with pytest.raises(NotFound):
        payments.do_confirm_payment(two.pk, paid_on=PAID, bank_reference="REF-2", actor=outsider)
    assert counts() == before
    assert PaymentOrder.objects.get(pk=two.pk).status == "issued"
    payments.do_record_refund(
        two, amount=3_000_000, received_on=D(YEAR, 6, 28), actor=ex.disburser, idempotency_key="b"
    )
    before = counts()
    with pytest.raises(errors.PaymentNotIssued):
        payments.do_confirm_payment(two.pk, paid_on=PAID, bank_reference="REF-2", actor=ex.disburser)
    assert counts() == before


def test_the_treasury_bank_pays_by_the_exception_deadline():
    resolution_rules.check_confirmation_date(
        fiscal_year=2025, issued_on=D(2025, 12, 30), paid_on=D(2026, 1, 20), today=D(2026, 3, 1)
    )
    with pytest.raises(errors.ClosedPeriod):
        resolution_rules.check_confirmation_date(
            fiscal_year=2025, issued_on=D(2025, 12, 30), paid_on=D(2026, 1, 21), today=D(2026, 3, 1)
        )


# --- 개산급 정산 ---------------------------------------------------------------------------------------------------


def estimate(ex, committed=10_000_000, paid=8_000_000):
    funded(ex)
    commitment = commit(ex, committed, key="est", kind="estimated")
    pay(ex, commitment, paid, key="est-pay")
    return commitment


def settle(ex, commitment, actual, key="s1", **kw):
    return resolutions.do_settle_estimated_payment(
        commitment, actual_amount=actual, actor=ex.disburser, idempotency_key=key, settled_on=D(YEAR, 7, 10), **kw
    )


def test_an_estimate_paid_too_high_comes_back_and_frees_the_rest(ex):
    commitment = estimate(ex)
    settlement = settle(ex, commitment, 6_000_000, returned_on=D(YEAR, 7, 8))
    assert (
        settlement.estimated_amount,
        settlement.actual_amount,
        settlement.refunded_amount,
        settlement.refund_restored_line,
        settlement.further_payment_id,
        settlement.released_amount,
    ) == (8_000_000, 6_000_000, 2_000_000, True, None, 4_000_000)
    # committed 10,000,000 → 6,000,000; paid 8,000,000 − 2,000,000 back; the office's ceiling is used by 6,000,000.
    assert money(ex, commitment) == [6_000_000, 6_000_000, 6_000_000, 6_000_000, 6_000_000, "active"]
    refund = Refund.objects.get()
    assert (refund.amount, refund.restored_line, refund.received_on) == (2_000_000, True, D(YEAR, 7, 8))
    release = JournalEntry.objects.get(source_type="execution.estimated_settlement", source_id=settlement.pk)
    assert sorted(release.lines.values_list("ledger_code", "debit", "credit")) == [
        ("9210", 0, 4_000_000),
        ("9220", 4_000_000, 0),
    ]
    assert audits("execution.estimated.settle") == 1 and audits("execution.refund") == 1
    chain_invariants(ex)


def test_an_estimate_paid_too_low_is_topped_up_by_a_further_order(ex):
    commitment = estimate(ex, paid=5_000_000)
    settlement = settle(
        ex, commitment, 7_000_000, payee_bank="농협", payee_account="3010123456", office=ex.disbursing_office
    )
    further = settlement.further_payment
    assert (further.amount, further.payee_name, further.issued_on, further.commitment_id) == (
        2_000_000,
        "(주)한빛복지",
        D(YEAR, 7, 10),
        commitment.pk,
    )
    assert (settlement.refunded_amount, settlement.released_amount) == (0, 3_000_000)
    assert money(ex, commitment) == [7_000_000, 7_000_000, 7_000_000, 7_000_000, 7_000_000, "active"]
    check_invariants(ex)
    chain_invariants(ex)


def test_an_estimate_owed_in_full_back_cancels_the_commitment(ex):
    commitment = estimate(ex, committed=8_000_000)
    settlement = settle(ex, commitment, 0, returned_on=D(YEAR, 7, 8))
    assert (settlement.refunded_amount, settlement.released_amount) == (8_000_000, 8_000_000)
    assert money(ex, commitment) == [0, 0, 0, 8_000_000, 0, "cancelled"]
    chain_invariants(ex)


def test_an_exact_estimate_only_frees_the_unused_commitment(ex):
    commitment = estimate(ex)
    settlement = settle(ex, commitment, 8_000_000)
    assert (settlement.refunded_amount, settlement.further_payment_id, settlement.released_amount) == (
        0,
        None,
        2_000_000,
    )
    assert money(ex, commitment) == [8_000_000, 8_000_000, 8_000_000, 8_000_000, 8_000_000, "active"]


def test_settlement_refusals_write_nothing(ex):
    commitment = estimate(ex)
    ordinary = commit(ex, 1_000_000, key="plain")
    unpaid = commit(ex, 1_000_000, key="est2", kind="estimated")
    outsider = testing.official(testing.government("2600000"), Role.DISBURSING_OFFICER, username="busan-jichul")
    before, state = counts(), money(ex, commitment)
    with pytest.raises(errors.InsufficientCommitment):  # beyond the commitment: commit the difference first
        settle(ex, commitment, 10_000_001, payee_account="3010123456", office=ex.disbursing_office)
    with pytest.raises(InvalidInput):  # an excess without the day it came back
        settle(ex, commitment, 6_000_000)
    with pytest.raises(InvalidInput):  # a shortfall without an office to pay it
        settle(ex, commitment, 9_000_000)
    with pytest.raises(InvalidInput):
        settle(ex, commitment, -1)
    with pytest.raises(PermissionDenied):
        resolutions.do_settle_estimated_payment(
            commitment, actual_amount=8_000_000, actor=ex.finance, idempotency_key="s", settled_on=D(YEAR, 7, 10)
        )
    with pytest.raises(NotFound):
        resolutions.do_settle_estimated_payment(
            commitment, actual_amount=8_000_000, actor=outsider, idempotency_key="s", settled_on=D(YEAR, 7, 10)
        )
    with pytest.raises(errors.NotEstimatedPayment):
        settle(ex, ordinary, 1_000_000)
    with pytest.raises(errors.NothingPaid):
        settle(ex, unpaid, 1_000_000)
    assert (counts(), money(ex, commitment)) == (before, state)


def test_a_settlement_is_made_once(ex):
    commitment = estimate(ex)
    first = settle(ex, commitment, 6_000_000, returned_on=D(YEAR, 7, 8))
    before = counts()
    assert settle(ex, commitment, 6_000_000, returned_on=D(YEAR, 7, 8)).pk == first.pk
    with pytest.raises(KeyReused):
        settle(ex, commitment, 5_000_000, returned_on=D(YEAR, 7, 8))
    with pytest.raises(errors.AlreadySettled):
        settle(ex, commitment, 6_000_000, key="s2", returned_on=D(YEAR, 7, 8))
    assert counts() == before


def late_refund(ex, travel, payment, amount):
    """A 반납 received after 20 January: revenue of the new year, so the commitment still counts it as paid."""
    travel(D(YEAR + 1, 3, 2))
    refund = payments.do_record_refund(
        payment, amount=amount, received_on=D(YEAR + 1, 2, 1), actor=ex.disburser, idempotency_key="late"
    )
    assert refund.restored_line is False


def test_an_excess_already_refunded_late_is_refused_not_a_server_error(ex, travel):
    commitment = estimate(ex)
    late_refund(ex, travel, PaymentOrder.objects.get(commitment=commitment), 8_000_000)
    commitment.refresh_from_db()
    assert commitment.paid_amount == 8_000_000  # the late 반납 did not come off it
    before, state = counts(), money(ex, commitment)
    with pytest.raises(Conflict) as refused:
        settle(ex, commitment, 6_000_000, returned_on=D(YEAR + 1, 2, 10))
    assert refused.value.detail["available"] == 0 and refused.value.detail["excess"] == 2_000_000
    assert (counts(), money(ex, commitment)) == (before, state)


def test_a_partly_refunded_estimate_gives_back_at_most_what_its_orders_still_hold(ex, travel):
    commitment = estimate(ex)
    payment = PaymentOrder.objects.get(commitment=commitment)
    late_refund(ex, travel, payment, 7_000_000)
    before = counts()
    with pytest.raises(Conflict):  # 2,000,000 over, but only 1,000,000 has not come back yet
        settle(ex, commitment, 6_000_000, returned_on=D(YEAR + 1, 2, 10))
    with pytest.raises(InvalidInput):  # the day it came back is before any order of the estimate
        settle(ex, commitment, 7_500_000, returned_on=D(YEAR, 6, 1))
    assert counts() == before
    settlement = settle(ex, commitment, 7_500_000, returned_on=D(YEAR + 1, 2, 10))
    assert (settlement.refunded_amount, settlement.refund_restored_line) == (500_000, False)
    payment.refresh_from_db()
    assert payment.refunded_amount == 7_500_000
    assert sum(Refund.objects.filter(payment=payment).values_list("amount", flat=True)) == 7_500_000
    chain_invariants(ex)


# --- concurrency -------------------------------------------------------------------------------------------------

THREADS = 8


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_eight_clients_ordering_against_one_resolution_never_exceed_it():
    ex = build_execution()
    appropriations.do_allocate(ex.senior, amount=50_000_000, actor=ex.s.officer)
    offices.do_allocate_cash(ex.disbursing_office, amount=50_000_000, actor=ex.s.officer)
    commitment = commitments.do_commit(
        ex.senior,
        amount=40_000_000,
        creditor="한빛복지",
        purpose="동시성",
        actor=ex.finance,
        idempotency_key="c",
        committed_on=COMMITTED,
    )
    resolution = resolutions.do_resolve_expenditure(
        commitment,
        amount=10_000_000,
        claim_number="청구-1",
        claimed_on=CLAIMED,
        claim_amount=10_000_000,
        actor=ex.finance,
        idempotency_key="r",
        resolved_on=RESOLVED,
    )
    outcomes: Counter[str] = Counter()
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def client(index: int) -> None:
        try:
            start.wait()
            for round_ in range(2):
                try:
                    payments.do_issue_payment(
                        Commitment.objects.get(pk=commitment.pk),
                        amount=1_500_000,
                        payee_name="한빛복지",
                        payee_bank="농협",
                        payee_account="3010123456",
                        office=ex.disbursing_office,
                        actor=ex.disburser,
                        # Round 1 retries round 0's key: a retry never orders twice.
                        idempotency_key=f"p{index}" if round_ == 0 or index % 2 else f"p{index}-{round_}",
                        issued_on=ISSUED,
                        resolution=ExpenditureResolution.objects.get(pk=resolution.pk),
                    )
                    outcomes["ordered"] += 1
                except LofinError as refused:
                    outcomes[refused.code] += 1
        except BaseException as exc:  # a crash in a client must fail the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    resolution.refresh_from_db()
    orders = PaymentOrder.objects.filter(resolution_link__resolution=resolution)
    # 10,000,000 / 1,500,000: six orders fit, the seventh would exceed the resolution.
    assert (orders.count(), resolution.ordered_amount, resolution.status) == (6, 9_000_000, "open")
    assert orders.aggregate(s=Sum("amount"))["s"] == resolution.ordered_amount
    assert outcomes["over_resolution"] > 0
    assert PaymentOrder.objects.count() == ResolutionPayment.objects.count() == 6
    assert JournalLine.objects.filter(entry__source_type="execution.payment").count() == 6 * 4
    check_invariants(ex)
    chain_invariants(ex)
    connection.close()
