import datetime as dt

import pytest

from lofin.accounting import chart
from lofin.execution import actions, revenue_actions
from lofin.execution.testing import YEAR, Execution, build_execution


@pytest.fixture(autouse=True)
def _inside_the_fiscal_year(monkeypatch):
    """As in execution's tests: "today" is late in YEAR whatever the calendar says."""
    monkeypatch.setattr(actions, "_today", lambda: dt.date(YEAR, 11, 26))
    monkeypatch.setattr(revenue_actions, "_latest_day", lambda: dt.date(2100, 12, 31))
    yield
    # A test may change the mapping in a transaction that is rolled back: forget what this process cached.
    chart.clear_cache()


@pytest.fixture
def ex(db) -> Execution:
    return build_execution()
