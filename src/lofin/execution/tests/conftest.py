import datetime as dt

import pytest

from lofin.execution import actions
from lofin.execution.testing import YEAR, Execution, build_execution


@pytest.fixture(autouse=True)
def _inside_the_fiscal_year(monkeypatch):
    """The tests' fiscal year is YEAR whatever the calendar says: "today" for execution is a day late in YEAR."""
    monkeypatch.setattr(actions, "_today", lambda: dt.date(YEAR, 11, 26))


@pytest.fixture
def ex(db) -> Execution:
    return build_execution()
