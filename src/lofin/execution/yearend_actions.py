"""Year end: 이월 (carry-over into the next fiscal year), 불용 (lapse) and 일상경비 (imprest) advances.

Carry-over (지방재정법 §50): the carried amount becomes `carried_in` of the next year's line with the same
세부사업 code and 통계목, and is deemed allocated there (allocated += amount, an Allocation of the kind
"carry_over"). On the old line it is recorded by CarryOver rows; the line keeps its 예산현액, and
불용 = 예산현액 − 지출 − 이월. Carry-overs are decided once the fiscal year has ended and before the next one ends
(the carried money must still be spendable), and never carry what is still promised to a creditor in the old year:
after each carry-over, committed + Σ carried ≤ 예산현액 on the old line.

A carry-over may take the unpaid part of a named commitment with it (사고이월 must: R-BP-7; 명시이월 and
계속비이월 may, for a contract not finished in the year). The commitment shrinks by the carried amount in the old
year, so it cannot also be paid in the old year's 출납 window, and the same creditor's commitment opens for that
amount on the next year's line, made by the same 재무관: the carried money stays promised to its creditor, and
separation of duties (R-EX-3) still holds for its payment.

Imprest (지방회계법 §34, 시행령 §38): an advance to an 일상경비 출납원 is a payment order by the 지출원 to the
cashier against a commitment the 재무관 made to that cashier (payee = the cashier as creditor, R-EX-4), through
the ordinary payment action, so every budget check, journal entry and separation-of-duties rule applies; unused
money comes back as a refund, which restores the line when it arrives by 20 January of the next year.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lofin.accounting import journal
from lofin.budget.actions import setup
from lofin.budget.models import ContinuingExpenditure, Project
from lofin.core import audit, fiscal
from lofin.core.errors import Conflict, InvalidInput, NotFound
from lofin.core.models import AuditEvent, LocalGovernment, Membership
from lofin.core.permissions import require, roles_in
from lofin.core.roles import Role

from . import actions, rules
from .access import ALLOCATE, PAY
from .models import (
    Allocation,
    AllocationKind,
    BudgetLine,
    CarryOver,
    CarryOverKind,
    Commitment,
    CommitmentStatus,
    ImprestAdvance,
    ImprestStatus,
    OfficeKind,
    PaymentOrder,
    SubAllocation,
)
from .yearend_queries import CARRY_OVER_TYPE, LapseReport, lapse_report


class CarryOverNotAllowed(rules.ExecutionRuleViolation):
    code = "carry_over_not_allowed"
    default_message = _("The law does not allow this carry-over.")


class OverCarryOver(Conflict):
    code = "over_carry_over"
    default_message = _("The carry-over exceeds what the line can carry.")


class YearNotEnded(Conflict):
    code = "year_not_ended"
    default_message = _("The fiscal year has not ended yet.")


def _today() -> dt.date:
    return timezone.localdate()


def _text(value: str, name: str, limit: int = 300) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(_("State the reason."), field=name)
    if len(value) > limit:
        raise InvalidInput(_("The reason is too long (%(limit)s characters at most).") % {"limit": limit}, field=name)
    return value


def _carried_out(line_id: int) -> int:
    return sum(CarryOver.objects.filter(from_line_id=line_id).values_list("amount", flat=True))


# --- 이월 -------------------------------------------------------------------------------------------------------


def _next_year_project(project: Project, *, actor: Any) -> Project:
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
                    found = setup.do_create_project(
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


def _next_year_line(line: BudgetLine, *, actor: Any) -> BudgetLine:
    """The next year's line of the same 세부사업 and 통계목, locked; created (with nothing on it) when missing."""
    project = _next_year_project(line.project, actor=actor)
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


def _check_decision_day(year: int, on: dt.date) -> None:
    if on <= fiscal.cash_closing_date(year):
        raise YearNotEnded(
            _("Carry-overs from %(year)s are decided after the fiscal year has ended.") % {"year": year}, year=year
        )
    if fiscal.fiscal_year(on) > year + 1:
        raise rules.ClosedPeriod(
            _("Carry-overs from %(year)s had to be decided in %(next)s, while the carried money could be spent.")
            % {"year": year, "next": year + 1},
            year=year,
        )


