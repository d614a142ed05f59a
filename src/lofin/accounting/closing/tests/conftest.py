import datetime as dt
from collections.abc import Iterator

import pytest

from lofin.accounting import chart
from lofin.accounting.closing import actions as closing
from lofin.accounting.closing.tests.books import Books, build_books
from lofin.core import testing_worlds
from lofin.execution import actions, revenue_actions
from lofin.execution.testing import YEAR


@pytest.fixture(autouse=True)
def _after_the_year(monkeypatch):
    """Execution's "today" is late in YEAR (its actions); the closing's is in the 정리기간 after it."""
    monkeypatch.setattr(actions, "_today", lambda: dt.date(YEAR, 11, 26))
    monkeypatch.setattr(revenue_actions, "_latest_day", lambda: dt.date(2100, 12, 31))
    monkeypatch.setattr(closing, "_today", lambda: dt.date(YEAR + 1, 2, 5))
    yield
    chart.clear_cache()


@testing_worlds.world
def books_world(django_db_setup, django_db_blocker) -> Iterator[Books]:
    """The hand-computed books once per test module (`lofin.core.testing_worlds`)."""
    yield from testing_worlds.built_once(django_db_blocker, build_books)


@pytest.fixture
def books(books_world, db) -> Books:
    return testing_worlds.fresh(books_world)
