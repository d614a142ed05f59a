"""The amounts of one government's year: the 본예산 split exactly over accounts, pools and lines, its State and
province shares and revenue, and the 제1회 추경 that amends it."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Protocol

from .revenue import (
    NO_ORDINARY_GRANT_ABOVE_TENTHS,
    NONTAX_MIX,
    PROVINCE_SUBSIDY,
    STATE_REVENUE_SPLIT,
    STATE_SUBSIDY,
    SURPLUS,
    TAX_MIX,
    TRANSFER_IN,
    TRANSFER_MIX,
    revenue_allowed,
)
from .specs import AccountPlan, DetailSpec, GovInfo, UnitSpec
from .templates import (
    STRUCTURAL_PROFILES,
    SUBSIDY_CAP_PERMILLE,
    SUPPLEMENTARY_DETAILS,
    TEMPLATE_BY_CODE,
    TRANSFER_CAP_PERMILLE,
)
from .totals import GENERAL_ACCOUNT, SEOUL, RngFactory, split_at_least_one, split_exact
from .vocabulary import DetailTemplate, parse_detail


class Planner(Protocol):
    """What a year's amounts need from the government's plan (`plan.Planner`): its seeds and the 사업 it names."""

    info: GovInfo
    size: str
    group: str
    rng_for: RngFactory

    def detail_name(self, pattern: str) -> str: ...

    def new_detail(self, template: DetailTemplate, name: str, department: str, sector: str) -> DetailSpec: ...


@dataclass
class Budget:
    """One version's amounts: per 세부사업, per line (aligned with DetailSpec.lines) in won."""

    amounts: dict[DetailSpec, list[int]]
    shares: dict[DetailSpec, list[tuple[int, int]]]
    revenue: dict[str, dict[str, int]]
    # Lines of the version it amends: (detail, line) → previous amount; new lines are absent.
    previous: dict[tuple[DetailSpec, int], int] = field(default_factory=dict)


