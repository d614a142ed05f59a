"""전용·이용·이체 and 예비비 사용: moving appropriation from one budget line to another, by request and approval.

The amount leaves the source line when the request is made (one check-and-set on the source: its unallocated
appropriation must cover it), so two requests can never promise the same money. It waits there, in the request,
until the approval line ends: approved, the target line is credited; returned (반려) or withdrawn (회수), the
source gets it back. Each step keeps 예산현액 = budget + transfers + reserve + carried-in on both lines (a CHECK
constraint) and is audited. Appropriation moves are budget, not accounting: no journal entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lofin.budget.models import Project, ProjectLevel
from lofin.core import audit
from lofin.core.approvals import actions as approvals
from lofin.core.errors import Conflict, InvalidInput, NotFound
from lofin.core.models import ApprovalRequest, LocalGovernment, RequestStatus
from lofin.core.permissions import require

from . import rules
from .access import TRANSFER
from .models import BudgetLine, Transfer, TransferKind, TransferStatus

SUBJECT_TYPE = "execution.transfer"
# One document kind per kind of transfer, so that each has its own 위임전결 rule (execution/approvals.py): the
# approval policy is chosen by document kind and amount only.
DOC_KINDS = {kind: f"{SUBJECT_TYPE}.{kind}" for kind in TransferKind.values}

# 예비비 lines (일반예비비, 목적예비비): the only source of 예비비 사용, and never moved by 전용·이용·이체.
RESERVE_OBJECTS = frozenset({"801-01", "801-02"})
RESERVE_ITEM = "801"
# 예비비 may not fund 업무추진비 or 보조금 except for an urgent disaster (지방재정법 시행령 §48, 2017 text).
RESERVE_FORBIDDEN_TARGETS = frozenset({"203", "307", "402"})

# The approval request's key is namespaced, so a transfer never collides with another document of the drafter.
_KEY_PREFIX = "xfer:"
_MAX_KEY = 100 - len(_KEY_PREFIX)


class InsufficientAppropriation(Conflict):
    code = "insufficient_appropriation"
    default_message = _("The source line does not have this much unallocated appropriation.")


class TransferNotAllowed(rules.ExecutionRuleViolation):
    code = "transfer_not_allowed"
    default_message = _("The law does not allow this transfer between these lines.")


class _Duplicate(Exception):
    """A concurrent request with the same key opened the approval line first: undo ours, return theirs."""

    def __init__(self, request: ApprovalRequest) -> None:
        self.request = request


def _now() -> dt.datetime:
    return timezone.now()


def _today() -> dt.date:
    return timezone.localdate(_now())


def line_code(line: BudgetLine) -> str:
    """회계-세부사업-통계목, as on the budget lines page."""
    return f"{line.account.code}-{line.project.code}-{line.object_code}"


def policy_of(project: Project) -> Project:
    """The 정책사업 above a 세부사업 (세부사업 → 단위사업 → 정책사업)."""
    current = project
    while current.parent_id is not None and current.level != ProjectLevel.POLICY:
        current = Project.objects.get(pk=current.parent_id)
    return current


def _amount_field(kind: str) -> str:
    # 예비비 사용 is shown apart from 전용·이용·이체 in 예산현액 (budget ± transfers ± reserve + carried-in).
    return "reserve_amount" if kind == TransferKind.RESERVE else "transfer_amount"


def _check_rules(kind: str, source: BudgetLine, target: BudgetLine, *, on: dt.date, urgent_disaster: bool) -> None:
    """The rules of each kind of transfer; raises TransferNotAllowed (R-BP-4, R-BP-5, 예비비 limits, R-FY-1)."""
    source_item, target_item = source.object_code[:3], target.object_code[:3]
    try:
        if kind == TransferKind.VIREMENT:
            rules.check_virement(
                from_object=source.object_code,
                to_object=target.object_code,
                same_policy=policy_of(source.project).pk == policy_of(target.project).pk,
                on=on,
                fiscal_year=source.year,
            )
        elif kind == TransferKind.BETWEEN_PROGRAMMES:
            source_policy, target_policy = policy_of(source.project), policy_of(target.project)
            if source_policy.pk == target_policy.pk:
                raise TransferNotAllowed(
                    _("Both lines are in the same programme (정책사업): that is 전용, not 이용."), rule="R-BP-5"
                )
            rules.check_transfer_between_programmes(
                from_allowed=source_policy.transfer_allowed, to_allowed=target_policy.transfer_allowed
            )
    except rules.ExecutionRuleViolation as refused:
        raise TransferNotAllowed(refused.message, **refused.detail) from None
    if kind == TransferKind.RESERVE:
        if source.object_code not in RESERVE_OBJECTS:
            raise TransferNotAllowed(
                _("예비비 사용 draws on a contingency reserve line (801-01 or 801-02)."), rule="LFA §43"
            )
        if target_item == RESERVE_ITEM:
            raise TransferNotAllowed(_("The contingency reserve cannot be moved into another reserve."), rule="LFA §43")
        if target_item in RESERVE_FORBIDDEN_TARGETS and not urgent_disaster:
            raise TransferNotAllowed(
                _(
                    "The contingency reserve may not fund 업무추진비 or subsidies (보조금), except for an urgent "
                    "disaster."
                ),
                rule="LFA §43",
            )
    elif RESERVE_ITEM in (source_item, target_item):
        raise TransferNotAllowed(
            _("Money moves into or out of the contingency reserve only by 예비비 사용."), rule="LFA §43"
        )
    if kind != TransferKind.REORGANISATION and source.account_id != target.account_id:
        raise TransferNotAllowed(
            _("Both lines must be in the same account (회계); only 이체 may cross accounts."), rule="LFA §47의2"
        )
    # Every kind changes the appropriation of its own fiscal year only, within that year (지방재정법 §7).
    if not dt.date(source.year, 1, 1) <= on <= dt.date(source.year, 12, 31):
        raise TransferNotAllowed(
            _("Appropriations of %(year)s can only be moved during %(year)s.") % {"year": source.year}, rule="R-FY-1"
        )


def _lines(*line_ids: int) -> dict[int, BudgetLine]:
    return {line.pk: line for line in BudgetLine.objects.select_related("account", "project").filter(pk__in=line_ids)}


def do_request_transfer(
    kind: str,
    *,
    from_line: BudgetLine,
    to_line: BudgetLine,
    amount: int,
    reason: str,
    line: Sequence[tuple[str, Any]],
    actor: Any,
    idempotency_key: str,
    urgent_disaster: bool = False,
) -> Transfer:
    """Request a 전용, 이용, 이체 or 예비비 사용 and put it on an approval line (결재).

    The amount is taken out of the source line at once (it must not exceed the source's unallocated
    appropriation); the target receives it when the line's final approver approves. A retried request with
    the same key returns the first transfer."""
    rules.check_positive(amount)
    if kind not in TransferKind.values:
        raise InvalidInput(_("Unknown kind of transfer."), field="kind")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("State the reason for the transfer."), field="reason")
    if len(reason) > 300:
        raise InvalidInput(_("The reason is too long (300 characters at most)."), field="reason")
    if not idempotency_key or len(idempotency_key) > _MAX_KEY:
        raise InvalidInput(
            _("An Idempotency-Key of 1 to %(max)s characters is required.") % {"max": _MAX_KEY},
            field="idempotency_key",
        )
    if from_line.pk == to_line.pk:
        raise InvalidInput(_("The source and the target must be two different lines."), field="to_line")
    government = LocalGovernment.objects.get(pk=from_line.government_id)
    require(actor, TRANSFER, government)
    # A line of another government looks absent, like everything that is not yours.
    if to_line.government_id != from_line.government_id:
        raise NotFound()
    lines = _lines(from_line.pk, to_line.pk)
    source, target = lines[from_line.pk], lines[to_line.pk]
    if source.year != target.year:
        raise InvalidInput(_("Both lines must be of the same fiscal year."), field="to_line")
    on = _today()
    _check_rules(kind, source, target, on=on, urgent_disaster=urgent_disaster)
    approval_key = _KEY_PREFIX + idempotency_key
    stored_key = f"{government.pk}:{actor.pk}:{approval_key}"
    field = _amount_field(kind)
    try:
        with transaction.atomic():
            if done := ApprovalRequest.objects.filter(idempotency_key=stored_key).first():
                return _replayed(done, kind, source, target, amount)
            # The check-and-set: the source gives the amount up now, only if it is not allocated (R-BP-6 keeps
            # allocated ≤ appropriation); a second request for the same money finds it gone.
            taken = BudgetLine.objects.filter(pk=source.pk, allocated__lte=F("appropriation") - amount).update(
                **{field: F(field) - amount, "appropriation": F("appropriation") - amount}
            )
            if taken != 1:
                source.refresh_from_db()
                raise InsufficientAppropriation(
                    _(
                        "The source line has %(available)s won of unallocated appropriation; %(amount)s won "
                        "cannot be moved."
                    )
                    % {"available": f"{source.appropriation - source.allocated:,}", "amount": f"{amount:,}"},
                    line=source.pk,
                    available=source.appropriation - source.allocated,
                    amount=amount,
                )
            transfer = Transfer.objects.create(
                government=government,
                year=source.year,
                kind=kind,
                from_line=source,
                to_line=target,
                amount=amount,
                reason=reason,
                requested_on=on,
                requested_by=actor,
                status=TransferStatus.IN_APPROVAL,
            )
            title = _("%(kind)s %(source)s → %(target)s, %(amount)s won") % {
                "kind": TransferKind(kind).label,
                "source": line_code(source),
                "target": line_code(target),
                "amount": f"{amount:,}",
            }
            if urgent_disaster:
                title = _("%(title)s (urgent disaster)") % {"title": title}
            approval = approvals.do_submit_for_approval(
                government=government,
                doc_kind=DOC_KINDS[kind],
                subject_type=SUBJECT_TYPE,
                subject_id=transfer.pk,
                title=str(title),
                amount=amount,
                line=line,
                actor=actor,
                idempotency_key=approval_key,
            )
            if approval.subject_id != str(transfer.pk):
                raise _Duplicate(approval)
            Transfer.objects.filter(pk=transfer.pk).update(approval=approval)
            transfer.approval = approval
            audit.record(
                actor,
                "execution.transfer.request",
                transfer,
                government=government,
                data={
                    "kind": kind,
                    "from_line": source.pk,
                    "to_line": target.pk,
                    "amount": amount,
                    "reason": reason,
                    "urgent_disaster": urgent_disaster,
                    "approval": approval.pk,
                    "required_position": approval.required_position,
                },
            )
    except _Duplicate as duplicate:
        return _replayed(duplicate.request, kind, source, target, amount)
    return transfer


def _replayed(request: ApprovalRequest, kind: str, source: BudgetLine, target: BudgetLine, amount: int) -> Transfer:
    transfer = (
        Transfer.objects.filter(pk=int(request.subject_id)).first() if request.subject_type == SUBJECT_TYPE else None
    )
    if transfer is None or (transfer.kind, transfer.from_line_id, transfer.to_line_id, transfer.amount) != (
        kind,
        source.pk,
        target.pk,
        amount,
    ):
        raise Conflict(_("This Idempotency-Key was already used for a different request."), reason="key_reused")
    return transfer


def _transfer(transfer_id: int) -> Transfer:
    transfer = Transfer.objects.filter(pk=transfer_id).first()
    if transfer is None:
        raise NotFound()
    return transfer


def apply_approval(request: ApprovalRequest, actor: Any) -> None:
    """The final approver approved: credit the target line. Runs in the decision's transaction."""
    transfer = _transfer(int(request.subject_id))
    # Approved after the fiscal year has ended, the move would change a closed year: the approver returns it.
    if _today() > dt.date(transfer.year, 12, 31):
        raise TransferNotAllowed(
            _("The fiscal year %(year)s has ended: return this request; its amount goes back to the source line.")
            % {"year": transfer.year},
            rule="R-FY-1",
        )
    field = _amount_field(transfer.kind)
    # Line first (the lock order of every money path), then the transfer's own state.
    BudgetLine.objects.filter(pk=transfer.to_line_id).update(
        **{field: F(field) + transfer.amount, "appropriation": F("appropriation") + transfer.amount}
    )
    decided = Transfer.objects.filter(pk=transfer.pk, status=TransferStatus.IN_APPROVAL).update(
        status=TransferStatus.APPROVED, decided_at=_now()
    )
    if decided != 1:
        raise Conflict(_("This transfer has already been decided."))
    transfer.refresh_from_db()
    audit.record(
        actor,
        "execution.transfer.approve",
        transfer,
        data={"to_line": transfer.to_line_id, "amount": transfer.amount, "approval": request.pk},
    )


