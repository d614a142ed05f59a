"""Test support: the tiny demo loaded once per test module instead of once per test.

Loading `tiny` takes seconds (more on PostgreSQL); the checks that read it take milliseconds. The module fixture loads
it inside a transaction that is rolled back after the module's last test, and each test still runs in a savepoint of
its own (pytest-django's `db`), so a test that changes the data cannot leak into the next one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, transaction

from lofin.demo import registry


def tiny_once(only: list[str] | None = None) -> Any:
    @pytest.fixture(scope="module")
    def loaded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
        with django_db_blocker.unblock(), transaction.atomic():
            registry.run("tiny", only=only)
            # Check the deferred foreign keys once, here: otherwise every test's teardown checks all of them again
            # (its savepoint is rolled back, and with it the record that they were checked).
            connection.check_constraints()
            yield
            transaction.set_rollback(True)

    return loaded
