"""A year of expenditure for one government, planned in memory from its confirmed budget (no ORM here).

Every line of the 예산현액 gets a share it will commit over the whole year (by 통계목: personnel and debt service
nearly all of it, works much less), split into commitments dated by COMMIT_PROFILE; each commitment is paid in one
or more payment orders after a lag that depends on what is bought. Allocations (정기배정) follow the plan: each
quarter releases what the line will commit in it, the rest of the appropriation is released in the fourth quarter
or held back (배정유보). Events after `as_of` (the year in progress) are dropped, so what remains is what a
government would show on that day; nothing is ever committed before it is allocated, paid before it is committed,
or paid after 31 December.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

# Per mille of a year's ordinary commitments made in each month: January is slow (the year has just opened and
# contracts are still being tendered), spring is busy (조기집행), December rushes to use the year's money.
COMMIT_PROFILE = (35, 80, 110, 90, 90, 100, 80, 70, 90, 85, 75, 95)
# When works are completed (준공) and their balance is paid, by month: most at the end of the year.
COMPLETION_PROFILE = (5, 10, 20, 30, 45, 60, 50, 45, 70, 90, 150, 425)
# Personnel costs by month (명절휴가비 in the months of 설날 and 추석, 정근수당 in January and July).
PAYROLL_PROFILE = (112, 96, 96, 96, 96, 96, 108, 96, 104, 96, 96, 98)
MONTHLY_PROFILE = (1,) * 12
# Paid every month whatever the season: 인건비 and 일반보전금 (benefits to residents).
MONTHLY_ITEMS = frozenset({"101", "301"})

# Share of the appropriation (basis points) a line commits over a whole year, by 편성목 (low, high).
EXECUTION_BP: dict[str, tuple[int, int]] = {
    "101": (9700, 10000),
    "304": (9800, 10000),
    "309": (10000, 10000),
    "311": (10000, 10000),
    "401": (6000, 9500),
    "402": (7500, 9800),
    "403": (7500, 9800),
    "404": (8500, 10000),
    "405": (8800, 10000),
    "406": (7500, 9800),
    "501": (8000, 10000),
    "502": (9000, 10000),
    "601": (10000, 10000),
    "602": (10000, 10000),
    "701": (10000, 10000),
    "702": (10000, 10000),
    "801": (0, 0),  # 예비비 is spent through 예비비 사용 on other lines, never committed itself
    "802": (9000, 10000),
}
GROUP_EXECUTION_BP = {"2": (8500, 9900), "3": (8800, 9950), "4": (7500, 9800), "5": (8000, 10000)}

# Whom a commitment of each 편성목 goes to (see creditors.py).
CREDITOR_KIND: dict[str, str] = {
    "101": "payroll",
    "201": "services",
    "202": "staff",
    "203": "card",
    "204": "staff",
    "205": "staff",
    "206": "goods",
    "207": "services",
    "301": "people",
    "302": "people",
    "303": "people",
    "304": "agency",
    "305": "people",
    "306": "foundation",
    "307": "ngo",
    "308": "government",
    "309": "government",
    "310": "ngo",
    "311": "lender",
    "401": "works",
    "402": "ngo",
    "403": "government",
    "404": "agency",
    "405": "goods",
    "406": "ngo",
    "501": "people",
    "502": "agency",
    "601": "lender",
    "602": "lender",
    "701": "account",
    "702": "account",
    "802": "government",
}
WORKS = frozenset({"401", "402", "403", "404", "406"})
TRANSFERS = frozenset({"302", "303", "305", "306", "307", "308", "309", "310", "501", "502"})
DEBT_AND_INTERNAL = frozenset({"311", "601", "602", "701", "702", "802", "304"})


@dataclass(frozen=True)
class Mode:
    """How much detail a government gets. `full`: the featured governments and the large size; `compact`: the
    other governments of `small`, fewer documents for the same money (so `make run` stays quick)."""

    name: str
    # (amount below which, number of commitments) for ordinary lines; the last entry has no bound.
    commitments: tuple[tuple[int | None, int], ...]
    recurring_commitments: int  # 12 monthly or 4 quarterly 지출원인행위 for 인건비 and 일반보전금
    monthly_pay: bool  # paid every month, or once per commitment (compact)
    withholdings: bool  # 원천징수 lines on payroll payments
    monthly_allocation: bool  # monthly 예산배정 for what is paid every month
    revenue_lines: int | None  # the largest revenue lines that get 징수결의; None: all of chapters 1–6


FULL = Mode(
    "full",
    commitments=((100_000_000, 1), (1_000_000_000, 2), (10_000_000_000, 3), (None, 4)),
    recurring_commitments=12,
    monthly_pay=True,
    withholdings=True,
    monthly_allocation=True,
    revenue_lines=None,
)
COMPACT = Mode(
    "compact",
    commitments=((1_000_000_000, 1), (None, 2)),
    recurring_commitments=4,
    monthly_pay=False,
    withholdings=False,
    monthly_allocation=False,
    revenue_lines=8,
)


class Calendar:
    """The business days of a fiscal year, addressed by index so lags are cheap to add."""

    def __init__(self, year: int, business_days: Sequence[dt.date]) -> None:
        self.year = year
        self.days = list(business_days)
        self.month_start = [0] * 14
        for month in range(1, 14):
            self.month_start[month] = next((i for i, d in enumerate(self.days) if d.month >= month), len(self.days))
        self.last = len(self.days) - 1

    def in_month(self, month: int, rng: random.Random) -> int:
        return rng.randrange(self.month_start[month], self.month_start[month + 1])

    def first_of(self, month: int) -> int:
        return self.month_start[month]

    def payday(self, month: int) -> int:
        """The 20th, or the business day before it (공무원 보수 지급일)."""
        start, end = self.month_start[month], self.month_start[month + 1]
        return max((i for i in range(start, end) if self.days[i].day <= 20), default=start)

    def benefit_day(self, month: int) -> int:
        """The 25th, or the business day before it (기초연금 and most benefits)."""
        start, end = self.month_start[month], self.month_start[month + 1]
        return max((i for i in range(start, end) if self.days[i].day <= 25), default=start)

    def add(self, index: int, days: int) -> int:
        return min(index + days, self.last)

    def month_of(self, index: int) -> int:
        return self.days[index].month

    def on_or_after(self, day: dt.date) -> int | None:
        """The first business day on or after `day` in this year, or None after the year's last one."""
        index = bisect.bisect_left(self.days, day)
        return index if index < len(self.days) else None


