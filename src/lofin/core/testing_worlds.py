"""Test support: a world built once per test module, shared by the module's tests, each in a savepoint of its own.

A world built through the real actions (a government, its people, a confirmed budget, offices) writes dozens of
audited rows; the tests that read and act on it take milliseconds. A module's world is built inside a transaction that
is opened before the module's first test that asks for it and rolled back after its last (`built_once`); each test still
runs in a savepoint of its own (pytest-django's `db`), so the rows a test writes never reach the next test, and gets its
own copy of the Python objects (`fresh`), so neither do the attributes a test sets on them.

A fixture that builds a world is declared with `@world` and its body is `yield from built_once(...)`. The tests of a
module that do not use its world run before those that do (`order`), and the world is rolled back after the last test
that uses it (`close_unless_next_shares`, called after each test): a test that does not ask for the world never sees
it. A transactional test (threads, other connections) could not see an uncommitted world anyway: it builds its own.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest
import time_machine
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from . import clock

T = TypeVar("T")

# The names of the fixtures that build a world.
_names: set[str] = set()

# At most one world is open at a time: the one of the module whose tests are running.
_open: list[_Kept] = []


class _Kept:
    def __init__(self, django_db_blocker: Any) -> None:
        self.blocker = django_db_blocker.unblock()
        self.blocker.__enter__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()

    def close(self) -> None:
        if self in _open:
            _open.remove(self)
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)
            self.blocker.__exit__(None, None, None)


def world(function: Callable[..., Any] | None = None, *, name: str | None = None) -> Any:
    """Declare a module-scoped fixture that builds a world (`@world`, or `world(name=...)(function)`)."""

    def declare(function: Callable[..., Any]) -> Any:
        _names.add(name or function.__name__)
        return pytest.fixture(scope="module", name=name)(function)

    return declare(function) if function is not None else declare


def built_once(django_db_blocker: Any, build: Callable[[], T], *, on: dt.date | None = None) -> Iterator[T]:
    """The body of a module-scoped fixture (`yield from built_once(django_db_blocker, build)`; the fixture
    asks for `django_db_setup`, so that the test database exists first): `build()` in a transaction that is rolled
    back after the module's last test that may use the world. With `on`, the world is built with the clock on that
    day (the tests' own `travel` is function-scoped and not yet in force)."""
    assert not _open, "another module's world is still open"
    kept = _Kept(django_db_blocker)
    _open.append(kept)
    try:
        with time_machine.travel(clock.moment(on)) if on else contextlib.nullcontext():
            world = build()
        # Check the deferred foreign keys once, here: otherwise every test's teardown checks all of them again (its
        # savepoint is rolled back, and with it the record that they were checked).
        connections[DEFAULT_DB_ALIAS].check_constraints()
        yield world
    finally:
        kept.close()


def fresh(world: T) -> T:
    """A test's own copy of the module's world: the same rows, Python objects of its own."""
    assert _open, "the module's world was rolled back: a transactional test builds its own world instead"
    return copy.deepcopy(world)


def is_transactional(item: pytest.Item) -> bool:
    """Whether pytest-django runs the test outside a transaction (as it decides; pytest-django's own ordering)."""
    marker = item.get_closest_marker("django_db")
    names = set(getattr(item, "fixturenames", ()))
    marked = bool(marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
    return marked or bool(names & {"transactional_db", "live_server", "django_db_reset_sequences"})


def uses_world(item: pytest.Item) -> bool:
    return not _names.isdisjoint(getattr(item, "fixturenames", ()))


def order(items: list[pytest.Item]) -> None:
    """Within each run of a module's tests, those that use no world first (the order is otherwise kept)."""
    start = 0
    for end in range(1, len(items) + 1):
        if end == len(items) or items[end].path != items[start].path:
            items[start:end] = sorted(items[start:end], key=uses_world)
            start = end


def uses_database(item: pytest.Item) -> bool:
    names = set(getattr(item, "fixturenames", ()))
    return item.get_closest_marker("django_db") is not None or "db" in names or is_transactional(item)


def close_unless_next_shares(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """After a test: roll the open world back unless the next test is a test of the same module that uses it."""
    if not _open:
        return
    shares = (
        nextitem is not None and nextitem.path == item.path and uses_world(nextitem) and not is_transactional(nextitem)
    )
    if not shares:
        for world in list(_open):
            world.close()
