"""Year-end writers: 이월 (carry-over into the next fiscal year), 불용 (lapse), and for revenue 미수납 이월 and 시효.

Carry-over (지방재정법 §50): the carried amount becomes `carried_in` of the next year's line with the same
세부사업 code and 통계목, and is deemed allocated there (allocated += amount, an Allocation of the kind
"carry_over"). On the old line it is recorded by CarryOver rows; the line keeps its 예산현액, and
불용 = 예산현액 − 지출 − 이월. The conditions are rules.yearend's.

A carry-over may take the unpaid part of a named commitment with it (사고이월 must: R-BP-7; 명시이월 and
계속비이월 may, for a contract not finished in the year). The commitment shrinks by the carried amount in the old
year, so it cannot also be paid in the old year's 출납 window, and the same creditor's commitment opens for that
amount on the next year's line, made by the same 재무관: the carried money stays promised to its creditor, and
separation of duties (R-EX-3) still holds for its payment.

Revenue: 미수납액 are carried as 과년도 수입 of the next year (지방회계법 §27) and claims are extinguished by
prescription (지방재정법 §82, §84), with the write-off (불납결손) posted.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from lofin.accounting import chart, journal
from lofin.budget.actions import setup as budget_setup
from lofin.budget.models import ContinuingExpenditure, Project
from lofin.budget.queries import confirmation as budget_queries
from lofin.core import audit, clock, fiscal, idempotency
from lofin.core.errors import Conflict, InvalidInput, NotFound
from lofin.core.models import AuditEvent, LocalGovernment, User
from lofin.core.permissions import require

from ..access import ALLOCATE, REVENUE
from ..models import (
    Allocation,
    AllocationKind,
    Assessment,
    AssessmentStatus,
    BudgetLine,
    CarryOver,
    CarryOverKind,
    Commitment,
    CommitmentStatus,
)
from ..queries.revenue import known_revenue_codes, ledgers_for, prescription_years
from ..queries.yearend import CARRY_OVER_TYPE, LapseReport, lapse_report
from ..rules import revenue as revenue_rules
from ..rules import yearend as rules
from ..rules.values import check_not_future, check_positive, check_reason
from . import commitments
from .common import once_per_form

# --- 이월 -------------------------------------------------------------------------------------------------------


def _carried_out(line_id: int, kind: str | None = None) -> int:
    carried = CarryOver.objects.filter(from_line_id=line_id)
    if kind is not None:
        carried = carried.filter(kind=kind)
    return sum(carried.values_list("amount", flat=True))


def next_year_project(project: Project, *, actor: User) -> Project:
    """The same 세부사업 in the next year. A carried project is often absent from the next year's budget (a
    명시이월 finishes with the carried money), so its chain 정책사업 → 단위사업 → 세부사업 is copied into the next
    year's classification where missing, through the budget office's own action (audited there). 이용 authority
    (transfer_allowed) is not copied: it is granted by each year's budget."""
    chain = [project]
    while chain[-1].parent_id is not None:
        chain.append(Project.objects.get(pk=chain[-1].parent_id))
    parent: Project | None = None
    for old in reversed(chain):
        lookup = {"government_id": old.government_id, "year": old.year + 1, "code": old.code}
        found = Project.objects.filter(**lookup).first()
        if found is None:
            try:
                with transaction.atomic():
                    found = budget_setup.do_create_project(
                        old.government,
                        year=old.year + 1,
                        level=old.level,
                        code=old.code,
                        name=old.name,
                        account=old.account,
                        parent=parent,
                        department=old.department,
                        function_code=old.function_code,
                        gender_sensitive=old.gender_sensitive,
                        gender_goal=old.gender_goal,
                        state_share_bp=old.state_share_bp,
                        actor=actor,
                    )
            except (Conflict, IntegrityError):
                # Created meanwhile by a concurrent carry-over of another line of the project: use theirs.
                found = Project.objects.get(**lookup)
        parent = found
    assert parent is not None
    return parent


def _next_year_line(line: BudgetLine, *, actor: User) -> BudgetLine:
    """The next year's line of the same 세부사업 and 통계목, locked; created (with nothing on it) when missing."""
    project = next_year_project(line.project, actor=actor)
    lookup = {"government_id": line.government_id, "year": line.year + 1, "project": project}
    found = BudgetLine.objects.select_for_update().filter(**lookup, object_code=line.object_code).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return BudgetLine.objects.create(**lookup, account_id=project.account_id, object_code=line.object_code)
    except IntegrityError:
        # Created by a concurrent carry-over into the same line: use theirs.
        return BudgetLine.objects.select_for_update().get(**lookup, object_code=line.object_code)


