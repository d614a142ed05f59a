"""Budget control: allocation, commitments and payment orders never exceed what stands behind them."""

import datetime as dt

import pytest
from django.db import DataError, IntegrityError, connection, transaction
from django.utils import timezone

from lofin.accounting.models import JournalEntry, JournalLine
from lofin.budget.actions import adjustment, confirmation, council, requests, revenue, supplementary
from lofin.budget.actions.requests import BasisIn
from lofin.core import audit, testing
from lofin.core.approvals import actions as approvals
from lofin.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, SeparationOfDuties
from lofin.core.fiscal import ClosingException
from lofin.core.models import AuditEvent
from lofin.core.roles import Role
from lofin.execution import errors
from lofin.execution.actions import appropriations, commitments, offices, payments
from lofin.execution.models import (
    BudgetLine,
    Commitment,
    ExpenditureResolution,
    Office,
    OfficeKind,
    PaymentOrder,
    Refund,
)
from lofin.execution.testing import YEAR

pytestmark = pytest.mark.django_db

DAY = dt.date(YEAR, 6, 15)


def counts():
    return (
        Commitment.objects.count(),
        PaymentOrder.objects.count(),
        JournalEntry.objects.count(),
        AuditEvent.objects.count(),
    )


def funded(ex, amount=100_000_000):
    appropriations.do_allocate(ex.senior, amount=amount, actor=ex.s.officer, period=6)
    offices.do_allocate_cash(ex.disbursing_office, amount=amount, actor=ex.s.officer)
    ex.senior.refresh_from_db()
    return ex.senior


def commit(ex, amount, key="c1", creditor="(주)한빛복지", line=None, committed_on=DAY):
    return commitments.do_commit(
        line or ex.senior,
        amount=amount,
        creditor=creditor,
        purpose="경로당 운영비 지원",
        actor=ex.finance,
        idempotency_key=key,
        committed_on=committed_on,
    )


def pay(ex, commitment, amount, key="p1", payee="한빛복지", issued_on=DAY, payee_account="301-0123-4567-11", **kw):
    return payments.do_issue_payment(
        commitment,
        amount=amount,
        payee_name=payee,
        payee_bank="농협",
        payee_account=payee_account,
        office=ex.disbursing_office,
        actor=ex.disburser,
        idempotency_key=key,
        issued_on=issued_on,
        **kw,
    )


def test_confirming_the_budget_creates_the_appropriations(ex):
    assert (ex.senior.budget_amount, ex.senior.appropriation, ex.senior.allocated) == (385_000_000, 385_000_000, 0)
    assert BudgetLine.objects.filter(government=ex.s.gov, year=YEAR).count() == 3


def test_allocation_cannot_exceed_the_appropriation(ex):
    appropriations.do_allocate(ex.senior, amount=385_000_000, actor=ex.s.officer)
    with pytest.raises(errors.OverAppropriation):
        appropriations.do_allocate(ex.senior, amount=1, actor=ex.s.officer)
    ex.senior.refresh_from_db()
    assert ex.senior.allocated == 385_000_000


def test_a_commitment_within_the_allocation_posts_and_audits(ex):
    funded(ex)
    commitment = commit(ex, 30_000_000)
    ex.senior.refresh_from_db()
    assert (ex.senior.committed, ex.senior.available) == (30_000_000, 70_000_000)
    entry = JournalEntry.objects.get(source_type="execution.commitment", source_id=commitment.pk)
    assert sorted(entry.lines.values_list("ledger_code", "debit", "credit")) == [
        ("9210", 30_000_000, 0),
        ("9220", 0, 30_000_000),
    ]
    assert AuditEvent.objects.filter(action="execution.commit", object_id=str(commitment.pk)).count() == 1


def test_a_commitment_beyond_the_allocation_is_refused_and_writes_nothing(ex):
    funded(ex, 10_000_000)
    before = counts()
    with pytest.raises(errors.InsufficientAllocation) as err:
        commit(ex, 10_000_001)
    assert err.value.code == "insufficient_allocation"
    assert err.value.detail["available"] == 10_000_000
    assert counts() == before
    ex.senior.refresh_from_db()
    assert ex.senior.committed == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the one-statement path is PostgreSQL's")
