"""의회: the council's amendments (수정의결) of the bill and its vote (의결)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lofin.core import audit
from lofin.core.errors import Conflict
from lofin.core.models import User
from lofin.core.permissions import require

from ..access import MANAGE
from ..models import BudgetVersion, CalcBasis, CodeKind, ExpenditureLine, Project, ProjectLevel, VersionStatus
from ..rules import confirmation as confirmation_rules
from ..rules import council as rules
from ..rules import requests as request_rules
from .common import check_code, expect, lock_line, lock_version, same_government, won


def policy_of(project: Project) -> Project:
    """The 정책사업 above a project: the 세출 항 the council's power to amend is counted on."""
    current = project
    while current.parent_id is not None and current.level != ProjectLevel.POLICY:
        current = current.parent  # type: ignore[assignment]
    return current


def policy_totals(version: BudgetVersion, policy: Project) -> tuple[int, int]:
    """(bill amount, current amount) of a 정책사업 in this version."""
    lines = ExpenditureLine.objects.filter(version=version, project__parent__parent=policy)
    agg = lines.aggregate(bill=Sum("proposed_amount"), now=Sum("amount"))
    return agg["bill"] or 0, agg["now"] or 0


def do_amend_line(line_id: int, *, amount: int, reason: str, head_consent: bool, actor: User) -> ExpenditureLine:
    """Record a council amendment (수정의결) of a line. Raising a 정책사업 above the bill needs the head's consent."""
    won(amount)
    with transaction.atomic():
        line = lock_line(ExpenditureLine, line_id)
        require(actor, MANAGE, line.government)
        version = lock_version(line.version_id)
        expect(version, VersionStatus.SUBMITTED)
        reason = rules.check_amendment_reason(reason)
        bill, now = policy_totals(version, policy_of(line.project))
        rules.check_council_amendment(
            submitted_total=bill, amended_total=now - line.amount + amount, new_item=False, head_consent=head_consent
        )
        confirmation_rules.check_explicit_carry_amount(line.explicit_carry_amount, amount)
        request_rules.check_subsidy_shares(
            state_amount=line.state_amount, province_amount=line.province_amount, amount=amount
        )
        ExpenditureLine.objects.filter(pk=line.pk).update(amount=amount, amend_reason=reason[:300])
        line.refresh_from_db()
        audit.record(
            actor,
            "budget.line.amend",
            line,
            data={"bill": line.proposed_amount, "amended": amount, "reason": reason, "head_consent": head_consent},
        )
    return line


def do_council_add_line(
    version: BudgetVersion,
    *,
    project: Project,
    object_code: str,
    amount: int,
    reason: str,
    head_consent: bool,
    actor: User,
) -> ExpenditureLine:
    """The council adds an item the bill did not have: only with the head's consent (R-BP-2)."""
    require(actor, MANAGE, version.government)
    same_government(version.government, project)
    check_code(CodeKind.OBJECT, version.year, object_code, ["subitem"])
    won(amount)
    rules.check_council_amendment(submitted_total=0, amended_total=amount, new_item=True, head_consent=head_consent)
    confirmation_rules.check_investment_review(project.investment_review, project.name)
    with transaction.atomic():
        version = lock_version(version.pk)
        expect(version, VersionStatus.SUBMITTED)
        try:
            with transaction.atomic():
                line = ExpenditureLine.objects.create(
                    version=version,
                    government=version.government,
                    account_id=project.account_id,
                    project=project,
                    object_code=object_code,
                    proposed_amount=0,
                    amount=amount,
                    amend_reason=reason[:300],
                    added_by_council=True,
                )
        except IntegrityError:
            raise Conflict(_("The line exists already; amend it instead.")) from None
        CalcBasis.objects.create(line=line, seq=1, description=reason[:200] or "의회 증액", amount=amount)
        audit.record(actor, "budget.line.council_add", line, data={"amount": amount, "reason": reason})
    return line


def do_record_vote(version: BudgetVersion, *, voted_on: dt.date, actor: User) -> BudgetVersion:
    """의결: the council passed the (amended) budget on this day."""
    require(actor, MANAGE, version.government)
    with transaction.atomic():
        version = lock_version(version.pk)
        expect(version, VersionStatus.SUBMITTED)
        rules.check_vote_date(voted_on, timezone.localdate(version.submitted_at) if version.submitted_at else None)
        BudgetVersion.objects.filter(pk=version.pk).update(status=VersionStatus.VOTED, voted_on=voted_on)
        version.refresh_from_db()
        audit.record(actor, "budget.version.vote", version, data={"voted_on": voted_on})
    return version
