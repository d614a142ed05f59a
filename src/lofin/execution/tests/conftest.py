import datetime as dt
from collections.abc import Iterator

import pytest

from lofin.core import testing_worlds
from lofin.execution.testing import YEAR, Execution, build_execution
from lofin.execution.tests.revenue_setup import Revenue, build_revenue

# "Today" for execution's tests: a day late in YEAR, whatever the calendar says.
TODAY = dt.date(YEAR, 11, 26)


@pytest.fixture(autouse=True)
def _inside_the_fiscal_year(travel):
    """The tests' fiscal year is YEAR whatever the calendar says: the one clock stands on a day late in YEAR. Tests
    that walk past the year end move it on with `travel`."""
    travel(TODAY)


@testing_worlds.world
def ex_world(django_db_setup, django_db_blocker) -> Iterator[Execution]:
    """One confirmed budget with its offices and people per test module (`lofin.core.testing_worlds`)."""
    yield from testing_worlds.built_once(django_db_blocker, build_execution, on=TODAY)


@pytest.fixture
def ex(ex_world, db) -> Execution:
    return testing_worlds.fresh(ex_world)


@testing_worlds.world
def rv_world(django_db_setup, django_db_blocker) -> Iterator[Revenue]:
    """Two governments with the people of revenue, once per test module (`lofin.core.testing_worlds`)."""
    yield from testing_worlds.built_once(django_db_blocker, build_revenue, on=TODAY)


@pytest.fixture
def rv(rv_world, db) -> Revenue:
    return testing_worlds.fresh(rv_world)
