"""세입: revenue lines requested, adjusted by the budget office and amended by the council."""

from __future__ import annotations

from django.db import transaction

from lofin.core import audit
from lofin.core.models import Department, User
from lofin.core.permissions import require

from ..access import MANAGE
from ..models import Account, BudgetVersion, CodeKind, RevenueLine, VersionStatus
from ..rules import adjustment as adjustment_rules
from ..rules import council as council_rules
from .common import check_code, expect, lock_line, lock_version, require_department, same_government, won


def do_save_revenue_request(
    version: BudgetVersion,
    *,
    account: Account,
    revenue_code: str,
    amount: int,
    actor: User,
    department: Department | None = None,
    basis_text: str = "",
) -> RevenueLine:
    government = version.government
    same_government(government, account, department)
    require_department(actor, government, department)
    check_code(CodeKind.REVENUE, version.year, revenue_code, ["item", "subitem"])
    won(amount)
    with transaction.atomic():
        version = lock_version(version.pk)
        expect(version, VersionStatus.REQUESTING)
        line, _created = RevenueLine.objects.update_or_create(
            version=version,
            account=account,
            revenue_code=revenue_code,
            defaults={
                "government": government,
                "department": department,
                "requested_amount": amount,
                "amount": amount,
                "basis_text": basis_text[:300],
            },
        )
        audit.record(
            actor, "budget.revenue.request", line, data={"version": version.pk, "code": revenue_code, "amount": amount}
        )
    return line


def do_adjust_revenue(line_id: int, *, amount: int, reason: str, actor: User) -> RevenueLine:
    won(amount)
    with transaction.atomic():
        line = lock_line(RevenueLine, line_id)
        require(actor, MANAGE, line.government)
        version = lock_version(line.version_id)
        expect(version, VersionStatus.ADJUSTING)
        reason = adjustment_rules.check_adjustment_reason(
            requested=line.requested_amount, adjusted=amount, reason=reason
        )
        RevenueLine.objects.filter(pk=line.pk).update(proposed_amount=amount, amount=amount, adjust_reason=reason[:300])
        line.refresh_from_db()
        audit.record(actor, "budget.revenue.adjust", line, data={"adjusted": amount, "reason": reason})
    return line


def do_amend_revenue(line_id: int, *, amount: int, reason: str, actor: User) -> RevenueLine:
    won(amount)
    with transaction.atomic():
        line = lock_line(RevenueLine, line_id)
        require(actor, MANAGE, line.government)
        version = lock_version(line.version_id)
        expect(version, VersionStatus.SUBMITTED)
        reason = council_rules.check_amendment_reason(reason)
        RevenueLine.objects.filter(pk=line.pk).update(amount=amount, amend_reason=reason[:300])
        line.refresh_from_db()
        audit.record(actor, "budget.revenue.amend", line, data={"amended": amount, "reason": reason})
    return line
