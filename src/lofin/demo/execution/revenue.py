"""A year of revenue for one government, planned in memory: 징수결의 and 수납 for its main revenue lines.

Each revenue item follows its own calendar: 재산세 in July and September, 자동차세 in June and December (and the
January 연납), 주민세 in August, 법인지방소득세 in April, 개인지방소득세 every month with May's 종합소득 filing on top,
보통교부세 every month, 부동산교부세 in December, 보조금 as the ministries release it, 지방채 at the end of the
year. Three ways of collecting:
- `regular` (정기분, 납부기한이 정해진 수입): a notice at the start of the month due at its end; most is paid by the
  due date, a little in the following month, the rest stays open (체납);
- `notice` (수시분 세외수입): a notice due 15 days later (rolled to a business day), mostly paid by then;
- `filed` and `transfer` (신고납부, 교부금·보조금·차입금, 납입고지서 없는 수시수입): decided and received the same day,
  in full.
Realised revenue differs a little from the budget (taxes −3 % to +8 %, 보조금 up to −5 %); transfers arrive as
budgeted. 보전수입등및내부거래 (잉여금, 이월금, 전입금, 예치금) is left out: it is the government's own money.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .plan import Calendar, split

MONTHLY = (1,) * 12
QUARTER_ENDS = (0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1)
SUBSIDY_MONTHS = (0, 25, 15, 0, 20, 0, 15, 0, 10, 0, 15, 0)


def _months(*pairs: tuple[int, int]) -> tuple[int, ...]:
    weights = [0] * 12
    for month, weight in pairs:
        weights[month - 1] = weight
    return tuple(weights)


# revenue code (or its item) → (way of collecting, weight of each month, realised range in basis points)
SCHEDULES: dict[str, tuple[str, tuple[int, ...], tuple[int, int]]] = {
    "111": ("filed", MONTHLY, (9700, 10800)),
    "112": ("filed", _months((1, 6), *((m, 1) for m in range(2, 13))), (9700, 10500)),
    "113": ("filed", MONTHLY, (9600, 10400)),
    "114": ("filed", MONTHLY, (9800, 10200)),
    "115": ("transfer", MONTHLY, (9900, 10300)),
    "116-01": ("regular", _months((8, 1)), (9800, 10200)),
    "116-02": ("filed", _months((8, 1)), (9800, 10300)),
    "116-03": ("filed", MONTHLY, (9700, 10300)),
    "117-01": ("filed", _months(*((m, 1) for m in range(1, 13) if m != 5), (5, 6)), (9600, 10800)),
    "117-02": ("filed", _months((4, 8), (8, 2)), (9500, 10800)),
    "118": ("regular", _months((7, 1), (9, 1)), (9900, 10300)),
    "119-01": ("regular", _months((1, 2), (6, 4), (12, 4)), (9800, 10200)),
    "119-02": ("transfer", MONTHLY, (9800, 10200)),
    "121-03": ("regular", _months((7, 1), (9, 1)), (9900, 10200)),
    "121": ("filed", MONTHLY, (9700, 10300)),
    "122": ("filed", MONTHLY, (9800, 10300)),
    "131": ("notice", MONTHLY, (8000, 11000)),
    "211": ("notice", QUARTER_ENDS, (9500, 10500)),
    "216": ("filed", QUARTER_ENDS, (9000, 11500)),
    "221": ("notice", _months((4, 1), (8, 1), (11, 1)), (7000, 11000)),
    "222": ("transfer", _months((6, 1)), (10000, 10000)),
    "223": ("notice", _months((1, 2), (2, 1)), (9000, 11000)),
    "2": ("notice", MONTHLY, (9000, 11000)),
    "311": ("transfer", MONTHLY, (10000, 10000)),
    "312": ("transfer", QUARTER_ENDS, (10000, 10000)),
    "313": ("transfer", _months((12, 1)), (10000, 10000)),
    "314": ("transfer", QUARTER_ENDS, (10000, 10000)),
    "411": ("transfer", MONTHLY, (10000, 10000)),
    "421": ("transfer", MONTHLY, (10000, 10000)),
    "4": ("transfer", _months((6, 1), (12, 1)), (10000, 10000)),
    "5": ("transfer", SUBSIDY_MONTHS, (9500, 10000)),
    "6": ("transfer", _months((12, 1)), (10000, 10000)),
}
CHAPTERS = frozenset("123456")
# Batches are assessed for this many payers per won, to give a plausible count in the payer's name.
AVERAGE_BILL = {"1": 250_000, "2": 120_000}


def schedule_for(code: str) -> tuple[str, tuple[int, ...], tuple[int, int]]:
    for key in (code, code[:3], code[:1]):
        if key in SCHEDULES:
            return SCHEDULES[key]
    return ("notice", MONTHLY, (9000, 11000))


@dataclass
class RevenueItem:
    account_id: int
    revenue_code: str
    amount: int
    name: str


@dataclass
class RevenuePlan:
    # [item, amount, collected, payer, way, assessed day, notice day or None, due date or None]
    assessments: list[list] = field(default_factory=list)
    # (assessment, amount, day)
    receipts: list[tuple[int, int, int]] = field(default_factory=list)


def main_lines(items: Sequence[RevenueItem], limit: int | None) -> list[RevenueItem]:
    """Chapters 1–6 with an amount, largest first; `limit` keeps only the largest."""
    chosen = sorted(
        (i for i in items if i.revenue_code[:1] in CHAPTERS and i.amount > 0),
        key=lambda i: (-i.amount, i.revenue_code, i.account_id),
    )
    return chosen if limit is None else chosen[:limit]


def plan_revenue(
    items: Sequence[RevenueItem],
    calendar: Calendar,
    cutoff: int,
    rng: random.Random,
    *,
    parent: str,
    payer_agency: Callable[..., str],
    next_business_day: Callable[[dt.date], dt.date],
) -> RevenuePlan:
    plan = RevenuePlan()
    cal = calendar
    for index, item in enumerate(items):
        way, weights, (low, high) = schedule_for(item.revenue_code)
        realised = item.amount * (low if low == high else rng.randint(low, high)) // 10_000 // 10 * 10
        months = [m for m in range(1, 13) if weights[m - 1]]
        amounts = split(realised, [weights[m - 1] for m in months])
        agency = payer_agency(item.revenue_code, rng, parent=parent)
        for month, amount in zip(months, amounts, strict=True):
            if amount <= 0:
                continue
            notice: int | None
            due: int | None
            due_on: dt.date | None
            if way == "regular":
                assessed = notice = cal.first_of(month)
                due = cal.month_start[month + 1] - 1
                due_on = cal.days[due]
            elif way == "notice":
                assessed = cal.in_month(month, rng)
                notice = assessed
                # R-RV-1: 15 days after the notice, rolled to a business day; a December notice falls due in
                # January, after the cash of the year has closed, so it stays open at the year end.
                due_on = cal.days[assessed] + dt.timedelta(days=15)
                due = cal.on_or_after(due_on)
                due_on = cal.days[due] if due is not None else next_business_day(due_on)
            else:
                assessed = cal.in_month(month, rng) if way == "filed" else cal.add(cal.first_of(month), 4)
                notice = due = due_on = None
            if assessed >= cutoff:
                continue
            payer = agency or _batch_payer(item, way, amount, rng)
            number = len(plan.assessments)
            collected = 0
            if notice is None:
                plan.receipts.append((number, amount, assessed))
                collected = amount
            elif due is not None and due < cutoff:
                on_time = amount * rng.randint(9300, 9800) // 10_000 // 10 * 10
                plan.receipts.append((number, on_time, due))
                collected = on_time
                # Some pay late within the year; what is unpaid at 31 December stays open (체납).
                late = min(amount * rng.randint(100, 400) // 10_000 // 10 * 10, amount - on_time)
                late_day = due + rng.randint(5, 20)
                if late and late_day < min(cutoff, len(cal.days)):
                    plan.receipts.append((number, late, late_day))
                    collected += late
            plan.assessments.append([index, amount, collected, payer, way, assessed, notice, due_on])
    return plan


def _batch_payer(item: RevenueItem, way: str, amount: int, rng: random.Random) -> str:
    bills = max(1, amount // AVERAGE_BILL.get(item.revenue_code[:1], 200_000) * rng.randint(80, 120) // 100)
    label = {"regular": "정기분 납세자", "filed": "신고납부", "notice": "납부자"}.get(way, "납부자")
    return f"{item.name} {label} 일괄 ({bills:,}건)"[:100]
