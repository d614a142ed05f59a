"""Issue 12, budget: 예비비 (R-BP-3), the statutory calendar (R-BP-1), 명시이월비 in the budget (R-BP-10) and the
bill's attachments (R-BS-5), each test named after its rule id."""

import datetime as dt

import pytest
from django.test import Client

from lofin.budget.actions import adjustment, confirmation, requests
from lofin.budget.actions import council as budget_council
from lofin.budget.actions import revenue as budget_revenue
from lofin.budget.actions import setup as budget_setup
from lofin.budget.actions import supplementary as budget_supplementary
from lofin.budget.actions.requests import BasisIn
from lofin.budget.errors import BudgetRuleViolation, VersionLocked
from lofin.budget.models import Attachment, ExpenditureLine, Project, VersionStatus
from lofin.budget.queries import confirmation as confirmation_queries
from lofin.budget.rules import council as council_rules
from lofin.budget.testing import bill_package
from lofin.core.actions import do_create_token
from lofin.core.approvals import actions as approvals
from lofin.core.errors import InvalidInput
from lofin.core.models import ApprovalRequest, AuditEvent

from .conftest import YEAR, request_all
from .test_formulation import open_and_request

pytestmark = pytest.mark.django_db

BILL_LINE = "bill-r"


def names_law(error, article):
    """Whether the refusal names its article of 지방재정법, in the language it was raised in (Korean by default)."""
    message = str(error.message)
    return f"지방재정법 §{article}" in message or f"지방재정법 제{article}조" in message


def _submit(s, version):
    adjustment.do_close_requests(version, actor=s.officer)
    return adjustment.do_submit_bill(version, line=[("approve", s.mayor)], actor=s.officer, idempotency_key=BILL_LINE)


def walk_to_council(s, version, *, closed=False):
    """The bill through the head's approval to the council (requests closed already when `closed`)."""
    if not closed:
        adjustment.do_close_requests(version, actor=s.officer)
    adjustment.do_submit_bill(
        version, line=[("review", s.chief), ("approve", s.mayor)], actor=s.officer, idempotency_key="bill-1"
    )
    version.refresh_from_db()
    approvals.do_approve(version.bill_approval_id, actor=s.chief)
    approvals.do_approve(version.bill_approval_id, actor=s.mayor)
    version.refresh_from_db()
    return version


def _disaster_reserve(s, version, amount, *, local_taxes=570_000_000):
    """A 재해·재난목적예비비 line (801-02) beside the 일반예비비, with 지방세 raised to balance the account."""
    requests.do_save_request_line(
        version,
        project=s.reserve,
        object_code="801-02",
        actor=s.officer,
        basis=[BasisIn("재해·재난목적예비비", 0, amount=amount)],
    )
    budget_revenue.do_save_revenue_request(
        version, account=s.general, revenue_code="111", amount=local_taxes, actor=s.officer
    )


# --- R-BP-3 예비비 ------------------------------------------------------------------------------------------------


def test_R_BP_3_disaster_reserve_is_outside_the_one_percent_cap(setup):
    """5,000,000 won of 일반예비비 is within 1 % of 1,010,000,000; the 20,000,000 won disaster reserve beside it is not
    counted (지방재정법 §43②)."""
    s = setup
    version = open_and_request(s)
    _disaster_reserve(s, version, 20_000_000, local_taxes=590_000_000)
    version = _submit(s, version)
    assert version.status == VersionStatus.SUBMITTING


def test_R_BP_3_general_reserve_alone_is_held_to_one_percent(setup):
    s = setup
    version = open_and_request(s)
    # 10,200,000 won of 일반예비비 in 1,015,200,000 won: over 1 % on its own.
    _disaster_reserve(s, version, 20_000_000, local_taxes=595_200_000)
    requests.do_save_request_line(
        version,
        project=s.reserve,
        object_code="801-01",
        actor=s.officer,
        basis=[BasisIn("일반예비비", 0, amount=10_200_000)],
    )
    with pytest.raises(BudgetRuleViolation) as err:
        _submit(s, version)
    assert err.value.detail["rule"] == "R-BP-3"
    assert "10,200,000" in str(err.value.message)


