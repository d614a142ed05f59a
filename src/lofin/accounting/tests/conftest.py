import datetime as dt
from collections.abc import Iterator

import pytest

from lofin.accounting import chart
from lofin.core import testing_worlds
from lofin.execution.testing import YEAR, Execution, build_execution

LATE_IN_YEAR = dt.date(YEAR, 11, 26)


@pytest.fixture(autouse=True)
def _inside_the_fiscal_year(travel):
    """As in execution's tests: "today" is late in YEAR whatever the calendar says."""
    travel(LATE_IN_YEAR)
    yield
    # A test may change the mapping in a transaction that is rolled back: forget what this process cached.
    chart.clear_cache()


@testing_worlds.world
def ex_world(django_db_setup, django_db_blocker) -> Iterator[Execution]:
    """One confirmed budget with its offices and people per test module (`lofin.core.testing_worlds`)."""
    yield from testing_worlds.built_once(django_db_blocker, build_execution, on=LATE_IN_YEAR)


@pytest.fixture
def ex(ex_world, db) -> Execution:
    return testing_worlds.fresh(ex_world)
