"""A small government budget set up through the real actions, for the budget tests."""

from __future__ import annotations

import pytest

from lofin.budget.testing import YEAR, Setup, build_setup, request_all

__all__ = ["YEAR", "Setup", "request_all"]


@pytest.fixture
def setup(db) -> Setup:
    return build_setup()