def test_the_one_statement_commitment_writes_nothing_without_its_audit_chain(ex):
    funded(ex)
    before = counts()
    terms = commitments.Terms(1_000, "(주)한빛복지", "", "감사 기록 없는 시도", "normal", DAY, request="")
    with pytest.raises(DataError) as refused, transaction.atomic():
        commitments.execute(
            line_id=ex.senior.pk,
            office_id=None,
            government_id=ex.s.gov.pk,
            chain_key="no-such-chain",
            terms=terms,
            now=timezone.now(),
            actor=ex.finance,
            key="orphan",
        )
    assert commitments.missing_audit_chain(refused.value)
    ex.senior.refresh_from_db()
    assert (counts(), ex.senior.committed) == (before, 0)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the chain cache is PostgreSQL's")
def test_a_chain_head_lost_with_a_rolled_back_transaction_is_recreated(ex, monkeypatch):
    funded(ex)
    # The process believes the chain exists (it saw it in a transaction that was later rolled back).
    monkeypatch.setattr(audit, "chain_key_for", lambda government: "gone-chain")
    monkeypatch.setattr(commitments, "chains_seen", {"gone-chain"})
    commitment = commit(ex, 5_000)
    event = AuditEvent.objects.get(action="execution.commit", object_id=str(commitment.pk))
    assert (event.chain_key, event.seq) == ("gone-chain", 1)


def test_the_commitment_returned_is_the_commitment_stored(ex):
    """Whichever way it is written, the object a commitment action returns carries the values the database holds,
    its creation time too (not a placeholder)."""
    funded(ex)
    made = commit(ex, 1_234_567, creditor="  (주)한빛복지 ")
    stored = Commitment.objects.get(pk=made.pk)
    fields = [f.attname for f in Commitment._meta.concrete_fields]
    assert [getattr(made, f) for f in fields] == [getattr(stored, f) for f in fields]
    assert stored.created_at is not None and stored.creditor == "(주)한빛복지"


def test_a_commitment_keeps_the_finance_office_that_made_it(ex):
    funded(ex)
    made = commitments.do_commit(
        ex.senior,
        amount=1_000,
        creditor="(주)한빛복지",
        purpose="경로당 운영비 지원",
        actor=ex.finance,
        idempotency_key="office",
        office=ex.finance_office,
        committed_on=DAY,
    )
    assert Commitment.objects.get(pk=made.pk).office_id == made.office_id == ex.finance_office.pk


def test_a_retried_commitment_returns_the_first(ex):
    funded(ex)
    first = commit(ex, 5_000_000, key="same")
    again = commit(ex, 5_000_000, key="same")
    assert first.pk == again.pk
    ex.senior.refresh_from_db()
    assert ex.senior.committed == 5_000_000
    with pytest.raises(Conflict):
        commit(ex, 6_000_000, key="same")


def test_only_a_finance_officer_commits(ex):
    funded(ex)
    with pytest.raises(PermissionDenied):
        commitments.do_commit(
            ex.senior, amount=1, creditor="x", purpose="y", actor=ex.disburser, idempotency_key="k", committed_on=DAY
        )
    outsider = testing.official(testing.government("2600000"), Role.FINANCE_OFFICER, username="busan")
    with pytest.raises(NotFound):
        commitments.do_commit(
            ex.senior, amount=1, creditor="x", purpose="y", actor=outsider, idempotency_key="k", committed_on=DAY
        )


@pytest.mark.parametrize("amount", [0, -1, 10**16, True])
def test_bad_amounts_are_refused(ex, amount):
    funded(ex)
    with pytest.raises(InvalidInput):
        commit(ex, amount)


def test_a_commitment_in_another_year_is_refused(ex):
    funded(ex)
    with pytest.raises(errors.ClosedPeriod):
        commitments.do_commit(
            ex.senior,
            amount=1,
            creditor="x",
            purpose="y",
            actor=ex.finance,
            idempotency_key="k",
            committed_on=dt.date(YEAR + 1, 1, 2),
        )


def test_after_the_year_has_ended_a_commitment_dated_back_into_it_is_refused(ex, travel):
    """지방재정법 §7 (회계연도 독립): the allocation left at 31 December lapses or is carried (R-BP-7); it cannot be
    committed in January under a December date."""
    funded(ex)
    before = counts()
    travel(dt.date(YEAR + 1, 1, 5))
    with pytest.raises(errors.ClosedPeriod):
        commit(ex, 1_000, committed_on=dt.date(YEAR, 12, 31))
    ex.senior.refresh_from_db()
    assert (counts(), ex.senior.committed) == (before, 0)


