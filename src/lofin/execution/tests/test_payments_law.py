"""Issue 12, payments: e호조+ to the letter of the law. Each test is named after the rule of the domain reference it
checks (R-EX-3, R-EX-4, R-EX-5, R-EX-8, R-FY-3, R-FY-4, R-FY-5) and asserts that a refusal writes nothing."""

import datetime as dt

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from lofin.accounting.models import JournalEntry
from lofin.core import testing
from lofin.core.actions import do_create_token
from lofin.core.errors import Conflict, InvalidInput, PermissionDenied, SeparationOfDuties
from lofin.core.fiscal import ClosingException
from lofin.core.models import AuditEvent
from lofin.core.roles import Role
from lofin.execution import errors
from lofin.execution.actions import appropriations, commitments, imprest, offices, payments, yearend
from lofin.execution.models import BudgetLine, Commitment, Office, OfficeKind, PaymentOrder
from lofin.execution.rules import commitments as commitment_rules
from lofin.execution.rules import imprest as imprest_rules
from lofin.execution.rules import payments as payment_rules
from lofin.execution.testing import YEAR
from lofin.execution.tests.screens import base as screen_base
from lofin.execution.tests.screens import client as screen_client
from lofin.execution.tests.screens import form_key

pytestmark = pytest.mark.django_db

DAY = dt.date(YEAR, 6, 15)


def counts():
    return (
        Commitment.objects.count(),
        PaymentOrder.objects.count(),
        JournalEntry.objects.count(),
        AuditEvent.objects.count(),
    )


