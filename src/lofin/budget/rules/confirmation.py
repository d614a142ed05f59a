"""The rules every bill and every confirmed budget must satisfy (check_version), each with its statute."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from lofin.core.errors import InvalidInput

from ..errors import BudgetRuleViolation
from .setup import FULL_SHARE_BP

# The 통계목 of 예비비 (R-BP-3): 일반예비비 (801-01) is the one the general account must budget, within 1 % of its
# expenditure (지방재정법 §43①); 재해·재난목적예비비 (801-02) is budgeted beside it, outside that cap and not in place of
# it (§43②). 801-03 내부유보금 (funds) is not 예비비.
GENERAL_RESERVE_CODE = "801-01"
DISASTER_RESERVE_CODE = "801-02"
BLOCKING_REVIEWS = frozenset({"reconsider", "inappropriate"})
GENERAL = "general"  # AccountKind.GENERAL


@dataclass(frozen=True)
class AccountFigures:
    """One 회계 of a version: its totals and the 일반예비비 it budgets (the disaster reserve is not counted, R-BP-3)."""

    code: str
    name: str
    kind: str
    revenue: int
    expenditure: int
    reserve: int


@dataclass(frozen=True)
class SubsidisedProject:
    """A 국고보조 project of a version: the State subsidy on its lines, their total and the State's share."""

    name: str
    state: int
    total: int
    state_share_bp: int


def check_reserve(general_expenditure_total: int, reserve_total: int) -> None:
    """지방재정법 §43①: the general account must budget 일반예비비, at most 1 % of its expenditure (R-BP-3).
    `reserve_total` is the 일반예비비 alone: the 재해·재난목적예비비 is outside the cap and does not stand in for it
    (§43②)."""
    if reserve_total <= 0:
        raise BudgetRuleViolation(
            _(
                "The general account must include a general contingency reserve (일반예비비); a disaster reserve "
                "does not replace it (지방재정법 §43)."
            ),
            rule="R-BP-3",
        )
    if reserve_total * 100 > general_expenditure_total:
        raise BudgetRuleViolation(
            _(
                "The general contingency reserve (일반예비비) of %(reserve)s won is more than 1 %% of the general "
                "account's expenditure of %(total)s won (지방재정법 §43)."
            )
            % {"reserve": f"{reserve_total:,}", "total": f"{general_expenditure_total:,}"},
            rule="R-BP-3",
        )


def check_explicit_carry_amount(explicit_carry: int, amount: int) -> None:
    """지방재정법 §50①: 명시이월비 is the part of a line's appropriation the council lets run into the next year, so it
    is at most the line's amount (R-BP-10)."""
    if explicit_carry > amount:
        raise BudgetRuleViolation(
            _(
                "The explicit carry-over (명시이월비) of %(carry)s won is more than the line's %(amount)s won "
                "(지방재정법 §50)."
            )
            % {"carry": f"{explicit_carry:,}", "amount": f"{amount:,}"},
            rule="R-BP-10",
        )


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
    if not 0 < state_share_bp <= FULL_SHARE_BP:
        raise InvalidInput(_("The State's share must be between 0 and 100 %."))
    return -(-state_amount * (FULL_SHARE_BP - state_share_bp) // state_share_bp)


def matching_shortfall(project: SubsidisedProject) -> tuple[int, int] | None:
    """(local funds, local funds required) when a 국고보조 project lacks its 지방비 matching (지방재정법 §22②)."""
    local = project.total - project.state
    required = required_matching(project.state, project.state_share_bp)
    return (local, required) if local < required else None


def check_matching(project: SubsidisedProject) -> None:
    """지방재정법 §22②: a government that takes a State subsidy budgets the local funds it is matched with."""
    short = matching_shortfall(project)
    if short is None:
        return
    local, required = short
    raise BudgetRuleViolation(
        _(
            "“%(project)s” has %(state)s won of State subsidy but only %(local)s won of local matching funds; "
            "%(required)s won are required (지방재정법 §22)."
        )
        % {
            "project": project.name,
            "state": f"{project.state:,}",
            "local": f"{local:,}",
            "required": f"{required:,}",
        },
        rule="matching",
    )


def unbalanced_accounts(revenue: Mapping[int, int], expenditure: Mapping[int, int]) -> dict[int, tuple[int, int]]:
    """Accounts whose revenue and expenditure differ (수지균형, 지방자치법 §137)."""
    keys = set(revenue) | set(expenditure)
    return {k: (revenue.get(k, 0), expenditure.get(k, 0)) for k in keys if revenue.get(k, 0) != expenditure.get(k, 0)}


def check_balance(accounts: Sequence[AccountFigures]) -> None:
    """지방자치법 §137, 지방재정법 §7: the revenue and the expenditure of each account (회계) balance."""
    unbalanced = [a for a in accounts if a.revenue != a.expenditure]
    if unbalanced:
        first = unbalanced[0]
        raise BudgetRuleViolation(
            _("%(account)s does not balance: revenue %(revenue)s won, expenditure %(expenditure)s won.")
            % {"account": first.name, "revenue": f"{first.revenue:,}", "expenditure": f"{first.expenditure:,}"},
            rule="balance",
            accounts=[a.code for a in unbalanced],
        )


def check_version(
    accounts: Sequence[AccountFigures],
    *,
    blocked: Iterable[tuple[str, str]] = (),
    subsidised: Iterable[SubsidisedProject] = (),
) -> None:
    """A bill (지방자치법 §142) and a confirmed budget have a general account (지방재정법 §9) with its 일반예비비 (§43),
    balance per account (지방자치법 §137), fund no project its 투자심사 blocked (§37) and match every State subsidy
    with its local funds (§22②). `blocked` is (project name, review outcome) of funded projects."""
    general = [a for a in accounts if a.kind == GENERAL]
    if not general:
        raise BudgetRuleViolation(_("A budget needs a general account."), rule="R-BP-3")
    for account in general:
        check_reserve(account.expenditure, account.reserve)
    check_balance(accounts)
    for project_name, outcome in blocked:
        check_investment_review(outcome, project_name)
    for project in subsidised:
        check_matching(project)
