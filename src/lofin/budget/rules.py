"""Pure rules of budget formulation, each with its legal source (domain reference §4, §5). No ORM here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from lofin.core.errors import Conflict, InvalidInput

# The 통계목 of 예비비 (R-BP-3): 일반예비비 and 재해·재난목적예비비; 801-03 내부유보금 (funds) is not 예비비.
RESERVE_CODES = ("801-01", "801-02")
MAX_CONTINUING_YEARS = 5


class BudgetRuleViolation(Conflict):
    code = "budget_rule"
    default_message = _("The budget breaks a rule of the law.")


@dataclass(frozen=True)
class Deadlines:
    bill_due: dt.date
    vote_due: dt.date


def deadlines(level: str, fiscal_year: int) -> Deadlines:
    """지방자치법 §142: the head submits the bill 50 days (시·도) / 40 days (시·군·구) before the fiscal year
    starts; the council votes 15 / 10 days before. Counting back from 1 January without counting the first
    day (민법 §157), "50 days before" leaves 11 Nov as the last day for a 시·도 bill, 21 Nov for a 시·군·구,
    and 16 Dec / 21 Dec for the votes — the dates governments publish as their statutory deadlines (R-BP-1)."""
    start = dt.date(fiscal_year, 1, 1)
    bill_days, vote_days = (50, 15) if level == "광역" else (40, 10)
    return Deadlines(start - dt.timedelta(days=bill_days + 1), start - dt.timedelta(days=vote_days + 1))


def basis_amount(unit_price: int, quantity: int, times: int) -> int:
    """산출근거: unit price × quantity × times, in whole won."""
    if unit_price < 0 or quantity < 0 or times < 0:
        raise InvalidInput(_("Unit price, quantity and times cannot be negative."))
    return unit_price * quantity * times


def check_basis_total(line_amount: int, basis_amounts: Iterable[int]) -> None:
    total = sum(basis_amounts)
    if total != line_amount:
        raise InvalidInput(
            _("The calculation basis adds up to %(basis)s won but the line asks for %(amount)s won.")
            % {"basis": f"{total:,}", "amount": f"{line_amount:,}"},
            basis_total=total,
            amount=line_amount,
        )


def check_reserve(general_expenditure_total: int, reserve_total: int) -> None:
    """지방재정법 §43: the general account must budget 예비비, at most 1 % of its expenditure (R-BP-3)."""
    if reserve_total <= 0:
        raise BudgetRuleViolation(
            _("The general account must include a contingency reserve (예비비) (지방재정법 §43)."), rule="R-BP-3"
        )
    if reserve_total * 100 > general_expenditure_total:
        raise BudgetRuleViolation(
            _(
                "The contingency reserve of %(reserve)s won is more than 1 %% of the general account's "
                "expenditure of %(total)s won (지방재정법 §43)."
            )
            % {"reserve": f"{reserve_total:,}", "total": f"{general_expenditure_total:,}"},
            rule="R-BP-3",
        )


def check_continuing_years(first_year: int, last_year: int, *, extended_by_council: bool) -> None:
    """지방재정법 §42: 계속비 may run for at most five years, unless the council extends it (R-BP-8)."""
    if last_year < first_year:
        raise InvalidInput(_("The last year comes before the first year."))
    if last_year - first_year + 1 > MAX_CONTINUING_YEARS and not extended_by_council:
        raise BudgetRuleViolation(
            _("Continuing expenditure (계속비) may span at most five years (지방재정법 §42)."), rule="R-BP-8"
        )


def check_council_amendment(*, submitted_total: int, amended_total: int, new_item: bool, head_consent: bool) -> None:
    """지방자치법 §142③: without the head's consent the council may not raise the amount of an item (세출 항, i.e.
    a 정책사업) above the bill, nor add a new expense item (R-BP-2)."""
    if head_consent:
        return
    if new_item:
        raise BudgetRuleViolation(
            _("The council cannot add a new expense item without the head's consent (지방자치법 §142)."),
            rule="R-BP-2",
        )
    if amended_total > submitted_total:
        raise BudgetRuleViolation(
            _(
                "The council cannot raise this programme above the %(amount)s won of the bill without the "
                "head's consent (지방자치법 §142)."
            )
            % {"amount": f"{submitted_total:,}"},
            rule="R-BP-2",
        )


BLOCKING_REVIEWS = frozenset({"reconsider", "inappropriate"})


def check_investment_review(outcome: str, project_name: str) -> None:
    """지방재정법 §37: no budget for a project whose 투자심사 came out 재검토 or 부적정."""
    if outcome in BLOCKING_REVIEWS:
        raise BudgetRuleViolation(
            _("“%(project)s” cannot be budgeted: its investment review found it “%(outcome)s” (지방재정법 §37).")
            % {"project": project_name, "outcome": outcome},
            rule="investment_review",
        )


def required_matching(state_amount: int, state_share_bp: int) -> int:
    """지방비 a 국고보조 project needs beside the State's share (지방재정법 §22②), rounded up to the won."""
    if not 0 < state_share_bp <= 10_000:
        raise InvalidInput(_("The State's share must be between 0 and 100 %."))
    return -(-state_amount * (10_000 - state_share_bp) // state_share_bp)


def unbalanced_accounts(revenue: Mapping[int, int], expenditure: Mapping[int, int]) -> dict[int, tuple[int, int]]:
    """Accounts whose revenue and expenditure differ (수지균형, 지방자치법 §137)."""
    keys = set(revenue) | set(expenditure)
    return {k: (revenue.get(k, 0), expenditure.get(k, 0)) for k in keys if revenue.get(k, 0) != expenditure.get(k, 0)}


@dataclass(frozen=True)
class LineDiff:
    key: tuple[str, ...]
    before: int
    after: int

    @property
    def change(self) -> int:
        return self.after - self.before


def diff(before: Mapping[tuple[str, ...], int], after: Mapping[tuple[str, ...], int]) -> list[LineDiff]:
    """Lines whose amount changed between two versions (added lines count from 0, removed ones to 0)."""
    keys = sorted(set(before) | set(after))
    return [LineDiff(k, before.get(k, 0), after.get(k, 0)) for k in keys if before.get(k, 0) != after.get(k, 0)]