@pytest.mark.parametrize("account", ["١٢٣٤٥٦٧٨٩٠", "１２３４５６７８９０", "301-0123-45ab", "12345"])
def test_a_payee_account_is_ascii_digits_whoever_sends_it(ex, account):
    """core.types.parse_account_number in the action too: a screen or another service is held to the API's edge,
    and an account in Arabic-Indic or full-width digits is never stored."""
    funded(ex)
    commitment = commit(ex, 1_000_000)
    before = counts()
    with pytest.raises(InvalidInput) as refused:
        pay(ex, commitment, 1_000_000, payee_account=account)
    assert refused.value.detail == {"field": "payee_account"}
    assert counts() == before
    assert pay(ex, commitment, 1_000_000, payee_account="301-0123-4567-11").payee_account == "3010123456711"


def test_a_payment_order_pays_the_creditor_and_posts_the_expense(ex):
    funded(ex)
    commitment = commit(ex, 30_000_000)
    payment = pay(ex, commitment, 20_000_000, withholdings=[("income_tax", 660_000), ("local_income_tax", 66_000)])
    assert payment.number == f"{YEAR}-0000001"
    assert payment.net_amount == 20_000_000 - 726_000
    ex.senior.refresh_from_db()
    ex.disbursing_office.refresh_from_db()
    commitment.refresh_from_db()
    assert (ex.senior.paid, commitment.paid_amount, ex.disbursing_office.paid_amount) == (20_000_000,) * 3
    lines = sorted(
        JournalLine.objects.filter(entry__source_type="execution.payment").values_list("ledger_code", "debit", "credit")
    )
    assert lines == [
        ("1110", 0, 19_274_000),
        ("2110", 0, 726_000),
        ("5300", 20_000_000, 0),
        ("9210", 0, 20_000_000),
        ("9220", 20_000_000, 0),
    ]


def test_payments_never_exceed_the_commitment(ex):
    funded(ex)
    commitment = commit(ex, 10_000_000)
    pay(ex, commitment, 6_000_000)
    before = counts()
    with pytest.raises(errors.InsufficientCommitment):
        pay(ex, commitment, 4_000_001, key="p2")
    assert counts() == before


def test_payments_never_exceed_the_disbursing_offices_ceiling(ex):
    appropriations.do_allocate(ex.senior, amount=50_000_000, actor=ex.s.officer)
    offices.do_allocate_cash(ex.disbursing_office, amount=5_000_000, actor=ex.s.officer)
    commitment = commit(ex, 10_000_000)
    with pytest.raises(errors.OverDisbursementLimit):
        pay(ex, commitment, 5_000_001)
    commitment.refresh_from_db()
    assert commitment.paid_amount == 0


def test_the_payee_must_be_the_creditor(ex):
    funded(ex)
    commitment = commit(ex, 1_000_000)
    with pytest.raises(errors.PayeeMismatch):
        pay(ex, commitment, 1_000_000, payee="다른회사")
    assert pay(ex, commitment, 1_000_000, payee="주식회사 한빛복지").amount == 1_000_000


def test_the_finance_officer_cannot_order_the_payment_of_their_own_commitment(ex):
    funded(ex)
    both = testing.official(ex.s.gov, Role.FINANCE_OFFICER, Role.DISBURSING_OFFICER, username="both")
    commitment = commitments.do_commit(
        ex.senior, amount=1_000, creditor="한빛복지", purpose="x", actor=both, idempotency_key="k", committed_on=DAY
    )
    with pytest.raises(SeparationOfDuties):
        payments.do_issue_payment(
            commitment,
            amount=1_000,
            payee_name="한빛복지",
            payee_bank="농협",
            payee_account="3010123456",
            office=ex.disbursing_office,
            actor=both,
            idempotency_key="p",
            issued_on=DAY,
        )


