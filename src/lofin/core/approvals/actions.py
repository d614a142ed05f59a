"""The only writers of approval lines. Every step is audited in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lofin.core import audit, clock, idempotency
from lofin.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from lofin.core.models import (
    ApprovalPolicy,
    ApprovalRequest,
    ApprovalStep,
    Delegation,
    LocalGovernment,
    Membership,
    RequestStatus,
    StepKind,
    StepStatus,
    User,
)
from lofin.core.notifications.actions import notify
from lofin.core.permissions import APPOINT_SUBSTITUTE, DRAFT_DOCUMENT, is_operator, require
from lofin.core.roles import OFFICIAL_ROLES

from . import queries, registry, rules


def _url(request: ApprovalRequest) -> str:
    return settings.LOFIN_SITE_URL.rstrip("/") + reverse("core:approval_detail", args=[request.pk])


def _official_people(government: LocalGovernment, people: Sequence[User]) -> dict[int, int]:
    """Positions of the people who may stand on a line: a post in the government and a current official role."""
    positions = queries.positions([p.pk for p in people], government)
    members = set(
        Membership.objects.current()
        .filter(government=government, user_id__in=[p.pk for p in people], role__in=OFFICIAL_ROLES)
        .values_list("user_id", flat=True)
    )
    return {pk: pos for pk, pos in positions.items() if pk in members}


def do_submit_for_approval(
    *,
    government: LocalGovernment,
    doc_kind: str,
    subject_type: str,
    subject_id: str | int,
    title: str,
    amount: int | None,
    line: Sequence[tuple[str, User]],
    actor: User,
    idempotency_key: str,
) -> ApprovalRequest:
    """Open an approval line. `line` lists (kind, user) after the drafter: reviews/cooperations, then the
    final approval. The drafter's own 기안 step is added first and counts as done."""
    require(actor, DRAFT_DOCUMENT, government)
    kind = registry.get(doc_kind)
    title = (title or "").strip()
    if not title:
        raise InvalidInput(_("Give the document a title."), field="title")
    if amount is not None and amount < 0:
        raise InvalidInput(_("The amount cannot be negative."), field="amount")
    stored_key = idempotency.scoped_key(government.pk, actor, idempotency_key)
    fingerprint = idempotency.fingerprint(
        kind.code,
        subject_type=subject_type,
        subject_id=str(subject_id),
        title=title,
        amount=amount,
        line=[(k, u.pk) for k, u in line],
    )
    with transaction.atomic():
        if done := ApprovalRequest.objects.filter(idempotency_key=stored_key).first():
            return idempotency.replay(done, fingerprint, recorded=done.fingerprint)
        people = [actor, *[user for _kind, user in line]]
        positions = _official_people(government, people)
        for person in people:
            if person.pk not in positions:
                raise InvalidInput(
                    _("%(person)s holds no post in this government.") % {"person": person}, user=person.pk
                )
        planned = [rules.PlannedStep(StepKind.DRAFT, actor.pk, positions[actor.pk])] + [
            rules.PlannedStep(step_kind, user.pk, positions[user.pk]) for step_kind, user in line
        ]
        required = queries.required_position_for(government, kind.code, amount)
        rules.check_line(planned, drafter_id=actor.pk, required=required)
        try:
            with idempotency.unique_insert():
                request = ApprovalRequest.objects.create(
                    government=government,
                    doc_kind=kind.code,
                    subject_type=subject_type,
                    subject_id=str(subject_id),
                    title=title[:200],
                    amount=amount,
                    drafter=actor,
                    required_position=required,
                    current_order=2,
                    idempotency_key=stored_key,
                    fingerprint=fingerprint,
                )
        except idempotency.Duplicate:
            # The same submission arrived twice at once; the first one stands.
            done = ApprovalRequest.objects.get(idempotency_key=stored_key)
            return idempotency.replay(done, fingerprint, recorded=done.fingerprint)
        now = clock.now()
        ApprovalStep.objects.bulk_create(
            [
                ApprovalStep(
                    request=request,
                    order=i,
                    kind=step.kind,
                    assignee_id=step.assignee_id,
                    status=(StepStatus.APPROVED if i == 1 else StepStatus.PENDING if i == 2 else StepStatus.WAITING),
                    acted_by=actor if i == 1 else None,
                    mode="normal" if i == 1 else "",
                    acted_at=now if i == 1 else None,
                )
                for i, step in enumerate(planned, start=1)
            ]
        )
        audit.record(
            actor,
            "core.approval.submit",
            request,
            data={
                "doc_kind": kind.code,
                "subject": f"{subject_type}:{subject_id}",
                "amount": amount,
                "required_position": required,
                "line": [[s.kind, s.assignee_id] for s in planned],
            },
        )
        _announce_pending(request)
    return request


def _current_step(request: ApprovalRequest) -> ApprovalStep:
    return request.steps.select_related("assignee").get(order=request.current_order)


