"""The budget from department request to council vote: 본예산 and 추경, every step audited, bad input refused."""

import datetime as dt

import pytest

from lofin.budget.actions import adjustment, confirmation, requests
from lofin.budget.actions import council as budget_council
from lofin.budget.actions import revenue as budget_revenue
from lofin.budget.actions import setup as budget_setup
from lofin.budget.actions import supplementary as budget_supplementary
from lofin.budget.actions.requests import BasisIn
from lofin.budget.errors import BudgetRuleViolation, UnknownCode, VersionLocked, WrongStage
from lofin.budget.models import BudgetVersion, CalcBasis, ExpenditureLine, Project, SubmissionStatus, VersionStatus
from lofin.budget.queries import confirmation as confirmation_queries
from lofin.budget.queries import supplementary as supplementary_queries
from lofin.budget.queries import versions as versions_queries
from lofin.core import testing
from lofin.core.approvals import actions as approvals
from lofin.core.errors import InvalidInput, NotFound, PermissionDenied
from lofin.core.models import AuditEvent
from lofin.core.roles import Position, Role

from .conftest import YEAR, request_all

pytestmark = pytest.mark.django_db


def open_and_request(s):
    version = budget_setup.do_open_original(s.gov, year=YEAR, actor=s.officer)
    request_all(s, version)
    return version


def walk_to_council(s, version):
    adjustment.do_close_requests(version, actor=s.officer)
    adjustment.do_submit_bill(
        version, line=[("review", s.chief), ("approve", s.mayor)], actor=s.officer, idempotency_key="bill-1"
    )
    version.refresh_from_db()
    approvals.do_approve(version.bill_approval_id, actor=s.chief)
    approvals.do_approve(version.bill_approval_id, actor=s.mayor)
    version.refresh_from_db()
    return version


def walk_to_confirmed(s):
    version = walk_to_council(s, open_and_request(s))
    budget_council.do_record_vote(version, voted_on=dt.date.today() + dt.timedelta(days=1), actor=s.officer)
    return confirmation.do_confirm(version, actor=s.officer)


def test_a_department_request_adds_up_its_calculation_basis(setup):
    version = open_and_request(setup)
    line = ExpenditureLine.objects.get(version=version, project=setup.senior)
    assert (line.requested_amount, line.amount) == (385_000_000, 385_000_000)
    assert list(CalcBasis.objects.filter(line=line).values_list("description", "amount")) == [
        ("경로당 운영비 350,000원 × 100개소 × 11월", 385_000_000)
    ]
    assert AuditEvent.objects.filter(action="budget.line.request").count() == 3


def test_requesting_again_replaces_the_line_and_its_basis(setup):
    version = open_and_request(setup)
    requests.do_save_request_line(
        version,
        project=setup.senior,
        object_code="307-02",
        actor=setup.welfare_staff,
        basis=[BasisIn("축소", 1_000, 10, 1)],
    )
    line = ExpenditureLine.objects.get(version=version, project=setup.senior)
    assert line.amount == 10_000 and line.basis.count() == 1


