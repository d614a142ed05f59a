"""The law of moving appropriation, issue 12: 업무추진비 wherever the code list puts it (R-BP-4), no 전용·이용 into a
line the budget does not have or the council cut (R-BP-9) nor 예비비 for it (R-BP-3, §43③), and 이체 only on a
legal basis, for the same 사업 between units of one 회계, reported to the council with 전용·이용 (R-BP-9)."""

import datetime as dt
import io

import pytest
from django.utils import translation
from openpyxl import load_workbook

from lofin.budget.actions import setup
from lofin.budget.models import Project
from lofin.budget.testing import Setup
from lofin.core import testing
from lofin.core.approvals import actions as approvals
from lofin.core.idempotency import KeyReused
from lofin.core.models import ApprovalRequest, AuditEvent
from lofin.execution.actions import transfers
from lofin.execution.errors import TransferNotAllowed
from lofin.execution.models import BudgetLine, Transfer, TransferKind
from lofin.execution.queries import transfers as transfer_queries
from lofin.execution.testing import YEAR

pytestmark = pytest.mark.django_db

DAY = dt.date(YEAR, 6, 15)
VIREMENT, BETWEEN, REORGANISATION, RESERVE = (
    TransferKind.VIREMENT,
    TransferKind.BETWEEN_PROGRAMMES,
    TransferKind.REORGANISATION,
    TransferKind.RESERVE,
)
BASIS = "서울특별시 행정기구 설치 조례 일부개정조례(제9000호): 경로당 지원 업무를 노인복지과로 이관"


@pytest.fixture(autouse=True)
def rules_and_clock(db, travel):
    transfers.load_policies()
    travel(DAY)


def budget_line(s: Setup, project_code, object_code, amount=100_000_000, account=None):
    """A line of the execution budget, made here when the confirmed budget does not have it."""
    found = BudgetLine.objects.filter(
        government=s.gov, year=YEAR, project__code=project_code, object_code=object_code
    ).first()
    if found:
        return found
    project = Project.objects.get(government=s.gov, year=YEAR, code=project_code)
    return BudgetLine.objects.create(
        government=s.gov,
        year=YEAR,
        account=account or project.account,
        project=project,
        object_code=object_code,
        budget_amount=amount,
        appropriation=amount,
    )


def request(s: Setup, kind, source, target, amount, key="t1", reason="사업 물량 증가", **kw):
    return transfers.do_request_transfer(
        kind,
        from_line=source,
        to_line=target,
        amount=amount,
        reason=reason,
        line=[("approve", s.mayor)],
        actor=s.officer,
        idempotency_key=key,
        **kw,
    )


def counts():
    return (Transfer.objects.count(), ApprovalRequest.objects.count(), AuditEvent.objects.count())


def figures(*lines):
    return [
        BudgetLine.objects.values_list("transfer_amount", "reserve_amount", "appropriation").get(pk=x.pk) for x in lines
    ]


def refused(s: Setup, kind, source, target, amount=1_000_000, **kw):
    """The refusal of a request, checked to have written nothing; returns (rule, English message)."""
    before = (counts(), figures(source, target))
    with pytest.raises(TransferNotAllowed) as refusal:
        request(s, kind, source, target, amount, **kw)
    assert (counts(), figures(source, target)) == before
    with translation.override("en"):
        return refusal.value.detail["rule"], str(refusal.value.message)


def grant_transfer_authority(*codes):
    Project.objects.filter(year=YEAR, code__in=codes).update(transfer_allowed=True)


# --- R-BP-4: 업무추진비 wherever the code list puts it ---------------------------------------------------------------


def test_R_BP_4_virement_into_council_business_promotion_is_refused(ex):
    council_entertainment = budget_line(ex.s, "D111", "205-06")
    assert refused(ex.s, VIREMENT, ex.senior, council_entertainment) == (
        "R-BP-4",
        "전용 into 업무추진비 is not allowed (지방재정법 §49).",
    )


def test_R_BP_4_reserve_cannot_fund_council_business_promotion_either(ex):
    reserve, council_entertainment = budget_line(ex.s, "D911", "801-01"), budget_line(ex.s, "D111", "205-06")
    rule, _message = refused(ex.s, RESERVE, reserve, council_entertainment)
    assert rule == "LFA §43"
    transfer = request(ex.s, RESERVE, reserve, council_entertainment, 1_000_000, urgent_disaster=True)
    assert transfer.amount == 1_000_000


