"""Year end: 이월 (명시이월, 사고이월, 계속비이월) into a next year that opens with them deemed allocated, and 불용."""

import datetime as dt

import pytest
from django.db import transaction
from django.db.models import F, Q
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lofin.accounting.models import JournalEntry
from lofin.budget.actions import setup
from lofin.budget.models import ContinuingExpenditure, Project
from lofin.closing import actions as closing
from lofin.closing import testing as closing_testing
from lofin.core import audit, testing
from lofin.core.actions import do_create_token
from lofin.core.errors import Conflict, InvalidInput, LofinError, NotFound, PermissionDenied
from lofin.core.fiscal import ClosingException
from lofin.core.models import AuditEvent
from lofin.core.roles import Role
from lofin.execution import errors
from lofin.execution.actions import appropriations, commitments, offices, payments, yearend
from lofin.execution.errors import CarryOverNotAllowed, ClosedPeriod, OverCarryOver, YearNotEnded
from lofin.execution.models import (
    Allocation,
    AllocationKind,
    BudgetLine,
    CarryOver,
    Commitment,
    CommitmentStatus,
    PaymentOrder,
)
from lofin.execution.queries import yearend as yearend_queries
from lofin.execution.testing import YEAR
from lofin.execution.tests.test_invariants import check_invariants

pytestmark = pytest.mark.django_db

DAY = dt.date(YEAR, 6, 1)
AFTER = dt.date(YEAR + 1, 1, 10)
# A day late in the year, when its commitments and payments are made.
IN_YEAR = dt.date(YEAR, 11, 26)
EXPLICIT, ACCIDENT, CONTINUING = "explicit", "accident", "continuing"


def pay(ex, commitment, amount, key, payee, on=dt.date(YEAR, 7, 1)):
    return payments.do_issue_payment(
        commitment,
        amount=amount,
        payee_name=payee,
        payee_bank="국민",
        payee_account="123456789012",
        office=ex.disbursing_office,
        actor=ex.disburser,
        idempotency_key=key,
        issued_on=on,
    )


@pytest.fixture
def year(ex, travel):
    """The year 2026 as it ends, seen on AFTER (10 January of the next year): 경로당 (385,000,000 won) allocated 300,000,000, a works contract of 100,000,000
    of which 40,000,000 is paid; 기초연금 (600,000,000) allocated in full, 550,000,000 committed, 500,000,000 paid;
    the reserve (5,000,000) untouched."""
    appropriations.do_allocate(ex.senior, amount=300_000_000, actor=ex.s.officer)
    appropriations.do_allocate(ex.pension, amount=600_000_000, actor=ex.s.officer)
    offices.do_allocate_cash(ex.disbursing_office, amount=1_000_000_000, actor=ex.s.officer)
    works = commit(ex, ex.senior, 100_000_000, "c-works", "(주)한빛건설")
    pay(ex, works, 40_000_000, "p-works", "(주)한빛건설")
    pensions = commit(ex, ex.pension, 550_000_000, "c-pension", "기초연금 수급자")
    ex.pension_payment = pay(ex, pensions, 500_000_000, "p-pension", "기초연금 수급자")
    ex.works, ex.pensions = works, pensions
    travel(AFTER)
    return ex


def commit(ex, line, amount, key, creditor):
    return commitments.do_commit(
        line,
        amount=amount,
        creditor=creditor,
        purpose="경로당 개보수 공사",
        actor=ex.finance,
        idempotency_key=key,
        committed_on=DAY,
    )


def carry(ex, kind, amount, key="y1", line=None, commitment=None, actor=None, reason="공사 지연"):
    return yearend.do_carry_over(
        kind,
        from_line=line or ex.senior,
        amount=amount,
        reason=reason,
        commitment=commitment,
        actor=actor or ex.s.officer,
        idempotency_key=key,
    )


def figures(line):
    """(budget, carried_in, appropriation, allocated, committed, paid) of a line, as stored."""
    return BudgetLine.objects.values_list(
        "budget_amount", "carried_in", "appropriation", "allocated", "committed", "paid"
    ).get(pk=line.pk)


def next_line(line):
    return BudgetLine.objects.get(
        government_id=line.government_id, year=YEAR + 1, project__code=line.project.code, object_code=line.object_code
    )


def snapshot(ex):
    """Everything a carry-over writes, to show that a refused one wrote nothing."""
    return (
        CarryOver.objects.count(),
        Allocation.objects.count(),
        BudgetLine.objects.count(),
        Project.objects.count(),
        Commitment.objects.count(),
        JournalEntry.objects.count(),
        AuditEvent.objects.count(),
        [figures(x) for x in (ex.senior, ex.pension)],
        list(Commitment.objects.order_by("pk").values_list("amount", "paid_amount", "status")),
    )


