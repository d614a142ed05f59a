import datetime as dt

import pytest

from lofin.accounting import chart
from lofin.execution.testing import YEAR, Execution, build_execution


@pytest.fixture(autouse=True)
def _inside_the_fiscal_year(travel):
    """As in execution's tests: "today" is late in YEAR whatever the calendar says."""
    travel(dt.date(YEAR, 11, 26))
    yield
    # A test may change the mapping in a transaction that is rolled back: forget what this process cached.
    chart.clear_cache()


@pytest.fixture
def ex(db) -> Execution:
    return build_execution()
