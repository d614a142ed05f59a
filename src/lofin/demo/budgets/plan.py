"""The plan of one government (pure: no database): accounts, the 사업 tree, and for every year the versions,
lines with 산출근거 and revenue, as rows of a GovernmentPlan."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from lofin.budget.models import AccountKind, ProjectLevel, VersionKind
from lofin.budget.rules import council as council_rules

from .amounts import Budget, YearPlanner
from .basis import basis_rows
from .revenue import LEVEL_GROUP, NONTAX_MIX, REVENUE_CODES, REVENUE_DEPARTMENTS, TAX_MIX, TRANSFER_MIX, revenue_text
from .specs import AccountPlan, DetailSpec, GovernmentPlan, GovInfo, PolicySpec, UnitSpec, VersionPlan
from .templates import (
    ACCOUNT_COUNTS,
    ACCOUNT_TEMPLATES,
    ENTERPRISE,
    FUND,
    MAIN_ACCOUNTS,
    OTHER,
    POOL_OF_PROFILE,
    POOL_PERMILLE,
    PROFILES,
    SPREAD,
    STATE_SHARES,
    STRUCTURAL_PROFILES,
    TEMPLATE_BY_CODE,
)
from .totals import BASE_YEAR, GENERAL_ACCOUNT, SUPPLEMENTARY_YEAR, YEARS, RngFactory, split_exact
from .vocabulary import (
    BUREAU_FUNCTION,
    BUREAU_OF,
    BUREAUS,
    CLASSES,
    COASTAL_SECTORS,
    COUNCIL_VOCABULARY,
    FIELD_AMOUNT_SCALE,
    GENDER_GOALS,
    INLAND_SIDO,
    METRO_BUREAU_NAMES,
    PLACES,
    SECTOR_TEMPLATES,
    SECTOR_WEIGHTS,
    DetailTemplate,
    PolicyTemplate,
    parse_vocabulary,
)

KST = ZoneInfo("Asia/Seoul")

# 세부사업 of the 일반회계 per year (low, high, the 일반회계 in 억원 at which a government reaches high); the
# count grows with the square root of the budget. `tiny` uses `small`.
DETAIL_COUNTS = {
    "large": {
        "metro": (1800, 4300, 330_000),
        "province": (1800, 3600, 300_000),
        "special": (1400, 2200, 70_000),
        "city": (250, 520, 30_000),
        "county": (170, 360, 10_000),
        "district": (170, 380, 10_000),
    },
    "small": {
        "metro": (120, 260, 330_000),
        "province": (120, 220, 300_000),
        "special": (90, 140, 70_000),
        "city": (35, 80, 30_000),
        "county": (25, 55, 10_000),
        "district": (30, 60, 10_000),
    },
}
# 세부사업 of each other account (low, high) before its 인건비, 기본경비 and 상환 items.
OTHER_DETAIL_COUNTS = {"large": (4, 15), "small": (2, 5)}


def plan_government(info: GovInfo, size: str, rng: RngFactory) -> GovernmentPlan:
    """The budgets of one government for every year of YEARS; `rng(*salt)` gives a seeded generator per purpose."""
    return Planner(info, size, rng).build()


def _weekday_on_or_before(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def _weekday_on_or_after(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=KST)


def _weighted(weights: dict[str, int], rng: random.Random) -> dict[str, int]:
    """Each government's own mix: ±30 % around the national pattern."""
    return {code: max(1, w * (70 + rng.randrange(61))) for code, w in weights.items()}