def test_R_BP_3_a_budget_with_only_the_disaster_reserve_is_refused(setup):
    s = setup
    version = open_and_request(s)
    _disaster_reserve(s, version, 5_000_000)
    general = ExpenditureLine.objects.get(version=version, project=s.reserve, object_code="801-01")
    requests.do_delete_request_line(general.pk, actor=s.officer)
    adjustment.do_close_requests(version, actor=s.officer)
    events = AuditEvent.objects.count()
    with pytest.raises(BudgetRuleViolation) as err:
        adjustment.do_submit_bill(version, line=[("approve", s.mayor)], actor=s.officer, idempotency_key=BILL_LINE)
    assert err.value.detail["rule"] == "R-BP-3"
    assert names_law(err.value, "43")
    version.refresh_from_db()
    assert version.status == VersionStatus.ADJUSTING and version.bill_approval_id is None
    assert AuditEvent.objects.count() == events


# --- R-BP-1 the statutory calendar ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "year", "bill_due", "vote_due"),
    [
        ("광역", 2027, dt.date(2026, 11, 11), dt.date(2026, 12, 16)),
        ("기초", 2027, dt.date(2026, 11, 21), dt.date(2026, 12, 21)),
        # A leap year in between changes nothing: the days are counted back from 1 January.
        ("광역", 2029, dt.date(2028, 11, 11), dt.date(2028, 12, 16)),
        ("기초", 2025, dt.date(2024, 11, 21), dt.date(2024, 12, 21)),
    ],
)
def test_R_BP_1_bill_and_vote_due_dates_of_article_142(level, year, bill_due, vote_due):
    due = council_rules.deadlines(level, year)
    assert (due.bill_due, due.vote_due) == (bill_due, vote_due)


@pytest.mark.parametrize(("level", "days"), [("광역", (50, 15)), ("기초", (40, 10))])
def test_R_BP_1_the_due_day_is_the_last_day_before_the_nth_day_counted_back(level, days):
    """민법 §157: 1 January is not counted; the 50th (40th …) day back is the day the period ends, so the bill is due
    the day before it."""
    start = dt.date(2027, 1, 1)
    due = council_rules.deadlines(level, 2027)
    assert (start - due.bill_due).days - 1 == days[0]
    assert (start - due.vote_due).days - 1 == days[1]


# --- R-BP-10 명시이월비 in the budget -----------------------------------------------------------------------------


def test_R_BP_10_explicit_carry_is_set_in_the_bill_amended_by_the_council_and_confirmed(setup):
    s = setup
    version = open_and_request(s)
    adjustment.do_close_requests(version, actor=s.officer)
    senior = ExpenditureLine.objects.get(version=version, project=s.senior)
    adjustment.do_set_explicit_carry(senior.pk, amount=100_000_000, reason="", actor=s.officer)
    version = walk_to_council(s, version, closed=True)
    with pytest.raises(InvalidInput):
        adjustment.do_set_explicit_carry(senior.pk, amount=60_000_000, reason=" ", actor=s.officer)
    adjustment.do_set_explicit_carry(senior.pk, amount=60_000_000, reason="공정 재검토", actor=s.officer)
    budget_council.do_record_vote(version, voted_on=dt.date.today() + dt.timedelta(days=1), actor=s.officer)
    version = confirmation.do_confirm(version, actor=s.officer)
    assert ExpenditureLine.objects.get(pk=senior.pk).explicit_carry_amount == 60_000_000
    assert confirmation_queries.explicit_carry_approved(s.gov, YEAR, s.senior.pk, "307-02") == 60_000_000
    assert confirmation_queries.explicit_carry_approved(s.gov, YEAR, s.pension.pk, "301-01") == 0
    assert list(
        AuditEvent.objects.filter(action="budget.line.explicit_carry").order_by("seq").values_list("data", flat=True)
    ) == [
        {"before": 0, "after": 100_000_000, "stage": "adjusting", "reason": ""},
        {"before": 100_000_000, "after": 60_000_000, "stage": "submitted", "reason": "공정 재검토"},
    ]
    with pytest.raises(VersionLocked):
        adjustment.do_set_explicit_carry(senior.pk, amount=1, reason="x", actor=s.officer)
    # A supplementary budget starts from the confirmed 명시이월비 and may amend it.
    supp = budget_supplementary.do_open_supplementary(s.gov, year=YEAR, actor=s.officer)
    assert ExpenditureLine.objects.get(version=supp, project=s.senior).explicit_carry_amount == 60_000_000