def _release_commitment(commitment: Commitment, line: BudgetLine, amount: int, *, on: dt.date, actor: Any) -> None:
    """The carried part of a commitment leaves the old year, as a cancellation would release it."""
    if commitment.paid_amount == 0 and amount == commitment.amount:
        # Carried in full and never paid: the commitment keeps its amount for the record and stops counting.
        Commitment.objects.filter(pk=commitment.pk).update(status=CommitmentStatus.CANCELLED)
    else:
        # Partly carried or partly paid: it shrinks to what stays in the old year.
        Commitment.objects.filter(pk=commitment.pk).update(amount=F("amount") - amount)
    BudgetLine.objects.filter(pk=line.pk).update(committed=F("committed") - amount)
    if commitment.office_id and commitment.office and commitment.office.kind == OfficeKind.SUB_FINANCE:
        SubAllocation.objects.filter(line_id=line.pk, office_id=commitment.office_id).update(
            committed=F("committed") - amount
        )
        BudgetLine.objects.filter(pk=line.pk).update(sub_committed=F("sub_committed") - amount)
    journal.post(
        government_id=line.government_id,
        account_id=line.account_id,
        fiscal_year=line.year,
        posted_on=on,
        source_type="execution.commitment",
        source_id=commitment.pk,
        description=f"이월 {line.year + 1}",
        lines=[(actions.ENCUMBRANCE_RESERVE, amount, 0), (actions.ENCUMBRANCE, 0, amount)],
        actor=actor,
    )


def _carry_commitment(
    old: Commitment, target: BudgetLine, amount: int, carry: CarryOver, *, on: dt.date, actor: Any
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
        source_type="execution.commitment",
        source_id=carried.pk,
        description=f"이월 {target.year - 1}",
        lines=[(actions.ENCUMBRANCE, amount, 0), (actions.ENCUMBRANCE_RESERVE, 0, amount)],
        actor=actor,
    )
    # Like every commitment, it has its own "execution.commit" event; this one names where it came from.
    audit.record(
        actor,
        "execution.commit",
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


def _replayed_carry(
    government: LocalGovernment, year: int, stored_key: str, *, kind: str, line_id: int, amount: int, commitment: Any
) -> CarryOver | None:
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
            data__idempotency_key=stored_key,
        )
        .values_list("object_id", "data")
        .first()
    )
    if event is None:
        return None
    object_id, data = event
    carry = CarryOver.objects.get(pk=int(object_id))
    same = (carry.kind, carry.from_line_id, carry.amount, data.get("commitment")) == (
        kind,
        line_id,
        amount,
        commitment.pk if commitment is not None else None,
    )
    if not same:
        raise Conflict(_("This Idempotency-Key was already used for a different carry-over."), reason="key_reused")
    return carry