def assert_invariants():
    """committed ≤ allocated ≤ 예산현액 on every line, and nothing carried that is still committed in its year."""
    assert not BudgetLine.objects.filter(
        Q(committed__gt=F("allocated")) | Q(allocated__gt=F("appropriation")) | Q(paid__gt=F("committed"))
    ).exists()
    for line in BudgetLine.objects.filter(year=YEAR):
        carried = sum(CarryOver.objects.filter(from_line=line).values_list("amount", flat=True))
        assert line.committed + carried <= line.appropriation


def chain_intact(ex):
    return [report.broken for report in audit.verify(ex.s.gov.code)] == [None]


# --- 명시이월 ------------------------------------------------------------------------------------------------------


def test_explicit_carry_over_opens_the_next_year_line_with_the_amount_deemed_allocated(year):
    """명시이월 (지방재정법 §50): what the council allowed to be spent over two years goes into the next year, where
    carried amounts are deemed allocated (§50, domain §5.2). The line can carry its 예산현액 less what is committed
    in the year: 385,000,000 − 100,000,000 = 285,000,000 won."""
    done = carry(year, EXPLICIT, 285_000_000)

    target = next_line(year.senior)
    assert (done.kind, done.from_line_id, done.to_line_id, done.amount, done.reason, done.decided_by) == (
        EXPLICIT,
        year.senior.pk,
        target.pk,
        285_000_000,
        "공사 지연",
        year.s.officer,
    )
    assert figures(target) == (0, 285_000_000, 285_000_000, 285_000_000, 0, 0)
    assert target.available == 285_000_000
    assert list(Allocation.objects.filter(line=target).values_list("kind", "period", "amount")) == [
        (AllocationKind.CARRY_OVER, 1, 285_000_000)
    ]
    # The old line keeps its figures: 이월 is recorded beside it, not taken from it.
    assert figures(year.senior) == (385_000_000, 0, 385_000_000, 300_000_000, 100_000_000, 40_000_000)
    # The 세부사업 was not in a 2027 budget: its chain is copied into the 2027 classification.
    detail = target.project
    assert (detail.year, detail.code, detail.level, detail.parent.code, detail.parent.parent.code) == (
        YEAR + 1,
        "D112",
        "detail",
        "U110",
        "P100",
    )
    assert (detail.account_id, detail.department_id, detail.function_code) == (
        year.s.senior.account_id,
        year.s.senior.department_id,
        "085",
    )
    event = AuditEvent.objects.get(action="execution.carry_over")
    assert (event.object_id, event.government_id, event.actor_id) == (str(done.pk), year.s.gov.pk, year.s.officer.pk)
    assert {k: event.data[k] for k in ("kind", "from_line", "to_line", "year", "amount", "commitment")} == {
        "kind": EXPLICIT,
        "from_line": year.senior.pk,
        "to_line": target.pk,
        "year": YEAR,
        "amount": 285_000_000,
        "commitment": None,
    }
    assert AuditEvent.objects.filter(action="budget.project.create", data__year=YEAR + 1).count() == 3
    assert_invariants()
    assert chain_intact(year)


def test_explicit_carry_over_beyond_what_the_line_can_carry_is_refused_and_writes_nothing(year):
    """The carried amount may not exceed 예산현액 − committed − already carried (지방재정법 §50: only what was
    neither spent nor still owed in the year moves)."""
    before = snapshot(year)
    with pytest.raises(OverCarryOver) as refused:
        carry(year, EXPLICIT, 285_000_001)
    assert (refused.value.code, refused.value.detail["available"]) == ("over_carry_over", 285_000_000)
    assert snapshot(year) == before

    carry(year, EXPLICIT, 200_000_000, key="y1")
    with pytest.raises(OverCarryOver) as refused:
        carry(year, EXPLICIT, 85_000_001, key="y2")
    assert refused.value.detail["available"] == 85_000_000
    carry(year, EXPLICIT, 85_000_000, key="y3")
    assert figures(next_line(year.senior)) == (0, 285_000_000, 285_000_000, 285_000_000, 0, 0)
    with pytest.raises(OverCarryOver) as refused:
        carry(year, EXPLICIT, 1, key="y4")
    assert refused.value.detail["available"] == 0
    assert_invariants()


