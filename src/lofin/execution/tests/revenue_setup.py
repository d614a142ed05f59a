"""Two governments with a general account and the people of revenue, for the revenue tests."""

from __future__ import annotations

from dataclasses import dataclass

from lofin.budget.actions import setup
from lofin.budget.models import Account
from lofin.core import testing
from lofin.core.models import LocalGovernment, User
from lofin.core.roles import Role


@dataclass
class Revenue:
    gov: LocalGovernment
    account: Account
    collector: User  # 징수관
    cashier: User  # 출납원
    both: User  # 징수관 and 출납원 at once (a small office)
    viewer: User  # an official with no revenue role
    other_gov: LocalGovernment
    other_account: Account
    other_collector: User  # 징수관 of the other government


def _government(code: str, prefix: str) -> tuple[LocalGovernment, Account, User]:
    gov = testing.government(code)
    office = testing.department(gov, "1200", "세정과")
    officer = testing.official(gov, Role.BUDGET_OFFICER, username=f"{prefix}-budget", dept=office)
    account = setup.do_create_account(gov, code="100", name="일반회계", kind="general", actor=officer)
    collector = testing.official(gov, Role.REVENUE_OFFICER, username=f"{prefix}-jingsu", dept=office)
    return gov, account, collector


def build_revenue() -> Revenue:
    gov, account, collector = _government("1100000", "seoul")
    cashier = testing.official(gov, Role.CASHIER, username="seoul-chulnap")
    both = testing.official(gov, Role.REVENUE_OFFICER, Role.CASHIER, username="seoul-both")
    viewer = testing.official(gov, Role.OFFICIAL, username="seoul-viewer")
    other_gov, other_account, other_collector = _government("2600000", "busan")
    return Revenue(gov, account, collector, cashier, both, viewer, other_gov, other_account, other_collector)
