"""세입세출결산 from execution: 예산현액 = 지출 + 이월 + 불용 per line, revenue assessed and collected."""

import pytest

from lofin.accounting.tests.helpers import commit, funded, pay
from lofin.closing import budget_result, snapshot
from lofin.execution.testing import YEAR, build_execution

pytestmark = pytest.mark.django_db


def test_expenditure_lines_add_up_and_the_paid_line_shows_its_payment(db):
    ex = build_execution()
    line = funded(ex)
    pay(ex, commit(ex, 50_000_000, line=line), 30_000_000)
    result = budget_result.budget_result(ex.s.gov.pk, YEAR)
    row = next(r for r in result["expenditure"] if r["line_id"] == line.pk)
    assert (row["appropriation"], row["paid"], row["carried"]) == (385_000_000, 30_000_000, 0)
    assert row["lapsed"] == 355_000_000
    for r in result["expenditure"]:
        assert r["appropriation"] == r["paid"] + r["carried"] + r["lapsed"]
    totals = result["totals"]["expenditure"]
    assert totals["appropriation"] == totals["paid"] + totals["carried"] + totals["lapsed"]
    assert result["totals"]["revenue"]["budget"] == sum(r["budget"] for r in result["revenue"]) > 0


def test_programme_costs_are_split_by_the_function_of_the_project_paid_from(db):
    ex = build_execution()
    line = funded(ex)
    pay(ex, commit(ex, 50_000_000, line=line), 30_000_000)
    perf = snapshot.compute(ex.s.gov, YEAR)["statements"]["general"]["performance"]
    assert perf["program_cost_total"] == 30_000_000
    assert [(f["function"], f["amount"]) for f in perf["by_function"]] == [(line.project.function_code, 30_000_000)]