def test_carry_over_into_a_next_year_line_that_has_a_budget_adds_to_it(year):
    """A line that is also in the next year's budget receives the carried amount beside its own: 예산현액 =
    budget + carried-in, and the carried part is allocated at once (지방재정법 §50)."""
    projects = {}
    for old in (year.s.senior.parent.parent, year.s.senior.parent, year.s.senior):
        projects[old.level] = setup.do_create_project(
            year.s.gov,
            year=YEAR + 1,
            level=old.level,
            code=old.code,
            name=old.name,
            account=old.account,
            parent=projects.get({"unit": "policy", "detail": "unit"}.get(old.level)),
            function_code=old.function_code,
            actor=year.s.officer,
        )
    existing = BudgetLine.objects.create(
        government=year.s.gov,
        year=YEAR + 1,
        account=year.s.general,
        project=projects["detail"],
        object_code="307-02",
        budget_amount=50_000_000,
        appropriation=50_000_000,
        allocated=20_000_000,
        committed=5_000_000,
    )
    before = Project.objects.count()

    done = carry(year, EXPLICIT, 10_000_000)

    assert done.to_line_id == existing.pk
    assert figures(existing) == (50_000_000, 10_000_000, 60_000_000, 30_000_000, 5_000_000, 0)
    assert Project.objects.count() == before
    assert_invariants()


# --- 사고이월 ------------------------------------------------------------------------------------------------------


def test_accident_carry_over_without_a_commitment_is_refused(year):
    """사고이월 is allowed only where a 지출원인행위 was made in the year and could not be paid (R-BP-7, 지방재정법
    §50): without naming the commitment it is refused, and nothing is written."""
    before = snapshot(year)
    with pytest.raises(CarryOverNotAllowed) as refused:
        carry(year, ACCIDENT, 10_000_000)
    assert (refused.value.code, refused.value.detail["rule"]) == ("carry_over_not_allowed", "R-BP-7")
    assert snapshot(year) == before


def test_accident_carry_over_moves_the_unpaid_part_of_the_commitment_to_the_next_year(year):
    """사고이월 (R-BP-7): the unpaid 60,000,000 won of the works contract leaves 2026 (the commitment shrinks to the
    40,000,000 paid, so it cannot be paid twice) and is promised to the same creditor on the 2027 line, deemed
    allocated and committed there, where the 지출원 pays it."""
    journals = JournalEntry.objects.count()
    done = carry(year, ACCIDENT, 60_000_000, commitment=year.works)

    year.works.refresh_from_db()
    assert (year.works.amount, year.works.paid_amount, year.works.status) == (
        40_000_000,
        40_000_000,
        CommitmentStatus.ACTIVE,
    )
    assert figures(year.senior) == (385_000_000, 0, 385_000_000, 300_000_000, 40_000_000, 40_000_000)
    target = next_line(year.senior)
    assert (done.kind, done.to_line_id) == (ACCIDENT, target.pk)
    assert figures(target) == (0, 60_000_000, 60_000_000, 60_000_000, 60_000_000, 0)
    carried = Commitment.objects.get(line=target)
    assert (
        carried.creditor,
        carried.amount,
        carried.paid_amount,
        carried.purpose,
        carried.committed_on,
        carried.committed_by,
        carried.status,
    ) == ("(주)한빛건설", 60_000_000, 0, "경로당 개보수 공사", AFTER, year.finance, CommitmentStatus.ACTIVE)
    event = AuditEvent.objects.get(action="execution.carry_over")
    assert (event.data["commitment"], event.data["carried_commitment"]) == (year.works.pk, carried.pk)
    # The encumbrance leaves 2026 and opens in 2027.
    assert list(
        JournalEntry.objects.order_by("pk")[journals:].values_list("fiscal_year", "source_type", "source_id")
    ) == [(YEAR, "execution.commitment", year.works.pk), (YEAR + 1, "execution.commitment", carried.pk)]

    # The old year's commitment has nothing left to pay, even inside the 20 January window.
    with pytest.raises(errors.InsufficientCommitment):
        payments.do_issue_payment(
            year.works,
            amount=1,
            payee_name="(주)한빛건설",
            payee_bank="국민",
            payee_account="123456789012",
            office=year.disbursing_office,
            actor=year.disburser,
            idempotency_key="late",
            issued_on=dt.date(YEAR + 1, 1, 15),
            exception=ClosingException.CONTRACT_COMPLETED_AT_YEAR_END,
        )
    paid = pay(year, carried, 60_000_000, "p-2027", "한빛건설", on=dt.date(YEAR + 1, 3, 2))
    assert (paid.fiscal_year, paid.amount) == (YEAR + 1, 60_000_000)
    assert figures(target) == (0, 60_000_000, 60_000_000, 60_000_000, 60_000_000, 60_000_000)
    assert_invariants()
    assert chain_intact(year)


