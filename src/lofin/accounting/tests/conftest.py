import datetime as dt
from collections.abc import Iterator

import pytest

from lofin.accounting import chart
from lofin.core import testing_worlds
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


@testing_worlds.world
def ex_world(django_db_setup, django_db_blocker) -> Iterator[Execution]:
    """One confirmed budget with its offices and people per test module (`lofin.core.testing_worlds`)."""
    yield from testing_worlds.built_once(django_db_blocker, build_execution)


@pytest.fixture
def ex(ex_world, db) -> Execution:
    return testing_worlds.fresh(ex_world)