def _give_back(transfer: Transfer, *, actor: Any, action: str, data: dict[str, Any]) -> None:
    field = _amount_field(transfer.kind)
    BudgetLine.objects.filter(pk=transfer.from_line_id).update(
        **{field: F(field) + transfer.amount, "appropriation": F("appropriation") + transfer.amount}
    )
    released = Transfer.objects.filter(pk=transfer.pk, status=TransferStatus.IN_APPROVAL).update(
        status=TransferStatus.REJECTED, decided_at=_now()
    )
    if released != 1:
        raise Conflict(_("This transfer has already been decided."))
    transfer.refresh_from_db()
    audit.record(actor, action, transfer, data={"from_line": transfer.from_line_id, "amount": transfer.amount, **data})


def apply_rejection(request: ApprovalRequest, actor: Any) -> None:
    """반려: the request is returned; the amount goes back to the source line. Runs in the decision's transaction."""
    transfer = _transfer(int(request.subject_id))
    _give_back(transfer, actor=actor, action="execution.transfer.return", data={"approval": request.pk})


def lock_for_release(transfer: Transfer) -> None:
    """Lock what a withdrawal changes in the order of an approval decision: the approval request, then the source
    line (the audit chain head comes last, §8.15). A 회수 racing a 반려 of the same request then queues behind it
    instead of deadlocking. Only these rows: a line's default ordering joins its government, whose row locked FOR
    UPDATE would block every insert referring to the government until this transaction ends."""
    if transfer.approval_id is not None:
        list(ApprovalRequest.objects.select_for_update(of=("self",)).filter(pk=transfer.approval_id).order_by())
    list(BudgetLine.objects.select_for_update(no_key=True, of=("self",)).filter(pk=transfer.from_line_id).order_by())


def do_withdraw_transfer(transfer: Transfer, *, actor: Any) -> Transfer:
    """회수: the drafter takes the request back before anyone decided it; the source line gets its amount back.

    The approval line's own withdrawal has no callback, so a request withdrawn on the approvals page is
    released here as well (by its drafter or the budget office)."""
    government = LocalGovernment.objects.get(pk=transfer.government_id)
    require(actor, TRANSFER, government)
    with transaction.atomic():
        lock_for_release(transfer)
        transfer = _transfer(transfer.pk)
        if transfer.status != TransferStatus.IN_APPROVAL or transfer.approval_id is None:
            raise Conflict(_("This transfer has already been decided."))
        status = ApprovalRequest.objects.filter(pk=transfer.approval_id).values_list("status", flat=True).first()
        if status == RequestStatus.IN_PROGRESS:
            approvals.do_withdraw(transfer.approval_id, actor=actor)
        elif status != RequestStatus.WITHDRAWN:
            raise Conflict(_("This transfer has already been decided."))
        _give_back(transfer, actor=actor, action="execution.transfer.withdraw", data={"approval": transfer.approval_id})
    return transfer