class Planner:
    """One government's plan: its accounts and 사업 tree once, then the versions of every year."""

    def __init__(self, info: GovInfo, size: str, rng: RngFactory) -> None:
        self.info = info
        self.size = "large" if size == "large" else "small"
        self.rng_for = rng
        self.rng = rng("budget", info.code, "tree")
        self.places = list(PLACES)
        self.rng.shuffle(self.places)
        self.group = LEVEL_GROUP[info.cls]
        coastal_chance = 0 if info.sido in INLAND_SIDO else (100 if info.level == "광역" else 50)
        self.coastal = self.rng.randrange(100) < coastal_chance
        self.plan = GovernmentPlan()
        self.pattern_uses: dict[str, int] = {}

    # -- the tree ------------------------------------------------------------------------------------------------

    def build(self) -> GovernmentPlan:
        accounts = self._choose_accounts()
        general = accounts[0]
        general.policies = self._general_policies(accounts)
        for account in accounts[1:]:
            template = TEMPLATE_BY_CODE[account.code]
            low, high = OTHER_DETAIL_COUNTS[self.size]
            account.policies = self._instantiate(
                template.policies, self.rng.randint(low, high), "", has_debt=account.has_debt
            )
        for account in accounts:
            # However projects come and go, every account keeps one programme in every year.
            anchor = next(d for d in account.details() if d.pool == "program")
            anchor.first, anchor.last = YEARS[0], YEARS[-1]
        self._number(accounts)
        self.plan.accounts = [(a.code, a.name, a.kind) for a in accounts]
        for year in YEARS:
            self._plan_year(year, accounts)
        self._collect_departments()
        return self.plan

    def _choose_accounts(self) -> list[AccountPlan]:
        cls = self.info.cls
        base = self.info.totals[BASE_YEAR]
        general_pools = {
            pool: self.rng.randint(*(by_class.get(cls) or by_class.get("_") or (0, 0)))
            for pool, by_class in POOL_PERMILLE["general"].items()
        }
        revenue = {**TAX_MIX[self.group], **NONTAX_MIX, **TRANSFER_MIX[self.group]}
        accounts = [
            AccountPlan(
                GENERAL_ACCOUNT,
                "일반회계",
                AccountKind.GENERAL,
                1,
                0,
                general_pools,
                _weighted(revenue, self.rng),
                has_debt=self.rng.randrange(100) < 50,
            )
        ]
        for kind in (ENTERPRISE, OTHER, FUND):
            if base[kind] <= 0:
                continue
            candidates = [t for t in ACCOUNT_TEMPLATES if t.kind == kind and cls in t.classes]
            candidates = candidates or [t for t in ACCOUNT_TEMPLATES if t.kind == kind]
            main = [t for t in candidates if t.code in MAIN_ACCOUNTS[kind]]
            rest = [t for t in candidates if t.code not in MAIN_ACCOUNTS[kind]]
            low, high = ACCOUNT_COUNTS[kind][cls]
            wanted = min(len(candidates), max(1, self.rng.randint(low, high)))
            chosen = main[:wanted] + self.rng.sample(rest, max(0, wanted - len(main)))
            for template in sorted(chosen, key=lambda t: t.code):
                pools = {pool: self.rng.randint(*r["_"]) for pool, r in POOL_PERMILLE["other"].items()}
                accounts.append(
                    AccountPlan(
                        template.code,
                        template.name,
                        kind,
                        template.weight * (70 + self.rng.randrange(61)),
                        self.rng.randint(*template.transfer_permille),
                        pools,
                        _weighted(template.revenue_mix, self.rng),
                        has_debt=self.rng.randrange(100) < 60,
                    )
                )
        return accounts

    def _general_policies(self, accounts: list[AccountPlan]) -> list[PolicySpec]:
        info, cls = self.info, self.info.cls
        low, high, reference = DETAIL_COUNTS[self.size][cls]
        general_eok = info.totals[BASE_YEAR][AccountKind.GENERAL] // 100_000_000
        reach = min(1000, math.isqrt(general_eok * 1_000_000 // reference))
        # Projects start and end over the years: plan a tenth more so that each year has about `wanted`.
        wanted = (low + (high - low) * reach // 1000) * 11 // 10
        column = CLASSES.index(cls)
        weights = {
            sector: w[column]
            for sector, w in SECTOR_WEIGHTS.items()
            if w[column] and (self.coastal or sector not in COASTAL_SECTORS)
        }
        counts = split_exact(wanted, list(weights.values()))
        policies: list[PolicySpec] = []
        for (sector, _weight), count in zip(weights.items(), counts, strict=True):
            if count:
                policies += self._instantiate(SECTOR_TEMPLATES[sector], count, sector)
        policies += self._instantiate(parse_vocabulary(COUNCIL_VOCABULARY), 4, "011")
        policies += self._administration(policies)
        policies += self._fixed_items(accounts)
        # Budget books list programmes by bureau: number them in that order.
        order = {id(p): i for i, p in enumerate(policies)}
        policies.sort(key=lambda p: (BUREAU_OF.get(p.department, p.department), order[id(p)]))
        return policies

    def _instantiate(
        self, templates: Sequence[PolicyTemplate], wanted: int, sector: str, *, has_debt: bool = True
    ) -> list[PolicySpec]:
        """`wanted` 세부사업 drawn from the templates (patterns with {p} repeat over places when more are needed),
        plus the structural ones (인건비, 기본경비, 상환, 예치) every account of this kind has."""
        fixed, patterns, structural = [], [], []
        for p, policy in enumerate(templates):
            for u, unit in enumerate(policy.units):
                for detail in unit.details:
                    slot = (p, u, detail)
                    if detail.profile in STRUCTURAL_PROFILES:
                        if detail.profile != "debt" or has_debt:
                            structural.append(slot)
                    elif "{p}" in detail.name:
                        patterns.append(slot)
                    else:
                        fixed.append(slot)
        choices = fixed + patterns
        if wanted <= len(choices) or not patterns:
            wanted = min(wanted, len(choices))
            chosen = [choices[i] for i in sorted(self.rng.sample(range(len(choices)), wanted))]
        else:
            chosen = fixed + [patterns[k % len(patterns)] for k in range(wanted - len(fixed))]
            chosen.sort(key=lambda s: (s[0], s[1]))
        by_unit: dict[tuple[int, int], list[DetailSpec]] = {}
        for p, u, template in chosen + structural:
            policy, unit = templates[p], templates[p].units[u]
            department = unit.department or policy.department
            name = self.detail_name(template.name)
            by_unit.setdefault((p, u), []).append(
                self.new_detail(template, name, department, policy.function or sector)
            )
        specs = []
        for p, policy in enumerate(templates):
            units = [
                UnitSpec(unit.name.replace("{g}", self.info.title), unit.department or policy.department, by_unit[p, u])
                for u, unit in enumerate(policy.units)
                if (p, u) in by_unit
            ]
            if units:
                specs.append(
                    PolicySpec(
                        policy.name.replace("{g}", self.info.title),
                        policy.department,
                        policy.function or sector,
                        units,
                        transfer_allowed=self.rng.randrange(10) == 0,
                    )
                )
        return specs

    def detail_name(self, pattern: str) -> str:
        name = pattern.replace("{g}", self.info.title)
        if "{p}" not in name:
            return name
        # Each pattern walks the government's shuffled places; a second round names a later phase.
        used = self.pattern_uses.get(pattern, 0)
        self.pattern_uses[pattern] = used + 1
        place = self.places[(used + len(pattern)) % len(self.places)]
        phase = used // len(self.places)
        return name.replace("{p}", place) + (f" {phase + 1}단계" if phase else "")

    def new_detail(self, template: DetailTemplate, name: str, department: str, sector: str) -> DetailSpec:
        rng = self.rng
        profile = template.profile
        if profile == "grant" and sector.startswith("08"):
            profile = "welfare_grant"
        elif profile in ("grant", "works") and self.info.cls == "province" and rng.randrange(10) < 4:
            # A 도 passes much of its programme money to its 시·군 as 자치단체 보조금.
            profile = "local_grant" if profile == "grant" else "local_capital_grant"
        base_weight, line_specs = PROFILES[profile]
        lines = [(code, share) for code, share, chance in line_specs if chance == 100 or rng.randrange(100) < chance]
        subsidy_bp = rng.choice(STATE_SHARES) if template.subsidy and rng.randrange(100) < 85 else None
        if profile == "benefit":
            benefit_code = "301-01" if subsidy_bp else "301-02" if sector in ("081", "082") else "301-03"
            lines[0] = (benefit_code, lines[0][1])
        weight = max(1, base_weight * SPREAD[rng.randrange(len(SPREAD))] * FIELD_AMOUNT_SCALE.get(sector[:2], 100))
        if "{p}" in template.name:
            # Projects named after a place (one road, one 경로당) are small next to the government-wide ones.
            weight = max(1, weight * 35 // 100)
        if profile in ("works", "local_capital_grant") and self.info.level == "광역":
            # A 시·도 spends most of its money through transfers; its own works are a smaller part than a 시·군's.
            weight = max(1, weight // 2)
        detail = DetailSpec(name, department, profile, lines, weight, pool=POOL_OF_PROFILE.get(profile, "program"))
        if profile in STRUCTURAL_PROFILES:
            return detail
        turnover = 75 if profile == "works" else 90
        if rng.randrange(100) >= turnover:
            detail.first = rng.choice(YEARS[1:])
        if rng.randrange(100) >= turnover:
            detail.last = rng.randrange(detail.first, YEARS[-1]) if detail.first < YEARS[-1] else YEARS[-1]
        detail.subsidy_bp = subsidy_bp
        if subsidy_bp and self.info.level == "기초":
            detail.province_pct = rng.choice((30, 50))
        if (template.gender and rng.randrange(10) < 7) or (sector[:2] in ("06", "08", "09") and rng.randrange(100) < 3):
            detail.gender_goal = rng.choice(GENDER_GOALS)
        if profile == "works" and weight >= 35 * 200 * 100:
            # Large works went through 투자심사; only projects found 적정 or 조건부 추진 are budgeted.
            detail.review = "appropriate" if rng.randrange(5) else "conditional"
        return detail

    def _structural(self, name: str, department: str, profile: str, pool: str | None = None) -> DetailSpec:
        lines = [(c, s) for c, s, chance in PROFILES[profile][1] if chance == 100 or self.rng.randrange(100) < chance]
        return DetailSpec(name, department, profile, lines, PROFILES[profile][0], pool or POOL_OF_PROFILE[profile])

    def _administration(self, policies: list[PolicySpec]) -> list[PolicySpec]:
        """행정운영경비 of each bureau with programmes: 인건비 and the 기본경비 of its divisions."""
        divisions: dict[str, list[str]] = {"1000": ["1100"], "2000": ["2100"]}
        for policy in policies:
            for department in [policy.department] + [u.department for u in policy.units]:
                bureau = BUREAU_OF[department]
                if department not in divisions.setdefault(bureau, []):
                    divisions[bureau].append(department)
        result = []
        for bureau in sorted(divisions):
            bureau_name, names = BUREAUS[bureau]
            if self.size == "large":
                basics = [self._structural(f"{names[d]} 기본경비", d, "basic") for d in sorted(divisions[bureau])]
            else:
                # A compact budget keeps one running-cost item per bureau.
                basics = [self._structural(f"{bureau_name} 기본경비", bureau, "basic")]
            if bureau == "1000":
                basics.append(self._structural("기관운영 업무추진비", "1100", "institution"))
            units = [
                UnitSpec("인건비", bureau, [self._structural("인건비", bureau, "personnel")]),
                UnitSpec("기본경비", bureau, basics),
            ]
            result.append(PolicySpec(f"행정운영경비({bureau_name})", bureau, BUREAU_FUNCTION[bureau], units))
        return result

    def _fixed_items(self, accounts: list[AccountPlan]) -> list[PolicySpec]:
        """예비비, 전출금 to the other accounts, 지방채 상환, and a 시·도's 교육비특별회계 전출금 and 조정교부금."""
        cls = self.info.cls
        transfers = [
            self._structural(f"{a.name} 전출금", "2100", f"transfer:{a.kind}", pool=f"transfer:{a.code}")
            for a in accounts[1:]
        ]
        finance_units = [UnitSpec("회계간 전출금", "2100", transfers)] if transfers else []
        if accounts[0].has_debt:
            finance_units.append(
                UnitSpec("지방채 상환", "2100", [self._structural("지방채 원리금 상환", "2100", "debt")])
            )
        items = [
            PolicySpec(
                "예비비", "1100", "161", [UnitSpec("예비비", "1100", [self._structural("예비비", "1100", "reserve")])]
            )
        ]
        if finance_units:
            items.append(PolicySpec("재무활동", "2100", "901", finance_units))
        if cls in ("metro", "province", "special"):
            education = self._structural("교육비특별회계 법정전출금", "5400", "education")
            items.append(
                PolicySpec("교육재정 지원", "5400", "051", [UnitSpec("교육비특별회계 전출", "5400", [education])])
            )
        if cls in ("metro", "province"):
            receivers = "자치구" if cls == "metro" else "시·군"
            grant = self._structural(f"{receivers} 조정교부금", "2500", "adjustment")
            items.append(PolicySpec(f"{receivers} 재정 지원", "2500", "013", [UnitSpec("조정교부금", "2500", [grant])]))
        return items

    def _number(self, accounts: list[AccountPlan]) -> None:
        """Codes 정책사업 NNN, 단위사업 NNN-NN, 세부사업 NNN-NN-NNN, numbered across the government's accounts."""
        number = 0
        for account in accounts:
            for policy in account.policies:
                number += 1
                if number > 999 or len(policy.units) > 99:
                    raise ValueError(f"{self.info.code}: too many projects for the code scheme")
                policy.code = f"{number:03d}"
                for u, unit in enumerate(policy.units, start=1):
                    unit.code = f"{policy.code}-{u:02d}"
                    for d, detail in enumerate(unit.details, start=1):
                        detail.code = f"{unit.code}-{d:03d}"

    # -- one year: rows of the plan --------------------------------------------------------------------------------

    def _plan_year(self, year: int, accounts: list[AccountPlan]) -> None:
        year_planner = YearPlanner(self, year, accounts)
        original = year_planner.original()
        amended = year_planner.supplementary(original) if year == SUPPLEMENTARY_YEAR else None
        positions = self._emit_projects(year, accounts, year_planner)
        dates = self.rng_for("budget", self.info.code, year, "dates")
        basis_rng = self.rng_for("budget", self.info.code, year, "basis")
        base_position = len(self.plan.versions)
        self.plan.versions.append(self._original_version(year, dates))
        base_rows = self._emit_version(base_position, accounts, original, None, positions, basis_rng)
        if amended is not None:
            version = self._supplementary_version(year, base_position, dates)
            self.plan.versions.append(version)
            self._emit_version(base_position + 1, accounts, amended, (original, base_rows), positions, basis_rng)

    def _original_version(self, year: int, rng: random.Random) -> VersionPlan:
        """본예산 dates within 지방자치법 §142: the bill by the statutory day, the vote before its deadline."""
        due = council_rules.deadlines(self.info.level, year)
        submitted = _weekday_on_or_before(due.bill_due - dt.timedelta(days=rng.randrange(6)))
        voted = _weekday_on_or_before(due.vote_due - dt.timedelta(days=rng.randrange(4)))
        confirmed = _weekday_on_or_after(voted + dt.timedelta(days=1 + rng.randrange(3)))
        return VersionPlan(
            year,
            0,
            VersionKind.ORIGINAL,
            None,
            created_at=_at(dt.date(year - 1, 6, 1 + rng.randrange(20)), 9),
            requests_closed_at=_at(dt.date(year - 1, 9, 10 + rng.randrange(15)), 18),
            submitted_at=_at(submitted, 10),
            voted_on=voted,
            confirmed_at=_at(confirmed, 14),
        )

    def _supplementary_version(self, year: int, base: int, rng: random.Random) -> VersionPlan:
        created = dt.date(year, 3, 3 + rng.randrange(10))
        submitted = _weekday_on_or_after(dt.date(year, 4, 14) + dt.timedelta(days=rng.randrange(21)))
        voted = _weekday_on_or_after(submitted + dt.timedelta(days=14 + rng.randrange(11)))
        confirmed = _weekday_on_or_after(voted + dt.timedelta(days=2 + rng.randrange(3)))
        return VersionPlan(
            year,
            1,
            VersionKind.SUPPLEMENTARY,
            base,
            created_at=_at(created, 9),
            requests_closed_at=_at(created + dt.timedelta(days=21), 18),
            submitted_at=_at(submitted, 10),
            voted_on=voted,
            confirmed_at=_at(confirmed, 14),
        )

    def _emit_projects(
        self, year: int, accounts: list[AccountPlan], year_planner: YearPlanner
    ) -> dict[DetailSpec, int]:
        positions: dict[DetailSpec, int] = {}
        for account in accounts:
            active = set(year_planner.active(account))
            active.update(d for d in account.details() if d.supplementary and d.first == year)
            for policy in account.policies:
                units = [(u, [d for d in u.details if d in active]) for u in policy.units]
                units = [(u, details) for u, details in units if details]
                if not units:
                    continue
                common = (account.code, policy.department, policy.function)
                policy_position = self._project(
                    (
                        year,
                        ProjectLevel.POLICY.value,
                        policy.code,
                        policy.name,
                        None,
                        *common,
                        False,
                        "",
                        None,
                        "",
                        policy.transfer_allowed,
                    )
                )
                for unit, details in units:
                    unit_row = (year, ProjectLevel.UNIT.value, unit.code, unit.name, policy_position, account.code)
                    unit_position = self._project(
                        (*unit_row, unit.department, policy.function, False, "", None, "", False)
                    )
                    for d in details:
                        positions[d] = self._project(
                            (
                                *(year, ProjectLevel.DETAIL.value, d.code, d.name, unit_position, account.code),
                                *(d.department, policy.function, bool(d.gender_goal), d.gender_goal),
                                *(year_planner.subsidised.get(d), d.review, False),
                            )
                        )
        return positions

    def _project(self, row: tuple[Any, ...]) -> int:
        self.plan.projects.append(row)
        return len(self.plan.projects) - 1

    def _emit_version(
        self,
        version_position: int,
        accounts: list[AccountPlan],
        budget: Budget,
        base: tuple[Budget, dict[tuple[DetailSpec, int], list[tuple[str, int, int, int, int]]]] | None,
        positions: dict[DetailSpec, int],
        rng: random.Random,
    ) -> dict[tuple[DetailSpec, int], list[tuple[str, int, int, int, int]]]:
        """Lines with their 산출근거 and the revenue of one version; returns the 산출근거 per line."""
        lines, basis, written = self.plan.lines, self.plan.basis, {}
        version = self.plan.versions[version_position]
        total = 0
        for account in accounts:
            for detail in account.details():
                values = budget.amounts.get(detail)
                if values is None:
                    continue
                shares = budget.shares.get(detail)
                for i, (object_code, _share) in enumerate(detail.lines):
                    amount = values[i]
                    previous = budget.previous.get((detail, i), 0)
                    state, province = shares[i] if shares else (0, 0)
                    line_position = len(lines)
                    lines.append(
                        (
                            version_position,
                            account.code,
                            positions[detail],
                            object_code,
                            previous,
                            amount,
                            state,
                            province,
                        )
                    )
                    if base is not None and amount == previous:
                        rows = base[1][detail, i]
                    elif base is not None and amount > previous > 0 and len(base[1][detail, i]) < 3:
                        increase = amount - previous
                        rows = [*base[1][detail, i], ("제1회 추경 증액분 1식", increase, 1, 1, increase)]
                    else:
                        rows = basis_rows(amount, object_code, detail.name, rng)
                    written[detail, i] = rows
                    basis.extend((line_position, seq, *row) for seq, row in enumerate(rows, start=1))
                    total += amount
        version.total_amount = total
        for account in accounts:
            previous_revenue = base[0].revenue[account.code] if base is not None else {}
            for code in sorted(budget.revenue[account.code]):
                name = REVENUE_CODES[code]["name"]
                department = (
                    REVENUE_DEPARTMENTS.get(code[0], "1100")
                    if account.code == GENERAL_ACCOUNT
                    else account.revenue_department
                )
                amount = budget.revenue[account.code][code]
                text = revenue_text(code, name, version.year)
                previous = previous_revenue.get(code, 0)
                self.plan.revenues.append((version_position, account.code, department, code, previous, amount, text))
        return written

    def _collect_departments(self) -> None:
        used = {dept for p in self.plan.projects for dept in [p[6]]} | {r[2] for r in self.plan.revenues}
        bureaus = sorted({BUREAU_OF.get(code, code) for code in used})
        names = dict(METRO_BUREAU_NAMES) if self.info.level == "광역" else {}
        for bureau in bureaus:
            self.plan.departments.append((bureau, names.get(bureau, BUREAUS[bureau][0]), None))
        for code in sorted(used - set(bureaus)):
            self.plan.departments.append((code, BUREAUS[BUREAU_OF[code]][1][code], BUREAU_OF[code]))
