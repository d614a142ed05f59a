import datetime as dt

import pytest

from lofin.execution import actions, revenue_actions
from lofin.execution.testing import YEAR, Execution, build_execution


@pytest.fixture(autouse=True)
def _inside_the_fiscal_year(monkeypatch):
    """The tests' fiscal year is YEAR whatever the calendar says: "today" for execution is a day late in YEAR."""
    monkeypatch.setattr(actions, "_today", lambda: dt.date(YEAR, 11, 26))
    # Revenue tests walk whole collection lives (carry, prescription years later) with explicit dates; the refusal
    # of future dates has its own tests.
    monkeypatch.setattr(revenue_actions, "_latest_day", lambda: dt.date(2100, 12, 31))


@pytest.fixture
def ex(db) -> Execution:
    return build_execution()
