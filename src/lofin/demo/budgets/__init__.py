"""Demo budgets (issue 3): accounts, a 사업 tree, a confirmed 본예산 for 2023–2026 and a 제1회 추경 in 2025 for
every government of the size, with 산출근거 and revenue, built to the real 2023 totals.

Accounts (codes are each government's own): 100 일반회계; 2xx 공기업특별회계 (210 상수도, 220 하수도,
230 공영개발, 240 지역개발기금); 3xx 기타특별회계 (310 의료급여기금 … 380 기반시설); 4xx 기금 (410 재난관리기금,
420 통합재정안정화기금 … 490 재해구호기금). A kind gets accounts only when its 2023 figure in
core/data/local_governments.csv is above zero; the kind's total is split among its accounts by fixed weights.

Totals: the 2023 본예산 of each kind equals budget2023_* to the won. Each later year grows every kind over the
year before by GROWTH_BP (2024 +3.0 %, 2025 +2.5 %, 2026 +3.5 %), rounded half up to a whole 1,000 won
(`grow`). Within an account, amounts are integer shares of the exact total: fixed items first (예비비, 전출금,
교육비특별회계 전출금, 조정교부금), then pools (인건비, 기본경비, 지방채 상환) as a per-mille of the total, then
the programmes get the rest; each pool is split over its lines in whole 천원 by integer weights with the leftover
천원 going to the largest remainders (`split_exact`), so every sum is exact by construction.

Revenue of an account sums to its expenditure exactly. 일반회계: own revenue (지방세수입 + 세외수입) =
round(일반회계 × 재정자립도 / 100) to the 천원, so (지방세 + 세외수입) / 일반회계 세입 = self_reliance_pct within a
rounding of 1,000 won; taxes follow the 세목 each kind of government may levy (revenues.csv `levels`);
국고보조금 and 시·도비보조금 equal the State and province shares of the lines; 지방교부세, 조정교부금,
순세계잉여금 (and 지방채 where the government borrows) take the rest. Other accounts: 전입금 equals the
일반회계's 전출금 line for that account; the rest comes from their own 사용료, 사업수입, 잉여금 ….

Rules kept (lofin.budget.actions.check_version passes on every version): 예비비 (801-01, 801-02) is 0.4–0.9 % of
the 일반회계; every account balances; no project reviewed 재검토/부적정; a 국고보조 project's State share is
floor(amount × share) on every line, which always leaves the matching that rules.required_matching asks.

The 추경 (number 1, 2025) starts from the 본예산: 기정액 = the 본예산 amount, some programme lines rise 1–10 %,
a few fall 1–5 %, a few new 세부사업 appear; the difference is funded by 순세계잉여금 and the State shares.

Speed: one transaction per government; projects, lines, 산출근거 and revenue go in by COPY on PostgreSQL and by
executemany on SQLite, with ids reserved up front (the sequence on PostgreSQL, MAX(id) under SQLite's write lock).

Modules: totals (years, growth, exact splits), vocabulary (bureaus and the 사업 of every 부문), templates
(other accounts, 통계목 mixes, pools), basis (산출근거), revenue (revenue codes and mixes), specs (the shapes of
a plan), plan (the 사업 tree and the rows of every year), amounts (one year's 본예산 and 추경), write (the
database). Only write and this module touch the database.
"""

from __future__ import annotations

from django.db import transaction

from lofin.budget import codes
from lofin.core import audit, governments
from lofin.demo.people import ensure_demo_operator, governments_for
from lofin.demo.registry import Context, loader

from .plan import plan_government
from .revenue import LEVEL_GROUP, revenue_allowed
from .specs import GovernmentPlan, GovInfo
from .totals import YEARS, grow, kind_targets, split_at_least_one, split_exact
from .write import has_budgets, write_plan

# What the tests, the benchmark and other loaders use; the modules hold the rest.
__all__ = [
    "LEVEL_GROUP",
    "YEARS",
    "GovInfo",
    "GovernmentPlan",
    "grow",
    "has_budgets",
    "kind_targets",
    "load_budgets",
    "plan_government",
    "revenue_allowed",
    "split_at_least_one",
    "split_exact",
    "write_plan",
]


@loader("budget.budgets", order=30, version=1)
def load_budgets(ctx: Context) -> None:
    governments.ensure_loaded()
    codes.load()
    operator = ensure_demo_operator()
    rows = {row["code"]: row for row in governments.read_governments()}
    govs = governments_for(ctx.size)
    totals: dict[str, int] = {}
    loaded = 0
    for gov in ctx.track(govs, len(govs), "budgets"):
        with transaction.atomic():
            if has_budgets(gov):
                continue
            plan = plan_government(GovInfo.from_row(rows[gov.code]), ctx.size, ctx.rng)
            counts = write_plan(gov, plan)
            audit.record(operator, "demo.budget.load", gov, data={"size": ctx.size, **counts})
        loaded += 1
        for key, value in counts.items():
            totals[key] = totals.get(key, 0) + value
    ctx.notes.append(
        f"{loaded} governments, {totals.get('expenditure_lines', 0):,} expenditure lines, "
        f"{totals.get('calc_basis', 0):,} calculation rows"
    )