def test_accident_carry_over_of_a_whole_unpaid_commitment_retires_it_in_the_old_year(year, travel):
    """Carried in full and never paid, the old year's commitment is cancelled (kept at its amount for the record)."""
    travel(IN_YEAR)
    unpaid = commit(year, year.senior, 20_000_000, "c-unpaid", "(주)새봄")
    travel(AFTER)
    carry(year, ACCIDENT, 20_000_000, commitment=unpaid)

    unpaid.refresh_from_db()
    assert (unpaid.amount, unpaid.paid_amount, unpaid.status) == (20_000_000, 0, CommitmentStatus.CANCELLED)
    assert figures(year.senior)[4] == 100_000_000
    assert figures(next_line(year.senior)) == (0, 20_000_000, 20_000_000, 20_000_000, 20_000_000, 0)
    assert_invariants()


def test_accident_carry_over_is_limited_to_the_unpaid_part_of_a_live_commitment(year, travel):
    """Only what is still owed may be carried (R-BP-7): 60,000,001 won of a commitment with 60,000,000 unpaid is
    refused; a commitment paid in full, or cancelled, has nothing to carry."""
    before = snapshot(year)
    with pytest.raises(OverCarryOver) as refused:
        carry(year, ACCIDENT, 60_000_001, commitment=year.works)
    assert refused.value.detail["available"] == 60_000_000
    assert snapshot(year) == before

    travel(IN_YEAR)
    pay(year, year.works, 60_000_000, "p-rest", "(주)한빛건설")
    travel(AFTER)
    before = snapshot(year)
    with pytest.raises(CarryOverNotAllowed) as refused:
        carry(year, ACCIDENT, 1, commitment=year.works)
    assert refused.value.detail["rule"] == "R-BP-7"
    travel(IN_YEAR)
    cancelled = commit(year, year.senior, 5_000_000, "c-cancel", "(주)새봄")
    commitments.do_cancel_commitment(cancelled.pk, actor=year.finance, reason="계약 해지")
    travel(AFTER)
    with pytest.raises(CarryOverNotAllowed):
        carry(year, ACCIDENT, 1, commitment=cancelled)
    assert snapshot(year)[0] == before[0]


def test_a_commitment_of_another_line_is_not_found(year):
    before = snapshot(year)
    with pytest.raises(NotFound):
        carry(year, ACCIDENT, 10_000_000, commitment=year.pensions)
    assert snapshot(year) == before


def test_explicit_carry_over_may_take_a_contract_with_it(year):
    """A 명시이월 project whose contract is unfinished carries its unpaid part too: the commitment moves like a
    사고이월's, and what is not committed may be carried beside it (지방재정법 §50)."""
    carry(year, EXPLICIT, 60_000_000, commitment=year.works)
    carry(year, EXPLICIT, 285_000_000, key="y2")

    assert figures(year.senior) == (385_000_000, 0, 385_000_000, 300_000_000, 40_000_000, 40_000_000)
    assert figures(next_line(year.senior)) == (0, 345_000_000, 345_000_000, 345_000_000, 60_000_000, 0)
    assert_invariants()


# --- 계속비이월 ----------------------------------------------------------------------------------------------------


def continuing(ex, last_year):
    return ContinuingExpenditure.objects.create(
        government=ex.s.gov,
        project_code="D112",
        name="경로당 신축",
        total_amount=900_000_000,
        first_year=YEAR - 1,
        last_year=last_year,
        approved_in=ex.version,
    )


def test_continuing_carry_over_needs_a_continuing_expenditure_that_runs_into_the_next_year(year):
    """계속비이월 (지방재정법 §50): unspent instalments of a 계속비 go forward until its completion year; a project
    without one, or whose 계속비 ends this year, cannot use it."""
    before = snapshot(year)
    with pytest.raises(CarryOverNotAllowed) as refused:
        carry(year, CONTINUING, 10_000_000)
    assert refused.value.detail["rule"] == "LFA §50"
    continuing(year, last_year=YEAR)
    with pytest.raises(CarryOverNotAllowed):
        carry(year, CONTINUING, 10_000_000)
    assert snapshot(year) == before

    continuing(year, last_year=YEAR + 2)
    done = carry(year, CONTINUING, 285_000_000)
    assert done.kind == CONTINUING
    assert figures(next_line(year.senior)) == (0, 285_000_000, 285_000_000, 285_000_000, 0, 0)
    with pytest.raises(OverCarryOver):
        carry(year, CONTINUING, 1, key="y2")


