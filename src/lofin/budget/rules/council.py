"""Rules of the bill before the council: the statutory deadlines, the council's power to amend, the vote."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from lofin.core.errors import InvalidInput

from ..errors import BudgetRuleViolation


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


def check_amendment_reason(reason: str) -> str:
    """지방자치법 §142: the council decides on the bill, so every amendment (수정의결) it records carries the
    council's reason; the reason is what the budget book and the minutes show."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Record the council's reason for the amendment."), field="reason")
    return reason


def check_vote_date(voted_on: dt.date, submitted_on: dt.date | None) -> None:
    """지방자치법 §142: the council votes on the bill the head submitted, so the vote cannot precede it."""
    if submitted_on is not None and voted_on < submitted_on:
        raise InvalidInput(_("The vote cannot come before the bill was submitted."), field="voted_on")
