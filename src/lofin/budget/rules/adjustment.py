"""Rules of the budget office's adjustment (조정) of the requests."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext_lazy as _

from lofin.core.errors import InvalidInput

from ..errors import BudgetRuleViolation

# 지방재정법 §33: the 중기지방재정계획 covers at least five fiscal years, from the year the budget is for.
MID_TERM_PLAN_YEARS = 5


def check_adjustment_reason(*, requested: int, adjusted: int, reason: str) -> str:
    """지방재정법 §36: the head compiles the budget from the departments' requests; where the budget office changes a
    requested amount, the 조정 is recorded with its reason (the 사업설명서 and the council ask for it)."""
    reason = (reason or "").strip()
    if adjusted != requested and not reason:
        raise InvalidInput(_("Say why the requested amount is changed."), field="reason")
    return reason


def check_mid_term_plan(year: int, first_year: int, last_year: int) -> None:
    """지방재정법 §33: the 중기지방재정계획 the bill refers to covers at least five fiscal years, starting with the year
    the budget is for (R-BS-5)."""
    if first_year != year or last_year - first_year + 1 < MID_TERM_PLAN_YEARS:
        raise InvalidInput(
            _(
                "The medium-term fiscal plan (중기지방재정계획) must cover at least five fiscal years starting with "
                "%(year)s (지방재정법 §33)."
            )
            % {"year": year},
            field="last_year",
            rule="R-BS-5",
        )


def check_bill_package(
    *, gender_projects: Sequence[tuple[str, str]], mid_term_plan: bool, resident_opinion: bool
) -> None:
    """지방재정법 §36의2, §33, §39③: the bill goes to the council with its 성인지 예산서 (generated from the funded
    projects flagged as gender budget items, each with its expected gender-equality effect), a reference to the
    중기지방재정계획 and the 주민의견서 of participatory budgeting (R-BS-5). `gender_projects` is (name, expected
    effect) of each funded flagged project."""
    missing = []
    if not gender_projects:
        missing.append("gender_budget")
    if not mid_term_plan:
        missing.append("mid_term_plan")
    if not resident_opinion:
        missing.append("resident_opinion")
    if missing:
        names = {
            "gender_budget": _(
                "the gender budget statement (성인지 예산서, 지방재정법 §36의2): no funded project is flagged"
            ),
            "mid_term_plan": _("the medium-term fiscal plan (중기지방재정계획, 지방재정법 §33)"),
            "resident_opinion": _("the residents' opinion (주민의견서, 지방재정법 §39)"),
        }
        raise BudgetRuleViolation(
            _("The bill cannot go to the council without %(missing)s.")
            % {"missing": "; ".join(str(names[m]) for m in missing)},
            rule="R-BS-5",
            missing=missing,
        )
    without_effect = [name for name, effect in gender_projects if not (effect or "").strip()]
    if without_effect:
        raise BudgetRuleViolation(
            _(
                "The gender budget statement (성인지 예산서) needs the expected gender-equality effect of "
                "“%(project)s” (지방재정법 §36의2)."
            )
            % {"project": without_effect[0]},
            rule="R-BS-5",
            projects=without_effect,
        )
