"""Test support: the tiny demo loaded once per test module instead of once per test.

Loading `tiny` takes seconds (more on PostgreSQL); the checks that read it take milliseconds. The module fixture loads
it inside a transaction that is rolled back after the module's last test that uses it, and each test still runs in a
savepoint of its own (pytest-django's `db`), so a test that changes the data cannot leak into the next one
(`lofin.core.testing_worlds`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lofin.core import testing_worlds
from lofin.demo import registry


def tiny_once(only: list[str] | None = None) -> Any:
    """The module fixture `tiny_loaded`: assign what this returns to a name in the test module."""

    @testing_worlds.world(name="tiny_loaded")
    def loaded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[list[str]]:
        yield from testing_worlds.built_once(django_db_blocker, lambda: registry.run("tiny", only=only))

    return loaded