def test_the_whole_way_from_request_to_confirmation(setup):
    s = setup
    version = open_and_request(s)
    submission = requests.do_submit_department(
        version,
        department=s.welfare,
        line=[("approve", s.welfare_chief)],
        actor=s.welfare_staff,
        idempotency_key="dept-1",
    )
    assert submission.status == SubmissionStatus.IN_APPROVAL
    approvals.do_approve(submission.approval_id, actor=s.welfare_chief)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED

    adjustment.do_close_requests(version, actor=s.officer)
    senior = ExpenditureLine.objects.get(version=version, project=s.senior)
    adjustment.do_adjust_line(senior.pk, amount=350_000_000, reason="단가 조정", actor=s.officer)
    revenue = version.revenue_lines.get(revenue_code="111")
    budget_revenue.do_adjust_revenue(revenue.pk, amount=535_000_000, reason="세입 조정", actor=s.officer)

    adjustment.do_submit_bill(
        version, line=[("review", s.chief), ("approve", s.mayor)], actor=s.officer, idempotency_key="bill-1"
    )
    version.refresh_from_db()
    assert version.status == VersionStatus.SUBMITTING
    approvals.do_approve(version.bill_approval_id, actor=s.chief)
    approvals.do_approve(version.bill_approval_id, actor=s.mayor)
    version.refresh_from_db()
    assert version.status == VersionStatus.SUBMITTED and version.submitted_at is not None

    senior.refresh_from_db()
    budget_council.do_amend_line(senior.pk, amount=340_000_000, reason="의회 감액", head_consent=False, actor=s.officer)
    revenue.refresh_from_db()
    budget_revenue.do_amend_revenue(revenue.pk, amount=525_000_000, reason="감액에 따른 세입 조정", actor=s.officer)
    budget_council.do_record_vote(version, voted_on=dt.date.today() + dt.timedelta(days=1), actor=s.officer)
    version = confirmation.do_confirm(version, actor=s.officer)

    assert version.status == VersionStatus.CONFIRMED
    assert version.total_amount == 600_000_000 + 340_000_000 + 5_000_000
    line = ExpenditureLine.objects.get(version=version, project=s.senior)
    assert (line.requested_amount, line.proposed_amount, line.amount) == (385_000_000, 350_000_000, 340_000_000)
    assert (line.adjust_reason, line.amend_reason) == ("단가 조정", "의회 감액")
    assert versions_queries.latest_confirmed(s.gov, YEAR) == version
    steps = list(
        AuditEvent.objects.filter(object_type="budget.budgetversion", object_id=str(version.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert steps == [
        "budget.version.open",
        "budget.version.mid_term_plan",
        "budget.version.close_requests",
        "budget.version.submit_bill",
        "budget.version.submitted",
        "budget.version.vote",
        "budget.version.confirm",
        "execution.appropriation.sync",
    ]


def test_a_confirmed_budget_cannot_be_changed(setup):
    version = walk_to_confirmed(setup)
    line = version.expenditure_lines.first()
    for act in (
        lambda: adjustment.do_adjust_line(line.pk, amount=1, reason="x", actor=setup.officer),
        lambda: budget_council.do_amend_line(line.pk, amount=1, reason="x", head_consent=True, actor=setup.officer),
        lambda: requests.do_save_request_line(
            version, project=setup.senior, object_code="307-02", actor=setup.officer, basis=[BasisIn("x", 1)]
        ),
    ):
        with pytest.raises(VersionLocked):
            act()
    line.refresh_from_db()
    assert line.amount == 600_000_000


def test_a_supplementary_budget_starts_from_the_confirmed_one_and_shows_its_changes(setup):
    s = setup
    base = walk_to_confirmed(s)
    supp = budget_supplementary.do_open_supplementary(s.gov, year=YEAR, actor=s.officer)
    assert (supp.number, supp.kind, supp.based_on_id) == (1, "supplementary", base.pk)
    copied = ExpenditureLine.objects.get(version=supp, project=s.senior)
    assert (copied.previous_amount, copied.amount) == (385_000_000, 385_000_000)
    assert copied.basis.count() == 1
    requests.do_save_request_line(
        supp,
        project=s.senior,
        object_code="307-02",
        actor=s.welfare_staff,
        basis=[BasisIn("경로당 운영비 증액", 400_000, 100, 11)],
    )
    diff = supplementary_queries.version_diff(supp)
    assert diff["lines"] == [
        {"key": "100-D112-307-02", "before": 385_000_000, "after": 440_000_000, "change": 55_000_000}
    ]
    assert diff["totals"]["general"] == {"before": 990_000_000, "after": 1_045_000_000, "change": 55_000_000}
    with pytest.raises(WrongStage):
        budget_supplementary.do_open_supplementary(s.gov, year=YEAR, actor=s.officer)
    assert BudgetVersion.objects.get(pk=base.pk).status == VersionStatus.CONFIRMED


def test_the_bill_needs_a_reserve_within_one_percent(setup):
    s = setup
    version = open_and_request(s)
    reserve = ExpenditureLine.objects.get(version=version, project=s.reserve)
    requests.do_save_request_line(
        version,
        project=s.reserve,
        object_code="801-01",
        actor=s.officer,
        basis=[BasisIn("일반예비비", 0, amount=50_000_000)],
    )
    adjustment.do_close_requests(version, actor=s.officer)
    with pytest.raises(BudgetRuleViolation) as err:
        adjustment.do_submit_bill(version, line=[("approve", s.mayor)], actor=s.officer, idempotency_key="b")
    assert err.value.detail["rule"] == "R-BP-3"
    version.refresh_from_db()
    assert version.status == VersionStatus.ADJUSTING and reserve.pk


def test_an_unbalanced_bill_is_refused(setup):
    s = setup
    version = open_and_request(s)
    budget_revenue.do_save_revenue_request(version, account=s.general, revenue_code="111", amount=1, actor=s.officer)
    adjustment.do_close_requests(version, actor=s.officer)
    with pytest.raises(BudgetRuleViolation) as err:
        adjustment.do_submit_bill(version, line=[("approve", s.mayor)], actor=s.officer, idempotency_key="b")
    assert err.value.detail["rule"] == "balance"


def test_missing_matching_funds_block_the_bill(setup):
    s = setup
    version = open_and_request(s)
    requests.do_save_request_line(
        version,
        project=s.pension,
        object_code="301-01",
        actor=s.welfare_staff,
        state_amount=500_000_000,
        basis=[BasisIn("기초연금", 300_000, 2_000, 1)],
    )
    adjustment.do_close_requests(version, actor=s.officer)
    with pytest.raises(BudgetRuleViolation) as err:
        adjustment.do_submit_bill(version, line=[("approve", s.mayor)], actor=s.officer, idempotency_key="b")
    assert err.value.detail["rule"] == "matching"


def test_matching_is_checked_per_project_even_when_two_share_a_name_and_rate(setup):
    s = setup
    unit = s.pension.parent
    twins = [
        budget_setup.do_create_project(
            s.gov,
            year=YEAR,
            level="detail",
            code=code,
            name="노인 돌봄 국고사업",
            account=s.general,
            parent=unit,
            department=s.welfare,
            state_share_bp=7000,
            actor=s.officer,
        )
        for code in ("D113", "D114")
    ]
    version = budget_setup.do_open_original(s.gov, year=YEAR, actor=s.officer)
    # The first has far more local money than it needs, the second far too little: pooled by name (190,000,000 of
    # State money against 910,000,000 local) the shortfall of the second would not show.
    for project, price, state in ((twins[0], 1_000_000, 100_000_000), (twins[1], 100_000, 90_000_000)):
        requests.do_save_request_line(
            version,
            project=project,
            object_code="307-02",
            actor=s.welfare_staff,
            state_amount=state,
            basis=[BasisIn("돌봄 보조", price, 1_000, 1)],
        )
    # 90,000,000 at a 70 % State share needs 90,000,000 × 30 / 70 = 38,571,428.6, rounded up, of local funds.
    assert confirmation_queries.matching_shortfalls(version) == [
        ("노인 돌봄 국고사업", 90_000_000, 10_000_000, 38_571_429)
    ]


def test_a_project_that_failed_investment_review_cannot_be_budgeted(setup):
    s = setup
    budget_setup.do_record_investment_review(s.senior, outcome="reconsider", actor=s.officer)
    version = budget_setup.do_open_original(s.gov, year=YEAR, actor=s.officer)
    with pytest.raises(BudgetRuleViolation):
        requests.do_save_request_line(
            version, project=s.senior, object_code="307-02", actor=s.welfare_staff, basis=[BasisIn("x", 1_000)]
        )
    assert not ExpenditureLine.objects.filter(version=version).exists()


def test_the_council_cannot_raise_a_programme_without_the_heads_consent(setup):
    s = setup
    version = walk_to_council(s, open_and_request(s))
    senior = ExpenditureLine.objects.get(version=version, project=s.senior)
    with pytest.raises(BudgetRuleViolation):
        budget_council.do_amend_line(senior.pk, amount=400_000_000, reason="증액", head_consent=False, actor=s.officer)
    senior.refresh_from_db()
    assert senior.amount == 385_000_000
    budget_council.do_amend_line(senior.pk, amount=400_000_000, reason="증액(동의)", head_consent=True, actor=s.officer)
    with pytest.raises(BudgetRuleViolation):
        budget_council.do_council_add_line(
            version,
            project=s.senior,
            object_code="201-01",
            amount=1_000,
            reason="신설",
            head_consent=False,
            actor=s.officer,
        )


def test_only_the_responsible_department_or_the_budget_office_requests(setup):
    s = setup
    version = budget_setup.do_open_original(s.gov, year=YEAR, actor=s.officer)
    other = testing.official(s.gov, Role.OFFICIAL, username="other", dept=s.budget_office)
    with pytest.raises(PermissionDenied):
        requests.do_save_request_line(
            version, project=s.senior, object_code="307-02", actor=other, basis=[BasisIn("x", 1_000)]
        )


def test_a_department_of_another_government_gets_not_found_and_writes_nothing(setup):
    s = setup
    version = budget_setup.do_open_original(s.gov, year=YEAR, actor=s.officer)
    busan = testing.government("2600000")
    outsider = testing.official(busan, Role.BUDGET_OFFICER, username="busan", position=Position.STAFF)
    before = AuditEvent.objects.count()
    with pytest.raises(NotFound):
        requests.do_save_request_line(
            version, project=s.senior, object_code="307-02", actor=outsider, basis=[BasisIn("x", 1_000)]
        )
    foreign_dept = testing.department(busan, "9000", "부산 부서")
    with pytest.raises(NotFound):
        requests.do_submit_department(version, department=foreign_dept, line=[], actor=s.officer, idempotency_key="x")
    assert AuditEvent.objects.count() == before + 1  # the department created above, nothing else


@pytest.mark.parametrize(
    ("object_code", "basis", "error"),
    [
        ("999-99", [BasisIn("x", 1_000)], UnknownCode),
        ("307-02", [BasisIn("x", -5, 1, 1)], InvalidInput),
        ("307-02", [], InvalidInput),
        ("307-02", [BasisIn("", 1_000)], InvalidInput),
        ("307-02", [BasisIn("x", 1_000, 3, 1, amount=2_000)], InvalidInput),
        ("307-02", [BasisIn("x", 10**16, 1_000, 1)], InvalidInput),
    ],
)
def test_bad_request_lines_are_refused_and_nothing_is_written(setup, object_code, basis, error):
    version = budget_setup.do_open_original(setup.gov, year=YEAR, actor=setup.officer)
    with pytest.raises(error):
        requests.do_save_request_line(
            version, project=setup.senior, object_code=object_code, actor=setup.welfare_staff, basis=basis
        )
    assert not ExpenditureLine.objects.filter(version=version).exists()
    assert not CalcBasis.objects.exists()


def test_an_adjustment_needs_a_reason(setup):
    version = open_and_request(setup)
    adjustment.do_close_requests(version, actor=setup.officer)
    line = ExpenditureLine.objects.get(version=version, project=setup.senior)
    with pytest.raises(InvalidInput):
        adjustment.do_adjust_line(line.pk, amount=1, reason=" ", actor=setup.officer)
    line.refresh_from_db()
    assert line.amount == 385_000_000


def test_the_summary_of_the_cli_and_the_api(setup):
    version = walk_to_confirmed(setup)
    data = versions_queries.summary(version)
    assert data["totals"] == {
        "general": 990_000_000,
        "enterprise_special": 0,
        "other_special": 0,
        "funds": 0,
        "total": 990_000_000,
    }
    assert data["by_field"]["080"]["amount"] == 985_000_000
    assert data["by_field"]["160"]["amount"] == 5_000_000
    assert {line["code"] for line in data["lines"]} == {"100-D111-301-01", "100-D112-307-02", "100-D911-801-01"}


def test_projects_are_carried_into_the_next_year(setup):
    created = budget_setup.do_copy_projects(setup.gov, from_year=YEAR, to_year=YEAR + 1, actor=setup.officer)
    assert created == 7

    copied = Project.objects.get(government=setup.gov, year=YEAR + 1, code="D112")
    assert (copied.parent.code, copied.parent.parent.code, copied.function_code) == ("U110", "P100", "085")
    assert budget_setup.do_copy_projects(setup.gov, from_year=YEAR, to_year=YEAR + 1, actor=setup.officer) == 0


def test_continuing_expenditure_is_limited_to_five_years(setup):
    version = budget_setup.do_open_original(setup.gov, year=YEAR, actor=setup.officer)
    item = budget_setup.do_register_continuing(
        version,
        project_code="D112",
        name="복지관 건립",
        total_amount=9_000_000_000,
        first_year=YEAR,
        last_year=YEAR + 4,
        extended_by_council=False,
        actor=setup.officer,
    )
    assert item.total_amount == 9_000_000_000
    with pytest.raises(BudgetRuleViolation):
        budget_setup.do_register_continuing(
            version,
            project_code="D112",
            name="장기 사업",
            total_amount=1,
            first_year=YEAR,
            last_year=YEAR + 5,
            extended_by_council=False,
            actor=setup.officer,
        )