def do_carry_over(
    kind: str,
    *,
    from_line: BudgetLine,
    amount: int,
    reason: str,
    actor: Any,
    idempotency_key: str,
    commitment: Commitment | None = None,
) -> CarryOver:
    """이월 of part of a line into the next fiscal year, decided by the budget office after the year has ended.

    명시이월: with a recorded reason (the budget models have no 명시이월비 flag to check). 사고이월 (R-BP-7): only
    of the unpaid part of an active commitment of the year on this line, named by `commitment`. 계속비이월: only
    for a project with a 계속비 whose period runs into the next year. 명시이월 and 계속비이월 may also name a
    commitment whose unpaid part goes with them. A retry with the same key returns the first carry-over."""
    rules.check_positive(amount)
    if kind not in CarryOverKind.values:
        raise InvalidInput(_("Unknown kind of carry-over."), field="kind")
    reason = _text(reason, "reason")
    government = LocalGovernment.objects.get(pk=from_line.government_id)
    require(actor, ALLOCATE, government)
    stored_key = actions._key(government, actor, f"carry:{idempotency_key}" if idempotency_key else "")
    source = (
        BudgetLine.objects.select_related("account", "project").filter(pk=from_line.pk, government=government).first()
    )
    if source is None:
        raise NotFound()
    if commitment is not None and commitment.line_id != source.pk:
        raise NotFound()
    on = _today()
    _check_decision_day(source.year, on)
    if kind == CarryOverKind.ACCIDENT and commitment is None:
        raise CarryOverNotAllowed(
            _("사고이월 carries the unpaid part of a commitment made in the year: name the commitment."),
            rule="R-BP-7",
        )
    if (
        kind == CarryOverKind.CONTINUING
        and not ContinuingExpenditure.objects.filter(
            government=government,
            project_code=source.project.code,
            first_year__lte=source.year,
            last_year__gte=source.year + 1,
        ).exists()
    ):
        raise CarryOverNotAllowed(
            _("계속비이월 needs a continuing expenditure (계속비) of this project that runs into %(year)s.")
            % {"year": source.year + 1},
            rule="LFA §50",
        )
    with transaction.atomic():
        # Lock order: the old line, the next year's line, then the commitments, journal and audit. Every writer of
        # a commitment locks its line first, so the commitment read under the old line's lock is current. Copying
        # a missing project into the next year takes the audit chain head before the next year's line, against the
        # usual order; that line cannot exist yet then (it needs the project), so nobody else can hold it.
        line = BudgetLine.objects.select_for_update().select_related("account", "project").get(pk=source.pk)
        replay = _replayed_carry(
            government, line.year, stored_key, kind=kind, line_id=line.pk, amount=amount, commitment=commitment
        )
        if replay is not None:
            return replay
        live = None
        if commitment is not None:
            live = Commitment.objects.select_related("office").get(pk=commitment.pk)
            unpaid = live.amount - live.paid_amount if live.status == CommitmentStatus.ACTIVE else 0
            if unpaid <= 0:
                raise CarryOverNotAllowed(
                    _("Only a commitment of the year that is still unpaid can be carried (지방재정법 §50)."),
                    rule="R-BP-7" if kind == CarryOverKind.ACCIDENT else "LFA §50",
                )
            # The carried part leaves the commitment, so committed + carried on the old line does not change.
            if amount > unpaid:
                raise OverCarryOver(
                    _("Only the unpaid part of the commitment can be carried: %(unpaid)s won.")
                    % {"unpaid": f"{unpaid:,}"},
                    available=unpaid,
                    amount=amount,
                )
        else:
            available = line.appropriation - line.committed - _carried_out(line.pk)
            if amount > available:
                raise OverCarryOver(
                    _(
                        "This line can carry at most %(available)s won: its appropriation less what is committed "
                        "in the year and what was already carried."
                    )
                    % {"available": f"{max(available, 0):,}"},
                    line=line.pk,
                    available=max(available, 0),
                    amount=amount,
                )
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
                # 명시이월비 is not flagged in the budget models: the reason given is the only record of it.
                "explicit_unverified": kind == CarryOverKind.EXPLICIT,
                "idempotency_key": stored_key,
            },
        )
    return carry


# --- 불용 -------------------------------------------------------------------------------------------------------


def do_close_year(government: LocalGovernment, year: int, *, actor: Any) -> LapseReport:
    """불용: per line, 예산현액 − 지출 − 이월, computed and recorded in the audit trail once the year has ended.

    It changes no line, so a late refund (by 20 January) or a carry-over can still correct the figures; run it
    again for the final ones (the report says whether they are still provisional)."""
    require(actor, ALLOCATE, government)
    on = _today()
    if on <= fiscal.cash_closing_date(year):
        raise YearNotEnded(
            _("The lapse of %(year)s is computed after the fiscal year has ended.") % {"year": year}, year=year
        )
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


# --- 일상경비 ---------------------------------------------------------------------------------------------------


def _check_cashier(user: Any, government: LocalGovernment) -> None:
    if not roles_in(user, government):
        raise NotFound()
    if not Membership.objects.current().filter(user=user, government=government, role=Role.CASHIER).exists():
        raise InvalidInput(_("An imprest is advanced to a cashier (출납원) of this government."), field="cashier")