# --- when, who, retries ------------------------------------------------------------------------------------------


def test_carry_overs_are_decided_after_the_year_ends_and_before_the_next_one_does(year, travel):
    """A carry-over is a year-end decision (지방재정법 §50): not while the year runs, and not once the next year,
    in which the money would be spent, is over."""
    before = snapshot(year)
    travel(dt.date(YEAR, 12, 31))
    with pytest.raises(YearNotEnded):
        carry(year, EXPLICIT, 1_000_000)
    travel(dt.date(YEAR + 2, 1, 2))
    with pytest.raises(errors.ClosedPeriod):
        carry(year, EXPLICIT, 1_000_000)
    assert snapshot(year) == before
    travel(dt.date(YEAR + 1, 12, 31))
    assert carry(year, EXPLICIT, 1_000_000).amount == 1_000_000


def test_a_retried_carry_over_returns_the_first_and_a_reused_key_is_refused(year):
    first = carry(year, ACCIDENT, 60_000_000, key="same", commitment=year.works)
    after_first = snapshot(year)

    again = carry(year, ACCIDENT, 60_000_000, key="same", commitment=year.works)

    assert again.pk == first.pk
    assert snapshot(year) == after_first
    with pytest.raises(Conflict) as reused:
        carry(year, EXPLICIT, 1_000_000, key="same")
    assert reused.value.code == "idempotency_key_reused"
    assert snapshot(year) == after_first
    carry(year, EXPLICIT, 1_000_000, key="other")
    assert CarryOver.objects.count() == 2


def test_only_the_budget_office_of_the_government_carries_over(year):
    outsider = testing.official(testing.government("2600000"), Role.BUDGET_OFFICER, username="busan-budget")
    before = snapshot(year)
    with pytest.raises(PermissionDenied):
        carry(year, EXPLICIT, 1_000_000, actor=year.finance)
    with pytest.raises(NotFound):
        carry(year, EXPLICIT, 1_000_000, actor=outsider)
    assert snapshot(year) == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "borrowed"}, "kind"),
        ({"amount": 0}, "amount"),
        ({"amount": -5}, "amount"),
        ({"reason": "  "}, "reason"),
        ({"reason": "가" * 301}, "reason"),
        ({"key": ""}, "idempotency_key"),
    ],
)
def test_bad_input_is_refused_by_name(year, change, field):
    values = {"kind": EXPLICIT, "amount": 1_000_000, "reason": "공사 지연", "key": "y1", **change}
    before = snapshot(year)
    with pytest.raises(InvalidInput) as refused:
        carry(year, values.pop("kind"), values.pop("amount"), **values)
    assert refused.value.detail["field"] == field
    assert snapshot(year) == before


# --- 불용 --------------------------------------------------------------------------------------------------------


def test_lapse_is_the_appropriation_neither_paid_nor_carried(year, travel):
    """불용액 = 예산현액 − 지출 − 이월 (domain §5.4), per line. A commitment left unpaid and not carried lapses (its
    creditor is paid from a later budget, 지방회계법 §37). Until 20 January a refund can still restore a line, so
    the figures are provisional; after it they are final."""
    carry(year, EXPLICIT, 100_000_000)
    carry(year, ACCIDENT, 60_000_000, key="y2", commitment=year.works)

    report = yearend.do_close_year(year.s.gov, YEAR, actor=year.s.officer)

    assert report.provisional is True
    assert [(r.code, r.appropriation, r.paid, r.carried_out, r.lapsed) for r in report.rows] == [
        ("100-D111-301-01", 600_000_000, 500_000_000, 0, 100_000_000),
        ("100-D112-307-02", 385_000_000, 40_000_000, 160_000_000, 185_000_000),
        ("100-D911-801-01", 5_000_000, 0, 0, 5_000_000),
    ]
    assert (report.appropriation, report.paid, report.carried_out, report.lapsed) == (
        990_000_000,
        540_000_000,
        160_000_000,
        290_000_000,
    )
    event = AuditEvent.objects.get(action="execution.year.close")
    assert (event.object_type, event.object_id, event.government_id) == ("execution.year", str(YEAR), year.s.gov.pk)
    assert event.data == {
        "year": YEAR,
        "lines": 3,
        "appropriation": 990_000_000,
        "paid": 540_000_000,
        "carried_out": 160_000_000,
        "lapsed": 290_000_000,
        "provisional": True,
    }
    # Nothing on the lines changes.
    assert figures(year.pension) == (600_000_000, 0, 600_000_000, 600_000_000, 550_000_000, 500_000_000)

    # A refund received on 31 December and recorded on 15 January restores the 2026 line (R-FY-4), and the lapse
    # grows by it.
    travel(dt.date(YEAR + 1, 1, 15))
    payments.do_record_refund(
        year.pension_payment,
        amount=10_000_000,
        received_on=dt.date(YEAR, 12, 31),
        actor=year.disburser,
        idempotency_key="r1",
    )
    travel(dt.date(YEAR + 1, 1, 21))
    final = yearend.do_close_year(year.s.gov, YEAR, actor=year.s.officer)
    assert final.provisional is False
    assert [(r.paid, r.lapsed) for r in final.rows] == [
        (490_000_000, 110_000_000),
        (40_000_000, 185_000_000),
        (0, 5_000_000),
    ]
    assert final.lapsed == 300_000_000
    assert AuditEvent.objects.filter(action="execution.year.close").count() == 2
    assert chain_intact(year)


