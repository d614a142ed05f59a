"""A small government budget set up through the real actions, for the budget tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from lofin.budget.testing import YEAR, Setup, build_setup, request_all
from lofin.core import testing_worlds

__all__ = ["YEAR", "Setup", "request_all"]


@testing_worlds.world
def setup_world(django_db_setup, django_db_blocker) -> Iterator[Setup]:
    """One government with its people and projects per test module (`lofin.core.testing_worlds`)."""
    yield from testing_worlds.built_once(django_db_blocker, build_setup)


@pytest.fixture
def setup(setup_world, db) -> Setup:
    return testing_worlds.fresh(setup_world)