class YearPlanner:
    """The 본예산 of one year (and its 추경 in SUPPLEMENTARY_YEAR) for one government."""

    def __init__(self, planner: Planner, year: int, accounts: list[AccountPlan]) -> None:
        self.planner = planner
        self.info = planner.info
        self.year = year
        self.accounts = accounts
        self.rng = planner.rng_for("budget", planner.info.code, year, "amounts")
        self.targets = self._account_targets()
        self.transfers = self._transfers()
        self.subsidised: dict[DetailSpec, int] = {}

    def _account_targets(self) -> dict[str, int]:
        """Each kind's exact total split over its accounts by their weights, in whole 천원 (plus any odd won on
        the kind's first account)."""
        targets = {}
        for kind, total in self.info.totals[self.year].items():
            members = [a for a in self.accounts if a.kind == kind]
            if not members:
                continue
            thousands, odd = divmod(total, 1000)
            for account, part in zip(members, split_at_least_one(thousands, [a.weight for a in members]), strict=True):
                targets[account.code] = part * 1000
            targets[members[0].code] += odd
        return targets

    def _transfers(self) -> dict[str, int]:
        """전출금 from the 일반회계 to each other account in 천원, together at most TRANSFER_CAP_PERMILLE."""
        wanted = {a.code: self.targets[a.code] // 1000 * a.transfer_permille // 1000 for a in self.accounts[1:]}
        cap = self.targets[GENERAL_ACCOUNT] // 1000 * TRANSFER_CAP_PERMILLE // 1000
        total = sum(wanted.values())
        if total > cap:
            wanted = {code: amount * cap // total for code, amount in wanted.items()}
        return wanted

    def active(self, account: AccountPlan) -> list[DetailSpec]:
        result = []
        for detail in account.details():
            if detail.supplementary or not detail.first <= self.year <= detail.last:
                continue
            if detail.pool.startswith("transfer:") and not self.transfers[detail.pool.split(":")[1]]:
                continue
            result.append(detail)
        return result

    # -- the 본예산 -------------------------------------------------------------------------------------------------

    def original(self) -> Budget:
        amounts: dict[DetailSpec, list[int]] = {}
        shares: dict[DetailSpec, list[tuple[int, int]]] = {}
        revenue = {}
        for account in self.accounts:
            details = self.active(account)
            account_amounts = self._allocate(account, details)
            amounts.update(account_amounts)
            account_shares = self._subsidise(account, details, account_amounts)
            shares.update(account_shares)
            state = sum(s for parts in account_shares.values() for s, _p in parts)
            province = sum(p for parts in account_shares.values() for _s, p in parts)
            if account.code == GENERAL_ACCOUNT:
                revenue[account.code] = self._general_revenue(account, state, province)
            else:
                revenue[account.code] = self._other_revenue(account, state, province)
        return Budget(amounts, shares, revenue)

    def _allocate(self, account: AccountPlan, details: list[DetailSpec]) -> dict[DetailSpec, list[int]]:
        target_k, odd = divmod(self.targets[account.code], 1000)
        members: dict[str, list[tuple[DetailSpec, int, int]]] = {}
        for detail in details:
            # Each programme's share moves a little from year to year.
            weight = detail.weight * (900 + self.rng.randrange(250))
            for i, (_code, share) in enumerate(detail.lines):
                members.setdefault(detail.pool, []).append((detail, i, weight * share))
        pool_totals = {}
        for pool in members:
            if pool.startswith("transfer:"):
                pool_totals[pool] = self.transfers[pool.split(":")[1]]
            elif pool != "program":
                pool_totals[pool] = target_k * account.pool_permille[pool] // 1000
        pool_totals["program"] = target_k - sum(pool_totals.values())
        amounts = {detail: [0] * len(detail.lines) for detail in details}
        for pool, pool_members in members.items():
            parts = split_at_least_one(pool_totals[pool], [w for _d, _i, w in pool_members])
            for (detail, i, _w), part in zip(pool_members, parts, strict=True):
                amounts[detail][i] = part * 1000
        if odd:
            largest = max(members["program"], key=lambda m: amounts[m[0]][m[1]])
            amounts[largest[0]][largest[1]] += odd
        return amounts

    def _subsidise(
        self, account: AccountPlan, details: list[DetailSpec], amounts: dict[DetailSpec, list[int]]
    ) -> dict[DetailSpec, list[tuple[int, int]]]:
        """State (and, for a 시·군·구, province) shares of 국고보조 programmes, while the account can fund them.
        The State share of a line is floor(amount × rate) in 천원, which always leaves the matching required."""
        target_k = self.targets[account.code] // 1000
        if account.code == GENERAL_ACCOUNT:
            own_k = (target_k * self.info.self_reliance_tenths + 500) // 1000
            permille = SUBSIDY_CAP_PERMILLE["general_metro" if self.info.level == "광역" else "general_basic"]
            cap = (target_k - own_k) * permille // 1000 * 1000
        else:
            cap = (target_k - self.transfers[account.code]) * SUBSIDY_CAP_PERMILLE["other"] // 1000 * 1000
        shares = {}
        used = 0
        for detail in details:
            if detail.subsidy_bp is None or detail.pool != "program":
                continue
            parts = []
            for amount in amounts[detail]:
                state = amount * detail.subsidy_bp // 10_000 // 1000 * 1000
                province = (amount - state) * detail.province_pct // 100 // 1000 * 1000
                parts.append((state, province))
            cost = sum(s + p for s, p in parts)
            if cost and used + cost <= cap:
                used += cost
                shares[detail] = parts
                self.subsidised[detail] = detail.subsidy_bp
        return shares

    def _general_revenue(self, account: AccountPlan, state: int, province: int) -> dict[str, int]:
        """재정자립도: (지방세 + 세외수입) / 일반회계 = self_reliance_pct, rounded half up to the 천원."""
        total_k, odd = divmod(self.targets[account.code], 1000)
        own_k = (total_k * self.info.self_reliance_tenths + 500) // 1000
        nontax_k = own_k * (120 + self.rng.randrange(130)) // 1000
        rest_k = total_k - own_k - state // 1000 - province // 1000
        weights = account.revenue_weights
        group = self.planner.group
        taxes = [c for c in TAX_MIX[group] if self._levies(c)]
        nontaxes = [c for c in NONTAX_MIX if revenue_allowed(c, group)]
        grants = [c for c in TRANSFER_MIX[group] if self._receives(c, account)]
        revenue: dict[str, int] = {}
        _add_split(revenue, own_k - nontax_k, taxes, weights)
        _add_split(revenue, nontax_k, nontaxes, weights)
        _add_split(revenue, state // 1000, [c for c, _ in STATE_REVENUE_SPLIT], dict(STATE_REVENUE_SPLIT))
        if province:
            revenue[PROVINCE_SUBSIDY] = province // 1000
        _add_split(revenue, rest_k, grants, weights)
        revenue = {code: amount * 1000 for code, amount in revenue.items()}
        revenue[SURPLUS] = revenue.get(SURPLUS, 0) + odd
        return revenue

    def _levies(self, code: str) -> bool:
        """Taxes by 지방세기본법 §8–§11: the Seoul-only 특별시분재산세; 광역시 자치구 (not Seoul's) levy 주민세
        사업소분·종업원분."""
        if not revenue_allowed(code, self.planner.group):
            return False
        if code == "118-02":
            return self.info.code == SEOUL
        if code in ("116-02", "116-03") and self.planner.group == "district":
            return self.info.parent_code != SEOUL
        return True

    def _receives(self, code: str, account: AccountPlan) -> bool:
        if not revenue_allowed(code, self.planner.group):
            return False
        if code == "311":
            return self.info.self_reliance_tenths < NO_ORDINARY_GRANT_ABOVE_TENTHS
        if code == "611":
            return account.has_debt
        return True

    def _other_revenue(self, account: AccountPlan, state: int, province: int) -> dict[str, int]:
        total_k, odd = divmod(self.targets[account.code], 1000)
        transfer_k = self.transfers[account.code]
        revenue: dict[str, int] = {}
        if transfer_k:
            revenue[TRANSFER_IN] = transfer_k
        _add_split(revenue, state // 1000, [c for c, _ in STATE_REVENUE_SPLIT], dict(STATE_REVENUE_SPLIT))
        if province:
            revenue[PROVINCE_SUBSIDY] = province // 1000
        own = [c for c in account.revenue_weights if c != "611" or account.has_debt]
        rest_k = total_k - transfer_k - state // 1000 - province // 1000
        _add_split(revenue, rest_k, own, account.revenue_weights)
        revenue = {code: amount * 1000 for code, amount in revenue.items()}
        revenue[SURPLUS] = revenue.get(SURPLUS, 0) + odd
        return revenue

    # -- the 추경 -----------------------------------------------------------------------------------------------

    def supplementary(self, base: Budget) -> Budget:
        """제1회 추경: some programme lines rise or fall, a few 세부사업 are added; 잉여금 and the State fund it."""
        rng = self.planner.rng_for("budget", self.info.code, self.year, "supplementary")
        amounts = {detail: list(values) for detail, values in base.amounts.items()}
        previous = {(d, i): amount for d, values in base.amounts.items() for i, amount in enumerate(values)}
        decreased: list[tuple[DetailSpec, int]] = []
        for detail, values in amounts.items():
            if detail.pool != "program":
                continue
            for i, amount in enumerate(values):
                draw = rng.randrange(100)
                if draw < 10:
                    values[i] = amount // 1000 * (1010 + rng.randrange(91)) // 1000 * 1000 + amount % 1000
                elif draw < 14 and amount >= 100_000:
                    values[i] = amount // 1000 * (950 + rng.randrange(41)) // 1000 * 1000 + amount % 1000
                    decreased.append((detail, i))
        for account in self.accounts:
            for detail in self._new_details(account, rng):
                amounts[detail] = [
                    self.targets[account.code] // 1000 * (5 + rng.randrange(26)) // 10_000 * share // 1000 * 1000
                    or 1000
                    for _code, share in detail.lines
                ]
        while True:
            budget = self._amended(base, amounts)
            if all(r.get(SURPLUS, 0) >= 0 for r in budget.revenue.values()):
                break
            # 잉여금 cannot go negative: take back the cuts (they are the only thing that lowers it).
            if not decreased:
                raise ValueError(f"{self.info.code}: the supplementary budget cannot be funded")
            for detail, i in decreased:
                amounts[detail][i] = previous[detail, i]
            decreased = []
        budget.previous = previous
        return budget

    def _new_details(self, account: AccountPlan, rng: random.Random) -> list[DetailSpec]:
        if account.code == GENERAL_ACCOUNT:
            low, high = (5, 15) if self.planner.size == "large" else (2, 4)
            candidates = list(SUPPLEMENTARY_DETAILS)
        elif rng.randrange(10) < 4:
            low = high = 1
            template = TEMPLATE_BY_CODE[account.code]
            existing = {d.name for d in account.details()}
            candidates = [
                (p.function, f"{d.name}@{d.profile}")
                for p in template.policies
                for u in p.units
                for d in u.details
                if d.profile not in STRUCTURAL_PROFILES and d.name not in existing
            ]
        else:
            return []
        units: dict[str, UnitSpec] = {}
        for policy in account.policies:
            for unit in policy.units:
                if any(d.pool == "program" and d.first <= self.year <= d.last for d in unit.details):
                    units.setdefault(policy.function, unit)
        picked = [c for c in candidates if c[0] in units]
        rng.shuffle(picked)
        added = []
        for sector, text in picked[: rng.randint(low, high)]:
            detail_template = parse_detail(text)
            unit = units[sector]
            name = self.planner.detail_name(detail_template.name)
            detail = self.planner.new_detail(detail_template, name, unit.department, sector)
            detail.first = detail.last = self.year
            detail.supplementary = True
            # A new item of a 추경 is funded locally: a State share would need the ministry's notice first.
            detail.subsidy_bp = None
            detail.code = f"{unit.code}-{len(unit.details) + 1:03d}"
            unit.details.append(detail)
            added.append(detail)
        return added

    def _amended(self, base: Budget, amounts: dict[DetailSpec, list[int]]) -> Budget:
        shares = {}
        for detail, bp in self.subsidised.items():
            if detail in amounts:
                shares[detail] = [
                    (
                        a * bp // 10_000 // 1000 * 1000,
                        (a - a * bp // 10_000 // 1000 * 1000) * detail.province_pct // 100 // 1000 * 1000,
                    )
                    for a in amounts[detail]
                ]
        revenue = {}
        for account in self.accounts:
            details = [d for d in account.details() if d in amounts]
            change = sum(sum(amounts[d]) - sum(base.amounts.get(d, [0] * len(d.lines))) for d in details)
            state_change = sum(s for d in details for s, _p in shares.get(d, ())) - sum(
                s for d in details for s, _p in base.shares.get(d, ())
            )
            province_change = sum(p for d in details for _s, p in shares.get(d, ())) - sum(
                p for d in details for _s, p in base.shares.get(d, ())
            )
            amended = dict(base.revenue[account.code])
            if state_change:
                amended[STATE_SUBSIDY] = amended.get(STATE_SUBSIDY, 0) + state_change
            if province_change:
                amended[PROVINCE_SUBSIDY] = amended.get(PROVINCE_SUBSIDY, 0) + province_change
            amended[SURPLUS] = amended.get(SURPLUS, 0) + change - state_change - province_change
            revenue[account.code] = amended
        return Budget(amounts, shares, revenue)


def _add_split(revenue: dict[str, int], total: int, codes_: list[str], weights: dict[str, int]) -> None:
    """Add total (천원) over codes by weight; codes that get nothing are left out of the budget."""
    if total <= 0 or not codes_:
        return
    for code, part in zip(codes_, split_exact(total, [weights[c] for c in codes_]), strict=True):
        if part:
            revenue[code] = revenue.get(code, 0) + part