def test_R_BP_4_debt_repayment_the_code_list_does_not_name_is_still_protected(ex):
    # 601-05 is used by 2026 budgets but its name was not found: it is 상환금 by its 편성목.
    principal, interest = budget_line(ex.s, "D111", "601-05"), budget_line(ex.s, "D111", "311-01")
    assert refused(ex.s, VIREMENT, principal, ex.pension)[0] == "R-BP-4"
    request(ex.s, VIREMENT, principal, interest, 1_000_000)


# --- R-BP-9: 전용·이용 only into a line the budget has -------------------------------------------------------------------


def test_R_BP_9_virement_into_a_line_the_budget_does_not_have_is_refused(ex):
    unbudgeted = budget_line(ex.s, "D111", "201-01", amount=0)
    assert refused(ex.s, VIREMENT, ex.senior, unbudgeted) == (
        "R-BP-9",
        "전용 and 이용 cannot feed a line the budget does not have (지방재정법 §49②).",
    )


def test_R_BP_9_transfer_between_programmes_into_an_unbudgeted_line_is_refused(ex):
    grant_transfer_authority("P100", "P900")
    unbudgeted = budget_line(ex.s, "D911", "201-01", amount=0)
    assert refused(ex.s, BETWEEN, ex.senior, unbudgeted)[0] == "R-BP-9"
    # The same move into a line the budget has goes through.
    budgeted = budget_line(ex.s, "D911", "201-02")
    assert request(ex.s, BETWEEN, ex.senior, budgeted, 1_000_000).amount == 1_000_000


def test_R_BP_9_a_line_fed_only_by_earlier_transfers_is_still_not_budgeted(ex):
    unbudgeted = budget_line(ex.s, "D111", "201-01", amount=0)
    BudgetLine.objects.filter(pk=unbudgeted.pk).update(carried_in=5_000_000, appropriation=5_000_000)
    assert refused(ex.s, VIREMENT, ex.senior, unbudgeted)[0] == "R-BP-9"


# --- R-BP-9: 이체 ---------------------------------------------------------------------------------------------------


def moved_unit(s: Setup, *, account=None, name="경로당 운영 지원", code="3"):
    """노인복지과, a unit made by reorganisation, with its own programme tree and a 세부사업 (no budget yet)."""
    elderly = testing.department(s.gov, "3200", "노인복지과")
    account = account or s.general

    def project(level, project_code, project_name, parent=None, **extra):
        return setup.do_create_project(
            s.gov,
            year=YEAR,
            level=level,
            code=project_code,
            name=project_name,
            account=account,
            parent=parent,
            department=elderly,
            actor=s.officer,
            **extra,
        )

    policy = project("policy", f"P{code}00", "노인복지", function_code="085")
    unit = project("unit", f"U{code}10", "노인 여가", parent=policy)
    detail = project("detail", f"D{code}12", name, parent=unit)
    return budget_line(s, detail.code, "307-02", amount=0, account=account)


def test_R_BP_9_reorganisation_needs_the_law_or_ordinance_that_moves_the_duties(ex):
    target = moved_unit(ex.s)
    assert refused(ex.s, REORGANISATION, ex.senior, target) == (
        "R-BP-9",
        "이체 needs the law or ordinance that moves the duties between organisations (지방재정법 §47의2②).",
    )
    assert refused(ex.s, REORGANISATION, ex.senior, target, legal_basis="   ")[0] == "R-BP-9"


def test_R_BP_9_reorganisation_moves_the_same_project_between_units_and_keeps_its_total(ex):
    target = moved_unit(ex.s)
    before = sum(appropriation for _t, _r, appropriation in figures(ex.senior, target))
    transfer = request(ex.s, REORGANISATION, ex.senior, target, 385_000_000, legal_basis=f"  {BASIS} ")
    approvals.do_approve(transfer.approval_id, actor=ex.s.mayor)

    assert figures(ex.senior, target) == [(-385_000_000, 0, 0), (385_000_000, 0, 385_000_000)]
    assert sum(appropriation for _t, _r, appropriation in figures(ex.senior, target)) == before
    stored = Transfer.objects.get(pk=transfer.pk)
    assert stored.legal_basis == BASIS
    assert AuditEvent.objects.get(action="execution.transfer.request").data["legal_basis"] == BASIS


