"""Who may do what in execution (named permissions, checked by the actions)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lofin.core.permissions import ALL_OFFICIALS, define
from lofin.core.roles import Role

VIEW = define("execution.view", ALL_OFFICIALS | {Role.ANALYST}, _("read budget execution"))
ALLOCATE = define("execution.allocate", {Role.BUDGET_OFFICER}, _("allocate the budget (예산배정)"))
CASH = define("execution.cash", {Role.BUDGET_OFFICER, Role.FINANCE_OFFICER}, _("allocate cash (자금배정)"))
COMMIT = define("execution.commit", {Role.FINANCE_OFFICER}, _("make commitments (지출원인행위)"))
PAY = define("execution.pay", {Role.DISBURSING_OFFICER}, _("order payments (지급명령)"))
REVENUE = define("execution.revenue", {Role.REVENUE_OFFICER}, _("decide and collect revenue (징수)"))
CASHIER = define("execution.cashier", {Role.CASHIER}, _("handle cash (출납)"))
TRANSFER = define("execution.transfer", {Role.BUDGET_OFFICER}, _("request transfers between lines (전용·이용)"))
