"""A small set of books with hand-computed statements: a general account and a fund, a prior year, a transfer
from the general account to the fund (내부거래), a bond, an asset with depreciation and a direct adjustment."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from lofin.accounting import journal
from lofin.budget.models import Account
from lofin.execution.testing import YEAR, Execution, build_execution


@dataclass
class Books:
    ex: Execution
    general: Account
    fund: Account


def post(account: Account, year: int, *lines: tuple[str, int, int], on: dt.date | None = None) -> None:
    with transaction.atomic():
        journal.post(
            government_id=account.government_id,
            account_id=account.pk,
            fiscal_year=year,
            posted_on=on or dt.date(year, 6, 30),
            source_type="test.entry",
            source_id=1,
            description="test",
            lines=lines,
        )


def build_books() -> Books:
    ex = build_execution()
    gov = ex.s.gov
    general = Account.objects.get(government=gov, kind="general")
    fund = Account.objects.create(government=gov, code="900", name="재난관리기금", kind="fund")
    post(general, YEAR - 1, ("1110", 1000, 0), ("4100", 0, 1000))
    post(general, YEAR, ("1120", 1000, 0), ("4100", 0, 1000))
    post(general, YEAR, ("1110", 800, 0), ("1120", 0, 800))
    post(general, YEAR, ("5100", 300, 0), ("1110", 0, 300))
    post(general, YEAR, ("5350", 200, 0), ("1110", 0, 200))
    post(general, YEAR, ("1320", 100, 0), ("1110", 0, 100))
    post(general, YEAR, ("5500", 20, 0), ("1330", 0, 20), on=dt.date(YEAR, 12, 31))
    post(general, YEAR, ("1130", 500, 0), ("2210", 0, 500))
    post(general, YEAR, ("1110", 500, 0), ("1130", 0, 500))
    post(general, YEAR, ("1110", 50, 0), ("3100", 0, 50))
    post(general, YEAR, ("9210", 70, 0), ("9220", 0, 70))
    post(fund, YEAR, ("1130", 200, 0), ("4500", 0, 200))
    post(fund, YEAR, ("1110", 200, 0), ("1130", 0, 200), on=dt.date(YEAR + 1, 1, 15))
    post(fund, YEAR, ("5200", 60, 0), ("1110", 0, 60))
    return Books(ex, general, fund)
