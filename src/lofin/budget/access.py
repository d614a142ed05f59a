"""Who may do what in budget formulation (named permissions, checked by the actions)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lofin.core.errors import Conflict, InvalidInput
from lofin.core.permissions import ALL_OFFICIALS, define
from lofin.core.roles import Role

# Departments prepare their own requests: any official of the government (the action checks the department).
REQUEST = define("budget.request", ALL_OFFICIALS, _("prepare a department's budget request"))
# The budget office (예산담당) adjusts, submits the bill, records the council's decisions and confirms.
MANAGE = define("budget.manage", {Role.BUDGET_OFFICER}, _("manage the budget (budget office)"))
VIEW = define("budget.view", ALL_OFFICIALS, _("read budgets being prepared"))


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
