"""The year end of revenue: 미수납액 carried as 과년도 수입 of the next year (지방회계법 §27) and claims extinguished by
prescription (지방재정법 §82, §84), with the write-off (불납결손) posted. Writers like revenue_actions: role, rules,
check-and-set, journal and audit in one transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lofin.accounting import journal
from lofin.core import audit, fiscal
from lofin.core.errors import Conflict
from lofin.core.models import LocalGovernment
from lofin.core.permissions import require

from . import revenue_actions, rules
from .access import REVENUE
from .models import Assessment, AssessmentStatus
from .revenue_actions import known_revenue_codes, prescription_start
from .revenue_rules import OTHER_EXPENSE, SOURCE_PRESCRIPTION, carried_code, ledgers_for


class YearNotClosed(Conflict):
    code = "year_not_closed"
    default_message = _("The fiscal year's cash work is not complete yet.")


def do_carry_unpaid(
    government: LocalGovernment, from_year: int, *, actor: Any, on: dt.date | None = None
) -> list[Assessment]:
    """미수납액 at the end of `from_year` continue as 과년도 수입 of the next year (지방회계법 §27): each open assessment
    with something outstanding gets one successor in the next year (`carried_from`) for that amount, under the
    지난년도수입 item of its chapter. Idempotent: the successor's key is derived from the original, so a second run
    (or a concurrent one) carries nothing twice. The successor keeps the due date and the last interruption, so the
    carry does not restart prescription.

    The carry waits until the year's 출납 work is complete (after 10 February, 시행령 §3): until then revenue of the
    year may still come in under a 출납폐쇄 exception (to 20 January) or be decided for the year, and what arrives
    meanwhile is booked as 과년도 수입 on the original assessment. Carrying earlier would cut those off.

    No journal entry: the receivable was recognised once, when decided; it stays on the books across the year end,
    and a receipt on the successor credits it in the year received."""
    require(actor, REVENUE, government)
    on = on or timezone.localdate()
    revenue_actions.check_not_future(on, "on")
    if on <= fiscal.completion_deadline(from_year):
        raise YearNotClosed(
            _("Unpaid revenue of %(year)s is carried once its 출납 work is complete (after %(day)s).")
            % {"year": from_year, "day": fiscal.completion_deadline(from_year)},
            fiscal_year=from_year,
        )
    next_year = from_year + 1
    codes = known_revenue_codes(next_year)
    carried: list[Assessment] = []
    with transaction.atomic():
        pending = (
            Assessment.objects.select_for_update()
            .filter(government=government, year=from_year, status=AssessmentStatus.OPEN)
            .exclude(Exists(Assessment.objects.filter(carried_from=OuterRef("pk"))))
            .order_by("pk")
        )
        for old in pending:
            if old.outstanding <= 0:
                continue
            try:
                with transaction.atomic():
                    new = Assessment.objects.create(
                        government=government,
                        year=next_year,
                        account_id=old.account_id,
                        revenue_code=carried_code(old.revenue_code, codes),
                        payer_name=old.payer_name,
                        payer_number=old.payer_number,
                        amount=old.outstanding,
                        assessed_on=dt.date(next_year, 1, 1),
                        notice_on=old.notice_on,
                        due_on=prescription_start(old),
                        interrupted_on=old.interrupted_on,
                        carried_from=old,
                        decided_by=actor,
                        idempotency_key=f"carry:{old.pk}",
                    )
            except IntegrityError:
                # Carried by a concurrent run a moment ago.
                continue
            audit.record(
                actor,
                "execution.revenue.carry",
                new,
                government=government,
                data={"from": old.pk, "from_year": from_year, "amount": new.amount, "revenue_code": new.revenue_code},
            )
            carried.append(new)
    return carried


def do_mark_prescribed(government: LocalGovernment, today: dt.date, *, actor: Any) -> list[Assessment]:
    """R-RV-5 (지방재정법 §82, §84): open claims untouched for five years since their due date or the last 납입고지/독촉
    are extinguished. The receivable is written off as a loss of the year (불납결손): Dr 5900 / Cr 1120|1130."""
    require(actor, REVENUE, government)
    revenue_actions.check_not_future(today, "on")
    # Narrow in SQL to claims whose start and last interruption are at least five years back; is_prescribed decides.
    limit = _years_before(today, rules.PRESCRIPTION_YEARS)
    old_enough = (Q(due_on__lte=limit) | Q(due_on__isnull=True, assessed_on__lte=limit)) & (
        Q(interrupted_on__isnull=True) | Q(interrupted_on__lte=limit)
    )
    prescribed: list[Assessment] = []
    with transaction.atomic():
        candidates = (
            Assessment.objects.select_for_update()
            .filter(old_enough, government=government, status=AssessmentStatus.OPEN)
            .exclude(Exists(Assessment.objects.filter(carried_from=OuterRef("pk"))))
            .order_by("pk")
        )
        for a in candidates:
            if a.outstanding <= 0 or not rules.is_prescribed(prescription_start(a), a.interrupted_on, today):
                continue
            # Check-and-set on what was read: a receipt or notice that got in first keeps the claim alive.
            changed = Assessment.objects.filter(
                pk=a.pk,
                status=AssessmentStatus.OPEN,
                collected_amount=a.collected_amount,
                interrupted_on=a.interrupted_on,
            ).update(status=AssessmentStatus.PRESCRIBED)
            if changed != 1:
                continue
            receivable, _credited = ledgers_for(a.revenue_code)
            journal.post(
                government_id=government.pk,
                account_id=a.account_id,
                fiscal_year=fiscal.fiscal_year(today),
                posted_on=today,
                source_type=SOURCE_PRESCRIPTION,
                source_id=a.pk,
                description=f"시효소멸 {a.revenue_code} {a.payer_name}"[:200],
                lines=[(OTHER_EXPENSE, a.outstanding, 0), (receivable, 0, a.outstanding)],
                actor=actor,
            )
            a.status = AssessmentStatus.PRESCRIBED
            audit.record(
                actor,
                "execution.revenue.prescribe",
                a,
                government=government,
                data={"written_off": a.outstanding, "from": prescription_start(a), "interrupted_on": a.interrupted_on},
            )
            prescribed.append(a)
    return prescribed


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