def test_payments_after_the_closing_follow_the_exception_window(ex):
    funded(ex)
    commitment = commit(ex, 3_000)
    with pytest.raises(errors.ClosedPeriod):
        pay(ex, commitment, 1_000, issued_on=dt.date(YEAR + 1, 1, 5))
    payment = pay(
        ex,
        commitment,
        1_000,
        issued_on=dt.date(YEAR + 1, 1, 20),
        exception=ClosingException.CONTRACT_COMPLETED_AT_YEAR_END,
    )
    assert payment.fiscal_year == YEAR
    with pytest.raises(errors.ClosedPeriod):
        pay(
            ex,
            commitment,
            1_000,
            key="p2",
            issued_on=dt.date(YEAR + 1, 1, 21),
            exception=ClosingException.CONTRACT_COMPLETED_AT_YEAR_END,
        )


def test_a_refund_by_31_december_restores_the_line_and_later_becomes_revenue(ex, travel):
    """R-FY-4: an ordinary refund after 31 December is revenue (the listed kinds are in test_payments_law.py)."""
    funded(ex)
    commitment = commit(ex, 10_000_000)
    payment = pay(ex, commitment, 10_000_000)
    travel(dt.date(YEAR + 1, 3, 2))
    payments.do_record_refund(
        payment, amount=2_000_000, received_on=dt.date(YEAR, 12, 31), actor=ex.disburser, idempotency_key="r1"
    )
    ex.senior.refresh_from_db()
    commitment.refresh_from_db()
    assert (ex.senior.paid, commitment.paid_amount) == (8_000_000, 8_000_000)
    late = payments.do_record_refund(
        payment, amount=1_000_000, received_on=dt.date(YEAR + 1, 1, 2), actor=ex.disburser, idempotency_key="r2"
    )
    assert late.restored_line is False
    ex.senior.refresh_from_db()
    assert ex.senior.paid == 8_000_000
    entry = JournalEntry.objects.get(source_type="execution.refund", source_id=late.pk)
    assert entry.fiscal_year == YEAR + 1
    assert sorted(entry.lines.values_list("ledger_code", "debit", "credit")) == [
        ("1110", 1_000_000, 0),
        ("4400", 0, 1_000_000),
    ]
    with pytest.raises(Conflict):
        payments.do_record_refund(
            payment, amount=7_000_001, received_on=dt.date(YEAR, 7, 1), actor=ex.disburser, idempotency_key="r3"
        )
    assert Refund.objects.count() == 2


def test_a_refund_dated_before_the_payment_or_in_the_future_is_refused(ex):
    funded(ex)
    payment = pay(ex, commit(ex, 10_000_000), 10_000_000)
    for day in (DAY - dt.timedelta(days=1), dt.date(YEAR, 11, 27)):
        with pytest.raises(InvalidInput) as refused:
            payments.do_record_refund(payment, amount=1_000, received_on=day, actor=ex.disburser, idempotency_key="r")
        assert refused.value.as_dict()["detail"]["field"] == "received_on"
    assert Refund.objects.count() == 0


def test_a_refund_key_reused_for_another_amount_is_refused(ex):
    funded(ex)
    payment = pay(ex, commit(ex, 10_000_000), 10_000_000)
    first = payments.do_record_refund(payment, amount=1_000, received_on=DAY, actor=ex.disburser, idempotency_key="r")
    again = payments.do_record_refund(payment, amount=1_000, received_on=DAY, actor=ex.disburser, idempotency_key="r")
    assert again.pk == first.pk
    with pytest.raises(Conflict):
        payments.do_record_refund(payment, amount=2_000, received_on=DAY, actor=ex.disburser, idempotency_key="r")
    assert Refund.objects.count() == 1


def test_cancelling_returns_the_unpaid_part_to_the_allocation(ex):
    funded(ex)
    commitment = commit(ex, 10_000_000)
    pay(ex, commitment, 4_000_000)
    commitments.do_cancel_commitment(commitment.pk, actor=ex.finance, reason="사업 축소")
    ex.senior.refresh_from_db()
    commitment.refresh_from_db()
    assert (ex.senior.committed, commitment.amount, commitment.paid_amount) == (4_000_000, 4_000_000, 4_000_000)


