import datetime as dt
from collections.abc import Iterator

import pytest

from lofin.core import testing_worlds
from lofin.execution import actions, revenue_actions
from lofin.execution.testing import YEAR, Execution, build_execution
from lofin.execution.tests.revenue_setup import Revenue, build_revenue


@pytest.fixture(autouse=True)
def _inside_the_fiscal_year(monkeypatch):
    """The tests' fiscal year is YEAR whatever the calendar says: "today" for execution is a day late in YEAR."""
    monkeypatch.setattr(actions, "_today", lambda: dt.date(YEAR, 11, 26))
    # Revenue tests walk whole collection lives (carry, prescription years later) with explicit dates; the refusal
    # of future dates has its own tests.
    monkeypatch.setattr(revenue_actions, "_latest_day", lambda: dt.date(2100, 12, 31))


@testing_worlds.world
def ex_world(django_db_setup, django_db_blocker) -> Iterator[Execution]:
    """One confirmed budget with its offices and people per test module (`lofin.core.testing_worlds`)."""
    yield from testing_worlds.built_once(django_db_blocker, build_execution)


@pytest.fixture
def ex(ex_world, db) -> Execution:
    return testing_worlds.fresh(ex_world)


@testing_worlds.world
def rv_world(django_db_setup, django_db_blocker) -> Iterator[Revenue]:
    """Two governments with the people of revenue, once per test module (`lofin.core.testing_worlds`)."""
    yield from testing_worlds.built_once(django_db_blocker, build_revenue)


@pytest.fixture
def rv(rv_world, db) -> Revenue:
    return testing_worlds.fresh(rv_world)