def test_R_BP_10_explicit_carry_cannot_exceed_the_line_and_a_refusal_writes_nothing(setup):
    s = setup
    version = open_and_request(s)
    adjustment.do_close_requests(version, actor=s.officer)
    senior = ExpenditureLine.objects.get(version=version, project=s.senior)
    events = AuditEvent.objects.count()
    with pytest.raises(BudgetRuleViolation) as err:
        adjustment.do_set_explicit_carry(senior.pk, amount=385_000_001, reason="", actor=s.officer)
    assert err.value.detail["rule"] == "R-BP-10" and names_law(err.value, "50")
    assert AuditEvent.objects.count() == events
    assert ExpenditureLine.objects.get(pk=senior.pk).explicit_carry_amount == 0
    adjustment.do_set_explicit_carry(senior.pk, amount=385_000_000, reason="", actor=s.officer)
    with pytest.raises(BudgetRuleViolation) as err:
        adjustment.do_adjust_line(senior.pk, amount=300_000_000, reason="감액", actor=s.officer)
    assert err.value.detail["rule"] == "R-BP-10"
    assert ExpenditureLine.objects.get(pk=senior.pk).amount == 385_000_000


# --- R-BS-5 the bill's attachments -------------------------------------------------------------------------------


def test_R_BS_5_a_bill_without_its_attachments_is_refused_and_writes_nothing(setup):
    s = setup
    version = budget_setup.do_open_original(s.gov, year=YEAR, actor=s.officer)
    request_all(s, version, package=False)
    adjustment.do_close_requests(version, actor=s.officer)
    counts = AuditEvent.objects.count(), ApprovalRequest.objects.count()
    with pytest.raises(BudgetRuleViolation) as err:
        adjustment.do_submit_bill(version, line=[("approve", s.mayor)], actor=s.officer, idempotency_key=BILL_LINE)
    assert err.value.detail == {"rule": "R-BS-5", "missing": ["mid_term_plan", "resident_opinion"]}
    assert names_law(err.value, "33") and names_law(err.value, "39")
    assert (AuditEvent.objects.count(), ApprovalRequest.objects.count()) == counts
    version.refresh_from_db()
    assert version.status == VersionStatus.ADJUSTING


def test_R_BS_5_the_bill_with_its_plan_and_residents_opinion_goes_up(setup):
    s = setup
    version = budget_setup.do_open_original(s.gov, year=YEAR, actor=s.officer)
    request_all(s, version, package=False)
    bill_package(s, version)
    version = _submit(s, version)
    assert version.status == VersionStatus.SUBMITTING
    assert (version.mid_term_plan_first_year, version.mid_term_plan_last_year) == (YEAR, YEAR + 4)
    opinion = Attachment.objects.get(version=version)
    assert (opinion.kind, opinion.name) == ("resident_opinion", "주민참여예산 주민의견서")


def test_R_BS_5_the_mid_term_plan_covers_five_years_from_the_budget_year(setup):
    s = setup
    version = budget_setup.do_open_original(s.gov, year=YEAR, actor=s.officer)
    events = AuditEvent.objects.count()
    for first, last in ((YEAR, YEAR + 3), (YEAR - 1, YEAR + 4)):
        with pytest.raises(InvalidInput) as err:
            adjustment.do_record_mid_term_plan(
                version, title="중기계획", first_year=first, last_year=last, actor=s.officer
            )
        assert err.value.detail["rule"] == "R-BS-5"
    assert AuditEvent.objects.count() == events
    adjustment.do_record_mid_term_plan(version, title="중기계획", first_year=YEAR, last_year=YEAR + 5, actor=s.officer)


