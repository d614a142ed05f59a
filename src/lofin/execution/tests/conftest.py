import datetime as dt

import pytest

from lofin.execution.testing import YEAR, Execution, build_execution

# "Today" for execution's tests: a day late in YEAR, whatever the calendar says.
TODAY = dt.date(YEAR, 11, 26)


@pytest.fixture(autouse=True)
def _inside_the_fiscal_year(travel):
    """The tests' fiscal year is YEAR whatever the calendar says: the one clock stands on a day late in YEAR. Tests
    that walk past the year end move it on with `travel`."""
    travel(TODAY)


@pytest.fixture
def ex(db) -> Execution:
    return build_execution()