def test_lapse_before_the_year_ends_is_refused_and_only_the_budget_office_records_it(year, travel):
    travel(dt.date(YEAR, 12, 31))
    with pytest.raises(YearNotEnded):
        yearend.do_close_year(year.s.gov, YEAR, actor=year.s.officer)
    travel(AFTER)
    with pytest.raises(PermissionDenied):
        yearend.do_close_year(year.s.gov, YEAR, actor=year.finance)
    outsider = testing.official(testing.government("2600000"), Role.BUDGET_OFFICER, username="busan-budget")
    with pytest.raises(NotFound):
        yearend.do_close_year(year.s.gov, YEAR, actor=outsider)
    assert not AuditEvent.objects.filter(action="execution.year.close").exists()


# --- API ---------------------------------------------------------------------------------------------------------


def client_for(user):
    raw, _token = do_create_token(user, actor=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def post(client, path, body, key="k1"):
    return client.post(f"/api/v1{path}", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)


def carry_body(ex, **change):
    return {
        "kind": "accident",
        "budget_line_id": ex.senior.pk,
        "amount": 60_000_000,
        "reason": "준공 지연",
        "commitment_id": ex.works.pk,
        **change,
    }


def test_api_carries_over_201_replays_and_lists(year):
    client = client_for(year.s.officer)
    created = post(client, "/execution/carry-overs", carry_body(year))
    assert created.status_code == 201, created.json()
    done = CarryOver.objects.get()
    carried = Commitment.objects.get(line=done.to_line)
    answer = created.json()
    assert answer.pop("decided_at")
    assert answer == {
        "id": done.pk,
        "kind": "accident",
        "year": YEAR,
        "from_line_id": year.senior.pk,
        "from_code": "100-D112-307-02",
        "to_line_id": done.to_line_id,
        "to_code": "100-D112-307-02",
        "amount": 60_000_000,
        "reason": "준공 지연",
        "commitment_id": year.works.pk,
        "carried_commitment_id": carried.pk,
    }
    again = post(client, "/execution/carry-overs", carry_body(year))
    assert (again.status_code, again.json()["id"]) == (201, done.pk)
    listed = client.get(f"/api/v1/execution/carry-overs?government=1100000&year={YEAR}")
    assert [(c["id"], c["to_line_id"]) for c in listed.json()] == [(done.pk, done.to_line_id)]
    line = client.get(f"/api/v1/execution/budget-lines/{done.to_line_id}").json()
    assert {k: line[k] for k in ("year", "appropriation", "allocated", "committed", "available")} == {
        "year": YEAR + 1,
        "appropriation": 60_000_000,
        "allocated": 60_000_000,
        "committed": 60_000_000,
        "available": 0,
    }


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"commitment_id": None}, 409, "carry_over_not_allowed"),
        ({"amount": 60_000_001}, 409, "over_carry_over"),
        ({"kind": "explicit", "commitment_id": None, "amount": 285_000_001}, 409, "over_carry_over"),
        ({"kind": "continuing", "commitment_id": None}, 409, "carry_over_not_allowed"),
        ({"kind": "borrowed"}, 422, "invalid_input"),
        ({"amount": 0}, 422, "invalid_input"),
        ({"reason": ""}, 422, "invalid_input"),
        ({"budget_line_id": 10**9}, 404, "not_found"),
        ({"commitment_id": "pension"}, 404, "not_found"),
    ],
)
def test_api_carry_over_refusals_have_named_codes_and_write_nothing(year, change, status, code):
    if change.get("commitment_id") == "pension":
        change = {"commitment_id": year.pensions.pk}
    client = client_for(year.s.officer)
    before = snapshot(year)
    refused = post(client, "/execution/carry-overs", carry_body(year, **change))
    assert (refused.status_code, refused.json()["code"]) == (status, code)
    assert refused.json()["message"]
    assert snapshot(year) == before