def _release_commitment(commitment: Commitment, line: BudgetLine, amount: int, *, on: dt.date, actor: User) -> None:
    """The carried part of a commitment leaves the old year, as a cancellation would release it."""
    if commitment.paid_amount == 0 and amount == commitment.amount:
        # Carried in full and never paid: the commitment keeps its amount for the record and stops counting.
        Commitment.objects.filter(pk=commitment.pk).update(status=CommitmentStatus.CANCELLED)
    else:
        # Partly carried or partly paid: it shrinks to what stays in the old year.
        Commitment.objects.filter(pk=commitment.pk).update(amount=F("amount") - amount)
    commitments.release(commitment, amount)
    journal.post(
        government_id=line.government_id,
        account_id=line.account_id,
        fiscal_year=line.year,
        posted_on=on,
        source_type=commitments.SOURCE,
        source_id=commitment.pk,
        description=f"이월 {line.year + 1}",
        lines=chart.released(amount),
        actor=actor,
    )


def _carry_commitment(
    old: Commitment, target: BudgetLine, amount: int, carry: CarryOver, *, on: dt.date, actor: User
) -> Commitment:
    """The carried part of a commitment, promised to the same creditor on the next year's line. It stays the act
    of the 재무관 who made it (committed_by), so that person still cannot order its payment (R-EX-3). It belongs
    to the finance office of the line: offices and their 재배정 are set up anew each year."""
    carried = Commitment.objects.create(
        government_id=target.government_id,
        line=target,
        office=None,
        amount=amount,
        creditor=old.creditor,
        creditor_number=old.creditor_number,
        purpose=old.purpose,
        kind=old.kind,
        committed_on=on,
        committed_by_id=old.committed_by_id,
        idempotency_key=f"{target.government_id}:carry-over:{carry.pk}",
    )
    journal.post(
        government_id=target.government_id,
        account_id=target.account_id,
        fiscal_year=target.year,
        posted_on=on,
        source_type=commitments.SOURCE,
        source_id=carried.pk,
        description=f"이월 {target.year - 1}",
        lines=chart.encumbered(amount),
        actor=actor,
    )
    # Like every commitment, it has its own "execution.commit" event; this one names where it came from.
    audit.record(
        actor,
        commitments.AUDIT_ACTION,
        carried,
        data={
            "line": target.pk,
            "amount": amount,
            "creditor": old.creditor,
            "carried_from": old.pk,
            "carry_over": carry.pk,
        },
    )
    return carried


def _replayed_carry(government: LocalGovernment, year: int, key: str, request: str) -> CarryOver | None:
    """The carry-over an earlier request with this key made, if any. The key lives in the carry-over's audit event
    (append-only, in the same transaction), so a retry finds it once the first request has committed; a concurrent
    retry of the same carry-over waits for the old line's lock and then finds it."""
    ids = list(CarryOver.objects.filter(government=government, from_line__year=year).values_list("pk", flat=True))
    if not ids:
        return None
    event = (
        AuditEvent.objects.filter(
            action="execution.carry_over",
            object_type=CARRY_OVER_TYPE,
            object_id__in=[str(pk) for pk in ids],
            data__idempotency_key=key,
        )
        .values_list("object_id", "data")
        .first()
    )
    if event is None:
        return None
    object_id, data = event
    return idempotency.replay(
        CarryOver.objects.get(pk=int(object_id)), request, recorded=str(data.get("fingerprint", ""))
    )


