"""A resident's proposal (주민제안) and the path it takes: what a proposal must say, the state machine of its
decisions, and the photos it may carry.

The 조례 makes every decision on a proposal one the proposer can follow: each has a recorded reason, and a decision
against it must give one (부서검토 "사업불가", 위원회 "미선정", ...). Pure: no ORM.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from lofin.core.errors import Conflict, InvalidInput

from ..errors import WrongStatus
from ..models.proposals import ProposalStatus as S

TITLE_MAX = 120
REASON_MAX = 500
MAX_PHOTOS = 5
MAX_PHOTO_BYTES = 5 * 1024 * 1024
# The image formats a proposal's photo may have (as Pillow names them), with their content type and file extension.
PHOTO_TYPES = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}

TRANSITIONS: dict[str, frozenset[str]] = {
    S.SUBMITTED: frozenset({S.UNDER_REVIEW, S.WITHDRAWN}),
    S.UNDER_REVIEW: frozenset({S.FEASIBLE, S.INFEASIBLE}),
    S.FEASIBLE: frozenset({S.SHORTLISTED, S.REJECTED, S.UNDER_REVIEW}),
    S.INFEASIBLE: frozenset({S.UNDER_REVIEW}),
    S.SHORTLISTED: frozenset({S.ON_BALLOT, S.REJECTED}),
    S.REJECTED: frozenset(),
    S.ON_BALLOT: frozenset({S.SELECTED, S.NOT_SELECTED}),
    # An override moves a project across the line with a published reason.
    S.SELECTED: frozenset({S.ADOPTED, S.NOT_SELECTED}),
    S.NOT_SELECTED: frozenset({S.SELECTED}),
    S.ADOPTED: frozenset({S.IN_EXECUTION}),
    S.IN_EXECUTION: frozenset(),
    S.WITHDRAWN: frozenset(),
}
# Decisions against a proposal must say why; the proposer reads the reason.
NEEDS_REASON = frozenset({S.INFEASIBLE, S.REJECTED, S.NOT_SELECTED, S.WITHDRAWN})
# A proposer adds photos while the proposal is still being looked at.
PHOTOS_OPEN = frozenset({S.SUBMITTED, S.UNDER_REVIEW})


def check_transition(current: str, target: str, reason: str = "") -> str:
    """The proposal may move from `current` to `target`, and a decision against it carries its reason (a
    withdrawal is the proposer's own and needs none). Returns the reason, trimmed to what is kept."""
    if target not in TRANSITIONS.get(current, frozenset()):
        raise WrongStatus(
            _("A proposal that is %(current)s cannot become %(target)s.")
            % {"current": S(current).label, "target": S(target).label},
            status=current,
            target=target,
        )
    reason = (reason or "").strip()
    if target in NEEDS_REASON and target != S.WITHDRAWN and not reason:
        raise InvalidInput(_("Give the reason for this decision; the proposer will read it."), field="reason")
    return reason[:REASON_MAX]


def check_proposal_fields(title: str, description: str, cost: object, total_amount: int) -> tuple[str, str]:
    """A proposal has a title, a description and an estimated cost in won that fits in the cycle's whole amount
    (사업공모: a project the cycle could fund)."""
    title = (title or "").strip()
    description = (description or "").strip()
    if not title:
        raise InvalidInput(_("Give the proposal a title."), field="title")
    if len(title) > TITLE_MAX:
        raise InvalidInput(_("The title is longer than 120 characters."), field="title")
    if not description:
        raise InvalidInput(_("Describe the project."), field="description")
    if isinstance(cost, bool) or not isinstance(cost, int) or cost <= 0:
        raise InvalidInput(_("Enter the estimated cost in won, more than zero."), field="cost")
    if cost > total_amount:
        raise InvalidInput(
            _("The cost is more than the cycle's whole amount of %(total)s won.") % {"total": f"{total_amount:,}"},
            field="cost",
        )
    return title, description


def check_coordinates(latitude: object, longitude: object) -> None:
    """A location is both coordinates or none, and lies in Korea (it is shown on a map of the government's area)."""
    if (latitude is None) != (longitude is None):
        raise InvalidInput(_("Give both latitude and longitude, or neither."), field="latitude")
    if latitude is None:
        return
    # Korea, generously.
    if not (32 <= float(latitude) <= 39.5 and 124 <= float(longitude) <= 132):  # type: ignore[arg-type]
        raise InvalidInput(_("The location is outside Korea."), field="latitude")


def check_photo_status(status: str) -> None:
    if status not in PHOTOS_OPEN:
        raise WrongStatus()


def check_photo_size(size: int) -> None:
    if not 0 < size <= MAX_PHOTO_BYTES:
        raise InvalidInput(_("A photo must be a file of at most 5 MB."), field="photo")


def check_photo_kind(kind: str | None) -> tuple[str, str]:
    """The content type and extension of a photo whose decoded format is `kind`; other files are refused."""
    if kind not in PHOTO_TYPES:
        raise InvalidInput(_("The file is not a JPEG, PNG or WebP image."), field="photo")
    return PHOTO_TYPES[kind]


def check_photo_room(existing: int) -> None:
    """A proposal has at most MAX_PHOTOS photos: one more is refused once it has them."""
    if existing >= MAX_PHOTOS:
        raise Conflict(_("A proposal has at most %(n)d photos.") % {"n": MAX_PHOTOS}, field="photo")


def check_photo_upload(count: int) -> None:
    """More photos in one submission than a proposal may have are refused before any is kept."""
    if count > MAX_PHOTOS:
        raise InvalidInput(_("A proposal has at most %(n)d photos.") % {"n": MAX_PHOTOS}, field="photos")