@dataclass
class BudgetItem:
    """One line of the confirmed budget, as the planner sees it."""

    account_id: int
    project_id: int
    object_code: str
    amount: int
    project_name: str
    object_name: str


Withheld = tuple[tuple[str, int], ...]
# A planned payment of a commitment: (amount, day, is advance, day claimed, withholdings).
Payment = tuple[int, int, bool, int | None, Withheld]
# A planned commitment: (amount, day, its payments, kind, purpose).
Event = tuple[int, int, list[Payment], str, str]


@dataclass
class Plan:
    """The expenditure of one government and year. Indices point into `lines` and `commitments`; days are
    indices into the calendar."""

    year: int
    lines: list[BudgetItem]
    allocated: list[int] = field(default_factory=list)
    committed: list[int] = field(default_factory=list)
    paid: list[int] = field(default_factory=list)
    # (line, kind, period, amount, day)
    allocations: list[tuple[int, str, int, int, int]] = field(default_factory=list)
    # [line, amount, paid, creditor kind, creditor index, purpose, kind, day]
    commitments: list[list[Any]] = field(default_factory=list)
    # (commitment, amount, day, is_advance, claimed day or None, withholdings)
    payments: list[tuple[int, int, int, bool, int | None, Withheld]] = field(default_factory=list)


