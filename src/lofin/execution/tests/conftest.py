import pytest

from lofin.execution.testing import Execution, build_execution


@pytest.fixture
def ex(db) -> Execution:
    return build_execution()
