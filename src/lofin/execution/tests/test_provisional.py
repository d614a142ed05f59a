"""준예산 (R-BP-11, 지방자치법 §146): without a confirmed budget on 1 January, only the lines the law lists run, at last
year's level, until the budget is confirmed; what was spent meanwhile counts against the confirmed lines."""

import datetime as dt

import pytest
from django.test import Client

from lofin.budget.actions import adjustment, confirmation, council, requests
from lofin.budget.actions import revenue as budget_revenue
from lofin.budget.actions import setup as budget_setup
from lofin.budget.actions.requests import BasisIn
from lofin.budget.models import Project
from lofin.budget.testing import bill_package
from lofin.core.actions import do_create_token
from lofin.core.approvals import actions as approvals
from lofin.core.errors import Conflict
from lofin.core.models import AuditEvent
from lofin.execution.actions import appropriations, commitments
from lofin.execution.errors import OverAppropriation
from lofin.execution.models import BudgetLine
from lofin.execution.testing import YEAR

pytestmark = pytest.mark.django_db

NEXT = YEAR + 1
JAN_2 = dt.date(NEXT, 1, 2)


@pytest.fixture
def late(ex, travel):
    """2026's budget is confirmed; 기초연금 is spending the law makes mandatory (법정의무경비), 경로당 운영 지원 is
    not flagged; the council has not voted 2027's budget by 1 January."""
    budget_setup.do_set_provisional_basis(ex.s.pension, basis="mandatory", actor=ex.s.officer)
    travel(JAN_2)
    return ex


def next_lines(ex):
    return dict(BudgetLine.objects.filter(government=ex.s.gov, year=NEXT).values_list("project__code", "budget_amount"))


def test_R_BP_11_provisional_budget_runs_only_the_listed_lines_at_last_years_level(late):
    count = appropriations.do_start_provisional(late.s.gov, NEXT, actor=late.s.officer)
    assert count == 1
    assert next_lines(late) == {"D111": 600_000_000}
    line = BudgetLine.objects.get(government=late.s.gov, year=NEXT, project__code="D111")
    assert (line.appropriation, line.allocated, line.object_code) == (600_000_000, 0, "301-01")
    event = AuditEvent.objects.get(action="execution.provisional.start")
    assert event.data == {"year": NEXT, "from_version": late.version.pk, "lines": 1, "total": 600_000_000}


def test_R_BP_11_provisional_budget_only_from_1_january_and_once(late, travel):
    travel(dt.date(YEAR, 12, 31))
    events = AuditEvent.objects.count()
    with pytest.raises(Conflict) as err:
        appropriations.do_start_provisional(late.s.gov, NEXT, actor=late.s.officer)
    assert err.value.detail["rule"] == "R-BP-11"
    assert (AuditEvent.objects.count(), next_lines(late)) == (events, {})
    travel(JAN_2)
    appropriations.do_start_provisional(late.s.gov, NEXT, actor=late.s.officer)
    with pytest.raises(Conflict) as err:
        appropriations.do_start_provisional(late.s.gov, NEXT, actor=late.s.officer)
    assert err.value.detail["rule"] == "R-BP-11"


def test_R_BP_11_no_provisional_budget_once_the_budget_is_confirmed(late):
    with pytest.raises(Conflict) as err:
        appropriations.do_start_provisional(late.s.gov, YEAR, actor=late.s.officer)
    assert err.value.detail["rule"] == "R-BP-11"


def test_R_BP_11_execution_starts_only_from_a_confirmed_or_provisional_budget(late):
    """Without a 준예산 nothing of 2027 can be allocated; with it, only the listed line, within last year's level."""
    assert not BudgetLine.objects.filter(government=late.s.gov, year=NEXT).exists()
    appropriations.do_start_provisional(late.s.gov, NEXT, actor=late.s.officer)
    line = BudgetLine.objects.get(government=late.s.gov, year=NEXT, project__code="D111")
    with pytest.raises(OverAppropriation):
        appropriations.do_allocate(line, amount=600_000_001, actor=late.s.officer)


