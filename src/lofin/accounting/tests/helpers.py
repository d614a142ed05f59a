"""Money flows through execution for the accounting tests."""

from __future__ import annotations

import datetime as dt

from lofin.execution.actions import appropriations, commitments, offices, payments
from lofin.execution.models import BudgetLine
from lofin.execution.testing import YEAR

DAY = dt.date(YEAR, 6, 15)


def funded(ex, line=None, amount=100_000_000):
    line = line or ex.senior
    appropriations.do_allocate(line, amount=amount, actor=ex.s.officer, period=6)
    offices.do_allocate_cash(ex.disbursing_office, amount=amount, actor=ex.s.officer)
    line.refresh_from_db()
    return line


def commit(ex, amount, key="c1", line=None, on=DAY):
    return commitments.do_commit(
        line or ex.senior,
        amount=amount,
        creditor="(주)한빛건설",
        purpose="시설 공사",
        actor=ex.finance,
        idempotency_key=key,
        committed_on=on,
    )


def pay(ex, commitment, amount, key="p1", on=DAY, **kw):
    return payments.do_issue_payment(
        commitment,
        amount=amount,
        payee_name="한빛건설",
        payee_bank="농협",
        payee_account="301-0123-4567-11",
        office=ex.disbursing_office,
        actor=ex.disburser,
        idempotency_key=key,
        issued_on=on,
        **kw,
    )


def capital_line(ex, code="405-01"):
    """The senior-centre line turned into a capital 통계목 (test data only: the budget has none)."""
    BudgetLine.objects.filter(pk=ex.senior.pk).update(object_code=code)
    ex.senior.refresh_from_db()
    return ex.senior
