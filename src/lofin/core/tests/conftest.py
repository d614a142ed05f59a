import pytest

from lofin.core import testing
from lofin.core.roles import Position, Role


@pytest.fixture
def seoul(db):
    return testing.government("1100000")


@pytest.fixture
def busan(db):
    return testing.government("2600000")


@pytest.fixture
def operator(db):
    return testing.bootstrap_operator()


@pytest.fixture
def org(seoul, operator):
    """A small organisation of Seoul: a bureau with a division, and people at every position."""
    bureau = testing.department(seoul, "1000", "기획조정실")
    division = testing.department(seoul, "1100", "기획예산과", bureau)
    people = {
        "staff": testing.official(seoul, Role.BUDGET_OFFICER, username="staff", dept=division, email="staff@x.kr"),
        "lead": testing.official(
            seoul, Role.BUDGET_OFFICER, username="lead", position=Position.TEAM_LEAD, dept=division
        ),
        "chief": testing.official(
            seoul, Role.BUDGET_OFFICER, username="chief", position=Position.DIVISION_HEAD, dept=division
        ),
        "director": testing.official(
            seoul, Role.AUDITOR, username="director", position=Position.BUREAU_HEAD, dept=bureau
        ),
        "deputy": testing.official(seoul, Role.AUDITOR, username="deputy", position=Position.DEPUTY_HEAD),
        "mayor": testing.official(seoul, Role.AUDITOR, username="mayor", position=Position.HEAD),
        "colleague": testing.official(seoul, Role.FINANCE_OFFICER, username="colleague", dept=division),
    }
    return people