def test_R_BS_5_the_gender_budget_statement_is_generated_from_the_flagged_projects(setup):
    s = setup
    version = open_and_request(s)
    assert confirmation_queries.gender_projects(version) == [
        confirmation_queries.GenderProject(
            "D112", "경로당 운영 지원", "복지정책과", 385_000_000, "여성 노인의 경로당 이용률 제고"
        )
    ]
    Project.objects.filter(pk=s.senior.pk).update(gender_goal="")
    adjustment.do_close_requests(version, actor=s.officer)
    with pytest.raises(BudgetRuleViolation) as err:
        adjustment.do_submit_bill(version, line=[("approve", s.mayor)], actor=s.officer, idempotency_key=BILL_LINE)
    assert err.value.detail == {"rule": "R-BS-5", "projects": ["경로당 운영 지원"]}
    Project.objects.filter(pk=s.senior.pk).update(gender_sensitive=False)
    with pytest.raises(BudgetRuleViolation) as err:
        adjustment.do_submit_bill(version, line=[("approve", s.mayor)], actor=s.officer, idempotency_key=BILL_LINE)
    assert err.value.detail == {"rule": "R-BS-5", "missing": ["gender_budget"]}


def test_R_BS_5_the_gender_budget_statement_is_a_page_of_the_budget_book(setup):
    s = setup
    version = open_and_request(s)
    client = Client()
    client.force_login(s.officer)
    page = client.get(f"/g/{s.gov.code}/budget/{YEAR}/book/gender/?version={version.number}", HTTP_ACCEPT_LANGUAGE="ko")
    assert page.status_code == 200
    text = page.content.decode()
    assert "성인지 예산서" in text and "경로당 운영 지원" in text and "여성 노인의 경로당 이용률 제고" in text
    assert "385,000" in text


def test_R_BS_5_and_R_BP_10_through_the_api(setup):
    s = setup
    version = budget_setup.do_open_original(s.gov, year=YEAR, actor=s.officer)
    request_all(s, version, package=False)
    raw, _token = do_create_token(s.officer, actor=s.officer)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    short = api.post(
        f"/api/v1/budget/versions/{version.pk}/mid-term-plan",
        {"title": "중기지방재정계획", "first_year": YEAR, "last_year": YEAR + 3},
        content_type="application/json",
    )
    assert short.status_code == 422 and short.json()["detail"]["rule"] == "R-BS-5"
    plan = api.post(
        f"/api/v1/budget/versions/{version.pk}/mid-term-plan",
        {"title": "중기지방재정계획", "first_year": YEAR, "last_year": YEAR + 4},
        content_type="application/json",
    )
    assert plan.status_code == 200 and plan.json()["mid_term_plan_last_year"] == YEAR + 4
    adjustment.do_close_requests(version, actor=s.officer)
    senior = ExpenditureLine.objects.get(version=version, project=s.senior)
    carried = api.post(
        f"/api/v1/budget/lines/{senior.pk}/explicit-carry", {"amount": 50_000_000}, content_type="application/json"
    )
    assert carried.status_code == 200 and carried.json()["explicit_carry_amount"] == 50_000_000
    over = api.post(
        f"/api/v1/budget/lines/{senior.pk}/explicit-carry", {"amount": 385_000_001}, content_type="application/json"
    )
    assert over.status_code == 409 and over.json()["detail"]["rule"] == "R-BP-10"
    bill = api.post(
        f"/api/v1/budget/versions/{version.pk}/submit-bill",
        {"line": [{"kind": "approve", "username": "mayor"}]},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="bill-api",
    )
    assert bill.status_code == 409 and bill.json()["detail"] == {"rule": "R-BS-5", "missing": ["resident_opinion"]}


def test_R_BP_10_the_explicit_carry_is_set_on_the_adjustment_screen(setup):
    s = setup
    version = open_and_request(s)
    adjustment.do_close_requests(version, actor=s.officer)
    senior = ExpenditureLine.objects.get(version=version, project=s.senior)
    client = Client()
    client.force_login(s.officer)
    url = f"/g/{s.gov.code}/budget/lines/{senior.pk}/explicit-carry/"
    row = client.post(url, {"amount": "100000000"}, HTTP_HX_REQUEST="true")
    assert row.status_code == 200 and f'id="adjc-{senior.pk}-carry"' in row.content.decode()
    assert ExpenditureLine.objects.get(pk=senior.pk).explicit_carry_amount == 100_000_000
    refused = client.post(url, {"amount": "385000001"}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 200 and 'role="alert"' in refused.content.decode()
    assert ExpenditureLine.objects.get(pk=senior.pk).explicit_carry_amount == 100_000_000
