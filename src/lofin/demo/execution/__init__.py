"""Demo execution (issue 4): a finished year 2025 and the year 2026 up to the demo's today, for every government of
the size, from its confirmed budgets.

For each government and year, in one transaction: the appropriations of the last confirmed version (what
`execution.actions.do_sync_appropriations` makes, written in bulk with the same audit record), a 재무관 and a 지출원
office, quarterly allocations (monthly for personnel costs in full detail), commitments and payment orders with a
monthly profile that looks real — a slow January, a steady year, a December rush (plan.py) — and 징수결의 and 수납
for the main revenue lines on each item's own calendar (revenue.py). The year in progress stops at AS_OF.

Invariants hold by construction and are checked by the tests: committed ≤ allocated ≤ 예산현액 on every line,
nothing is committed before it is allocated, paid ≤ committed, Σ payments of the 지출원 ≤ its 지출한도, every
journal entry balances, and the audit chain stays valid (one audit record per appropriation sync and one for the
government's load, as the budget loader does).

Detail: the featured governments, and every government in `large`, get monthly payroll with 원천징수 and up to four
commitments per line (FULL); the other governments of `small` get fewer documents for the same money (COMPACT).
Speed and determinism as the budget loader: bulk writes (write.py), one seeded generator per government, year and
purpose; a government and year that already has execution lines or offices is left alone.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db import transaction

from lofin.budget.models import Account, ExpenditureLine, NationalCode, RevenueLine
from lofin.budget.queries import versions as versions_queries
from lofin.core import audit, governments, workdays
from lofin.core.models import LocalGovernment, User
from lofin.execution.models import BudgetLine, Office

from ..people import FEATURED, ensure_demo_operator, governments_for, slug
from ..registry import Context, loader
from . import creditors as creditor_pool
from .plan import COMPACT, FULL, BudgetItem, Calendar, Mode, Planner
from .revenue import RevenueItem, main_lines, plan_revenue
from .write import Actors, Bulk, write_year

YEARS = (2025, 2026)
# The demo's today: the year in progress ends here. Fixed, so the same seed gives the same data on any day.
AS_OF = dt.date(2026, 11, 26)
# Treasury banks (금고) by province; most 시·군 bank with NH농협은행.
TREASURY_BANKS = {"서울": "신한은행", "인천": "신한은행", "부산": "부산은행", "대구": "iM뱅크", "광주": "광주은행"}
CREDITORS_PER_KIND = {"full": 12, "compact": 5}


def mode_for(size: str, gov: LocalGovernment) -> Mode:
    return FULL if size == "large" or gov.code in FEATURED else COMPACT


def calendar(year: int) -> Calendar:
    day, days = dt.date(year, 1, 1), []
    while day.year == year:
        if workdays.is_business_day(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return Calendar(year, days)


def loaded_years(gov: LocalGovernment) -> set[int]:
    """Years a government already executes (lines synced or offices set up): they are never touched."""
    return set(BudgetLine.objects.filter(government=gov, year__in=YEARS).values_list("year", flat=True)) | set(
        Office.objects.filter(government=gov, year__in=YEARS).values_list("year", flat=True)
    )


def _actors(gov: LocalGovernment, operator: User) -> Actors | None:
    base = slug(gov)
    ids = dict(
        User.objects.filter(
            username__in=[f"{base}.{s}" for s in ("budget", "finance", "disburse", "revenue")]
        ).values_list("username", "pk")
    )
    if f"{base}.finance" not in ids or f"{base}.disburse" not in ids:
        return None
    return Actors(
        budget=ids.get(f"{base}.budget", operator.pk),
        finance=ids[f"{base}.finance"],
        disburse=ids[f"{base}.disburse"],
        # Governments without a demo 징수관 record revenue through the tax systems' interface, as the operator.
        revenue=ids.get(f"{base}.revenue", operator.pk),
    )


class _Names:
    """Code names of a year, read once per load."""

    def __init__(self) -> None:
        self.cache: dict[tuple[str, int], dict[str, str]] = {}

    def of(self, kind: str, year: int) -> dict[str, str]:
        if (kind, year) not in self.cache:
            self.cache[kind, year] = dict(NationalCode.objects.filter(kind=kind, year=year).values_list("code", "name"))
        return self.cache[kind, year]


def _budget_items(version_id: int, object_names: dict[str, str]) -> list[BudgetItem]:
    rows = (
        ExpenditureLine.objects.filter(version_id=version_id)
        .order_by("account__code", "project__code", "object_code")
        .values_list("account_id", "project_id", "object_code", "amount", "project__name")
    )
    return [
        BudgetItem(account, project, code, amount, name, object_names.get(code, code))
        for account, project, code, amount, name in rows
    ]


def _revenue_items(version_id: int, revenue_names: dict[str, str]) -> list[RevenueItem]:
    rows = (
        RevenueLine.objects.filter(version_id=version_id)
        .order_by("account__code", "revenue_code")
        .values_list("account_id", "revenue_code", "amount")
    )
    return [RevenueItem(account, code, amount, revenue_names.get(code, code)) for account, code, amount in rows]


def load_government(
    gov: LocalGovernment, ctx: Context, *, operator: User, calendars: dict[int, Calendar], names: _Names
) -> Counter[str]:
    """One government's execution; the caller holds the transaction."""
    counts: Counter[str] = Counter()
    years = [year for year in YEARS if year not in loaded_years(gov)]
    actors = _actors(gov, operator) if years else None
    if actors is None:
        return counts
    mode = mode_for(ctx.size, gov)
    parent = gov.parent.name if gov.parent is not None else ""
    place = gov.short_name
    bank = TREASURY_BANKS.get(gov.sido, "NH농협은행")
    account_names = list(
        Account.objects.filter(government=gov).exclude(code="100").order_by("code").values_list("name", flat=True)
    )
    bulk = Bulk()
    done = []
    for year in years:
        version = versions_queries.latest_confirmed(gov, year)
        if version is None:
            continue
        cal = calendars[year]
        as_of = AS_OF if year == AS_OF.year else None
        pool = creditor_pool.build(
            ctx.rng("execution", gov.code, year, "creditors"),
            place=place,
            treasury_bank=bank,
            parent=parent,
            education_office=f"{parent or gov.name}교육청",
            accounts=account_names,
            per_kind=CREDITORS_PER_KIND[mode.name],
        )
        planner = Planner(mode, cal, as_of, pool.counts())
        items = _budget_items(version.pk, names.of("object", year))
        plan = planner.plan(year, items, ctx.rng("execution", gov.code, year, "expenditure"))
        revenue_items = main_lines(_revenue_items(version.pk, names.of("revenue", year)), mode.revenue_lines)
        revenue = plan_revenue(
            revenue_items,
            cal,
            planner.cutoff,
            ctx.rng("execution", gov.code, year, "revenue"),
            parent=parent,
            payer_agency=creditor_pool.payer_agency,
            next_business_day=lambda day: workdays.next_business_day(day, labour_day=True),
        )
        written = write_year(
            bulk,
            government_id=gov.pk,
            place=place,
            version_number=version.number,
            calendar=cal,
            plan=plan,
            revenue_items=revenue_items,
            revenue=revenue,
            creditors=pool,
            actors=actors,
            as_of=as_of,
        )
        # The same record do_sync_appropriations writes when a confirmed budget becomes the appropriation.
        audit.record(
            operator,
            "execution.appropriation.sync",
            version,
            data={"year": year, "version": version.number, "created": len(items), "updated": 0},
        )
        counts.update(written)
        done.append(year)
    if done:
        audit.record(
            operator,
            "demo.execution.load",
            gov,
            data={"size": ctx.size, "years": done, "mode": mode.name, "as_of": AS_OF, **counts},
        )
    return counts


@loader("execution.execution", order=40, version=1)
def load_execution(ctx: Context) -> None:
    governments.ensure_loaded()
    operator = ensure_demo_operator()
    calendars = {year: calendar(year) for year in YEARS}
    names = _Names()
    govs = governments_for(ctx.size)
    totals: Counter[str] = Counter()
    loaded = 0
    for gov in ctx.track(govs, len(govs), "execution"):
        with transaction.atomic():
            counts = load_government(gov, ctx, operator=operator, calendars=calendars, names=names)
        if counts:
            loaded += 1
            totals.update(counts)
    ctx.notes.append(
        f"{loaded} governments, {totals['commitments']:,} commitments, {totals['payments']:,} payment orders, "
        f"{totals['assessments']:,} assessments, {totals['journal_lines']:,} journal lines"
    )
