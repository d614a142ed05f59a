"""전용·이용·이체·예비비 사용: requests on an approval line, the rules of each kind, and the council report."""

import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from lofin.budget.models import Account, Project
from lofin.core import audit, testing
from lofin.core.actions import do_create_token
from lofin.core.approvals import actions as approvals
from lofin.core.approvals.rules import InvalidLine
from lofin.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from lofin.core.models import ApprovalRequest, AuditEvent, RequestStatus
from lofin.core.roles import Position, Role
from lofin.execution.actions import appropriations, transfers
from lofin.execution.errors import InsufficientAppropriation, OverAppropriation, TransferNotAllowed
from lofin.execution.models import BudgetLine, Transfer, TransferKind, TransferStatus
from lofin.execution.queries import appropriations as line_queries
from lofin.execution.queries import transfers as transfer_queries
from lofin.execution.rules import transfers as transfer_rules
from lofin.execution.testing import YEAR

pytestmark = pytest.mark.django_db

DAY = dt.date(YEAR, 6, 15)
VIREMENT, BETWEEN, REORGANISATION, RESERVE = (
    TransferKind.VIREMENT,
    TransferKind.BETWEEN_PROGRAMMES,
    TransferKind.REORGANISATION,
    TransferKind.RESERVE,
)


@pytest.fixture(autouse=True)
def rules_and_clock(db, travel):
    # Transactional tests elsewhere empty the policy table; the migration's rows are put back here.
    transfers.load_policies()
    travel(DAY)


def line(ex, project_code, object_code, amount=100_000_000):
    """A line of the test budget, or a new one on a project of it (for object codes the budget does not have)."""
    found = BudgetLine.objects.filter(
        government=ex.s.gov, year=YEAR, project__code=project_code, object_code=object_code
    ).first()
    if found:
        return found
    project = {"D111": ex.s.pension, "D112": ex.s.senior, "D911": ex.s.reserve}[project_code]
    return BudgetLine.objects.create(
        government=ex.s.gov,
        year=YEAR,
        account=ex.s.general,
        project=project,
        object_code=object_code,
        budget_amount=amount,
        appropriation=amount,
    )


def reserve_line(ex):
    return line(ex, "D911", "801-01")


def figures(*lines):
    """(transfer, reserve, appropriation, allocated) of each line, as stored."""
    return [
        BudgetLine.objects.values_list("transfer_amount", "reserve_amount", "appropriation", "allocated").get(pk=x.pk)
        for x in lines
    ]


def counts():
    return (Transfer.objects.count(), ApprovalRequest.objects.count(), AuditEvent.objects.count())


def request(ex, kind, source, target, amount, key="t1", approver=None, reason="사업 물량 증가", **kw):
    return transfers.do_request_transfer(
        kind,
        from_line=source,
        to_line=target,
        amount=amount,
        reason=reason,
        line=[("approve", approver or ex.s.mayor)],
        actor=ex.s.officer,
        idempotency_key=key,
        **kw,
    )


def approve(ex, transfer):
    return approvals.do_approve(transfer.approval_id, actor=ex.s.mayor)


def chain_intact(ex):
    return [report.broken for report in audit.verify(ex.s.gov.code)] == [None]


# --- the life of a request ---------------------------------------------------------------------------------------