def bearer(user):
    raw, _token = do_create_token(user, actor=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def funded(ex, amount=100_000_000):
    appropriations.do_allocate(ex.senior, amount=amount, actor=ex.s.officer, period=6)
    offices.do_allocate_cash(ex.disbursing_office, amount=amount, actor=ex.s.officer)
    ex.senior.refresh_from_db()
    return ex.senior


def order(ex, commitment, amount, *, actor=None, key="p1", payee=None, office=None, issued_on=DAY, **kw):
    return payments.do_issue_payment(
        commitment,
        amount=amount,
        payee_name=payee or commitment.creditor,
        payee_bank="농협",
        payee_account="3010123456",
        office=office or ex.disbursing_office,
        actor=actor or ex.disburser,
        idempotency_key=key,
        issued_on=issued_on,
        **kw,
    )


# --- R-EX-3: separation of duties -------------------------------------------------------------------------------------


def commit(ex, *, amount, creditor, purpose="x", actor=None, key="k", office=None):
    """A commitment on the 경로당 line, made on DAY (by the 재무관 unless `actor`)."""
    return commitments.do_commit(
        ex.senior,
        amount=amount,
        creditor=creditor,
        purpose=purpose,
        actor=actor or ex.finance,
        idempotency_key=key,
        committed_on=DAY,
        office=office,
    )


def sub_office(ex, staff_count, code="S300"):
    """A 분임재무관 office (a 면사무소) with its 정원, handed 10,000,000 won of the senior line."""
    office = offices.do_create_office(
        ex.s.gov,
        year=YEAR,
        code=code,
        name="면사무소 분임재무관",
        kind=OfficeKind.SUB_FINANCE,
        staff_count=staff_count,
        actor=ex.s.officer,
    )
    appropriations.do_sub_allocate(ex.senior, office=office, amount=10_000_000, actor=ex.s.officer)
    return office


def test_R_EX_3_office_staff_count_is_data_set_when_the_office_is_created_and_audited(ex):
    office = offices.do_create_office(
        ex.s.gov,
        year=YEAR,
        code="S301",
        name="섬 면사무소",
        kind=OfficeKind.SUB_FINANCE,
        staff_count=3,
        actor=ex.s.officer,
    )
    assert Office.objects.get(pk=office.pk).staff_count == 3
    event = AuditEvent.objects.get(action="execution.office.create", object_id=str(office.pk))
    assert event.data["staff_count"] == 3
    assert not hasattr(office, "small_office_exception")


def test_R_EX_3_no_office_size_lets_the_finance_officer_order_the_payment_of_their_own_commitment(ex):
    funded(ex)
    small = offices.do_create_office(
        ex.s.gov,
        year=YEAR,
        code="D900",
        name="면사무소 지출원",
        kind=OfficeKind.DISBURSING,
        staff_count=2,
        actor=ex.s.officer,
    )
    offices.do_allocate_cash(small, amount=1_000, actor=ex.s.officer)
    office = sub_office(ex, staff_count=2)
    both = testing.official(ex.s.gov, Role.FINANCE_OFFICER, Role.DISBURSING_OFFICER, username="both")
    commitment = commit(ex, amount=1_000, creditor="한빛복지", purpose="x", actor=both, office=office, key="k")
    before = counts()
    with pytest.raises(SeparationOfDuties) as refused:
        order(ex, commitment, 1_000, actor=both, office=small)
    assert refused.value.detail["rule"] == "R-EX-3"
    assert "36" in str(refused.value.message)  # the statute, in the Korean text the tests run in
    assert counts() == before


def test_R_EX_3_small_sub_finance_officer_may_be_the_imprest_cashier_of_their_office(ex):
    funded(ex)
    office = sub_office(ex, staff_count=3)
    clerk = testing.official(ex.s.gov, Role.FINANCE_OFFICER, Role.CASHIER, username="myeon")
    commitment = commit(ex, amount=5_000_000, creditor="myeon", purpose="일상경비", actor=clerk, office=office, key="k")
    advance = imprest.do_advance_imprest(
        commitment,
        cashier=clerk,
        kind="travel",
        amount=1_000_000,
        office=ex.disbursing_office,
        payee_account="110234567890",
        actor=ex.disburser,
        idempotency_key="a",
        on=DAY,
    )
    assert advance.amount == 1_000_000


def test_R_EX_3_the_pair_is_refused_in_an_office_of_four(ex):
    funded(ex)
    office = sub_office(ex, staff_count=4)
    clerk = testing.official(ex.s.gov, Role.FINANCE_OFFICER, Role.CASHIER, username="myeon")
    commitment = commit(ex, amount=5_000_000, creditor="myeon", purpose="일상경비", actor=clerk, office=office, key="k")
    before = counts()
    with pytest.raises(SeparationOfDuties) as refused:
        imprest.do_advance_imprest(
            commitment,
            cashier=clerk,
            kind="travel",
            amount=1_000_000,
            office=ex.disbursing_office,
            payee_account="110234567890",
            actor=ex.disburser,
            idempotency_key="a",
            on=DAY,
        )
    assert refused.value.detail["rule"] == "R-EX-3"
    assert counts() == before


def test_R_EX_3_a_finance_officer_of_the_main_office_is_never_the_cashier(ex):
    """The exception is for a 분임재무관: a 재무관 who is also 출납원 is refused whatever the office's size."""
    funded(ex)
    Office.objects.filter(pk=ex.finance_office.pk).update(staff_count=2)
    clerk = testing.official(ex.s.gov, Role.FINANCE_OFFICER, Role.CASHIER, username="myeon")
    commitment = commit(
        ex,
        amount=5_000_000,
        creditor="myeon",
        purpose="일상경비",
        actor=clerk,
        office=Office.objects.get(pk=ex.finance_office.pk),
        key="k",
    )
    before = counts()
    with pytest.raises(SeparationOfDuties):
        imprest.do_advance_imprest(
            commitment,
            cashier=clerk,
            kind="travel",
            amount=1_000_000,
            office=ex.disbursing_office,
            payee_account="110234567890",
            actor=ex.disburser,
            idempotency_key="a",
            on=DAY,
        )
    assert counts() == before


def test_R_EX_3_the_rule_allows_only_the_sub_finance_officer_and_cashier_pair():
    rule = payment_rules.check_separation
    rule(committed_by=1, issuer=2, cashiers={3}, committing_office=None)
    small_sub = (OfficeKind.SUB_FINANCE, 3)
    rule(committed_by=1, issuer=2, cashiers={1}, committing_office=small_sub)
    refused = [
        dict(committed_by=1, issuer=1, cashiers=set(), committing_office=small_sub),
        dict(committed_by=1, issuer=2, cashiers={2}, committing_office=small_sub),
        dict(committed_by=1, issuer=2, cashiers={1}, committing_office=(OfficeKind.SUB_FINANCE, 4)),
        dict(committed_by=1, issuer=2, cashiers={1}, committing_office=(OfficeKind.SUB_FINANCE, None)),
        dict(committed_by=1, issuer=2, cashiers={1}, committing_office=(OfficeKind.FINANCE, 1)),
        dict(committed_by=1, issuer=2, cashiers={1}, committing_office=None),
    ]
    for case in refused:
        with pytest.raises(SeparationOfDuties):
            rule(**case)


# --- R-EX-4: the payee --------------------------------------------------------------------------------------------

HANBIT = "2208112341"  # valid 사업자등록번호 (check digit of 국세청)
OTHER = "1048612345"
SAEBOM = "3018123453"


def test_R_EX_4_different_legal_persons_with_the_same_base_name_are_different_payees():
    payment_rules.check_payee("(주)한빛", "주식회사 한빛")
    payment_rules.check_payee("㈜한빛", "(주) 한빛")
    # A name written without its legal form is read as the same person.
    payment_rules.check_payee("(주)한빛", "한빛")
    for creditor, payee in (("(주)한빛", "한빛(유)"), ("(주)한빛", "(재)한빛"), ("유한회사 한빛", "주식회사 한빛")):
        with pytest.raises(errors.PayeeMismatch) as refused:
            payment_rules.check_payee(creditor, payee)
        assert refused.value.detail["rule"] == "R-EX-4"


def test_R_EX_4_the_business_registration_number_decides_when_both_are_known():
    payment_rules.check_payee("(주)한빛", "한빛 주식회사", creditor_number="220-81-12341", payee_number=HANBIT)
    with pytest.raises(errors.PayeeMismatch):
        payment_rules.check_payee("(주)한빛", "(주)한빛", creditor_number=HANBIT, payee_number=OTHER)


def test_R_EX_4_an_order_to_another_legal_person_of_the_same_name_writes_nothing(ex):
    funded(ex)
    commitment = commitments.do_commit(
        ex.senior,
        amount=1_000_000,
        creditor="(주)한빛",
        purpose="x",
        actor=ex.finance,
        idempotency_key="k",
        committed_on=DAY,
        creditor_number=HANBIT,
    )
    before = counts()
    with pytest.raises(errors.PayeeMismatch):
        order(ex, commitment, 1_000, payee="한빛(유)")
    with pytest.raises(errors.PayeeMismatch):
        order(ex, commitment, 1_000, payee="(주)한빛", payee_number=OTHER)
    assert counts() == before
    payment = order(ex, commitment, 1_000, payee="(주)한빛", payee_number=HANBIT)
    assert payment.payee_number == HANBIT


def test_R_EX_4_a_registered_assignee_is_paid_and_the_assignment_is_kept_and_audited(ex):
    funded(ex)
    commitment = commitments.do_commit(
        ex.senior,
        amount=1_000_000,
        creditor="(주)한빛",
        purpose="x",
        actor=ex.finance,
        idempotency_key="k",
        committed_on=DAY,
        creditor_number=HANBIT,
    )
    with pytest.raises(errors.PayeeMismatch):
        order(ex, commitment, 1_000, payee="(주)새봄", payee_number=SAEBOM)
    assignment = commitments.do_register_assignment(
        commitment, assignee="(주)새봄", assignee_number=SAEBOM, notified_on=DAY, actor=ex.finance
    )
    assert list(commitment.assignments.values_list("assignee", "assignee_number")) == [("(주)새봄", SAEBOM)]
    event = AuditEvent.objects.get(action="execution.commitment.assign")
    assert (event.object_id, event.data["assignee_number"]) == (str(assignment.pk), SAEBOM)
    assert order(ex, commitment, 1_000, payee="(주)새봄", payee_number=SAEBOM).payee_name == "(주)새봄"


def test_R_EX_4_an_assignment_needs_a_valid_number_and_an_open_commitment_and_a_refusal_writes_nothing(ex):
    funded(ex)
    commitment = commit(ex, amount=1_000_000, creditor="(주)한빛", purpose="x", actor=ex.finance, key="k")
    before = counts()
    with pytest.raises(InvalidInput):
        commitments.do_register_assignment(
            commitment, assignee="(주)새봄", assignee_number="1234567890", notified_on=DAY, actor=ex.finance
        )
    with pytest.raises(PermissionDenied):
        commitments.do_register_assignment(
            commitment, assignee="(주)새봄", assignee_number=SAEBOM, notified_on=DAY, actor=ex.disburser
        )
    commitments.do_cancel_commitment(commitment.pk, actor=ex.finance, reason="취소")
    before = counts()
    with pytest.raises(Conflict):
        commitments.do_register_assignment(
            commitment, assignee="(주)새봄", assignee_number=SAEBOM, notified_on=DAY, actor=ex.finance
        )
    assert counts() == before


def test_R_EX_4_the_api_registers_an_assignee_and_pays_it_by_number(ex):
    funded(ex)
    commitment = commitments.do_commit(
        ex.senior,
        amount=1_000_000,
        creditor="(주)한빛",
        purpose="x",
        actor=ex.finance,
        idempotency_key="k",
        committed_on=DAY,
        creditor_number=HANBIT,
    )
    assign = {"assignee": "(주)새봄", "assignee_number": "301-81-23453", "notified_on": str(DAY)}
    path = f"/api/v1/execution/commitments/{commitment.pk}/assignments"
    assert bearer(ex.disburser).post(path, assign, content_type="application/json").status_code == 403
    created = bearer(ex.finance).post(path, assign, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["assignee_number"] == SAEBOM
    body = {
        "commitment_id": commitment.pk,
        "amount": 1_000,
        "payee_name": "(주)새봄",
        "payee_number": SAEBOM,
        "payee_account": "3010123456",
    }
    paid = bearer(ex.disburser).post(
        "/api/v1/execution/payment-orders", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="p-1"
    )
    assert paid.status_code == 201, paid.json()
    assert paid.json()["payee_number"] == SAEBOM
    wrong = bearer(ex.disburser).post(
        "/api/v1/execution/payment-orders",
        {**body, "payee_number": OTHER},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="p-2",
    )
    assert (wrong.status_code, wrong.json()["code"]) == (422, "payee_mismatch")


# --- R-EX-5: 일상경비 caps --------------------------------------------------------------------------------------------


def imprest_line(ex, creditor="chulnap", key="c-imprest"):
    appropriations.do_allocate(ex.senior, amount=300_000_000, actor=ex.s.officer)
    offices.do_allocate_cash(ex.disbursing_office, amount=300_000_000, actor=ex.s.officer)
    return commitments.do_commit(
        ex.senior,
        amount=200_000_000,
        creditor=creditor,
        purpose="일상경비",
        actor=ex.finance,
        idempotency_key=key,
        committed_on=dt.date(YEAR, 1, 2),
    )


def advance(ex, commitment, amount, kind, on, key, cashier=None):
    return imprest.do_advance_imprest(
        commitment,
        cashier=cashier or ex.cashier,
        kind=kind,
        amount=amount,
        office=ex.disbursing_office,
        payee_account="110234567890",
        actor=ex.disburser,
        idempotency_key=key,
        on=on,
    )


def test_R_EX_5_open_advances_of_one_cashier_and_kind_add_up_to_the_cap_within_the_month(ex):
    commitment = imprest_line(ex)
    first = advance(ex, commitment, 6_000_000, "travel", dt.date(YEAR, 6, 1), "a1")
    before = counts()
    with pytest.raises(errors.ExecutionRuleViolation) as refused:
        advance(ex, commitment, 5_000_000, "travel", dt.date(YEAR, 6, 20), "a2")
    assert refused.value.detail["rule"] == "R-EX-5"
    assert counts() == before
    # Another kind has its own cap; a month later the June advance no longer counts.
    advance(ex, commitment, 5_000_000, "materials", dt.date(YEAR, 6, 20), "a3")
    advance(ex, commitment, 5_000_000, "travel", dt.date(YEAR, 7, 2), "a4")
    # A settled advance is not open: its cap is free again.
    imprest.do_settle_imprest(first, spent=6_000_000, returned=0, returned_on=None, actor=ex.disburser)
    advance(ex, commitment, 5_000_000, "travel", dt.date(YEAR, 6, 25), "a5")


def test_R_EX_5_works_manufacturing_and_afforestation_share_one_cap_of_twenty_million(ex):
    commitment = imprest_line(ex)
    advance(ex, commitment, 15_000_000, "works", dt.date(YEAR, 6, 1), "a1")
    before = counts()
    with pytest.raises(errors.ExecutionRuleViolation) as refused:
        advance(ex, commitment, 6_000_000, "manufacturing", dt.date(YEAR, 6, 5), "a2")
    assert refused.value.detail["rule"] == "R-EX-5"
    assert counts() == before
    advance(ex, commitment, 5_000_000, "afforestation", dt.date(YEAR, 6, 5), "a3")


def test_R_EX_5_remote_offices_and_ships_are_advanced_for_three_months():
    from_rules = imprest_rules.period_start
    assert from_rules("travel", dt.date(YEAR, 6, 20)) == dt.date(YEAR, 5, 20)
    assert from_rules("ships", dt.date(YEAR, 6, 20)) == dt.date(YEAR, 3, 20)
    assert from_rules("remote_office", dt.date(YEAR, 3, 31)) == dt.date(YEAR - 1, 12, 31)
    assert from_rules("travel", dt.date(YEAR, 3, 31)) == dt.date(YEAR, 2, 28)


def test_R_EX_5_a_remote_office_advance_counts_for_three_months(ex):
    commitment = imprest_line(ex)
    advance(ex, commitment, 6_000_000, "remote_office", dt.date(YEAR, 6, 1), "a1")
    with pytest.raises(errors.ExecutionRuleViolation):
        advance(ex, commitment, 5_000_000, "remote_office", dt.date(YEAR, 8, 15), "a2")
    advance(ex, commitment, 5_000_000, "remote_office", dt.date(YEAR, 9, 2), "a3")


def test_R_EX_5_each_cashier_has_their_own_cap(ex):
    commitment = imprest_line(ex)
    advance(ex, commitment, 10_000_000, "travel", dt.date(YEAR, 6, 1), "a1")
    other = testing.official(ex.s.gov, Role.CASHIER, username="chulnap2")
    second = commitments.do_commit(
        ex.senior,
        amount=20_000_000,
        creditor="chulnap2",
        purpose="일상경비",
        actor=ex.finance,
        idempotency_key="c2",
        committed_on=dt.date(YEAR, 1, 2),
    )
    advance(ex, second, 10_000_000, "travel", dt.date(YEAR, 6, 1), "b1", cashier=other)


# --- R-FY-4: 지출반납 ------------------------------------------------------------------------------------------------

NEXT_JAN_10 = dt.date(YEAR + 1, 1, 10)


def paid_once(ex, amount=1_000_000, kind="normal", paying=None, **kw):
    funded(ex)
    commitment = commitments.do_commit(
        ex.senior,
        amount=amount,
        creditor="(주)한빛복지",
        purpose="x",
        actor=ex.finance,
        idempotency_key="k",
        committed_on=DAY,
        kind=kind,
    )
    return order(ex, commitment, paying or amount, **kw)


def refund(ex, payment, amount, on, key="r1", **kw):
    return payments.do_record_refund(
        payment, amount=amount, received_on=on, actor=ex.disburser, idempotency_key=key, **kw
    )


def line_paid(ex):
    return BudgetLine.objects.get(pk=ex.senior.pk).paid


def test_R_FY_4_an_ordinary_refund_after_31_december_is_revenue_of_the_next_year(ex, travel):
    payment = paid_once(ex)
    travel(dt.date(YEAR + 1, 1, 12))
    done = refund(ex, payment, 300_000, NEXT_JAN_10)
    assert (done.restored_line, line_paid(ex)) == (False, 1_000_000)
    entry = JournalEntry.objects.get(source_type="execution.refund", source_id=done.pk)
    assert entry.fiscal_year == YEAR + 1


def test_R_FY_4_a_refund_by_31_december_restores_the_line(ex, travel):
    payment = paid_once(ex)
    travel(dt.date(YEAR, 12, 31))
    done = refund(ex, payment, 300_000, dt.date(YEAR, 12, 31))
    assert (done.restored_line, line_paid(ex)) == (True, 700_000)


def test_R_FY_4_an_advance_payment_refund_until_20_january_restores_the_line(ex, travel):
    payment = paid_once(ex, kind="advance", is_advance=True, claimed_on=DAY, paying=600_000)
    travel(dt.date(YEAR + 1, 1, 20))
    done = refund(ex, payment, 100_000, dt.date(YEAR + 1, 1, 20))
    assert (done.restored_line, line_paid(ex)) == (True, 500_000)
    assert AuditEvent.objects.get(action="execution.refund").data["kind"] == "advance_payment_refund"


def test_R_FY_4_a_declared_subsidy_settlement_refund_until_20_january_restores_the_line(ex, travel):
    payment = paid_once(ex)
    travel(dt.date(YEAR + 1, 1, 12))
    done = refund(ex, payment, 300_000, NEXT_JAN_10, exception=ClosingException.OPERATOR_SETTLEMENT_REFUND)
    assert (done.restored_line, line_paid(ex)) == (True, 700_000)


def test_R_FY_4_every_refund_after_20_january_is_revenue(ex, travel):
    payment = paid_once(ex, kind="advance", is_advance=True, claimed_on=DAY, paying=600_000)
    travel(dt.date(YEAR + 1, 1, 25))
    done = refund(ex, payment, 100_000, dt.date(YEAR + 1, 1, 21))
    assert (done.restored_line, line_paid(ex)) == (False, 600_000)


def test_R_FY_4_a_kind_that_is_no_refund_or_does_not_fit_the_payment_is_refused_and_writes_nothing(ex, travel):
    payment = paid_once(ex)
    travel(dt.date(YEAR + 1, 1, 12))
    before = counts()
    for kind in (ClosingException.CARD_BILL, ClosingException.ADVANCE_PAYMENT_REFUND, ClosingException.IMPREST_RETURN):
        with pytest.raises(InvalidInput):
            refund(ex, payment, 300_000, NEXT_JAN_10, exception=kind)
    assert counts() == before


def test_R_FY_4_the_rule():
    rule = payment_rules.refund_restores_line
    assert rule(YEAR, dt.date(YEAR, 12, 31), None)
    assert not rule(YEAR, dt.date(YEAR + 1, 1, 1), None)
    for kind in payment_rules.LATE_REFUND_KINDS:
        assert rule(YEAR, dt.date(YEAR + 1, 1, 20), kind)
        assert not rule(YEAR, dt.date(YEAR + 1, 1, 21), kind)


# --- 반납 on a cancelled commitment ------------------------------------------------------------------------------------


def test_a_refund_on_a_cancelled_commitment_releases_the_committed_amount(ex):
    funded(ex)
    commitment = commit(ex, amount=1_000_000, creditor="(주)한빛복지", purpose="x", actor=ex.finance, key="k")
    payment = order(ex, commitment, 600_000)
    commitments.do_cancel_commitment(commitment.pk, actor=ex.finance, reason="사업 종료")
    line = BudgetLine.objects.get(pk=ex.senior.pk)
    assert (line.committed, line.paid) == (600_000, 600_000)
    refund(ex, payment, 200_000, DAY)
    line.refresh_from_db()
    commitment.refresh_from_db()
    assert (line.committed, line.paid) == (400_000, 400_000)
    assert (commitment.amount, commitment.paid_amount) == (400_000, 400_000)
    # Nothing of a cancelled commitment is open for payment again.
    with pytest.raises(errors.InsufficientCommitment):
        order(ex, commitment, 1, key="p2")
    # The rest comes back: the commitment is cancelled in full and the line counts nothing of it.
    refund(ex, payment, 400_000, DAY, key="r2")
    line.refresh_from_db()
    commitment.refresh_from_db()
    assert (line.committed, line.paid, commitment.status, commitment.paid_amount) == (0, 0, "cancelled", 0)


# --- R-FY-3: the year of an expenditure ------------------------------------------------------------------------------

JAN_5 = dt.date(YEAR + 1, 1, 5)


def test_R_FY_3_a_january_payment_of_the_year_needs_an_expenditure_exception_kind(ex, travel):
    funded(ex)
    commitment = commit(ex, amount=1_000_000, creditor="(주)한빛복지", purpose="x", actor=ex.finance, key="k")
    travel(JAN_5)
    before = counts()
    with pytest.raises(errors.ClosedPeriod):
        order(ex, commitment, 1_000, issued_on=JAN_5)
    # Receipts' kinds (refunds coming back, state funds not received) do not let money go out.
    for kind in (ClosingException.STATE_FUNDS_NOT_RECEIVED, ClosingException.IMPREST_RETURN):
        with pytest.raises(errors.ClosedPeriod) as refused:
            order(ex, commitment, 1_000, issued_on=JAN_5, exception=kind)
        assert refused.value.detail["rule"] == "R-FY-3"
    assert counts() == before
    payment = order(ex, commitment, 1_000, issued_on=JAN_5, exception=ClosingException.CARD_BILL)
    assert payment.fiscal_year == YEAR


def test_R_FY_3_december_salary_paid_on_5_january_belongs_to_the_year_of_the_work(ex, travel):
    funded(ex)
    commitment = commit(ex, amount=3_000_000, creditor="홍길동", purpose="12월 급여", actor=ex.finance, key="k")
    travel(JAN_5)
    payment = order(ex, commitment, 1_000_000, issued_on=JAN_5, incurred_on=dt.date(YEAR, 12, 31))
    assert (payment.fiscal_year, payment.incurred_on) == (YEAR, dt.date(YEAR, 12, 31))
    entry = JournalEntry.objects.get(source_type="execution.payment", source_id=payment.pk)
    assert entry.fiscal_year == YEAR
    before = counts()
    # Work of January belongs to the new year: not to the old year's line.
    with pytest.raises(errors.ClosedPeriod) as refused:
        order(ex, commitment, 1_000_000, key="p2", issued_on=JAN_5, incurred_on=JAN_5)
    assert refused.value.detail["rule"] == "R-FY-3"
    # After 20 January the old year's cash is closed: a later payment is 과년도지출 of the new year (R-EX-8).
    travel(dt.date(YEAR + 1, 1, 21))
    with pytest.raises(errors.ClosedPeriod):
        order(
            ex, commitment, 1_000_000, key="p3", issued_on=dt.date(YEAR + 1, 1, 21), incurred_on=dt.date(YEAR, 12, 31)
        )
    assert counts() == before


def test_R_FY_3_the_rule():
    rule = payment_rules.check_payment_date
    rule(YEAR, dt.date(YEAR, 12, 31))
    rule(YEAR, JAN_5, ClosingException.CONTRACT_COMPLETED_AT_YEAR_END)
    rule(YEAR, JAN_5, incurred_on=dt.date(YEAR, 12, 20))
    for args, kw in (
        ((YEAR, JAN_5), {}),
        ((YEAR, JAN_5, ClosingException.SUBSIDY_SETTLEMENT_REFUND), {}),
        ((YEAR, JAN_5), {"incurred_on": dt.date(YEAR + 1, 1, 2)}),
        ((YEAR, dt.date(YEAR, 6, 1)), {"incurred_on": dt.date(YEAR + 1, 1, 2)}),
    ):
        with pytest.raises(errors.ClosedPeriod):
            rule(*args, **kw)


# --- R-FY-5: 끝수 처리 ----------------------------------------------------------------------------------------------


def test_R_FY_5_with_the_option_a_payment_drops_the_odd_won(ex):
    funded(ex)
    commitment = commit(ex, amount=20_000_000, creditor="(주)한빛복지", purpose="x", actor=ex.finance, key="k")
    payment = order(ex, commitment, 12_345_678, drop_odd_won=True)
    commitment.refresh_from_db()
    assert (payment.amount, commitment.paid_amount, BudgetLine.objects.get(pk=ex.senior.pk).paid) == (
        12_345_670,
        12_345_670,
        12_345_670,
    )
    assert AuditEvent.objects.get(action="execution.payment.issue").data["drop_odd_won"] is True
    # Without it the amount is paid to the won.
    assert order(ex, commitment, 1_234_567, key="p2").amount == 1_234_567


def test_R_FY_5_a_total_under_ten_won_is_nothing_to_pay_and_writes_nothing(ex):
    funded(ex)
    commitment = commit(ex, amount=1_000, creditor="(주)한빛복지", purpose="x", actor=ex.finance, key="k")
    before = counts()
    with pytest.raises(InvalidInput) as refused:
        order(ex, commitment, 9, drop_odd_won=True)
    assert refused.value.detail["rule"] == "R-FY-5"
    assert counts() == before


# --- R-EX-8: 과년도지출 -------------------------------------------------------------------------------------------------

AFTER_CLOSE = dt.date(YEAR + 1, 2, 2)


@pytest.fixture
def closed(ex, travel):
    """2026 has ended: the works commitment on 경로당 (100,000,000) was paid 40,000,000 and its 60,000,000 lapsed; the
    2027 line of the same item holds 50,000,000 carried in (deemed allocated)."""
    appropriations.do_allocate(ex.senior, amount=300_000_000, actor=ex.s.officer)
    appropriations.do_allocate(ex.pension, amount=300_000_000, actor=ex.s.officer)
    offices.do_allocate_cash(ex.disbursing_office, amount=300_000_000, actor=ex.s.officer)
    ex.works = commit(
        ex, amount=100_000_000, creditor="(주)한빛건설", purpose="경로당 개보수", actor=ex.finance, key="c-works"
    )
    order(ex, ex.works, 40_000_000, key="p-works")
    ex.pensions = commitments.do_commit(
        ex.pension,
        amount=10_000_000,
        creditor="수급자",
        purpose="기초연금",
        actor=ex.finance,
        idempotency_key="c-pension",
        committed_on=DAY,
    )
    travel(dt.date(YEAR + 1, 1, 10))
    yearend.do_carry_over(
        "explicit",
        from_line=ex.senior,
        amount=50_000_000,
        reason="설계 변경",
        commitment=None,
        actor=ex.s.officer,
        idempotency_key="y1",
    )
    travel(AFTER_CLOSE)
    ex.current = BudgetLine.objects.get(government=ex.s.gov, year=YEAR + 1, project__code="D112")
    return ex


def past_year(ex, obligation, amount, key="py1", line=None):
    return commitments.do_commit_past_year(
        obligation, line=line or ex.current, amount=amount, actor=ex.finance, idempotency_key=key
    )


def test_R_EX_8_a_closed_year_obligation_is_charged_to_the_current_line_of_the_same_item(closed):
    ex = closed
    charge = past_year(ex, ex.works, 30_000_000)
    assert (charge.line_id, charge.past_year_of_id, charge.creditor, charge.amount) == (
        ex.current.pk,
        ex.works.pk,
        "(주)한빛건설",
        30_000_000,
    )
    assert BudgetLine.objects.get(pk=ex.current.pk).committed == 30_000_000
    event = AuditEvent.objects.get(action="execution.commitment.past_year")
    assert (event.data["obligation"], event.data["lapsed"]) == (ex.works.pk, 385_000_000 - 40_000_000 - 50_000_000)
    # A retry answers with the first; the 지출원 pays it like any commitment of the year.
    assert past_year(ex, ex.works, 30_000_000).pk == charge.pk
    payment = order(ex, charge, 30_000_000, key="p-past", issued_on=AFTER_CLOSE)
    assert payment.fiscal_year == YEAR + 1


def test_R_EX_8_only_the_unpaid_obligation_of_a_closed_year_and_the_same_item_and_a_refusal_writes_nothing(closed):
    ex = closed
    before = counts()
    with pytest.raises(errors.ExecutionRuleViolation) as refused:
        past_year(ex, ex.works, 60_000_001)  # more than was left unpaid
    assert refused.value.detail["rule"] == "R-EX-8"
    with pytest.raises(errors.ExecutionRuleViolation):
        past_year(ex, ex.pensions, 1_000)  # 기초연금 is another item than the 경로당 line
    with pytest.raises(errors.ExecutionRuleViolation):
        past_year(ex, ex.works, 1_000, line=ex.senior)  # not the year's own line
    assert counts() == before


def test_R_EX_8_the_charges_of_an_item_are_capped_by_its_lapse_of_the_closed_year(closed):
    ex = closed
    # The 2026 line paid more elsewhere: its 불용액 is 10,000,000 won, less than the obligation left unpaid.
    BudgetLine.objects.filter(pk=ex.senior.pk).update(
        budget_amount=100_000_000, appropriation=100_000_000, allocated=100_000_000
    )
    past_year(ex, ex.works, 6_000_000)
    before = counts()
    with pytest.raises(errors.ExecutionRuleViolation) as refused:
        past_year(ex, ex.works, 4_000_001, key="py2")
    assert refused.value.detail["rule"] == "R-EX-8"
    assert counts() == before
    past_year(ex, ex.works, 4_000_000, key="py3")


def test_R_EX_8_the_rule():
    rule = commitment_rules.check_past_year_charge
    rule(obligation_year=YEAR, line_year=YEAR + 1, same_item=True, unpaid=10, amount=10, lapsed=30, charged=20)
    for change in (
        {"line_year": YEAR},
        {"same_item": False},
        {"amount": 11},
        {"charged": 21},
    ):
        args = dict(
            obligation_year=YEAR, line_year=YEAR + 1, same_item=True, unpaid=10, amount=10, lapsed=30, charged=20
        )
        with pytest.raises(errors.ExecutionRuleViolation):
            rule(**{**args, **change})


def test_R_EX_8_the_api_charges_a_past_year_obligation(closed):
    ex = closed
    path = f"/api/v1/execution/commitments/{ex.works.pk}/past-year"
    body = {"budget_line_id": ex.current.pk, "amount": 20_000_000}
    created = bearer(ex.finance).post(path, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="py-1")
    assert created.status_code == 201, created.json()
    assert Commitment.objects.get(pk=created.json()["id"]).past_year_of_id == ex.works.pk
    over = bearer(ex.finance).post(
        path, {**body, "amount": 40_000_001}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="py-2"
    )
    assert (over.status_code, over.json()["code"]) == (409, "execution_rule")


def test_R_EX_3_the_api_sets_up_an_office_with_its_staff_count_and_changes_it(ex):
    body = {"government": "1100000", "year": YEAR, "code": "S777", "name": "섬 면사무소", "kind": "sub_finance"}
    created = bearer(ex.s.officer).post(
        "/api/v1/execution/offices", {**body, "staff_count": 3}, content_type="application/json"
    )
    assert created.status_code == 201, created.json()
    assert (created.json()["staff_count"], created.json()["kind"]) == (3, "sub_finance")
    office_id = created.json()["id"]
    path = f"/api/v1/execution/offices/{office_id}/staff"
    assert bearer(ex.disburser).put(path, {"staff_count": 4}, content_type="application/json").status_code == 403
    bad = bearer(ex.s.officer).put(path, {"staff_count": True}, content_type="application/json")
    assert bad.status_code == 422
    changed = bearer(ex.s.officer).put(path, {"staff_count": 4}, content_type="application/json")
    assert changed.json()["staff_count"] == 4
    event = AuditEvent.objects.get(action="execution.office.staff")
    assert (event.data["before"], event.data["staff_count"]) == (3, 4)


def test_R_EX_4_the_screen_registers_an_assignee_once_and_refuses_a_bad_number_at_its_field(ex):
    funded(ex)
    commitment = commit(ex, amount=1_000_000, creditor="(주)한빛", purpose="x", actor=ex.finance, key="k")
    c = screen_client(ex.finance)
    path = f"{screen_base(ex)}/commitments/{commitment.pk}/assign/"
    data = {"assignee": "(주)새봄", "assignee_number": "301-81-23453", "notified_on": str(DAY)}
    data["idempotency_key"] = form_key(c.get(path))
    before = counts()
    bad = c.post(path, {**data, "assignee_number": "1234567890"})
    assert bad.status_code == 200 and "assignee_number" in bad.context["form"].errors
    assert counts() == before
    assert c.post(path, data).status_code == 302
    assert c.post(path, data).status_code == 302  # the same assignee again answers with the first
    assert list(commitment.assignments.values_list("assignee_number", flat=True)) == [SAEBOM]
    line_page = c.get(f"{screen_base(ex)}/lines/{ex.senior.pk}/").content.decode()
    assert f"/commitments/{commitment.pk}/assign/" in line_page


# --- properties of the rules --------------------------------------------------------------------------------------


@given(st.integers(1, 10**13))
def test_R_FY_5_dropping_odd_won_keeps_the_tens_and_loses_less_than_ten(amount):
    if amount < 10:
        with pytest.raises(InvalidInput):
            payment_rules.odd_won_dropped(amount)
        return
    dropped = payment_rules.odd_won_dropped(amount)
    assert dropped % 10 == 0 and 0 <= amount - dropped < 10


@given(st.dates(dt.date(2001, 1, 1), dt.date(2099, 12, 31)), st.sampled_from(sorted(imprest_rules.IMPREST_CAPS)))
def test_R_EX_5_the_period_of_an_advance_is_one_month_or_three(on, kind):
    start = imprest_rules.period_start(kind, on)
    months = 3 if kind in imprest_rules.THREE_MONTH_KINDS else 1
    assert (on.year * 12 + on.month) - (start.year * 12 + start.month) == months
    assert start.day == min(on.day, start.day) and 28 <= (on - start).days <= 92


@given(st.text(min_size=1, max_size=12), st.sampled_from(["", "(주)", "㈜", "주식회사 ", "(유)", "유한회사 ", "(재)"]))
def test_R_EX_4_a_name_is_its_own_payee_in_any_spelling_of_its_form(base, mark):
    name = f"{mark}{base}"
    if payment_rules.normalize_name(name):
        payment_rules.check_payee(name, name)
        payment_rules.check_payee(name, f"{base} ")
