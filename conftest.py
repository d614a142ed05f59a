"""Shared test set-up.

The suite runs twice in `make test`: on SQLite, then on a throwaway PostgreSQL (`LOFIN_DB_TESTS_ONLY=1`,
which keeps only the tests that touch the database, since the others already ran).
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any
from zoneinfo import ZoneInfo

import pytest

os.environ.setdefault("LOFIN_TESTING", "1")

DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_setup", "client", "admin_client"}


def _uses_database(item: pytest.Item) -> bool:
    if any(item.iter_markers(name="django_db")):
        return True
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(fixtures & DB_FIXTURES)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("LOFIN_DB_TESTS_ONLY") != "1":
        return
    keep, drop = [], []
    for item in items:
        (keep if _uses_database(item) else drop).append(item)
    items[:] = keep
    config.hook.pytest_deselected(items=drop)


def pytest_configure(config: pytest.Config) -> None:
    """Transactional tests end with Django emptying every table. The append-only guards refuse that except
    in a test database under the maintenance switch; afterwards the reference data that migrations load
    (the 243 governments, default approval rules) is put back, so every test starts from a migrated state."""
    from django.test import testcases

    original = testcases.TransactionTestCase._fixture_teardown

    def teardown_with_maintenance(self: testcases.TransactionTestCase) -> None:
        from django.db import connections

        from lofin.core import governments, guards
        from lofin.core.approvals import defaults

        for alias in self._databases_names(include_mirrors=False):
            with guards.maintenance(connections[alias]):
                original(self)
        governments.load()
        defaults.load()
        from lofin.budget import codes

        codes.load()
        codes.load_policies()
        from lofin.accounting import chart
        from lofin.accounting.models import ChartVersion, LedgerAccount, LedgerMapping

        # The chart of accounts and the 자동분개 mapping are reference data too (accounting migration 0004).
        chart.load(LedgerAccount, ChartVersion, LedgerMapping)
        chart.clear_cache()

    testcases.TransactionTestCase._fixture_teardown = teardown_with_maintenance


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    from lofin.core import workdays

    workdays.clear_cache()


@pytest.fixture
def travel(time_machine: Any) -> Any:
    """Move the one clock (`lofin.core.clock`, and with it Django's and Python's) to a day or a moment; time runs
    on from there. A day means its noon in Seoul, so the government's today is that day whatever the host's zone."""

    def to(moment: dt.date | dt.datetime) -> None:
        if not isinstance(moment, dt.datetime):
            moment = dt.datetime.combine(moment, dt.time(12), tzinfo=ZoneInfo("Asia/Seoul"))
        time_machine.move_to(moment)

    return to
