import datetime as dt

import pytest

from lofin.accounting import chart
from lofin.accounting.closing import actions as closing
from lofin.execution.testing import YEAR


@pytest.fixture(autouse=True)
def _after_the_year(monkeypatch, travel):
    """Execution's "today" is late in YEAR (its actions); the closing's is in the 정리기간 after it."""
    travel(dt.date(YEAR, 11, 26))
    monkeypatch.setattr(closing, "_today", lambda: dt.date(YEAR + 1, 2, 5))
    yield
    chart.clear_cache()
