"""The closing entry empties the year's revenue and expense into 일반순자산 and balances (pure rule)."""

from hypothesis import given
from hypothesis import strategies as st

from lofin.accounting.chart import GENERAL_NET_ASSETS
from lofin.closing import rules

CATEGORIES = {"4100": "revenue", "5100": "expense", "5200": "expense", "1110": "asset"}


def test_revenue_and_expense_move_into_net_assets():
    balances = {(1, "4100"): -1_000, (1, "5100"): 300, (1, "1110"): 700, (2, "5200"): 60}
    assert rules.closing_lines(balances, CATEGORIES) == {
        1: [("4100", 1_000, 0), ("5100", 0, 300), (GENERAL_NET_ASSETS, 0, 700)],
        2: [("5200", 0, 60), (GENERAL_NET_ASSETS, 60, 0)],
    }


@given(st.dictionaries(st.sampled_from(["4100", "5100", "5200", "1110"]), st.integers(-(10**9), 10**9)))
def test_every_closing_entry_balances(amounts):
    for lines in rules.closing_lines({(1, code): amount for code, amount in amounts.items()}, CATEGORIES).values():
        assert sum(d for _c, d, _k in lines) == sum(k for _c, _d, k in lines)
        assert all(code != "1110" for code, _d, _k in lines)
