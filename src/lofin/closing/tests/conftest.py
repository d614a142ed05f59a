import datetime as dt
from collections.abc import Iterator

import pytest

from lofin.accounting import chart
from lofin.core import testing_worlds
from lofin.execution.testing import YEAR

from .books import Books, build_books

LATE_IN_YEAR = dt.date(YEAR, 11, 26)
AFTER_THE_YEAR = dt.date(YEAR + 1, 2, 11)  # the 출납 of the year complete (R-AC-5): its books can be closed


@pytest.fixture(autouse=True)
def _late_in_the_year(travel):
    """The books are written late in YEAR (execution's actions refuse other days); a test that closes them moves
    on to AFTER_THE_YEAR."""
    travel(LATE_IN_YEAR)
    yield
    chart.clear_cache()


@testing_worlds.world
def books_world(django_db_setup, django_db_blocker) -> Iterator[Books]:
    """The hand-computed books once per test module (`lofin.core.testing_worlds`), written late in YEAR."""
    yield from testing_worlds.built_once(django_db_blocker, build_books, on=LATE_IN_YEAR)


@pytest.fixture
def books(books_world, db, travel) -> Books:
    """The books, with the clock moved on to AFTER_THE_YEAR: they can be closed."""
    books = testing_worlds.fresh(books_world)
    travel(AFTER_THE_YEAR)
    return books
