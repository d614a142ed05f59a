"""조정: the budget office closes the requests, adjusts them, and sends the bill to the head (결재)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.db.models import F, Sum
from django.utils.translation import gettext_lazy as _

from lofin.core import audit, clock, idempotency
from lofin.core.approvals import actions as approvals
from lofin.core.models import User
from lofin.core.permissions import require

from ..access import MANAGE
from ..models import BudgetVersion, ExpenditureLine, RevenueLine, VersionStatus
from ..rules import adjustment as rules
from ..rules import requests as request_rules
from .common import expect, lock_line, lock_version, replayed_submission, won
from .confirmation import check_version


def do_close_requests(version: BudgetVersion, *, actor: User) -> BudgetVersion:
    """요구 마감: the budget office starts adjusting; the requested amounts become the starting proposal."""
    require(actor, MANAGE, version.government)
    with transaction.atomic():
        version = lock_version(version.pk)
        expect(version, VersionStatus.REQUESTING)
        ExpenditureLine.objects.filter(version=version).update(
            proposed_amount=F("requested_amount"), amount=F("requested_amount")
        )
        RevenueLine.objects.filter(version=version).update(
            proposed_amount=F("requested_amount"), amount=F("requested_amount")
        )
        BudgetVersion.objects.filter(pk=version.pk).update(
            status=VersionStatus.ADJUSTING, requests_closed_at=clock.now()
        )
        version.refresh_from_db()
        audit.record(actor, "budget.version.close_requests", version)
    return version


def do_adjust_line(line_id: int, *, amount: int, reason: str, actor: User) -> ExpenditureLine:
    """조정: the budget office changes a requested amount, saying why."""
    won(amount)
    with transaction.atomic():
        line = lock_line(ExpenditureLine, line_id)
        require(actor, MANAGE, line.government)
        version = lock_version(line.version_id)
        expect(version, VersionStatus.ADJUSTING)
        reason = rules.check_adjustment_reason(requested=line.requested_amount, adjusted=amount, reason=reason)
        request_rules.check_subsidy_shares(
            state_amount=line.state_amount, province_amount=line.province_amount, amount=amount
        )
        ExpenditureLine.objects.filter(pk=line.pk).update(
            proposed_amount=amount, amount=amount, adjust_reason=reason[:300]
        )
        line.refresh_from_db()
        audit.record(
            actor,
            "budget.line.adjust",
            line,
            data={"requested": line.requested_amount, "adjusted": amount, "reason": reason},
        )
    return line


def do_submit_bill(
    version: BudgetVersion, *, line: Sequence[tuple[str, User]], actor: User, idempotency_key: str
) -> BudgetVersion:
    """The bill goes to the head on an approval line; once the head approves, it is before the council. A retry with
    the same key gets the version as the first submission left it; the same key with another line is `KeyReused`."""
    require(actor, MANAGE, version.government)
    stored_key = idempotency.scoped_key(version.government_id, actor, idempotency_key)
    request = idempotency.fingerprint("budget.bill.submit", version=version, line=[(kind, user) for kind, user in line])
    with transaction.atomic():
        version = lock_version(version.pk)
        if done := replayed_submission(stored_key, BudgetVersion, "budget.version.submit_bill", request):
            return done
        expect(version, VersionStatus.ADJUSTING)
        check_version(version)
        total = version.expenditure_lines.aggregate(s=Sum("amount"))["s"] or 0
        approval = approvals.do_submit_for_approval(
            government=version.government,
            doc_kind="budget.bill",
            subject_type="budget.budgetversion",
            subject_id=version.pk,
            title=str(_("%(year)s %(label)s bill") % {"year": version.year, "label": version.label}),
            amount=total,
            line=line,
            actor=actor,
            idempotency_key=idempotency_key,
        )
        BudgetVersion.objects.filter(pk=version.pk).update(status=VersionStatus.SUBMITTING, bill_approval=approval)
        version.refresh_from_db()
        audit.record(
            actor,
            "budget.version.submit_bill",
            version,
            data={"total": total, "approval": approval.pk, "fingerprint": request},
        )
    return version
