"""Issue 12, budget: 예비비 (R-BP-3), the statutory calendar (R-BP-1), 명시이월비 in the budget (R-BP-10) and the
bill's attachments (R-BS-5), each test named after its rule id."""

import datetime as dt

import pytest

from lofin.budget.actions import adjustment, requests
from lofin.budget.actions import revenue as budget_revenue
from lofin.budget.actions.requests import BasisIn
from lofin.budget.errors import BudgetRuleViolation
from lofin.budget.models import ExpenditureLine, VersionStatus
from lofin.budget.rules import council as council_rules
from lofin.core.models import AuditEvent

from .test_formulation import open_and_request

pytestmark = pytest.mark.django_db

BILL_LINE = "bill-r"


def _submit(s, version):
    adjustment.do_close_requests(version, actor=s.officer)
    return adjustment.do_submit_bill(version, line=[("approve", s.mayor)], actor=s.officer, idempotency_key=BILL_LINE)


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
        version, project=s.reserve, object_code="801-01", actor=s.officer, basis=[BasisIn("일반예비비", 0, amount=10_200_000)]
    )
    with pytest.raises(BudgetRuleViolation) as err:
        _submit(s, version)
    assert err.value.detail["rule"] == "R-BP-3"
    assert "10,200,000" in str(err.value)


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
    assert "지방재정법 §43" in str(err.value)
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
