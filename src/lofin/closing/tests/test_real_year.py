"""A year made through execution's own actions (payments with withholdings, a 반납, revenue decided and partly
collected, an asset and its depreciation, a 전출금 to a fund and its 전입금, a 명시이월) closes with balanced
statements, the carry-over in the 세입세출결산 and the notes, the transfer eliminated on consolidation."""

import datetime as dt

import pytest

from lofin.accounting import queries
from lofin.accounting.tests.helpers import DAY, capital_line, commit, funded, pay
from lofin.accounting.tests.test_beancount import demo_like_year
from lofin.budget.actions import setup
from lofin.closing import queries as closing_queries
from lofin.closing import snapshot
from lofin.closing.testing import close_year
from lofin.core import testing
from lofin.core.roles import Role
from lofin.execution.actions import revenue as revenue_actions
from lofin.execution.actions import yearend as yearend_actions
from lofin.execution.models import BudgetLine
from lofin.execution.testing import YEAR, build_execution

pytestmark = pytest.mark.django_db


def test_a_year_from_execution_closes_with_balanced_statements(db, travel):
    ex = build_execution()
    demo_like_year(ex)
    pension = funded(ex, ex.pension, amount=50_000_000)
    transfer_line = funded(ex, capital_line(ex, "701-01"), amount=7_000_000)
    pay(ex, commit(ex, 7_000_000, key="t1", line=transfer_line), 7_000_000, key="t1")
    fund = setup.do_create_account(ex.s.gov, code="300", name="재난관리기금", kind="fund", actor=ex.s.officer)
    collector = testing.official(ex.s.gov, Role.REVENUE_OFFICER, username="jingsu2")
    revenue_actions.do_assess(
        fund, revenue_code="721-02", payer_name="일반회계", amount=7_000_000, actor=collector,
        idempotency_key="t", assessed_on=DAY,
    )  # fmt: skip
    travel(dt.date(YEAR + 1, 1, 10))
    yearend_actions.do_carry_over(
        "explicit", from_line=pension, amount=5_000_000, reason="명시이월 의결", actor=ex.s.officer,
        idempotency_key="carry",
    )  # fmt: skip

    doc = snapshot.compute(ex.s.gov, YEAR)
    consolidated = doc["statements"]["consolidated"]
    assert consolidated["eliminated"] == {"revenue": 7_000_000, "expense": 7_000_000}
    assert consolidated["changes"]["elimination_difference"] == 0
    for s in doc["statements"].values():
        p = s["position"]
        assert p["assets_total"] == p["liabilities_total"] + p["net_assets_total"]
        assert s["changes"]["closing"] == p["net_assets_total"]
    row = next(r for r in doc["budget_result"]["expenditure"] if r["line_id"] == pension.pk)
    appropriation = BudgetLine.objects.get(pk=pension.pk).appropriation
    assert (row["carried_explicit"], row["lapsed"]) == (5_000_000, appropriation - 5_000_000)
    assert doc["notes"]["consolidated"]["carry_overs"] == [{"kind": "explicit", "count": 1, "amount": 5_000_000}]
    revenue = {r["revenue_code"]: r for r in doc["budget_result"]["revenue"]}
    assert (revenue["212"]["assessed"], revenue["212"]["collected"], revenue["212"]["uncollected"]) == (
        800_000,
        500_000,
        300_000,
    )
    travel(dt.date(YEAR + 1, 2, 11))  # the 출납 of the year complete (R-AC-5)
    run = close_year(ex.s.gov, YEAR, drafter=ex.finance, head=ex.s.mayor)
    assert run.digest == snapshot.digest(snapshot.canonical(doc))
    assert snapshot.digest(snapshot.canonical(snapshot.compute(ex.s.gov, YEAR))) == run.digest
    tb = queries.trial_balance(ex.s.gov, YEAR)
    assert tb.total_debit == tb.total_credit
    assert all(r.balance == 0 for r in tb.rows if r.category in ("revenue", "expense"))
    assert closing_queries.cash_reconciliation(ex.s.gov.pk, YEAR) == []