def test_virement_leaves_the_source_at_request_and_reaches_the_target_on_approval(ex):
    transfer = request(ex, VIREMENT, ex.senior, ex.pension, 10_000_000)

    assert transfer.status == TransferStatus.IN_APPROVAL
    assert (transfer.year, transfer.requested_on, transfer.requested_by) == (YEAR, DAY, ex.s.officer)
    assert figures(ex.senior, ex.pension) == [(-10_000_000, 0, 375_000_000, 0), (0, 0, 600_000_000, 0)]
    approval = ApprovalRequest.objects.get(pk=transfer.approval_id)
    assert (approval.doc_kind, approval.subject_type, approval.subject_id) == (
        "execution.transfer.virement",
        "execution.transfer",
        str(transfer.pk),
    )
    # 전용 up to 50,000,000 won is decided by a bureau head under the national default rules.
    assert (approval.amount, approval.required_position) == (10_000_000, Position.BUREAU_HEAD)

    approve(ex, transfer)

    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.APPROVED
    # The one clock runs on from noon of DAY (tests move it with `travel`).
    assert timezone.localdate(transfer.decided_at) == DAY
    assert figures(ex.senior, ex.pension) == [(-10_000_000, 0, 375_000_000, 0), (10_000_000, 0, 610_000_000, 0)]
    actions_logged = list(
        AuditEvent.objects.filter(object_type="execution.transfer", object_id=str(transfer.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions_logged == ["execution.transfer.request", "execution.transfer.approve"]
    assert chain_intact(ex)


def test_a_returned_request_gives_the_amount_back_to_the_source(ex):
    transfer = request(ex, VIREMENT, ex.senior, ex.pension, 10_000_000)
    approvals.do_reject(transfer.approval_id, actor=ex.s.mayor, reason="사유 보완")

    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.REJECTED
    assert figures(ex.senior, ex.pension) == [(0, 0, 385_000_000, 0), (0, 0, 600_000_000, 0)]
    assert AuditEvent.objects.filter(action="execution.transfer.return", object_id=str(transfer.pk)).count() == 1
    with pytest.raises(Conflict):
        transfers.do_withdraw_transfer(transfer, actor=ex.s.officer)
    assert chain_intact(ex)


def test_a_withdrawn_request_gives_the_amount_back_to_the_source(ex):
    transfer = request(ex, VIREMENT, ex.senior, ex.pension, 10_000_000)
    transfers.do_withdraw_transfer(transfer, actor=ex.s.officer)

    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.REJECTED
    assert ApprovalRequest.objects.get(pk=transfer.approval_id).status == RequestStatus.WITHDRAWN
    assert figures(ex.senior) == [(0, 0, 385_000_000, 0)]


def test_a_request_withdrawn_on_the_approvals_page_is_released_afterwards(ex):
    transfer = request(ex, VIREMENT, ex.senior, ex.pension, 10_000_000)
    approvals.do_withdraw(transfer.approval_id, actor=ex.s.officer)
    assert figures(ex.senior) == [(-10_000_000, 0, 375_000_000, 0)]

    transfers.do_withdraw_transfer(transfer, actor=ex.s.officer)

    assert figures(ex.senior) == [(0, 0, 385_000_000, 0)]
    assert Transfer.objects.get(pk=transfer.pk).status == TransferStatus.REJECTED


def test_an_approval_after_the_fiscal_year_is_refused_and_the_request_can_be_returned(ex, travel):
    transfer = request(ex, VIREMENT, ex.senior, ex.pension, 10_000_000)
    travel(dt.date(YEAR + 1, 1, 5))

    with pytest.raises(TransferNotAllowed) as refused:
        approve(ex, transfer)

    assert refused.value.detail["rule"] == "R-FY-1"
    assert Transfer.objects.get(pk=transfer.pk).status == TransferStatus.IN_APPROVAL
    assert ApprovalRequest.objects.get(pk=transfer.approval_id).status == RequestStatus.IN_PROGRESS
    assert figures(ex.senior, ex.pension) == [(-10_000_000, 0, 375_000_000, 0), (0, 0, 600_000_000, 0)]
    approvals.do_reject(transfer.approval_id, actor=ex.s.mayor, reason="회계연도 경과")
    assert figures(ex.senior) == [(0, 0, 385_000_000, 0)]


# --- R-BP-4: 전용 ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "target", "message"),
    [
        (("D112", "307-02"), ("D911", "201-01"), "Moving money between programmes is 이용, not 전용."),
        (
            ("D111", "101-01"),
            ("D112", "307-02"),
            "전용 into or out of personnel costs, facilities or debt repayment is not allowed (지방재정법 §49).",
        ),
        (
            ("D112", "307-02"),
            ("D111", "401-01"),
            "전용 into or out of personnel costs, facilities or debt repayment is not allowed (지방재정법 §49).",
        ),
        (
            ("D111", "601-01"),
            ("D112", "307-02"),
            "전용 into or out of personnel costs, facilities or debt repayment is not allowed (지방재정법 §49).",
        ),
        (("D112", "307-02"), ("D111", "203-01"), "전용 into 업무추진비 is not allowed (지방재정법 §49)."),
    ],
    ids=["other-programme", "out-of-personnel", "into-facilities", "out-of-debt-repayment", "into-business-promotion"],
)
def test_virement_refused_by_r_bp_4_writes_nothing(ex, source, target, message):
    source_line, target_line = line(ex, *source), line(ex, *target)
    before = (counts(), figures(source_line, target_line))

    with pytest.raises(TransferNotAllowed) as refused:
        request(ex, VIREMENT, source_line, target_line, 1_000_000)

    assert refused.value.code == "transfer_not_allowed"
    assert refused.value.detail == {"rule": "R-BP-4"}
    with translation.override("en"):
        assert str(refused.value.message) == message
    assert (counts(), figures(source_line, target_line)) == before


@pytest.mark.parametrize(("source", "target"), [("311-01", "601-01"), ("601-01", "311-01")])
def test_virement_between_debt_interest_and_principal_is_allowed(ex, source, target):
    source_line, target_line = line(ex, "D111", source), line(ex, "D111", target)
    transfer = request(ex, VIREMENT, source_line, target_line, 30_000_000)
    approve(ex, transfer)
    assert figures(source_line, target_line) == [(-30_000_000, 0, 70_000_000, 0), (30_000_000, 0, 130_000_000, 0)]


def test_virement_after_the_fiscal_year_is_refused(ex, travel):
    travel(dt.date(YEAR + 1, 1, 2))
    before = (counts(), figures(ex.senior))
    with pytest.raises(TransferNotAllowed) as refused:
        request(ex, VIREMENT, ex.senior, ex.pension, 1_000_000)
    with translation.override("en"):
        assert str(refused.value.message) == "전용 is not allowed after the fiscal year has ended."
    assert refused.value.detail == {"rule": "R-BP-4"}
    assert (counts(), figures(ex.senior)) == before


def test_any_transfer_outside_its_fiscal_year_is_refused(ex, travel):
    travel(dt.date(YEAR + 1, 1, 2))
    with pytest.raises(TransferNotAllowed) as refused:
        request(ex, RESERVE, reserve_line(ex), ex.pension, 1_000_000)
    assert refused.value.detail == {"rule": "R-FY-1"}
    travel(dt.date(YEAR - 1, 12, 31))
    with pytest.raises(TransferNotAllowed):
        request(ex, VIREMENT, ex.senior, ex.pension, 1_000_000)
    assert counts()[0] == 0


def test_large_virement_goes_to_the_deputy_head_and_a_division_head_cannot_decide_it(ex):
    transfer = request(ex, VIREMENT, ex.senior, ex.pension, 60_000_000)
    assert ApprovalRequest.objects.get(pk=transfer.approval_id).required_position == Position.DEPUTY_HEAD
    before = (counts(), figures(ex.senior))
    with pytest.raises(InvalidLine):
        request(ex, VIREMENT, ex.senior, ex.pension, 1_000_000, key="t2", approver=ex.s.chief)
    assert (counts(), figures(ex.senior)) == before


# --- R-BP-5: 이용 ------------------------------------------------------------------------------------------------


def grant_transfer_authority(*codes):
    # The budget's 예산총칙 grants 이용 per 정책사업; budget formulation has no action for it yet.

    Project.objects.filter(year=YEAR, code__in=codes).update(transfer_allowed=True)


def test_transfer_between_programmes_needs_authority_on_both_sides(ex):
    target = line(ex, "D911", "201-01")
    before = (counts(), figures(ex.senior, target))
    with pytest.raises(TransferNotAllowed) as refused:
        request(ex, BETWEEN, ex.senior, target, 5_000_000)
    assert refused.value.detail == {"rule": "R-BP-5"}
    grant_transfer_authority("P100")
    with pytest.raises(TransferNotAllowed):
        request(ex, BETWEEN, ex.senior, target, 5_000_000)
    assert (counts(), figures(ex.senior, target)) == before

    grant_transfer_authority("P900")
    transfer = request(ex, BETWEEN, ex.senior, target, 5_000_000)
    assert ApprovalRequest.objects.get(pk=transfer.approval_id).required_position == Position.HEAD
    approve(ex, transfer)
    assert figures(ex.senior, target) == [(-5_000_000, 0, 380_000_000, 0), (5_000_000, 0, 105_000_000, 0)]


def test_transfer_between_programmes_inside_one_programme_is_virement(ex):
    grant_transfer_authority("P100")
    with pytest.raises(TransferNotAllowed) as refused:
        request(ex, BETWEEN, ex.senior, ex.pension, 5_000_000)
    assert refused.value.detail == {"rule": "R-BP-5"}


# --- 이체 ---------------------------------------------------------------------------------------------------------


def test_R_BP_9_reorganisation_needs_a_reason_and_no_longer_moves_between_any_lines(ex):
    # The 이체 that does move (the same 사업 to another organisation) is in test_transfer_law.
    target = line(ex, "D911", "201-01")
    with pytest.raises(InvalidInput) as missing:
        request(ex, REORGANISATION, ex.senior, target, 7_000_000, reason="  ")
    assert missing.value.detail == {"field": "reason"}
    before = (counts(), figures(ex.senior, target))
    with pytest.raises(TransferNotAllowed) as refused:
        request(ex, REORGANISATION, ex.senior, target, 7_000_000, reason="조직개편", legal_basis="직제 조례 개정")
    assert refused.value.detail == {"rule": "R-BP-9"}
    assert (counts(), figures(ex.senior, target)) == before


def test_only_reserve_use_touches_the_reserve(ex):
    reserve = reserve_line(ex)
    with pytest.raises(TransferNotAllowed) as refused:
        request(ex, VIREMENT, reserve, line(ex, "D911", "201-01"), 1_000_000)
    assert refused.value.detail == {"rule": "LFA §43"}
    with pytest.raises(TransferNotAllowed):
        request(ex, REORGANISATION, ex.senior, reserve, 1_000_000)
    assert counts()[0] == 0


# --- 예비비 사용 --------------------------------------------------------------------------------------------------


def test_reserve_use_moves_the_reserve_into_a_line(ex):
    reserve = reserve_line(ex)
    transfer = request(ex, RESERVE, reserve, ex.pension, 2_000_000, reason="한파 대비 긴급 지원")
    assert figures(reserve) == [(0, -2_000_000, 3_000_000, 0)]
    assert ApprovalRequest.objects.get(pk=transfer.approval_id).required_position == Position.HEAD
    approve(ex, transfer)
    assert figures(reserve, ex.pension) == [(0, -2_000_000, 3_000_000, 0), (0, 2_000_000, 602_000_000, 0)]
    with pytest.raises(InsufficientAppropriation) as refused:
        request(ex, RESERVE, reserve, ex.pension, 3_000_001, key="t2")
    assert refused.value.detail == {"line": reserve.pk, "available": 3_000_000, "amount": 3_000_001}


@pytest.mark.parametrize("target", [("D112", "307-02"), ("D111", "203-01"), ("D111", "402-01")])
def test_reserve_may_fund_subsidies_or_business_promotion_only_in_an_urgent_disaster(ex, target):
    reserve, target_line = reserve_line(ex), line(ex, *target)
    before = (counts(), figures(reserve, target_line))
    with pytest.raises(TransferNotAllowed) as refused:
        request(ex, RESERVE, reserve, target_line, 1_000_000)
    assert refused.value.detail == {"rule": "LFA §43"}
    assert (counts(), figures(reserve, target_line)) == before

    transfer = request(ex, RESERVE, reserve, target_line, 1_000_000, urgent_disaster=True, reason="태풍 피해 복구")
    approval = ApprovalRequest.objects.get(pk=transfer.approval_id)
    # Stored in the default language (Korean) when the catalogue has it, as every title is.
    suffix = str(_("%(title)s (urgent disaster)") % {"title": ""}).strip()
    assert approval.title.endswith(suffix)
    assert AuditEvent.objects.get(action="execution.transfer.request").data["urgent_disaster"] is True


def test_reserve_use_draws_only_on_a_reserve_line(ex):
    with pytest.raises(TransferNotAllowed) as refused:
        request(ex, RESERVE, ex.senior, ex.pension, 1_000_000)
    assert refused.value.detail == {"rule": "LFA §43"}
    with pytest.raises(TransferNotAllowed):
        request(ex, RESERVE, reserve_line(ex), line(ex, "D911", "801-02"), 1_000_000)


# --- the reservation: two requests never promise the same money ---------------------------------------------------


def test_requests_take_only_unallocated_appropriation_and_never_the_same_money_twice(ex):
    appropriations.do_allocate(ex.senior, amount=300_000_000, actor=ex.s.officer)
    first = request(ex, VIREMENT, ex.senior, ex.pension, 50_000_000, key="a")
    before = (counts(), figures(ex.senior))

    with pytest.raises(InsufficientAppropriation) as refused:
        request(ex, VIREMENT, ex.senior, ex.pension, 50_000_000, key="b")

    assert refused.value.code == "insufficient_appropriation"
    assert refused.value.detail == {"line": ex.senior.pk, "available": 35_000_000, "amount": 50_000_000}
    assert (counts(), figures(ex.senior)) == before
    second = request(ex, VIREMENT, ex.senior, ex.pension, 35_000_000, key="c")
    assert figures(ex.senior) == [(-85_000_000, 0, 300_000_000, 300_000_000)]
    # Nothing is left to allocate either, while both requests wait for their decision.
    with pytest.raises(OverAppropriation):
        appropriations.do_allocate(ex.senior, amount=1, actor=ex.s.officer)
    approve(ex, first)
    approvals.do_reject(second.approval_id, actor=ex.s.mayor, reason="불요")
    assert figures(ex.senior, ex.pension) == [
        (-50_000_000, 0, 335_000_000, 300_000_000),
        (50_000_000, 0, 650_000_000, 0),
    ]
    assert chain_intact(ex)


def test_a_retried_request_returns_the_first_and_a_reused_key_is_refused(ex):
    first = request(ex, VIREMENT, ex.senior, ex.pension, 10_000_000)
    before = counts()
    again = request(ex, VIREMENT, ex.senior, ex.pension, 10_000_000)
    assert again.pk == first.pk
    assert counts() == before
    assert figures(ex.senior) == [(-10_000_000, 0, 375_000_000, 0)]
    with pytest.raises(Conflict) as reused:
        request(ex, VIREMENT, ex.senior, ex.pension, 20_000_000)
    assert (reused.value.code, reused.value.detail) == ("idempotency_key_reused", {})


# --- bad input ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": 0}, "amount"),
        ({"amount": -5}, "amount"),
        ({"kind": "borrow"}, "kind"),
        ({"key": ""}, "idempotency_key"),
        ({"reason": "x" * 301}, "reason"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(ex, change, field):
    args = {"kind": VIREMENT, "amount": 1_000_000, "key": "t1", "reason": "사유"}
    args.update(change)
    before = (counts(), figures(ex.senior))
    with pytest.raises(InvalidInput) as refused:
        request(ex, args["kind"], ex.senior, ex.pension, args["amount"], key=args["key"], reason=args["reason"])
    assert refused.value.detail["field"] == field
    assert (counts(), figures(ex.senior)) == before


def test_the_same_line_on_both_sides_is_refused(ex):
    with pytest.raises(InvalidInput):
        request(ex, VIREMENT, ex.senior, ex.senior, 1_000_000)


def test_only_the_budget_office_requests_and_outsiders_see_nothing(ex):
    with pytest.raises(PermissionDenied):
        transfers.do_request_transfer(
            VIREMENT,
            from_line=ex.senior,
            to_line=ex.pension,
            amount=1_000_000,
            reason="사유",
            line=[("approve", ex.s.mayor)],
            actor=ex.finance,
            idempotency_key="x",
        )
    outsider = testing.official(testing.government("2600000"), Role.BUDGET_OFFICER, username="busan-budget")
    with pytest.raises(NotFound):
        transfers.do_request_transfer(
            VIREMENT,
            from_line=ex.senior,
            to_line=ex.pension,
            amount=1_000_000,
            reason="사유",
            line=[("approve", ex.s.mayor)],
            actor=outsider,
            idempotency_key="x",
        )
    assert counts()[0] == 0


def test_a_line_of_another_government_looks_absent(ex):

    other = testing.government("2600000")
    account = Account.objects.create(government=other, code="100", name="일반회계", kind="general")
    project = Project.objects.create(
        government=other, year=YEAR, level="detail", code="D1", name="타 기관 사업", account=account, function_code=""
    )
    foreign = BudgetLine.objects.create(
        government=other,
        year=YEAR,
        account=account,
        project=project,
        object_code="307-02",
        budget_amount=9,
        appropriation=9,
    )
    with pytest.raises(NotFound):
        request(ex, REORGANISATION, ex.senior, foreign, 1)
    assert counts()[0] == 0


# --- the quarterly report to the council --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quarter", "due"),
    [(1, dt.date(YEAR, 4, 30)), (2, dt.date(YEAR, 7, 31)), (3, dt.date(YEAR, 10, 31)), (4, dt.date(YEAR + 1, 1, 31))],
)
def test_the_report_is_due_at_the_end_of_the_month_after_the_quarter(quarter, due):
    assert transfer_rules.report_due(YEAR, quarter) == due


def test_report_due_refuses_a_fifth_quarter():
    with pytest.raises(InvalidInput):
        transfer_rules.report_due(YEAR, 5)


def quarter_of_transfers(ex, travel):
    """Q2: a 전용 and a 예비비 사용 approved, an 이용 approved, a 전용 returned; a 전용 requested in Q2 and approved
    in Q3."""
    grant_transfer_authority("P100", "P900")
    travel(dt.date(YEAR, 5, 10))
    approve(ex, request(ex, VIREMENT, ex.senior, ex.pension, 10_000_000, key="v1", reason="수요 증가"))
    travel(dt.date(YEAR, 6, 20))
    approve(ex, request(ex, RESERVE, reserve_line(ex), ex.pension, 2_000_000, key="r1", reason="한파 긴급지원"))
    approve(ex, request(ex, BETWEEN, ex.senior, line(ex, "D911", "201-01"), 3_000_000, key="b1"))
    returned = request(ex, VIREMENT, ex.senior, ex.pension, 4_000_000, key="v2")
    approvals.do_reject(returned.approval_id, actor=ex.s.mayor, reason="재검토")
    travel(dt.date(YEAR, 6, 30))
    late = request(ex, VIREMENT, ex.pension, ex.senior, 1_500_000, key="v3", reason="집행 잔액 정리")
    travel(dt.date(YEAR, 7, 2))
    approve(ex, late)


def test_R_BP_9_the_quarterly_report_lists_approved_transfers_and_reserve_use_by_approval_date(ex, travel):
    quarter_of_transfers(ex, travel)
    names = {"senior": "경로당 운영 지원 / 민간경상사업보조", "pension": f"기초연금 지급 / {object_name('301-01')}"}

    q2 = transfer_queries.council_report(ex.s.gov, YEAR, 2)

    assert q2.due_on == dt.date(YEAR, 7, 31)
    assert [(r.date, r.kind, r.from_code, r.to_code, r.amount, r.reason) for r in q2.rows] == [
        (dt.date(YEAR, 5, 10), VIREMENT, "100-D112-307-02", "100-D111-301-01", 10_000_000, "수요 증가"),
        (dt.date(YEAR, 6, 20), RESERVE, "100-D911-801-01", "100-D111-301-01", 2_000_000, "한파 긴급지원"),
        (dt.date(YEAR, 6, 20), BETWEEN, "100-D112-307-02", "100-D911-201-01", 3_000_000, "사업 물량 증가"),
    ]
    assert (q2.rows[0].from_name, q2.rows[0].to_name) == (names["senior"], names["pension"])
    assert q2.total == 15_000_000
    q3 = transfer_queries.council_report(ex.s.gov, YEAR, 3)
    assert [(r.date, r.amount, r.from_code) for r in q3.rows] == [(dt.date(YEAR, 7, 2), 1_500_000, "100-D111-301-01")]
    assert transfer_queries.council_report(ex.s.gov, YEAR, 1).rows == []


def object_name(code):
    return line_queries.object_names(YEAR)[code]


def test_the_quarterly_report_downloads_as_xlsx(ex, travel):

    quarter_of_transfers(ex, travel)
    sheet = load_workbook(
        io.BytesIO(transfer_queries.report_xlsx(transfer_queries.council_report(ex.s.gov, YEAR, 2)))
    ).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == f"서울특별시 {YEAR}년 2분기 세출예산 전용·이용·이체 및 예비비 사용 보고"
    assert values[1][0] == f"보고기한: {YEAR}-07-31"
    assert values[3] == ("일자", "구분", "감액 과목", "과목명", "증액 과목", "과목명", "금액", "사유", "법적 근거")
    assert values[4][1:3] == ("전용", "100-D112-307-02")
    assert values[4][0].date() == dt.date(YEAR, 5, 10)
    assert values[4][6] == 10_000_000
    assert (values[5][1], values[6][1]) == ("예비비 사용", "이용")
    assert values[7] == ("합계", None, None, None, None, None, 15_000_000, None, None)


# --- the API ------------------------------------------------------------------------------------------------------


@pytest.fixture
def api_client(ex):
    def client(user):
        raw, _token = do_create_token(user, actor=user)
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return client


def post(client, body, key="k1"):
    return client.post("/api/v1/execution/transfers", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)


def body(ex, **change):
    return {
        "kind": "virement",
        "from_line_id": ex.senior.pk,
        "to_line_id": ex.pension.pk,
        "amount": 10_000_000,
        "reason": "수요 증가",
        "approval_line": [{"kind": "approve", "username": "mayor"}],
        **change,
    }


def test_api_requests_a_transfer_201_and_replays_it(ex, api_client):
    client = api_client(ex.s.officer)
    created = post(client, body(ex))
    assert created.status_code == 201, created.json()
    transfer = Transfer.objects.get()
    assert created.json() == {
        "id": transfer.pk,
        "kind": "virement",
        "year": YEAR,
        "from_line_id": ex.senior.pk,
        "from_code": "100-D112-307-02",
        "to_line_id": ex.pension.pk,
        "to_code": "100-D111-301-01",
        "amount": 10_000_000,
        "reason": "수요 증가",
        "legal_basis": "",
        "status": "in_approval",
        "requested_on": DAY.isoformat(),
        "decided_at": None,
        "approval_id": transfer.approval_id,
    }
    again = post(client, body(ex))
    assert (again.status_code, again.json()["id"]) == (201, transfer.pk)
    listed = client.get(f"/api/v1/execution/transfers?government=1100000&year={YEAR}").json()
    assert [t["id"] for t in listed] == [transfer.pk]


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"amount": 385_000_001}, 409, "insufficient_appropriation"),
        ({"to_line_id": "business-promotion"}, 409, "transfer_not_allowed"),
        ({"approval_line": [{"kind": "approve", "username": "nobody"}]}, 422, "invalid_input"),
        ({"approval_line": [{"kind": "approve", "username": "chief"}]}, 422, "invalid_approval_line"),
        ({"amount": 0}, 422, "invalid_input"),
        ({"kind": "borrow"}, 422, "invalid_input"),
        ({"from_line_id": 10**9}, 404, "not_found"),
    ],
)
def test_api_refusals_have_named_codes_and_write_nothing(ex, api_client, change, status, code):
    if change.get("to_line_id") == "business-promotion":
        change = {"to_line_id": line(ex, "D111", "203-01").pk}
    client = api_client(ex.s.officer)
    before = (counts(), figures(ex.senior))
    refused = post(client, body(ex, **change))
    assert (refused.status_code, refused.json()["code"]) == (status, code)
    assert refused.json()["message"]
    assert (counts(), figures(ex.senior)) == before


