"""전용·이용·이체 and 예비비 사용: moving appropriation from one budget line to another, by request and approval (결재).

The amount leaves the source line when the request is made (one check-and-set on the source: its unallocated
appropriation must cover it), so two requests can never promise the same money. It waits there, in the request,
until the approval line ends: approved, the target line is credited; returned (반려) or withdrawn (회수), the
source gets it back. Each step keeps 예산현액 = budget + transfers + reserve + carried-in on both lines (a CHECK
constraint) and is audited. Appropriation moves are budget, not accounting: no journal entry. The rules are
rules.transfers'; each kind of transfer is a document kind of core's approval lines, registered at start-up
(`register_document_kinds`, from ExecutionConfig.ready).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from lofin.budget.queries.council import council_cut
from lofin.core import audit, clock, idempotency
from lofin.core.approvals import actions as approvals
from lofin.core.approvals.registry import DocumentKind, register
from lofin.core.errors import Conflict, InvalidInput, NotFound
from lofin.core.models import ApprovalPolicy, ApprovalRequest, LocalGovernment, RequestStatus, User
from lofin.core.permissions import require

from ..access import TRANSFER
from ..errors import InsufficientAppropriation
from ..models import BudgetLine, Transfer, TransferKind, TransferStatus
from ..queries.appropriations import line_code, policy_of
from ..rules import transfers as rules
from ..rules.values import check_positive
from .common import lock_line, once_per_form

# The approval request's key is namespaced, so a transfer never collides with another document of the drafter.
KEY_PREFIX = "xfer:"
_MAX_KEY = 100 - len(KEY_PREFIX)

LABELS = {
    TransferKind.VIREMENT: _("request for 전용 (virement)"),
    TransferKind.BETWEEN_PROGRAMMES: _("request for 이용 (transfer between programmes)"),
    TransferKind.REORGANISATION: _("request for 이체 (transfer on reorganisation)"),
    TransferKind.RESERVE: _("request for 예비비 사용 (use of the contingency reserve)"),
}


def _amount_field(kind: str) -> str:
    # 예비비 사용 is shown apart from 전용·이용·이체 in 예산현액 (budget ± transfers ± reserve + carried-in).
    return "reserve_amount" if kind == TransferKind.RESERVE else "transfer_amount"


def _facts(line: BudgetLine) -> rules.LineFacts:
    policy = policy_of(line.project)
    return rules.LineFacts(
        object_code=line.object_code,
        account_id=line.account_id,
        year=line.year,
        policy_id=policy.pk,
        policy_transfer_allowed=policy.transfer_allowed,
        budgeted=line.budget_amount > 0,
        council_cut=council_cut(
            line.government_id, line.year, project_id=line.project_id, object_code=line.object_code
        ),
        project_name=line.project.name,
        department_id=line.project.department_id,
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
    line: Sequence[tuple[str, User]],
    actor: User,
    idempotency_key: str,
    urgent_disaster: bool = False,
    legal_basis: str = "",
) -> Transfer:
    """Request a 전용, 이용, 이체 or 예비비 사용 and put it on an approval line (결재).

    The amount is taken out of the source line at once (it must not exceed the source's unallocated
    appropriation); the target receives it when the line's final approver approves. An 이체 names the law or
    ordinance that moved the duties (`legal_basis`, R-BP-9). A retried request with the same key returns the first
    transfer; the same key with anything else is refused."""
    check_positive(amount)
    request = idempotency.fingerprint(
        "transfer",
        kind=kind,
        from_line=from_line,
        to_line=to_line,
        amount=amount,
        reason=reason,
        line=list(line),
        urgent_disaster=urgent_disaster,
        # Only when given, so that a request made before 이체 had a legal basis keeps its fingerprint on a retry.
        **({"legal_basis": legal_basis} if legal_basis else {}),
    )
    if kind not in TransferKind.values:
        raise InvalidInput(_("Unknown kind of transfer."), field="kind")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("State the reason for the transfer."), field="reason")
    if len(reason) > 300:
        raise InvalidInput(_("The reason is too long (300 characters at most)."), field="reason")
    # Only an 이체 has a legal basis of its own (R-BP-9); the other kinds rest on §43, §47의2① and §49.
    legal_basis = (legal_basis or "").strip() if kind == TransferKind.REORGANISATION else ""
    if len(legal_basis) > 300:
        raise InvalidInput(_("The legal basis is too long (300 characters at most)."), field="legal_basis")
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
    on = clock.today()
    rules.check_transfer(
        kind, _facts(source), _facts(target), on=on, urgent_disaster=urgent_disaster, legal_basis=legal_basis
    )
    approval_key = KEY_PREFIX + idempotency_key
    key = idempotency.scoped_key(government.pk, actor, approval_key)
    field = _amount_field(kind)
    with transaction.atomic():
        # The source line first, as on every money path: a concurrent retry waits here and then finds the first.
        lock_line(source.pk)
        if done := ApprovalRequest.objects.filter(idempotency_key=key).first():
            return _replayed(done, request)
        # The check-and-set: the source gives the amount up now, only if it is not allocated (R-BP-6 keeps
        # allocated ≤ appropriation); a second request for the same money finds it gone.
        taken = BudgetLine.objects.filter(pk=source.pk, allocated__lte=F("appropriation") - amount).update(
            **{field: F(field) - amount, "appropriation": F("appropriation") - amount}
        )
        if taken != 1:
            source.refresh_from_db()
            raise InsufficientAppropriation(
                _("The source line has %(available)s won of unallocated appropriation; %(amount)s won cannot be moved.")
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
            legal_basis=legal_basis,
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
            doc_kind=rules.DOC_KINDS[kind],
            subject_type=rules.SUBJECT_TYPE,
            subject_id=transfer.pk,
            title=str(title),
            amount=amount,
            line=line,
            actor=actor,
            idempotency_key=approval_key,
        )
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
                "legal_basis": legal_basis,
                "approval": approval.pk,
                "required_position": approval.required_position,
                "fingerprint": request,
            },
        )
    return transfer


def _replayed(approval: ApprovalRequest, request: str) -> Transfer:
    """The transfer a first request with this key put on its approval line, if this is the same request."""
    transfer = (
        Transfer.objects.filter(pk=int(approval.subject_id)).first()
        if approval.subject_type == rules.SUBJECT_TYPE
        else None
    )
    if transfer is None:
        raise idempotency.KeyReused()
    return idempotency.replay(transfer, request)


def _transfer(transfer_id: int) -> Transfer:
    transfer = Transfer.objects.filter(pk=transfer_id).first()
    if transfer is None:
        raise NotFound()
    return transfer


def apply_approval(request: ApprovalRequest, actor: User) -> None:
    """The final approver approved: credit the target line. Runs in the decision's transaction."""
    transfer = _transfer(int(request.subject_id))
    rules.check_decision_in_year(transfer.year, clock.today())
    field = _amount_field(transfer.kind)
    # Line first (the lock order of every money path), then the transfer's own state.
    BudgetLine.objects.filter(pk=transfer.to_line_id).update(
        **{field: F(field) + transfer.amount, "appropriation": F("appropriation") + transfer.amount}
    )
    decided = Transfer.objects.filter(pk=transfer.pk, status=TransferStatus.IN_APPROVAL).update(
        status=TransferStatus.APPROVED, decided_at=clock.now()
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


def _give_back(transfer: Transfer, *, actor: User, action: str, data: dict[str, Any]) -> None:
    field = _amount_field(transfer.kind)
    BudgetLine.objects.filter(pk=transfer.from_line_id).update(
        **{field: F(field) + transfer.amount, "appropriation": F("appropriation") + transfer.amount}
    )
    released = Transfer.objects.filter(pk=transfer.pk, status=TransferStatus.IN_APPROVAL).update(
        status=TransferStatus.REJECTED, decided_at=clock.now()
    )
    if released != 1:
        raise Conflict(_("This transfer has already been decided."))
    transfer.refresh_from_db()
    audit.record(actor, action, transfer, data={"from_line": transfer.from_line_id, "amount": transfer.amount, **data})


def apply_rejection(request: ApprovalRequest, actor: User) -> None:
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


def do_withdraw_transfer(transfer: Transfer, *, actor: User) -> Transfer:
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


def do_withdraw_transfer_from_form(transfer: Transfer, *, actor: User, form_key: str) -> Transfer:
    """회수 of a transfer request from a screen: a second submission answers like the first, not with "already
    decided"."""
    return once_per_form(
        transfer.government_id,
        actor=actor,
        form_key=form_key,
        kind="withdraw",
        values={"transfer": transfer.pk},
        lock=lambda: lock_for_release(transfer),
        call=lambda: do_withdraw_transfer(transfer, actor=actor),
        load=lambda pk: Transfer.objects.get(pk=pk),
    )


# --- the approval lines (결재) these requests go through --------------------------------------------------------------


def register_document_kinds() -> dict[str, DocumentKind]:
    """One document kind per kind of transfer, so that each has its own 위임전결 rule (rules.transfers): the approval
    policy is chosen by document kind and amount only. Decisions call back into this module."""
    return {
        kind: register(
            DocumentKind(code, LABELS[TransferKind(kind)], on_approved=apply_approval, on_rejected=apply_rejection)
        )
        for kind, code in rules.DOC_KINDS.items()
    }


def load_policies(policy_model: Any = ApprovalPolicy) -> None:
    """Insert the national default rules that are missing (a government's own rows are never touched). Migration 0004
    passes its historical model."""
    for doc_kind, max_amount, position in rules.DEFAULT_POLICIES:
        policy_model.objects.get_or_create(
            government=None, doc_kind=doc_kind, max_amount=max_amount, defaults={"final_position": int(position)}
        )


def unload_policies(policy_model: Any) -> None:
    policy_model.objects.filter(government=None, doc_kind__in=list(rules.DOC_KINDS.values())).delete()
