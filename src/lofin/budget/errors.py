"""Every typed refusal of budget formulation (mapped to HTTP once, by the API handler and ErrorMiddleware)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lofin.core.errors import Conflict, InvalidInput


class WrongStage(Conflict):
    code = "wrong_stage"
    default_message = _("The budget is not at the stage where this can be done.")


class VersionLocked(Conflict):
    code = "version_locked"
    default_message = _(
        "This budget has been voted or confirmed; it cannot be changed. Open a supplementary budget instead."
    )


class UnknownCode(InvalidInput):
    code = "unknown_code"
    default_message = _("The code is not in the national code list for this fiscal year.")


class BudgetRuleViolation(Conflict):
    code = "budget_rule"
    default_message = _("The budget breaks a rule of the law.")


class ResultsBeforeYearEnd(Conflict):
    code = "performance_year_not_ended"
    default_message = _("Results are recorded once the fiscal year has ended.")


class ResultsFinal(Conflict):
    code = "performance_results_final"
    default_message = _("The settlement with its performance report is with the council: the results are final.")