def do_carry_over(
    kind: str,
    *,
    from_line: BudgetLine,
    amount: int,
    reason: str,
    actor: User,
    idempotency_key: str,
    commitment: Commitment | None = None,
) -> CarryOver:
    """이월 of part of a line into the next fiscal year, decided by the budget office after the year has ended.

    명시이월 (R-BP-10): only within the 명시이월비 the council approved for the line in the last confirmed budget of
    the year, and before the 결산 closes the year's books (it is submitted after that). 사고이월 (R-BP-7): only
    of the unpaid part of an active commitment of the year on this line, named by `commitment`. 계속비이월: only
    for a project with a 계속비 whose period runs into the next year. 명시이월 and 계속비이월 may also name a
    commitment whose unpaid part goes with them. A retry with the same key returns the first carry-over; the same key
    with anything else is refused."""
    check_positive(amount)
    request = idempotency.fingerprint(
        "carry_over", kind=kind, from_line=from_line, amount=amount, reason=reason, commitment=commitment
    )
    if kind not in CarryOverKind.values:
        raise InvalidInput(_("Unknown kind of carry-over."), field="kind")
    reason = check_reason(reason)
    government = LocalGovernment.objects.get(pk=from_line.government_id)
    require(actor, ALLOCATE, government)
    key = idempotency.scoped_key(government.pk, actor, f"carry:{idempotency_key}" if idempotency_key else "")
    source = (
        BudgetLine.objects.select_related("account", "project").filter(pk=from_line.pk, government=government).first()
    )
    if source is None:
        raise NotFound()
    if commitment is not None and commitment.line_id != source.pk:
        raise NotFound()
    on = clock.today()
    rules.check_carry_over_day(source.year, on)
    rules.check_carry_over_kind(
        kind,
        names_commitment=commitment is not None,
        continuing_runs_on=kind == CarryOverKind.CONTINUING
        and ContinuingExpenditure.objects.filter(
            government=government,
            project_code=source.project.code,
            first_year__lte=source.year,
            last_year__gte=source.year + 1,
        ).exists(),
        next_year=source.year + 1,
    )
    if kind == CarryOverKind.EXPLICIT:
        rules.check_before_settlement(source.year, books_closed=journal.is_closed(government.pk, source.year))
    with transaction.atomic():
        # Lock order: the old line, the next year's line, then the commitments, journal and audit. Every writer of
        # a commitment locks its line first, so the commitment read under the old line's lock is current. Copying
        # a missing project into the next year takes the audit chain head before the next year's line, against the
        # usual order; that line cannot exist yet then (it needs the project), so nobody else can hold it.
        line = BudgetLine.objects.select_for_update().select_related("account", "project").get(pk=source.pk)
        if (replay := _replayed_carry(government, line.year, key, request)) is not None:
            return replay
        approved = 0
        if kind == CarryOverKind.EXPLICIT:
            # Under the old line's lock, so two 명시이월 of the line cannot both fit in what is left of its 명시이월비.
            approved = budget_queries.explicit_carry_approved(government, line.year, line.project_id, line.object_code)
            rules.check_explicit_carry(
                amount, approved=approved, carried=_carried_out(line.pk, CarryOverKind.EXPLICIT), line=line.pk
            )
        live = None
        if commitment is not None:
            live = Commitment.objects.select_related("office").get(pk=commitment.pk)
            unpaid = live.amount - live.paid_amount if live.status == CommitmentStatus.ACTIVE else 0
            rules.check_commitment_carry(kind, amount=amount, unpaid=unpaid)
        else:
            available = rules.carriable(line.appropriation, line.committed, _carried_out(line.pk))
            rules.check_line_carry(amount, available=available, line=line.pk)
        target = _next_year_line(line, actor=actor)
        if live is not None:
            _release_commitment(live, line, amount, on=on, actor=actor)
        # 이월 is deemed allocated in the new year (지방재정법 §50): 예산현액 and 배정 grow together, and a
        # carried commitment takes its part of that allocation at once.
        BudgetLine.objects.filter(pk=target.pk).update(
            carried_in=F("carried_in") + amount,
            appropriation=F("appropriation") + amount,
            allocated=F("allocated") + amount,
            committed=F("committed") + (amount if live is not None else 0),
        )
        Allocation.objects.create(
            line=target,
            government=government,
            kind=AllocationKind.CARRY_OVER,
            period=1,
            amount=amount,
            created_by=actor,
        )
        carry = CarryOver.objects.create(
            government=government,
            kind=kind,
            from_line=line,
            to_line=target,
            amount=amount,
            reason=reason,
            decided_by=actor,
        )
        carried = _carry_commitment(live, target, amount, carry, on=on, actor=actor) if live is not None else None
        audit.record(
            actor,
            "execution.carry_over",
            carry,
            government=government,
            data={
                "kind": kind,
                "from_line": line.pk,
                "to_line": target.pk,
                "year": line.year,
                "amount": amount,
                "reason": reason,
                "commitment": live.pk if live is not None else None,
                "carried_commitment": carried.pk if carried is not None else None,
                # The line's 명시이월비 in the confirmed budget this 명시이월 was held to (R-BP-10).
                "explicit_approved": approved if kind == CarryOverKind.EXPLICIT else None,
                "idempotency_key": key,
                "fingerprint": request,
            },
        )
    return carry


# --- 불용 -------------------------------------------------------------------------------------------------------


