import datetime as dt

import pytest

from lofin.accounting import chart
from lofin.execution.testing import YEAR

AFTER_THE_YEAR = dt.date(YEAR + 1, 2, 5)  # in the 정리기간: the year's books can be closed


@pytest.fixture(autouse=True)
def _late_in_the_year(travel):
    """The books are written late in YEAR (execution's actions refuse other days); a test that closes them moves
    on to AFTER_THE_YEAR."""
    travel(dt.date(YEAR, 11, 26))
    yield
    chart.clear_cache()