def test_R_BP_9_reorganisation_between_accounts_is_refused(ex):
    special = setup.do_create_account(
        ex.s.gov, code="200", name="노인복지특별회계", kind="other_special", actor=ex.s.officer
    )
    target = moved_unit(ex.s, account=special)
    assert refused(ex.s, REORGANISATION, ex.senior, target, legal_basis=BASIS) == (
        "R-BP-9",
        "이체 cannot move money between accounts (회계) (지방재정법 §47의2②).",
    )


def test_R_BP_9_reorganisation_is_of_the_same_project_between_two_units(ex):
    other_project = moved_unit(ex.s, name="노인 일자리 지원")
    assert refused(ex.s, REORGANISATION, ex.senior, other_project, legal_basis=BASIS) == (
        "R-BP-9",
        "이체 moves the same project (사업) and object (목) from one organisation to another (지방재정법 §47의2②).",
    )
    other_object = budget_line(ex.s, moved_unit(ex.s, code="4").project.code, "201-01", amount=0)
    assert refused(ex.s, REORGANISATION, ex.senior, other_object, legal_basis=BASIS)[0] == "R-BP-9"
    # Two lines of one unit: nothing moves between organisations.
    assert refused(ex.s, REORGANISATION, ex.senior, ex.pension, legal_basis=BASIS)[0] == "R-BP-9"


# --- R-BP-9: the quarterly report to the council lists 이체 with 전용·이용 ----------------------------------------------


def test_R_BP_9_the_quarterly_report_lists_reorganisation_and_transfers_between_programmes(ex, travel):
    grant_transfer_authority("P100", "P900")
    target = moved_unit(ex.s)
    travel(dt.date(YEAR, 5, 10))
    transfer = request(ex.s, VIREMENT, ex.senior, ex.pension, 10_000_000, key="v1", reason="수요 증가")
    approvals.do_approve(transfer.approval_id, actor=ex.s.mayor)
    transfer = request(ex.s, BETWEEN, ex.senior, budget_line(ex.s, "D911", "201-01"), 3_000_000, key="b1")
    approvals.do_approve(transfer.approval_id, actor=ex.s.mayor)
    transfer = request(
        ex.s, REORGANISATION, ex.senior, target, 7_000_000, key="o1", reason="조직개편", legal_basis=BASIS
    )
    approvals.do_approve(transfer.approval_id, actor=ex.s.mayor)

    report = transfer_queries.council_report(ex.s.gov, YEAR, 2)

    assert [(r.kind, r.amount, r.legal_basis) for r in report.rows] == [
        (VIREMENT, 10_000_000, ""),
        (BETWEEN, 3_000_000, ""),
        (REORGANISATION, 7_000_000, BASIS),
    ]
    assert report.total == 20_000_000
    values = list(load_workbook(io.BytesIO(transfer_queries.report_xlsx(report))).active.iter_rows(values_only=True))
    assert values[0][0] == f"서울특별시 {YEAR}년 2분기 세출예산 전용·이용·이체 및 예비비 사용 보고"
    assert values[3] == ("일자", "구분", "감액 과목", "과목명", "증액 과목", "과목명", "금액", "사유", "법적 근거")
    assert [row[1] for row in values[4:7]] == ["전용", "이용", "이체"]
    assert values[6][8] == BASIS
    assert values[7] == ("합계", None, None, None, None, None, 20_000_000, None, None)


def test_R_BP_9_a_retried_reorganisation_is_the_same_only_with_the_same_legal_basis(ex):
    target = moved_unit(ex.s)
    first = request(ex.s, REORGANISATION, ex.senior, target, 5_000_000, legal_basis=BASIS)
    assert request(ex.s, REORGANISATION, ex.senior, target, 5_000_000, legal_basis=BASIS).pk == first.pk
    before = (counts(), figures(ex.senior, target))
    with pytest.raises(KeyReused):
        request(ex.s, REORGANISATION, ex.senior, target, 5_000_000, legal_basis="다른 조례")
    assert (counts(), figures(ex.senior, target)) == before
