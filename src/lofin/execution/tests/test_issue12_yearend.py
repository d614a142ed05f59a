"""Issue 12, year end: 명시이월 only within the 명시이월비 the council approved in the budget, decided before the 결산
is submitted (R-BP-10)."""

import pytest

from lofin.closing import actions as closing
from lofin.core.models import AuditEvent
from lofin.execution.errors import CarryOverNotAllowed, ClosedPeriod, OverCarryOver
from lofin.execution.models import CarryOver

from .test_yearend import AFTER, EXPLICIT, YEAR, carry, snapshot, year  # noqa: F401  (the `year` fixture)

pytestmark = pytest.mark.django_db


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
    assert "지방재정법 §50" in str(err.value)
    assert snapshot(year) == before
    carry(year, EXPLICIT, 15_000_000, line=year.pension, key="y1")
    with pytest.raises(OverCarryOver) as err:
        carry(year, EXPLICIT, 5_000_001, line=year.pension, key="y2")
    assert err.value.detail["available"] == 5_000_000
    assert carry(year, EXPLICIT, 5_000_000, line=year.pension, key="y3").amount == 5_000_000


def test_R_BP_10_a_line_without_explicit_carry_in_the_budget_cannot_be_carried_explicitly(year, travel):
    """The 예비비 line has 5,000,000 won untouched but no 명시이월비: 명시이월 is refused, whatever the reason given."""
    reserve = year.senior.__class__.objects.get(government=year.s.gov, year=YEAR, project=year.s.reserve)
    before = snapshot(year)
    with pytest.raises(CarryOverNotAllowed) as err:
        carry(year, EXPLICIT, 1_000_000, line=reserve)
    assert err.value.detail["rule"] == "R-BP-10"
    assert snapshot(year) == before


def test_R_BP_10_explicit_carry_is_refused_once_the_settlement_has_closed_the_year(year):
    closing.do_close_books(year.s.gov, YEAR, actor=year.finance)
    closing.do_submit_to_council(year.s.gov, YEAR, on=AFTER, actor=year.finance)
    before = CarryOver.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ClosedPeriod) as err:
        carry(year, EXPLICIT, 1_000_000)
    assert err.value.detail["rule"] == "R-BP-10"
    assert (CarryOver.objects.count(), AuditEvent.objects.count()) == before
