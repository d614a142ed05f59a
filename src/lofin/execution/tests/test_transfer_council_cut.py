"""R-BP-9 and R-BP-3 (지방재정법 §43③, §49②): what the council cut is fed neither by 전용·이용 nor by 예비비. A world
of its own, a budget whose council cut a line, so that the cut is recorded the way the council records it."""

import datetime as dt
from collections.abc import Iterator

import pytest

from lofin.budget.actions import adjustment, confirmation, council, setup
from lofin.budget.actions import revenue as budget_revenue
from lofin.budget.models import ExpenditureLine, RevenueLine
from lofin.budget.testing import Setup, build_setup, request_all
from lofin.core import clock, testing_worlds
from lofin.core.approvals import actions as approvals
from lofin.execution.actions import transfers
from lofin.execution.models import BudgetLine
from lofin.execution.testing import YEAR
from lofin.execution.tests.conftest import TODAY
from lofin.execution.tests.test_transfer_law import (
    BETWEEN,
    RESERVE,
    VIREMENT,
    budget_line,
    grant_transfer_authority,
    refused,
    request,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def rules_and_clock(db, travel):
    transfers.load_policies()
    travel(dt.date(YEAR, 6, 15))


# --- R-BP-9 and R-BP-3 (§43③): what the council cut ------------------------------------------------------------------


def build_with_council_cut(year: int = YEAR) -> Setup:
    """A budget whose 경로당 운영 지원 line the council cut from 385,000,000 to 375,000,000 won (with the revenue)."""
    s = build_setup(year=year)
    version = setup.do_open_original(s.gov, year=year, actor=s.officer)
    request_all(s, version)
    adjustment.do_close_requests(version, actor=s.officer)
    adjustment.do_submit_bill(version, line=[("approve", s.mayor)], actor=s.officer, idempotency_key="bill")
    version.refresh_from_db()
    approvals.do_approve(version.bill_approval_id, actor=s.mayor)
    senior = ExpenditureLine.objects.get(version=version, project=s.senior, object_code="307-02")
    council.do_amend_line(senior.pk, amount=375_000_000, reason="과다 계상", head_consent=False, actor=s.officer)
    tax = RevenueLine.objects.get(version=version, revenue_code="111")
    budget_revenue.do_amend_revenue(tax.pk, amount=560_000_000, reason="세출 삭감분", actor=s.officer)
    version.refresh_from_db()
    council.do_record_vote(version, voted_on=clock.today(), actor=s.officer)
    confirmation.do_confirm(version, actor=s.officer)
    return s


@testing_worlds.world
def cut_world(django_db_setup, django_db_blocker) -> Iterator[Setup]:
    yield from testing_worlds.built_once(django_db_blocker, build_with_council_cut, on=TODAY)


@pytest.fixture
def cut(cut_world, db) -> Setup:
    return testing_worlds.fresh(cut_world)


def lines_of(s: Setup):
    pension = BudgetLine.objects.get(government=s.gov, year=YEAR, project=s.pension, object_code="301-01")
    senior = BudgetLine.objects.get(government=s.gov, year=YEAR, project=s.senior, object_code="307-02")
    return pension, senior


def test_R_BP_9_virement_into_a_line_the_council_cut_is_refused(cut):
    pension, senior = lines_of(cut)
    assert senior.budget_amount == 375_000_000
    assert refused(cut, VIREMENT, pension, senior) == (
        "R-BP-9",
        "The council cut this line: 전용 and 이용 cannot feed it (지방재정법 §49②).",
    )
    # Out of the cut line is not feeding it.
    assert request(cut, VIREMENT, senior, pension, 1_000_000).amount == 1_000_000


def test_R_BP_9_transfer_between_programmes_into_a_line_the_council_cut_is_refused(cut):
    grant_transfer_authority("P100", "P900")
    _pension, senior = lines_of(cut)
    other = budget_line(cut, "D911", "201-01")
    assert refused(cut, BETWEEN, other, senior)[0] == "R-BP-9"


def test_R_BP_3_reserve_cannot_fund_a_line_the_council_cut(cut):
    pension, senior = lines_of(cut)
    reserve = budget_line(cut, "D911", "801-01")
    assert refused(cut, RESERVE, reserve, senior) == (
        "R-BP-3",
        "The contingency reserve cannot fund an item the council cut (지방재정법 §43③).",
    )
    assert refused(cut, RESERVE, reserve, senior, urgent_disaster=True)[0] == "R-BP-3"
    # A line the council left alone may still be funded.
    assert request(cut, RESERVE, reserve, pension, 1_000_000).amount == 1_000_000