def test_api_carry_over_refuses_roles_outsiders_and_an_unended_year(year, travel):
    assert post(client_for(year.finance), "/execution/carry-overs", carry_body(year)).status_code == 403
    outsider = testing.official(testing.government("2600000"), Role.BUDGET_OFFICER, username="busan-budget")
    assert post(client_for(outsider), "/execution/carry-overs", carry_body(year)).status_code == 404
    listed = client_for(outsider).get(f"/api/v1/execution/carry-overs?government=1100000&year={YEAR}")
    assert listed.status_code == 404
    travel(dt.date(YEAR, 12, 1))
    refused = post(client_for(year.s.officer), "/execution/carry-overs", carry_body(year))
    assert (refused.status_code, refused.json()["code"]) == (409, "year_not_ended")
    assert CarryOver.objects.count() == 0


def test_api_lapse_report_and_year_end(year, travel):
    carry(year, EXPLICIT, 100_000_000)
    client = client_for(year.s.officer)
    shown = client.get(f"/api/v1/execution/lapse?government=1100000&year={YEAR}")
    assert shown.status_code == 200
    expected = {
        "government": "1100000",
        "year": YEAR,
        "provisional": True,
        "appropriation": 990_000_000,
        "paid": 540_000_000,
        "carried_out": 100_000_000,
        "lapsed": 350_000_000,
    }
    assert {k: shown.json()[k] for k in expected} == expected
    assert [(r["code"], r["lapsed"]) for r in shown.json()["rows"]] == [
        ("100-D111-301-01", 100_000_000),
        ("100-D112-307-02", 245_000_000),
        ("100-D911-801-01", 5_000_000),
    ]
    assert not AuditEvent.objects.filter(action="execution.year.close").exists()
    closed = client.post(
        "/api/v1/execution/year-end", {"government": "1100000", "year": YEAR}, content_type="application/json"
    )
    assert closed.status_code == 200
    assert {k: closed.json()[k] for k in expected} == expected
    assert AuditEvent.objects.filter(action="execution.year.close").count() == 1

    travel(dt.date(YEAR, 11, 30))
    early = client.post(
        "/api/v1/execution/year-end", {"government": "1100000", "year": YEAR}, content_type="application/json"
    )
    assert (early.status_code, early.json()["code"]) == (409, "year_not_ended")
    wrong = client.get("/api/v1/execution/lapse?government=1100000&year=1999")
    assert (wrong.status_code, wrong.json()["code"]) == (422, "invalid_input")
    outsider = testing.official(testing.government("2600000"), Role.BUDGET_OFFICER, username="busan-budget")
    assert client_for(outsider).get(f"/api/v1/execution/lapse?government=1100000&year={YEAR}").status_code == 404
    assert PaymentOrder.objects.count() == 2


# --- property ----------------------------------------------------------------------------------------------------


class _Undo(Exception):
    pass


year_end_operations = st.lists(
    st.tuples(
        st.sampled_from(["explicit", "accident", "pay_carried"]),
        st.one_of(st.integers(1, 70_000_000), st.integers(1, 300_000_000)),
    ),
    max_size=12,
)


