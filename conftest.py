"""Shared test set-up.

`make test` runs the whole suite on SQLite and, at the same time, the tests marked `engine` on a throwaway PostgreSQL:
those whose outcome depends on the database engine. Every database test is marked `engine` here unless it only drives
the screens, the API's shape or the browser (docs/architecture.md §8.25).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections
from django.test import testcases
from hypothesis import settings

from lofin.accounting import chart
from lofin.core import clock, testing_tables, testing_worlds, workdays

os.environ.setdefault("LOFIN_TESTING", "1")

# Hypothesis: `ci` (the default of every make target) tries fewer examples than Hypothesis' default; `make test-deep`
# loads `deep`. A test that sets its own max_examples keeps it under both.
settings.register_profile("ci", max_examples=50, deadline=None)
settings.register_profile("deep", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("LOFIN_HYPOTHESIS_PROFILE", "ci"))

# The screens, the API's shape and the browser walks run the same Python whichever the engine: SQLite only. A
# transactional test among them (requests racing each other) is about the engine's locks, and is marked `engine`.
SURFACE = re.compile(r"(^|/)(e2e/|test_(\w+_)?(views|api|admin|permissions)(_\w+)?\.py$)")


def depends_on_the_engine(item: pytest.Item) -> bool:
    if item.get_closest_marker("engine"):
        return True
    if not testing_worlds.uses_database(item) or item.get_closest_marker("browser"):
        return False
    return testing_worlds.is_transactional(item) or not SURFACE.search(item.nodeid.split("::")[0])


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """After pytest-django's ordering (database tests, then transactional ones, then the others) and before `-m`."""
    for item in items:
        if depends_on_the_engine(item) and not item.get_closest_marker("engine"):
            item.add_marker(pytest.mark.engine)
    testing_worlds.order(items)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The test database as the migrations left it, remembered for the teardown of transactional tests."""
    with django_db_blocker.unblock():
        for connection in connections.all(initialized_only=False):
            testing_tables.remember(connection)
    yield


def _fixture_teardown(self: testcases.TransactionTestCase) -> None:
    """Transactional tests end with the database as the migrations left it (`lofin.core.testing_tables`), instead of
    Django's flush of every table followed by reloading the reference data."""
    for alias in self._databases_names(include_mirrors=False):
        testing_tables.restore(connections[alias])
    # A test may have cached rows that are gone now.
    chart.clear_cache()


testcases.TransactionTestCase._fixture_teardown = _fixture_teardown  # type: ignore[method-assign]


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """A module's shared world (`lofin.core.testing_worlds`) is rolled back before a test that must not run inside it."""
    testing_worlds.close_unless_next_shares(item, nextitem)


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    workdays.clear_cache()


@pytest.fixture
def travel(time_machine: Any) -> Any:
    """Move the one clock (`lofin.core.clock`, and with it Django's and Python's) to a day or a moment; time runs
    on from there. A day means its noon in Seoul, so the government's today is that day whatever the host's zone."""

    def to(day: dt.date | dt.datetime) -> None:
        time_machine.move_to(clock.moment(day))

    return to