def _confirm_next_year(s, pension_amount):
    """The council votes 2027's budget in January; the budget office confirms it."""
    budget_setup.do_copy_projects(s.gov, from_year=YEAR, to_year=NEXT, actor=s.officer)
    version = budget_setup.do_open_original(s.gov, year=NEXT, actor=s.officer)
    project = {p.code: p for p in Project.objects.filter(government=s.gov, year=NEXT)}
    for code, obj, amount in (("D111", "301-01", pension_amount), ("D112", "307-02", 385_000_000)):
        requests.do_save_request_line(
            version, project=project[code], object_code=obj, actor=s.officer, basis=[BasisIn("산출", 0, amount=amount)]
        )
    requests.do_save_request_line(
        version,
        project=project["D911"],
        object_code="801-01",
        actor=s.officer,
        basis=[BasisIn("일반예비비", 0, amount=5_000_000)],
    )
    budget_revenue.do_save_revenue_request(
        version, account=s.general, revenue_code="111", amount=pension_amount + 390_000_000, actor=s.officer
    )
    bill_package(s, version)
    adjustment.do_close_requests(version, actor=s.officer)
    adjustment.do_submit_bill(version, line=[("approve", s.mayor)], actor=s.officer, idempotency_key="bill-next")
    version.refresh_from_db()
    approvals.do_approve(version.bill_approval_id, actor=s.mayor)
    version.refresh_from_db()
    council.do_record_vote(version, voted_on=JAN_2, actor=s.officer)
    return confirmation.do_confirm(version, actor=s.officer)


def test_R_BP_11_what_was_spent_under_the_provisional_budget_counts_against_the_confirmed_line(late):
    s = late.s
    appropriations.do_start_provisional(s.gov, NEXT, actor=s.officer)
    line = BudgetLine.objects.get(government=s.gov, year=NEXT, project__code="D111")
    appropriations.do_allocate(line, amount=50_000_000, actor=s.officer)
    commitments.do_commit(
        line,
        amount=50_000_000,
        creditor="기초연금 수급자",
        purpose="1월 기초연금",
        actor=late.finance,
        idempotency_key="jan-pension",
        committed_on=JAN_2,
    )
    _confirm_next_year(s, 650_000_000)
    line.refresh_from_db()
    assert (line.budget_amount, line.appropriation, line.allocated, line.committed) == (
        650_000_000,
        650_000_000,
        50_000_000,
        50_000_000,
    )
    senior = BudgetLine.objects.get(government=s.gov, year=NEXT, project__code="D112")
    assert (senior.budget_amount, senior.committed) == (385_000_000, 0)


def test_R_BP_11_a_confirmed_budget_below_what_the_provisional_budget_allocated_is_refused(late):
    s = late.s
    appropriations.do_start_provisional(s.gov, NEXT, actor=s.officer)
    line = BudgetLine.objects.get(government=s.gov, year=NEXT, project__code="D111")
    appropriations.do_allocate(line, amount=300_000_000, actor=s.officer)
    with pytest.raises(OverAppropriation):
        _confirm_next_year(s, 200_000_000)
    line.refresh_from_db()
    assert (line.budget_amount, line.allocated) == (600_000_000, 300_000_000)


def test_R_BP_11_through_the_api(late):
    raw, _token = do_create_token(late.s.officer, actor=late.s.officer)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    body = {"government": late.s.gov.code, "year": NEXT}
    started = api.post("/api/v1/execution/provisional-budget", body, content_type="application/json")
    assert (started.status_code, started.json()) == (200, {"year": NEXT, "lines": 1})
    again = api.post("/api/v1/execution/provisional-budget", body, content_type="application/json")
    assert again.status_code == 409 and again.json()["detail"]["rule"] == "R-BP-11"


def test_R_BP_11_started_from_the_empty_execution_table(late):
    client = Client()
    client.force_login(late.s.officer)
    page = client.get(f"/g/{late.s.gov.code}/execution/{NEXT}/")
    assert page.status_code == 200 and 'id="provisional-form"' in page.content.decode()
    started = client.post(f"/g/{late.s.gov.code}/execution/{NEXT}/provisional/", follow=True)
    assert started.status_code == 200 and next_lines(late) == {"D111": 600_000_000}
    again = client.post(f"/g/{late.s.gov.code}/execution/{NEXT}/provisional/", follow=True)
    assert again.status_code == 200 and "이미 집행 중입니다" in again.content.decode()
    assert AuditEvent.objects.filter(action="execution.provisional.start").count() == 1