@pytest.mark.slow
@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(ops=year_end_operations)
def test_no_sequence_of_year_end_requests_breaks_budget_control(year, ops):
    """Whatever is carried or paid after the year ends: committed ≤ allocated ≤ 예산현액 on the lines of
    both years, committed + carried ≤ 예산현액 on the old ones, each line's counters are the sums of its
    commitments, Σ carried out = Σ carried in (all of it allocated), and 불용 = 예산현액 − 지출 − 이월 ≥ 0."""
    try:
        with transaction.atomic():
            for n, (kind, amount) in enumerate(ops, start=1):
                try:
                    if kind == "explicit":
                        carry(year, EXPLICIT, amount, key=f"y{n}")
                    elif kind == "accident":
                        owed = list(Commitment.objects.filter(line=year.senior, status="active").order_by("pk"))
                        carry(
                            year, ACCIDENT, amount, key=f"y{n}", commitment=owed[amount % len(owed)] if owed else None
                        )
                    else:
                        carried = Commitment.objects.filter(line__year=YEAR + 1, status="active").first()
                        if carried:
                            pay(year, carried, amount, f"p{n}", carried.creditor, on=dt.date(YEAR + 1, 3, 2))
                except LofinError:
                    pass  # a refused request leaves everything as it was; the checks below see it
                check_invariants(year)
                assert_invariants()
                for line in BudgetLine.objects.all():
                    active = Commitment.objects.filter(line=line, status="active")
                    assert line.committed == sum(active.values_list("amount", flat=True))
                    assert line.paid == sum(active.values_list("paid_amount", flat=True))
                carried_out = sum(CarryOver.objects.values_list("amount", flat=True))
                next_lines = BudgetLine.objects.filter(year=YEAR + 1)
                assert carried_out == sum(next_lines.values_list("carried_in", flat=True))
                assert carried_out == sum(next_lines.values_list("allocated", flat=True))
                report = yearend_queries.lapse_report(year.s.gov, YEAR, today=AFTER)
                assert all(r.lapsed == r.appropriation - r.paid - r.carried_out >= 0 for r in report.rows)
                assert report.carried_out == carried_out
            raise _Undo
    except _Undo:
        pass


# --- R-BP-10: 명시이월 only within the 명시이월비 the council approved, before the 결산 is submitted -----------------
def names_law(error, article):
    """Whether the refusal names its article of 지방재정법, in the language it was raised in (Korean by default)."""
    message = str(error.message)
    return f"지방재정법 §{article}" in message or f"지방재정법 제{article}조" in message


# The builder gives 경로당 운영 지원 385,000,000 won of 명시이월비 (all of it) and 기초연금 20,000,000 won.


def test_R_BP_10_explicit_carry_within_the_approved_amount_is_recorded_with_it(year):
    """기초연금 has 20,000,000 won of 명시이월비 (and 50,000,000 won uncommitted): all 20,000,000 may be carried."""
    done = carry(year, EXPLICIT, 20_000_000, line=year.pension)
    assert done.amount == 20_000_000
    event = AuditEvent.objects.get(action="execution.carry_over")
    assert event.data["explicit_approved"] == 20_000_000
    assert "explicit_unverified" not in event.data


def test_R_BP_10_explicit_carry_beyond_the_approved_amount_is_refused_and_writes_nothing(year):
    before = snapshot(year)
    with pytest.raises(OverCarryOver) as err:
        carry(year, EXPLICIT, 20_000_001, line=year.pension)
    assert err.value.detail["rule"] == "R-BP-10" and err.value.detail["available"] == 20_000_000
    assert names_law(err.value, "50")
    assert snapshot(year) == before
    carry(year, EXPLICIT, 15_000_000, line=year.pension, key="y1")
    with pytest.raises(OverCarryOver) as err:
        carry(year, EXPLICIT, 5_000_001, line=year.pension, key="y2")
    assert err.value.detail["available"] == 5_000_000
    assert carry(year, EXPLICIT, 5_000_000, line=year.pension, key="y3").amount == 5_000_000


def test_R_BP_10_a_line_without_explicit_carry_in_the_budget_cannot_be_carried_explicitly(year):
    """The 예비비 line has 5,000,000 won untouched but no 명시이월비: 명시이월 is refused, whatever the reason given."""
    reserve = BudgetLine.objects.get(government=year.s.gov, year=YEAR, project=year.s.reserve)
    before = snapshot(year)
    with pytest.raises(CarryOverNotAllowed) as err:
        carry(year, EXPLICIT, 1_000_000, line=reserve)
    assert err.value.detail["rule"] == "R-BP-10"
    assert snapshot(year) == before


def test_R_BP_10_explicit_carry_is_refused_once_the_settlement_has_closed_the_year(year, travel):
    # the books close once no posting of the year is allowed any more (R-AC-5: after the 10 February 출납 completion)
    travel(dt.date(YEAR + 1, 2, 11))
    closing_testing.close_year(year.s.gov, YEAR, drafter=year.finance, head=year.s.mayor)
    closing_testing.record_package(year.s.gov, YEAR, actor=year.finance)
    closing.do_submit_to_council(year.s.gov, YEAR, on=dt.date(YEAR + 1, 2, 11), actor=year.finance)
    before = CarryOver.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ClosedPeriod) as err:
        carry(year, EXPLICIT, 1_000_000)
    assert err.value.detail["rule"] == "R-BP-10"
    assert (CarryOver.objects.count(), AuditEvent.objects.count()) == before
