"""The writers of proposals: a resident's submission with its photos, the proposer's withdrawal, and the one
function through which every decision changes a proposal's status (`move_proposal`), which keeps the decision
with its reason and tells the followers in the same transaction.

Each action checks the role and the rules first, writes in one transaction with its audit record, and leaves
nothing behind when it refuses.
"""

from __future__ import annotations

from decimal import Decimal
from typing import IO

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from lofin.core import audit, clock
from lofin.core.errors import NotFound, PermissionDenied
from lofin.core.models import User
from lofin.core.permissions import require

from ..access import PARTICIPATE, require_same_government
from ..models import Cycle, District, PhaseKind, Proposal, ProposalPhoto, ProposalStatus, StatusEvent
from ..queries import cycles as cycle_queries
from ..queries import proposals as proposal_queries
from ..queries.residents import resident_of
from ..rules import proposals as rules
from ..rules.cycles import check_phase
from .follows import announce_status, follow_as_proposer


def move_proposal(proposal: Proposal, target: str, reason: str, actor: User, *, record: bool = True) -> Proposal:
    """Change a proposal's status (locked by the caller) and keep the decision with its reason."""
    reason = rules.check_transition(proposal.status, target, reason)
    previous = proposal.status
    Proposal.objects.filter(pk=proposal.pk).update(status=target, status_reason=reason)
    proposal.status, proposal.status_reason = target, reason
    event = StatusEvent.objects.create(
        government_id=proposal.government_id,
        proposal=proposal,
        from_status=previous,
        to_status=target,
        reason=reason,
        actor=actor if actor.pk else None,
    )
    announce_status(proposal, event, actor)
    if record:
        audit.record(
            actor,
            "participation.proposal.status",
            proposal,
            government=proposal.government,
            data={"from": previous, "to": target, "reason": reason},
        )
    return proposal


def do_submit_proposal(
    cycle: Cycle,
    *,
    title: str,
    description: str,
    cost: int,
    actor: User,
    location: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    district: District | None = None,
) -> Proposal:
    """A verified resident's proposal (사업공모), while the proposal phase is open (by its dates, today)."""
    government = cycle.government
    require(actor, PARTICIPATE, government)
    require_same_government(government, district)
    if district is not None and district.cycle_id != cycle.pk:
        raise NotFound()
    resident_of(actor, government)
    title, description = rules.check_proposal_fields(title, description, cost, cycle.total_amount)
    rules.check_coordinates(latitude, longitude)
    with transaction.atomic():
        cycle = cycle_queries.locked(cycle.pk)
        check_phase(cycle.phase, PhaseKind.PROPOSAL, day=clock.today(), dates=cycle_queries.current_dates(cycle))
        number = (Proposal.objects.filter(cycle=cycle).aggregate(n=Max("number"))["n"] or 0) + 1
        proposal = Proposal.objects.create(
            government=government,
            cycle=cycle,
            number=number,
            district=district,
            title=title,
            description=description,
            cost=cost,
            location=(location or "").strip()[:200],
            latitude=latitude,
            longitude=longitude,
            proposer=actor,
        )
        StatusEvent.objects.create(government=government, proposal=proposal, to_status=proposal.status, actor=actor)
        follow_as_proposer(proposal)
        audit.record(actor, "participation.proposal.submit", proposal, data={"number": number, "cost": cost})
    return proposal


def do_add_photo(proposal: Proposal, *, upload: IO[bytes], actor: User, caption: str = "") -> ProposalPhoto:
    """Attach a photo (JPEG, PNG or WebP up to 5 MB, checked by decoding it, not by its name)."""
    require(actor, PARTICIPATE, proposal.government)
    if proposal.proposer_id != actor.pk:
        raise PermissionDenied(_("Only the proposer may add photos."))
    rules.check_photo_status(proposal.status)
    size = getattr(upload, "size", 0) or 0
    rules.check_photo_size(size)
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            kind = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        kind = None
    content_type, extension = rules.check_photo_kind(kind)
    upload.seek(0)
    with transaction.atomic():
        proposal = proposal_queries.locked(proposal.pk)
        rules.check_photo_room(ProposalPhoto.objects.filter(proposal=proposal).count())
        photo = ProposalPhoto(
            government_id=proposal.government_id,
            proposal=proposal,
            content_type=content_type,
            size=size,
            width=width,
            height=height,
            caption=(caption or "").strip()[:200],
            uploaded_by=actor,
        )
        photo.image.save(f"proposal-{proposal.pk}.{extension}", upload, save=False)  # type: ignore[arg-type]
        try:
            photo.save()
            audit.record(
                actor, "participation.proposal.photo", photo, government=proposal.government, data={"size": size}
            )
        except Exception:
            photo.image.delete(save=False)
            raise
    return photo


def do_withdraw_proposal(proposal: Proposal, *, actor: User, reason: str = "") -> Proposal:
    require(actor, PARTICIPATE, proposal.government)
    if proposal.proposer_id != actor.pk:
        raise PermissionDenied(_("Only the proposer may withdraw a proposal."))
    with transaction.atomic():
        proposal = proposal_queries.locked(proposal.pk)
        return move_proposal(proposal, ProposalStatus.WITHDRAWN, reason or "", actor)