def test_api_refuses_roles_and_outsiders(ex, api_client):
    assert post(api_client(ex.finance), body(ex)).json()["code"] == "permission_denied"
    outsider = testing.official(testing.government("2600000"), Role.BUDGET_OFFICER, username="busan-budget")
    assert post(api_client(outsider), body(ex)).status_code == 404
    listed = api_client(outsider).get(f"/api/v1/execution/transfers?government=1100000&year={YEAR}")
    assert listed.status_code == 404
    assert counts()[0] == 0


def test_api_quarterly_report_as_json_and_xlsx(ex, api_client, travel):
    quarter_of_transfers(ex, travel)
    client = api_client(ex.s.officer)
    answer = client.get(f"/api/v1/execution/transfers/report?government=1100000&year={YEAR}&quarter=2")
    assert answer.status_code == 200
    report = answer.json()
    assert {k: report[k] for k in ("government", "year", "quarter", "due_on", "total")} == {
        "government": "1100000",
        "year": YEAR,
        "quarter": 2,
        "due_on": f"{YEAR}-07-31",
        "total": 15_000_000,
    }
    assert [(r["date"], r["kind"], r["amount"], r["legal_basis"]) for r in report["rows"]] == [
        (f"{YEAR}-05-10", "virement", 10_000_000, ""),
        (f"{YEAR}-06-20", "reserve", 2_000_000, ""),
        (f"{YEAR}-06-20", "between_programmes", 3_000_000, ""),
    ]
    bad = client.get(f"/api/v1/execution/transfers/report?government=1100000&year={YEAR}&quarter=5")
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_input")
    download = client.get(f"/api/v1/execution/transfers/report.xlsx?government=1100000&year={YEAR}&quarter=2")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert download.content[:2] == b"PK"