def test_sub_allocated_money_is_committed_only_by_its_office(ex):
    funded(ex, 10_000_000)
    branch = offices.do_create_office(
        ex.s.gov, year=YEAR, code="S100", name="보건소 분임재무관", kind=OfficeKind.SUB_FINANCE, actor=ex.s.officer
    )
    appropriations.do_sub_allocate(ex.senior, office=branch, amount=6_000_000, actor=ex.s.officer)
    with pytest.raises(errors.InsufficientAllocation):
        commit(ex, 4_000_001)  # the main office keeps only 4,000,000
    commit(ex, 4_000_000)
    with pytest.raises(errors.InsufficientAllocation):
        commitments.do_commit(
            ex.senior,
            amount=6_000_001,
            creditor="x",
            purpose="y",
            actor=ex.finance,
            idempotency_key="b1",
            office=branch,
            committed_on=DAY,
        )
    commitments.do_commit(
        ex.senior,
        amount=6_000_000,
        creditor="x",
        purpose="y",
        actor=ex.finance,
        idempotency_key="b2",
        office=branch,
        committed_on=DAY,
    )
    ex.senior.refresh_from_db()
    assert (ex.senior.committed, ex.senior.sub_committed) == (10_000_000, 6_000_000)


def test_the_database_itself_refuses_an_overdrawn_line(ex):
    funded(ex, 1_000)
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetLine.objects.filter(pk=ex.senior.pk).update(committed=1_001)
    with pytest.raises(IntegrityError), transaction.atomic():
        Office.objects.filter(pk=ex.disbursing_office.pk).update(paid_amount=10**12)


def test_a_supplementary_budget_cannot_cut_below_the_allocation(ex):
    funded(ex, 300_000_000)
    s = ex.s
    supp = supplementary.do_open_supplementary(s.gov, year=YEAR, actor=s.officer)
    requests.do_save_request_line(
        supp, project=s.senior, object_code="307-02", actor=s.welfare_staff, basis=[BasisIn("감액", 1_000, 1, 1)]
    )
    revenue.do_save_revenue_request(
        supp, account=s.general, revenue_code="111", amount=570_000_000 - 384_999_000, actor=s.officer
    )
    adjustment.do_close_requests(supp, actor=s.officer)
    adjustment.do_submit_bill(supp, line=[("approve", s.mayor)], actor=s.officer, idempotency_key="supp")
    supp.refresh_from_db()
    approvals.do_approve(supp.bill_approval_id, actor=s.mayor)
    supp.refresh_from_db()
    council.do_record_vote(supp, voted_on=dt.date.today(), actor=s.officer)
    with pytest.raises(errors.OverAppropriation):
        confirmation.do_confirm(supp, actor=s.officer)
    supp.refresh_from_db()
    assert supp.status == "voted"
    ex.senior.refresh_from_db()
    assert ex.senior.budget_amount == 385_000_000


def test_advance_payments_stop_at_seventy_percent_without_the_heads_approval(ex):
    funded(ex)
    contract = commitments.do_commit(
        ex.senior,
        amount=10_000_000,
        creditor="한빛건설",
        purpose="경로당 보수 공사",
        actor=ex.finance,
        idempotency_key="adv",
        committed_on=DAY,
        kind="advance",
    )
    pay(ex, contract, 7_000_000, payee="한빛건설", is_advance=True, claimed_on=DAY)
    with pytest.raises(errors.ExecutionRuleViolation) as err:
        pay(ex, contract, 1, key="p2", payee="한빛건설", is_advance=True, claimed_on=DAY)
    assert err.value.detail["rule"] == "R-EX-6"
    pay(ex, contract, 3_000_000, key="p3", payee="한빛건설", is_advance=True, claimed_on=DAY, head_approval=True)


def test_an_advance_paid_after_fourteen_days_is_recorded_late(ex):
    funded(ex)
    contract = commitments.do_commit(
        ex.senior,
        amount=1_000_000,
        creditor="한빛건설",
        purpose="공사",
        actor=ex.finance,
        idempotency_key="adv",
        committed_on=DAY,
        kind="advance",
    )
    payment = pay(ex, contract, 500_000, payee="한빛건설", is_advance=True, claimed_on=DAY - dt.timedelta(days=20))
    event = AuditEvent.objects.get(action="execution.payment.issue", object_id=str(payment.pk))
    assert event.data["advance_late"] is True


def test_locking_a_line_an_office_or_a_resolution_locks_no_government_row():
    """select_for_update locks every table of the query: the default ordering must not join the governments."""

    for model in (BudgetLine, Office, ExpenditureResolution):
        assert "core_localgovernment" not in str(model.objects.select_for_update().filter(pk=1).query)