def _announce_pending(request: ApprovalRequest) -> None:
    step = _current_step(request)
    recipients = [
        step.assignee,
        *User.objects.filter(pk__in=queries.substitutes_for(step.assignee_id, request.government)),
    ]
    for person in recipients:
        notify(
            person,
            "approval.requested",
            context={"title": request.title, "drafter": request.drafter, "url": _url(request)},
            dedup_key=f"{request.pk}:{step.order}",
            government=request.government,
            url=reverse("core:approval_detail", args=[request.pk]),
        )


def _lock(request_id: int) -> ApprovalRequest:
    try:
        # Lock only the request row: government and drafter rows are read by everyone else at the same time.
        return (
            ApprovalRequest.objects.select_for_update(of=("self",))
            .select_related("government", "drafter")
            .get(pk=request_id)
        )
    except (ApprovalRequest.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound() from None


def _authorise_step(request: ApprovalRequest, actor: User) -> tuple[ApprovalStep, bool]:
    """The pending step and whether the actor acts for its absent assignee (대결)."""
    queries.visible_request(actor, request.pk)
    if request.status != RequestStatus.IN_PROGRESS:
        raise Conflict(_("This document has already been decided."), status=request.status)
    step = _current_step(request)
    if step.assignee_id == actor.pk:
        return step, False
    if actor.pk in queries.substitutes_for(step.assignee_id, request.government):
        # Separation of duties: nobody decides for someone else on a document they drafted or stand on.
        rules.check_substitute_may_act(
            actor_id=actor.pk,
            drafter_id=request.drafter_id,
            line_ids=list(request.steps.values_list("assignee_id", flat=True)),
        )
        return step, True
    raise PermissionDenied(_("This step waits for someone else's decision."))


def _run_callback(request: ApprovalRequest, actor: User, *, approved: bool) -> None:
    """The document kind's own effect of the final decision, run before the decision's audit event: a callback may
    change money rows (a transfer credits or returns budget lines), and every money path locks those before the
    audit chain head (docs/architecture.md §8.15). The order is request → the callback's rows → chain head."""
    kind = registry.get(request.doc_kind)
    callback = kind.on_approved if approved else kind.on_rejected
    if callback:
        callback(request, actor)


def do_approve(request_id: int, *, actor: User, comment: str = "") -> ApprovalRequest:
    with transaction.atomic():
        request = _lock(request_id)
        step, acting = _authorise_step(request, actor)
        post = queries.post_of(actor, request.government)
        actor_position = post.position if post else 0
        if step.kind == StepKind.APPROVE:
            rules.check_decider_position(
                actor_position=actor_position, required=request.required_position, acting=acting
            )
        mode = rules.acting_mode(step_kind=step.kind, acting_for_someone=acting, actor_position=actor_position)
        now = clock.now()
        ApprovalStep.objects.filter(pk=step.pk).update(
            status=StepStatus.APPROVED, acted_by=actor, mode=mode, comment=comment.strip(), acted_at=now
        )
        final = step.kind == StepKind.APPROVE
        if final:
            ApprovalRequest.objects.filter(pk=request.pk).update(status=RequestStatus.APPROVED, decided_at=now)
            request.refresh_from_db()
            _run_callback(request, actor, approved=True)
        audit.record(
            actor,
            "core.approval.approve",
            request,
            data={
                "step": step.order,
                "kind": step.kind,
                "mode": mode,
                "for": step.assignee_id,
                "comment": comment,
            },
        )
        if acting:
            notify(
                step.assignee,
                "approval.acted_for_you",
                context={"title": request.title, "actor": actor, "url": _url(request)},
                dedup_key=f"{request.pk}:{step.order}",
                government=request.government,
                url=reverse("core:approval_detail", args=[request.pk]),
            )
        if final:
            notify(
                request.drafter,
                "approval.approved",
                context={"title": request.title, "actor": actor, "url": _url(request)},
                dedup_key=str(request.pk),
                government=request.government,
                url=reverse("core:approval_detail", args=[request.pk]),
            )
        else:
            ApprovalRequest.objects.filter(pk=request.pk).update(current_order=step.order + 1)
            ApprovalStep.objects.filter(request=request, order=step.order + 1).update(status=StepStatus.PENDING)
            request.refresh_from_db()
            _announce_pending(request)
    return request


def do_reject(request_id: int, *, actor: User, reason: str) -> ApprovalRequest:
    """반려: return the document to its drafter with a reason. The rest of the line is not needed."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Give a reason for returning the document."), field="reason")
    with transaction.atomic():
        request = _lock(request_id)
        step, acting = _authorise_step(request, actor)
        now = clock.now()
        mode = "substitute" if acting else "normal"
        ApprovalStep.objects.filter(pk=step.pk).update(
            status=StepStatus.REJECTED, acted_by=actor, mode=mode, comment=reason, acted_at=now
        )
        ApprovalStep.objects.filter(request=request, order__gt=step.order).update(status=StepStatus.SKIPPED)
        ApprovalRequest.objects.filter(pk=request.pk).update(status=RequestStatus.REJECTED, decided_at=now)
        request.refresh_from_db()
        _run_callback(request, actor, approved=False)
        audit.record(
            actor,
            "core.approval.reject",
            request,
            data={"step": step.order, "mode": mode, "for": step.assignee_id, "reason": reason},
        )
        notify(
            request.drafter,
            "approval.rejected",
            context={"title": request.title, "actor": actor, "reason": reason, "url": _url(request)},
            dedup_key=str(request.pk),
            government=request.government,
            url=reverse("core:approval_detail", args=[request.pk]),
        )
    return request


def do_withdraw(request_id: int, *, actor: User) -> ApprovalRequest:
    """회수: the drafter takes the document back before anyone after them has decided."""
    with transaction.atomic():
        request = _lock(request_id)
        queries.visible_request(actor, request.pk)
        if request.drafter_id != actor.pk:
            raise PermissionDenied(_("Only the drafter may withdraw a document."))
        if request.status != RequestStatus.IN_PROGRESS:
            raise Conflict(_("This document has already been decided."))
        if request.steps.filter(order__gt=1, acted_at__isnull=False).exists():
            raise Conflict(_("Someone has already acted on this document; it can no longer be withdrawn."))
        request.steps.filter(order__gt=1).update(status=StepStatus.SKIPPED)
        ApprovalRequest.objects.filter(pk=request.pk).update(status=RequestStatus.WITHDRAWN, decided_at=clock.now())
        request.refresh_from_db()
        audit.record(actor, "core.approval.withdraw", request)
    return request


def do_confirm_after(step_id: int, *, actor: User) -> ApprovalStep:
    """후결: the absent approver confirms what their substitute decided."""
    with transaction.atomic():
        try:
            step = (
                ApprovalStep.objects.select_for_update(of=("self",))
                .select_related("request", "request__government")
                .get(pk=step_id, assignee=actor, mode="substitute")
            )
        except ApprovalStep.DoesNotExist:
            raise NotFound() from None
        if step.post_review_at is not None:
            return step
        step.post_review_at = clock.now()
        step.save(update_fields=["post_review_at"])
        audit.record(actor, "core.approval.confirm_after", step.request, data={"step": step.order})
    return step


def do_appoint_substitute(
    government: LocalGovernment,
    *,
    delegator: User,
    substitute: User,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    reason: str,
    actor: User,
) -> Delegation:
    """대결 지정: while the delegator is away, the substitute may decide their pending steps."""
    if actor.pk != delegator.pk and not is_operator(actor):
        raise PermissionDenied(_("Only the absent person or a system operator may appoint their substitute."))
    if actor.pk == delegator.pk:
        require(actor, APPOINT_SUBSTITUTE, government)
    if delegator.pk == substitute.pk:
        raise InvalidInput(_("A person cannot act for themselves."), field="substitute")
    if ends_at <= starts_at:
        raise InvalidInput(_("The absence must end after it starts."), field="ends_at")
    if not (reason or "").strip():
        raise InvalidInput(_("Give the reason for the absence."), field="reason")
    posts = _official_people(government, [delegator, substitute])
    if delegator.pk not in posts or substitute.pk not in posts:
        raise InvalidInput(_("Both people must be officials of this government."))
    with transaction.atomic():
        delegation = Delegation.objects.create(
            government=government,
            delegator=delegator,
            substitute=substitute,
            starts_at=starts_at,
            ends_at=ends_at,
            reason=reason.strip(),
            created_by=actor,
        )
        audit.record(
            actor,
            "core.delegation.appoint",
            delegation,
            data={
                "delegator": delegator.pk,
                "substitute": substitute.pk,
                "starts_at": starts_at,
                "ends_at": ends_at,
                "reason": reason,
            },
        )
    return delegation


def do_revoke_substitute(delegation_id: int, *, actor: User) -> Delegation:
    with transaction.atomic():
        try:
            delegation = Delegation.objects.select_for_update().get(pk=delegation_id)
        except Delegation.DoesNotExist:
            raise NotFound() from None
        if actor.pk != delegation.delegator_id and not is_operator(actor):
            raise NotFound()
        if delegation.revoked_at is None:
            delegation.revoked_at = clock.now()
            delegation.save(update_fields=["revoked_at"])
            audit.record(actor, "core.delegation.revoke", delegation)
    return delegation


def do_set_policy(
    government: LocalGovernment | None, *, doc_kind: str, bands: Sequence[rules.Band], actor: User
) -> list[ApprovalPolicy]:
    """Replace the 위임전결 rules of one document kind (for one government, or the national default)."""
    if not is_operator(actor):
        raise PermissionDenied(_("Only a system operator may change delegated decision rules."))
    rules.check_bands(bands)
    with transaction.atomic():
        ApprovalPolicy.objects.filter(government=government, doc_kind=doc_kind).delete()
        created = ApprovalPolicy.objects.bulk_create(
            [
                ApprovalPolicy(
                    government=government,
                    doc_kind=doc_kind,
                    max_amount=b.max_amount,
                    final_position=b.final_position,
                )
                for b in bands
            ]
        )
        audit.record(
            actor,
            "core.approval_policy.set",
            government=government,
            object_type="core.approvalpolicy",
            object_id=doc_kind,
            data={"bands": [[b.max_amount, b.final_position] for b in bands]},
        )
    return created
