"""What every 주민e참여 screen shares: the government and cycle a public URL names, what the person may do there,
the context every page gets, and the claim of a form's retry key (`core.idempotency.once_per_form`)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest

from lofin.core import idempotency
from lofin.core.errors import NotFound
from lofin.core.http import TenantRequest
from lofin.core.models import LocalGovernment, User
from lofin.core.permissions import has_permission
from lofin.core.submit import KeyedForm
from lofin.participation.voting.explain import ProjectVerdict

from ..access import ENTER_BALLOTS, MANAGE, PARTICIPATE, REVIEW
from ..models import Cycle, CycleStatus, Proposal, Resident
from ..queries import cycles, proposals
from ..queries.residents import resident


def government_or_404(code: str) -> LocalGovernment:
    government = LocalGovernment.objects.filter(code=str(code).strip()).first()
    if government is None:
        raise NotFound()
    return government


def abilities(request: HttpRequest, government: LocalGovernment) -> dict[str, Any]:
    user = request.user
    return {
        "resident": resident(government, user),  # type: ignore[arg-type]
        "can_participate": has_permission(user, PARTICIPATE, government),
        "can_manage": has_permission(user, MANAGE, government),
        "can_review": has_permission(user, REVIEW, government),
        "can_enter_ballots": has_permission(user, ENTER_BALLOTS, government),
    }


def public_context(
    request: HttpRequest, government: LocalGovernment, cycle: Cycle | None, **extra: object
) -> dict[str, Any]:
    """What a public or resident page shows around its content."""
    return {"government": government, "cycle": cycle, **abilities(request, government), **extra}


def workspace_context(request: TenantRequest, **extra: object) -> dict[str, Any]:
    """What an officials' page in the government workspace shows around its content."""
    return {"government": request.government, **abilities(request, request.government), **extra}


def public_cycle(government: LocalGovernment, cycle_id: int, request: HttpRequest | None = None) -> Cycle:
    """A cycle as the public sees it: one still being prepared is shown only to those who run it."""
    cycle = cycles.cycle(government, cycle_id)
    if cycle.status == CycleStatus.DRAFT and not (
        request is not None and has_permission(request.user, MANAGE, government)
    ):
        raise NotFound()
    return cycle


def public_proposal(government: LocalGovernment, proposal_id: int, request: HttpRequest | None = None) -> Proposal:
    proposal = proposals.proposal(government, proposal_id)
    public_cycle(government, proposal.cycle_id, request)
    return proposal


def current_cycle(government: LocalGovernment) -> Cycle | None:
    """The cycle residents take part in now: the newest open one, else the newest finished one."""
    open_ = cycles.cycles(government).exclude(status=CycleStatus.DRAFT)
    return open_.filter(status=CycleStatus.OPEN).first() or open_.first()


def verdict_message(detail: dict[str, Any]) -> str:
    """An explanation stored by the tally, said again in the reader's language."""
    if not detail or "reason" not in detail:
        return ""
    fields = {k: detail.get(k) for k in ("project", "name", "cost", "won", "reason", "params", "paid")}
    try:
        return ProjectVerdict(**fields).message  # type: ignore[arg-type]
    except (KeyError, TypeError, ValueError):
        return str(detail.get("message", ""))


# --- the claim of a form's retry key ------------------------------------------------------------------------


def _plain(value: object) -> object:
    if isinstance(value, UploadedFile):
        digest = hashlib.sha256()
        for chunk in value.chunks():
            digest.update(chunk)
        value.seek(0)
        return digest.hexdigest()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def form_request(data: Mapping[str, object], **named: object) -> dict[str, object]:
    """The whole request a form sent, for its claim: every field as parsed (files by their content's digest),
    and the objects its address names."""
    return {**named, **{name: _plain(value) for name, value in data.items()}}


def refusal_to_messages(request: HttpRequest, form: forms.Form) -> None:
    """A refused form that its page no longer shows (its step is done, e.g. the same form sent again with other
    values): the refusal is said above the page instead."""
    for errors in form.errors.values():
        messages.error(request, " ".join(str(e) for e in errors))


def lock_resident(government_id: int, user: User) -> Callable[[], object]:
    """The row a resident's submissions queue on: their own resident record."""
    return lambda: Resident.objects.select_for_update().filter(government_id=government_id, user=user).first()


def lock_cycle(cycle_id: int) -> Callable[[], object]:
    """The row the officials' submissions on a cycle queue on."""
    return lambda: Cycle.objects.select_for_update().filter(pk=cycle_id).first()


def once_on_cycle(
    request: TenantRequest, form: KeyedForm, cycle: Cycle, kind: str, data: Mapping[str, object],
    call: Callable[[], Cycle],
) -> Cycle:  # fmt: skip
    """An official's form on a cycle, claimed once per rendering (`core.idempotency.once_per_form`), queued on the
    cycle's row; a repeated submission gets the cycle back."""
    return idempotency.once_per_form(
        scope="participation",
        government_id=cycle.government_id,
        actor=request.user,
        form_key=form.key,
        kind=kind,
        values=form_request(data, cycle=cycle.pk),
        lock=lock_cycle(cycle.pk),
        call=call,
        load=lambda pk: Cycle.objects.get(pk=pk),
    )
