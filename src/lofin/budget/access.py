"""Who may do what in budget formulation (named permissions, checked by the actions)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lofin.core.permissions import ALL_OFFICIALS, define
from lofin.core.roles import Role

# Departments prepare their own requests: any official of the government (the action checks the department).
REQUEST = define("budget.request", ALL_OFFICIALS, _("prepare a department's budget request"))
# The budget office (예산담당) adjusts, submits the bill, records the council's decisions and confirms.
MANAGE = define("budget.manage", {Role.BUDGET_OFFICER}, _("manage the budget (budget office)"))
VIEW = define("budget.view", ALL_OFFICIALS, _("read budgets being prepared"))