def split(total: int, weights: Sequence[int], unit: int = 10) -> list[int]:
    """total in parts proportional to weights, each a multiple of `unit` but the last, summing exactly."""
    weight_sum = sum(weights)
    parts = [total * w // weight_sum // unit * unit for w in weights]
    parts[-1] += total - sum(parts)
    return parts


def execution_bp(item: str, rng: random.Random) -> int:
    low, high = EXECUTION_BP.get(item) or GROUP_EXECUTION_BP.get(item[0], (9000, 10000))
    return low if low == high else rng.randint(low, high)


def commitment_count(mode: Mode, amount: int) -> int:
    for bound, count in mode.commitments:
        if bound is None or amount < bound:
            return count
    return 1


def weighted_months(rng: random.Random, count: int, profile: Sequence[int], first: int = 1) -> list[int]:
    months = list(range(first, 13))
    return sorted(rng.choices(months, weights=profile[first - 1 :], k=count))


def withholdings_for(gross: int) -> tuple[tuple[str, int], ...]:
    """Payroll deductions (소득세 간이세액, 지방소득세 10 % of it, 공무원연금 기여금, 건강보험료), to the 10 won."""
    income = gross * 4 // 100 // 10 * 10
    return (
        ("income_tax", income),
        ("local_income_tax", income // 10 // 10 * 10),
        ("pension", gross * 9 // 100 // 10 * 10),
        ("health_insurance", gross * 3545 // 100_000 // 10 * 10),
    )


class Planner:
    def __init__(self, mode: Mode, calendar: Calendar, as_of: dt.date | None, creditor_counts: dict[str, int]):
        self.mode = mode
        self.cal = calendar
        self.cutoff = len(calendar.days) if as_of is None else sum(1 for d in calendar.days if d <= as_of)
        self.creditor_counts = creditor_counts

    def plan(self, year: int, items: list[BudgetItem], rng: random.Random) -> Plan:
        plan = Plan(year, items)
        for index, item in enumerate(items):
            self._line(plan, index, item, rng)
        return plan

    # -- one line ----------------------------------------------------------------------------------------------

    def _line(self, plan: Plan, index: int, item: BudgetItem, rng: random.Random) -> None:
        code = item.object_code[:3]
        target = item.amount * execution_bp(code, rng) // 10_000 // 1000 * 1000
        events: list[Event] = []
        if code in MONTHLY_ITEMS:
            events = self._monthly(item, target, rng, payroll=code == "101")
        elif target > 0:
            events = self._ordinary(code, item, target, rng)
        # Allocation follows the plan of the whole year: each period releases what will be committed in it.
        monthly = code in MONTHLY_ITEMS and self.mode.monthly_allocation
        need = [0] * 13
        for _amount, day, _payments, _kind, _purpose in events:
            month = self.cal.month_of(day)
            need[month if monthly else (month - 1) // 3 * 3 + 1] += _amount
        rest = item.amount - target
        if rest and code != "801" and rng.randrange(100) < 85:
            # The uncommitted rest is released too, except on lines the budget office holds back (배정유보); 예비비
            # is never allocated, it is moved to the line that needs it (예비비 사용).
            need[12 if monthly else 10] += rest
        allocated = 0
        for month in range(1, 13):
            if need[month]:
                day = self.cal.first_of(month)
                if day < self.cutoff:
                    period = month if monthly else (month - 1) // 3 + 1
                    plan.allocations.append((index, "monthly" if monthly else "quarterly", period, need[month], day))
                    allocated += need[month]
        committed = paid = 0
        kind_of = CREDITOR_KIND.get(code, "services")
        creditor = rng.randrange(self.creditor_counts[kind_of])
        for amount, day, payments, kind, purpose in events:
            if day >= self.cutoff:
                continue
            number = len(plan.commitments)
            paid_here = 0
            for pay_amount, pay_day, advance, claimed, withheld in payments:
                if pay_day < self.cutoff:
                    plan.payments.append((number, pay_amount, pay_day, advance, claimed, withheld))
                    paid_here += pay_amount
            if kind_of not in ("payroll", "account", "lender", "agency"):
                creditor = rng.randrange(self.creditor_counts[kind_of])
            plan.commitments.append([index, amount, paid_here, kind_of, creditor, purpose, kind, day])
            committed += amount
            paid += paid_here
        plan.allocated.append(allocated)
        plan.committed.append(committed)
        plan.paid.append(paid)

    def _monthly(self, item: BudgetItem, target: int, rng: random.Random, *, payroll: bool) -> list[Event]:
        """인건비 (paid on the 20th, with 원천징수) and 일반보전금 (기초연금, 생계급여 … paid on the 25th): the same
        every month, so they set the floor of every month's spending."""
        cal, count = self.cal, self.mode.recurring_commitments
        months = split(target, PAYROLL_PROFILE if payroll else MONTHLY_PROFILE)
        payday = cal.payday if payroll else cal.benefit_day
        events: list[Event] = []
        step = 12 // count
        offset = rng.randrange(step)
        for first in range(1, 13, step):
            amount = sum(months[first - 1 : first - 1 + step])
            if amount <= 0:
                continue
            day = cal.first_of(first)
            payments: list[Payment] = []
            if self.mode.monthly_pay:
                for month in range(first, first + step):
                    gross = months[month - 1]
                    if gross <= 0:
                        continue
                    withheld = (
                        withholdings_for(gross) if payroll and self.mode.withholdings and gross >= 100_000 else ()
                    )
                    payments.append((gross, payday(month), False, None, withheld))
            else:
                # One payment per quarter; lines pay in different months of it, so the months stay even.
                payments.append((amount, payday(first + offset), False, None, ()))
            label = f"{first}월분" if step == 1 else f"{(first - 1) // 3 + 1}분기분"
            events.append((amount, day, payments, "normal", f"{item.project_name} {item.object_name} {label}"))
        return events

    def _ordinary(self, code: str, item: BudgetItem, target: int, rng: random.Random) -> list[Event]:
        cal = self.cal
        count = commitment_count(self.mode, item.amount)
        if code in ("311", "601"):
            # Debt service falls due on fixed dates: half-yearly interest and principal.
            months = [6, 12] if count > 1 else [rng.choice((6, 12))]
        elif code == "602":
            # 예치금: the funds deposit what they do not need at the end of each quarter.
            months = [3, 6, 9, 12]
        else:
            months = weighted_months(rng, count, COMMIT_PROFILE)
        amounts = split(target, [rng.randint(5, 15) for _ in months])
        events: list[Event] = []
        for n, (month, amount) in enumerate(zip(months, amounts, strict=True), start=1):
            if amount <= 0:
                continue
            day = cal.in_month(month, rng)
            suffix = f" ({n}차)" if len(months) > 1 else ""
            purpose = f"{item.project_name} {item.object_name}{suffix}"
            kind = "normal"
            if code in WORKS:
                if code == "401" and amount >= 100_000_000 and rng.randrange(2) == 0:
                    kind = "advance"
                payments = self._works(amount, day, kind == "advance", rng)
            elif code in TRANSFERS:
                payments = self._instalments(amount, day, rng, first_lag=(2, 10), split_percent=40)
            elif code in DEBT_AND_INTERNAL:
                payments = [(amount, cal.add(day, rng.randint(1, 5)), False, None, ())]
            else:
                payments = self._instalments(amount, day, rng, first_lag=(5, 25), split_percent=20)
            events.append((amount, day, payments, kind, purpose[:200]))
        return events

    def _instalments(
        self, amount: int, day: int, rng: random.Random, *, first_lag: tuple[int, int], split_percent: int
    ) -> list[Payment]:
        cal = self.cal
        first = cal.add(day, rng.randint(*first_lag))
        if amount < 30_000_000 or rng.randrange(100) >= split_percent:
            return [(amount, first, False, None, ())]
        # Paid in two: on delivery of the first part, the rest when the year's work is settled.
        part = amount * rng.randint(30, 70) // 100 // 10 * 10
        later = self._completion(cal.month_of(first), rng, not_before=first)
        return [(part, first, False, None, ()), (amount - part, later, False, None, ())]

    def _works(self, amount: int, day: int, advance: bool, rng: random.Random) -> list[Payment]:
        """선금 (≤ 70 %, paid within 14 days of the claim, 지방회계법 시행령 §44), 기성금, then the balance on
        completion; one in eight works is not finished by 31 December and keeps its balance (사고이월)."""
        cal = self.cal
        payments: list[Payment] = []
        paid = 0
        if advance:
            pay = cal.add(day, rng.randint(5, 12))
            part = amount * rng.randint(30, 70) // 100 // 10 * 10
            claimed = max(day, pay - rng.randint(1, 5))
            while (cal.days[pay] - cal.days[claimed]).days > 14:
                claimed += 1
            payments.append((part, pay, True, claimed, ()))
            paid = part
        elif rng.randrange(2) == 0 and amount >= 30_000_000:
            pay = cal.add(day, rng.randint(20, 60))
            part = amount * rng.randint(30, 60) // 100 // 10 * 10
            payments.append((part, pay, False, None, ()))
            paid = part
        if rng.randrange(8) == 0 and amount >= 100_000_000:
            return payments
        finished = self._completion(cal.month_of(day), rng, not_before=payments[-1][1] if payments else day)
        payments.append((amount - paid, finished, False, None, ()))
        return payments

    def _completion(self, month: int, rng: random.Random, *, not_before: int) -> int:
        cal = self.cal
        if month >= 12:
            return max(not_before, cal.add(not_before, rng.randint(1, 5)))
        chosen = rng.choices(range(month + 1, 13), weights=COMPLETION_PROFILE[month:], k=1)[0]
        return max(cal.in_month(chosen, rng), cal.add(not_before, 1))
