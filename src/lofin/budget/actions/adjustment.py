"""조정: the budget office closes the requests, adjusts them, and sends the bill to the head (결재)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.db.models import F, Sum
from django.utils.translation import gettext_lazy as _

from lofin.core import audit, clock, idempotency
from lofin.core.approvals import actions as approvals
from lofin.core.errors import InvalidInput
from lofin.core.models import User
from lofin.core.permissions import require

from ..access import MANAGE
from ..models import BudgetVersion, ExpenditureLine, RevenueLine, VersionKind, VersionStatus
from ..queries import confirmation as confirmation_queries
from ..rules import adjustment as rules
from ..rules import confirmation as confirmation_rules
from ..rules import council as council_rules
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
        confirmation_rules.check_explicit_carry_amount(line.explicit_carry_amount, amount)
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


def do_record_mid_term_plan(
    version: BudgetVersion, *, title: str, first_year: int, last_year: int, actor: User
) -> BudgetVersion:
    """The 중기지방재정계획 the bill refers to (지방재정법 §33, R-BS-5): its title and the five or more fiscal years it
    covers, from the budget's year. Recorded while the bill is prepared."""
    require(actor, MANAGE, version.government)
    title = (title or "").strip()[:200]
    if not title:
        raise InvalidInput(_("Name the medium-term fiscal plan."), field="title")
    rules.check_mid_term_plan(version.year, first_year, last_year)
    with transaction.atomic():
        version = lock_version(version.pk)
        expect(version, VersionStatus.REQUESTING, VersionStatus.ADJUSTING)
        BudgetVersion.objects.filter(pk=version.pk).update(
            mid_term_plan=title, mid_term_plan_first_year=first_year, mid_term_plan_last_year=last_year
        )
        version.refresh_from_db()
        audit.record(
            actor,
            "budget.version.mid_term_plan",
            version,
            data={"title": title, "first_year": first_year, "last_year": last_year},
        )
    return version


def do_set_explicit_carry(line_id: int, *, amount: int, reason: str, actor: User) -> ExpenditureLine:
    """명시이월비 of a line (지방재정법 §50①, R-BP-10): the budget office sets it in the bill (조정), the council amends
    it before its vote (수정의결, with the council's reason), and it is confirmed with the line. Execution carries a
    line as 명시이월 only within the amount of the last confirmed version."""
    won(amount)
    with transaction.atomic():
        line = lock_line(ExpenditureLine, line_id)
        require(actor, MANAGE, line.government)
        version = lock_version(line.version_id)
        expect(version, VersionStatus.ADJUSTING, VersionStatus.SUBMITTED)
        if version.status == VersionStatus.SUBMITTED:
            reason = council_rules.check_amendment_reason(reason)
        confirmation_rules.check_explicit_carry_amount(amount, line.amount)
        before = line.explicit_carry_amount
        ExpenditureLine.objects.filter(pk=line.pk).update(explicit_carry_amount=amount)
        line.refresh_from_db()
        audit.record(
            actor,
            "budget.line.explicit_carry",
            line,
            data={"before": before, "after": amount, "stage": version.status, "reason": (reason or "").strip()},
        )
    return line


def check_bill_package(version: BudgetVersion) -> None:
    """The documents the 본예산 bill goes to the council with (rules.adjustment.check_bill_package, R-BS-5): the
    성인지 예산서 generated from the flagged projects, the 중기지방재정계획 and the 주민의견서."""
    rules.check_bill_package(
        gender_projects=[(p.name, p.goal) for p in confirmation_queries.gender_projects(version)],
        mid_term_plan=bool(version.mid_term_plan and version.mid_term_plan_last_year),
        resident_opinion=confirmation_queries.has_resident_opinion(version),
    )


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
        if version.kind == VersionKind.ORIGINAL:
            check_bill_package(version)
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
