"""Rules of the fiscal year's set-up: the 사업 classification, 국고보조 shares, 계속비."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lofin.core.errors import InvalidInput

from ..errors import BudgetRuleViolation

MAX_CONTINUING_YEARS = 5
# 정책사업 → 단위사업 → 세부사업 (ProjectLevel values): the level each level's parent must have.
PARENT_LEVEL: dict[str, str | None] = {"policy": None, "unit": "policy", "detail": "unit"}
FULL_SHARE_BP = 10_000


def check_project_parent(level: str, parent_level: str | None) -> None:
    """지방자치단체 예산편성 운영기준 (사업예산 체계): a 세부사업 belongs to a 단위사업, which belongs to a 정책사업,
    which has no parent."""
    if parent_level != PARENT_LEVEL[level]:
        raise InvalidInput(_("A 세부사업 belongs to a 단위사업, which belongs to a 정책사업."), field="parent")


def check_state_share(state_share_bp: int) -> None:
    """보조금 관리에 관한 법률 §9 (기준보조율): the State's share of a 국고보조 project, in basis points, is above 0
    and at most 100 %."""
    if not 0 < state_share_bp <= FULL_SHARE_BP:
        raise InvalidInput(_("The State's share must be between 0 and 100 %."), field="state_share_bp")


def check_continuing_years(first_year: int, last_year: int, *, extended_by_council: bool) -> None:
    """지방재정법 §42: 계속비 may run for at most five years, unless the council extends it (R-BP-8)."""
    if last_year < first_year:
        raise InvalidInput(_("The last year comes before the first year."))
    if last_year - first_year + 1 > MAX_CONTINUING_YEARS and not extended_by_council:
        raise BudgetRuleViolation(
            _("Continuing expenditure (계속비) may span at most five years (지방재정법 §42)."), rule="R-BP-8"
        )


def check_copy_years(from_year: int, to_year: int) -> None:
    """The 사업 classification is carried forward, into a later fiscal year (지방재정법 §7: one year's budget per
    fiscal year)."""
    if to_year <= from_year:
        raise InvalidInput(_("Copy projects into a later fiscal year."), field="to_year")