def do_advance_imprest(
    commitment: Commitment,
    *,
    cashier: Any,
    kind: str,
    amount: int,
    office: Any,
    actor: Any,
    idempotency_key: str,
    payee_account: str,
    payee_bank: str = "금고",
    on: dt.date | None = None,
) -> ImprestAdvance:
    """일상경비 advance to an 출납원, within the cap of its kind (R-EX-5).

    Two people act, as the law requires (R-EX-3): the 재무관 has committed the line to the cashier (the
    commitment's creditor is the cashier), and `actor`, the 지출원, orders the payment from `office` (a
    disbursing office) through the ordinary payment action. Refused anywhere, nothing is written. A retry with
    the same key returns the first advance."""
    rules.check_positive(amount)
    rules.check_imprest(kind, amount)
    government = LocalGovernment.objects.get(pk=commitment.government_id)
    require(actor, PAY, government)
    _check_cashier(cashier, government)
    if rules.normalize_name(commitment.creditor) not in {
        rules.normalize_name(str(cashier)),
        rules.normalize_name(cashier.username),
    }:
        raise rules.PayeeMismatch(
            _("An imprest is paid to the cashier the 재무관 committed it to (지방회계법 §33)."),
            creditor=commitment.creditor,
            payee=str(cashier),
        )
    key = f"imprest:{idempotency_key}" if idempotency_key else ""
    stored = actions._key(government, actor, key)
    with transaction.atomic():
        # The line first, as on every money path: a concurrent retry waits here and then finds the first advance.
        BudgetLine.objects.select_for_update().filter(pk=commitment.line_id).first()
        done = PaymentOrder.objects.filter(idempotency_key=stored).first()
        if done is not None:
            advance = ImprestAdvance.objects.filter(payment=done).first()
            if advance is None or (advance.payment.commitment_id, advance.kind, advance.amount, advance.cashier_id) != (
                commitment.pk,
                kind,
                amount,
                cashier.pk,
            ):
                raise Conflict(_("This Idempotency-Key was already used for a different advance."), reason="key_reused")
            return advance
        payment = actions.do_issue_payment(
            commitment,
            amount=amount,
            payee_name=commitment.creditor,
            payee_bank=payee_bank,
            payee_account=payee_account,
            office=office,
            actor=actor,
            idempotency_key=key,
            issued_on=on or _today(),
        )
        advance = ImprestAdvance.objects.create(
            government=government,
            line_id=commitment.line_id,
            payment=payment,
            cashier=cashier,
            kind=kind,
            amount=amount,
        )
        audit.record(
            actor,
            "execution.imprest.advance",
            advance,
            government=government,
            data={
                "line": commitment.line_id,
                "kind": kind,
                "amount": amount,
                "cashier": cashier.pk,
                "commitment": commitment.pk,
                "payment": payment.pk,
            },
        )
    return advance


def do_settle_imprest(
    advance: ImprestAdvance,
    *,
    spent: int,
    returned: int,
    returned_on: dt.date | None,
    actor: Any,
) -> ImprestAdvance:
    """정산: the cashier accounts for the advance — what was spent and what comes back — and the 지출원 records it.

    The money returned is a refund (반납) of the advance's payment order: by 20 January of the next year it
    restores the line (the commitment is open again for it, and the 재무관 may cancel it to free the allocation);
    later it is revenue of the year it arrives in, and the audit row marks the return as late (지방회계법 §7②).
    Settling again with the same figures returns the settled advance; other figures are refused."""
    for value, name in ((spent, "spent"), (returned, "returned")):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidInput(_("Amounts are whole numbers of won, zero or more."), field=name)
    government = LocalGovernment.objects.get(pk=advance.government_id)
    require(actor, PAY, government)
    advance = ImprestAdvance.objects.select_related("payment").get(pk=advance.pk)
    if spent + returned != advance.amount:
        raise InvalidInput(
            _("Spent and returned money must add up to the advance: %(amount)s won.")
            % {"amount": f"{advance.amount:,}"},
            field="returned",
            advance=advance.amount,
            spent=spent,
            returned=returned,
        )
    payment = advance.payment
    if not returned:
        returned_on = None
    elif returned_on is None or not payment.issued_on <= returned_on <= _today():
        raise InvalidInput(
            _("Give the day the unused money came back (not before the advance, not in the future)."),
            field="returned_on",
        )
    late = returned_on is not None and returned_on > fiscal.exception_deadline(payment.fiscal_year)
    with transaction.atomic():
        # The line first, as on every money path; the refund below takes the rest in the same order.
        BudgetLine.objects.select_for_update().filter(pk=advance.line_id).first()
        settled = ImprestAdvance.objects.filter(pk=advance.pk, status=ImprestStatus.OPEN).update(
            spent_amount=spent, returned_amount=returned, status=ImprestStatus.SETTLED
        )
        if settled != 1:
            advance.refresh_from_db()
            if (advance.spent_amount, advance.returned_amount) == (spent, returned):
                return advance
            raise Conflict(_("This advance has already been settled."), reason="settled")
        refund = None
        if returned:
            assert returned_on is not None
            refund = actions.do_record_refund(
                payment,
                amount=returned,
                received_on=returned_on,
                actor=actor,
                idempotency_key=f"imprest-return:{advance.pk}",
            )
        advance.refresh_from_db()
        audit.record(
            actor,
            "execution.imprest.settle",
            advance,
            government=government,
            data={
                "spent": spent,
                "returned": returned,
                "returned_on": returned_on,
                "refund": refund.pk if refund else None,
                "restored_line": bool(refund and refund.restored_line),
                "late": late,
            },
        )
    return advance