def do_close_year(government: LocalGovernment, year: int, *, actor: User) -> LapseReport:
    """불용: per line, 예산현액 − 지출 − 이월, computed and recorded in the audit trail once the year has ended.

    It changes no line, so a late refund (by 20 January) or a carry-over can still correct the figures; run it
    again for the final ones (the report says whether they are still provisional)."""
    require(actor, ALLOCATE, government)
    on = clock.today()
    rules.check_lapse_day(year, on)
    report = lapse_report(government, year, today=on)
    with transaction.atomic():
        audit.record(
            actor,
            "execution.year.close",
            government=government,
            object_type="execution.year",
            object_id=year,
            data={
                "year": year,
                "lines": len(report.rows),
                "appropriation": report.appropriation,
                "paid": report.paid,
                "carried_out": report.carried_out,
                "lapsed": report.lapsed,
                "provisional": report.provisional,
            },
        )
    return report


def do_close_year_from_form(government: LocalGovernment, year: int, *, actor: User, form_key: str) -> LapseReport:
    """불용 computed and recorded from a screen, once per form rendering (it may be run again from a new one for the
    final figures). No money row is touched, so the government's row is the lock that queues two submissions, taken
    FOR NO KEY UPDATE: that does not block the key-share locks of the inserts that refer to the government."""

    def close() -> LocalGovernment:
        do_close_year(government, year, actor=actor)
        return government

    once_per_form(
        government.pk,
        actor=actor,
        form_key=form_key,
        kind="close_year",
        values={"year": year},
        lock=lambda: LocalGovernment.objects.select_for_update(no_key=True).filter(pk=government.pk).first(),
        call=close,
        load=lambda pk: government,
    )
    return lapse_report(government, year, today=clock.today())


# --- revenue: 미수납 이월 and 시효 -------------------------------------------------------------------------------------


def do_carry_unpaid(
    government: LocalGovernment, from_year: int, *, actor: User, on: dt.date | None = None
) -> list[Assessment]:
    """미수납액 at the end of `from_year` continue as 과년도 수입 of the next year (지방회계법 §27): each open assessment
    with something outstanding gets one successor in the next year (`carried_from`) for that amount, under the
    지난년도수입 item of its chapter. Idempotent: the successor's key is derived from the original, so a second run
    (or a concurrent one) carries nothing twice. The successor keeps the due date and the last interruption, so the
    carry does not restart prescription.

    The carry waits until the year's 출납 work is complete (rules.revenue.check_carry_day): what arrives meanwhile is
    booked as 과년도 수입 on the original assessment. Carrying earlier would cut those off.

    No journal entry: the receivable was recognised once, when decided; it stays on the books across the year end,
    and a receipt on the successor credits it in the year received."""
    require(actor, REVENUE, government)
    today = clock.today()
    on = on or today
    check_not_future(on, "on", today=today)
    revenue_rules.check_carry_day(from_year, on)
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
                        revenue_code=revenue_rules.carried_code(old.revenue_code, codes),
                        payer_name=old.payer_name,
                        payer_number=old.payer_number,
                        amount=old.outstanding,
                        assessed_on=dt.date(next_year, 1, 1),
                        notice_on=old.notice_on,
                        due_on=revenue_rules.prescription_start(old.due_on, old.assessed_on),
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


def do_mark_prescribed(government: LocalGovernment, today: dt.date, *, actor: User) -> list[Assessment]:
    """R-RV-5 (지방재정법 §82, §84): open claims untouched for five years since their due date or the last 납입고지/독촉
    are extinguished. The receivable is written off as a loss of the year (불납결손): Dr 5900 / Cr 1120|1130."""
    require(actor, REVENUE, government)
    check_not_future(today, "on", today=clock.today())
    # Narrow in SQL to claims whose start and last interruption are at least five years back; is_prescribed decides.
    limit = revenue_rules.years_before(today, revenue_rules.PRESCRIPTION_YEARS)
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
            start = revenue_rules.prescription_start(a.due_on, a.assessed_on)
            years = prescription_years(a)  # R-RV-7: ten years for a local tax from 5천만원
            if a.outstanding <= 0 or not revenue_rules.is_prescribed(start, a.interrupted_on, today, years=years):
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
                source_type=revenue_rules.SOURCE_PRESCRIPTION,
                source_id=a.pk,
                description=f"시효소멸 {a.revenue_code} {a.payer_name}"[:200],
                # Prescribed receivables are written off to 5900 기타비용 (불납결손), like 환급가산금.
                lines=[(chart.OTHER_EXPENSE, a.outstanding, 0), (receivable, 0, a.outstanding)],
                actor=actor,
            )
            a.status = AssessmentStatus.PRESCRIBED
            audit.record(
                actor,
                "execution.revenue.prescribe",
                a,
                government=government,
                data={"written_off": a.outstanding, "from": start, "interrupted_on": a.interrupted_on},
            )
            prescribed.append(a)
    return prescribed
