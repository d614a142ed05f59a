"""A ballot of the 주민투표: checked against the cycle's method (approval, k-approval, knapsack within the amount,
cumulative points, ranked), as the cycle's 조례-based settings say. One person votes once whatever the channel; a
paper or in-person ballot is entered by an official. Pure: no ORM."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from lofin.core.errors import InvalidInput

from ..errors import InvalidBallot
from ..models.cycle import BallotKind
from ..models.proposals import ProposalStatus
from ..models.voting import BallotChannel

# After the tally the same projects stay the ballot's, whatever the result made of them.
ON_BALLOT_STATUSES = (
    ProposalStatus.ON_BALLOT,
    ProposalStatus.SELECTED,
    ProposalStatus.NOT_SELECTED,
    ProposalStatus.ADOPTED,
    ProposalStatus.IN_EXECUTION,
)
ENTERED_CHANNELS = (BallotChannel.PAPER, BallotChannel.IN_PERSON)


@dataclass(frozen=True)
class BallotSpec:
    kind: str
    min_choices: int = 1
    max_choices: int | None = None
    max_points: int | None = None


@dataclass(frozen=True)
class Choice:
    proposal_id: int
    points: int = 1
    rank: int | None = None


def validate_ballot(
    spec: BallotSpec,
    *,
    approvals: Sequence[int] = (),
    points: Mapping[int, int] | None = None,
    ranking: Sequence[int] = (),
    costs: Mapping[int, int],
    budgets: Mapping[int | None, int],
    groups: Mapping[int, int | None],
) -> list[Choice]:
    """Check one ballot against the cycle's method; return its choices.

    `costs` holds the projects on the ballot; `groups` maps each to its district with an amount of its own
    (None: the cycle's common amount) and `budgets` gives each group's amount, for the knapsack limit."""
    kind = spec.kind
    if kind == BallotKind.CUMULATIVE:
        given = dict(points or {})
        ids = list(given)
    elif kind == BallotKind.RANKED:
        ids = list(ranking)
    else:
        ids = list(approvals)
    if len(set(ids)) != len(ids):
        raise InvalidBallot(_("A project appears twice on the ballot."), reason="duplicate")
    unknown = [i for i in ids if i not in costs]
    if unknown:
        raise InvalidBallot(_("The ballot names projects that are not on this ballot."), reason="unknown", ids=unknown)
    if len(ids) < max(spec.min_choices, 1):
        raise InvalidBallot(_("Choose at least %(n)d projects.") % {"n": max(spec.min_choices, 1)}, reason="too_few")
    if spec.max_choices is not None and len(ids) > spec.max_choices and kind != BallotKind.CUMULATIVE:
        raise InvalidBallot(
            _("Choose at most %(n)d projects.") % {"n": spec.max_choices}, reason="too_many", limit=spec.max_choices
        )
    if kind == BallotKind.KNAPSACK:
        spent: dict[int | None, int] = {}
        for i in ids:
            spent[groups.get(i)] = spent.get(groups.get(i), 0) + costs[i]
        for group, total in spent.items():
            if total > budgets[group]:
                raise InvalidBallot(
                    _("The chosen projects cost %(total)s won, more than the %(budget)s won available.")
                    % {"total": f"{total:,}", "budget": f"{budgets[group]:,}"},
                    reason="over_budget",
                    total=total,
                    budget=budgets[group],
                )
    if kind == BallotKind.CUMULATIVE:
        for i in ids:
            value = given[i]
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise InvalidBallot(_("Give each chosen project a whole number of points."), reason="points")
        total_points = sum(given.values())
        if spec.max_points is not None and total_points > spec.max_points:
            raise InvalidBallot(
                _("You gave %(given)d points; you have %(max)d.") % {"given": total_points, "max": spec.max_points},
                reason="too_many_points",
                limit=spec.max_points,
            )
        return [Choice(i, given[i]) for i in ids]
    if kind == BallotKind.RANKED:
        return [Choice(i, 1, rank) for rank, i in enumerate(ids, start=1)]
    return [Choice(i) for i in ids]


def check_entry(channel: str, name: str) -> None:
    """A ballot an official enters is a paper or an in-person one, and names the voter whose ID was checked."""
    if channel not in ENTERED_CHANNELS:
        raise InvalidInput(_("A ballot entered by an official is a paper or in-person ballot."), field="channel")
    if not (name or "").strip():
        raise InvalidInput(_("Enter the voter's name."), field="name")


RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off a screen and typed again
RECEIPT_LENGTH = 16  # 80 bits


def ballot_seal(key: bytes, cycle_id: int, identity_hash: str) -> str:
    """HMAC-SHA256 with the server's key over (cycle, identity hash): the ballot's seal."""
    return hmac.new(key, f"{cycle_id}:{identity_hash}".encode(), hashlib.sha256).hexdigest()


def new_receipt() -> str:
    """A random receipt code, in groups of four: XXXX-XXXX-XXXX-XXXX."""
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, RECEIPT_LENGTH, 4))


def receipt_digest(code: str) -> str | None:
    """What is kept of a receipt: the sha256 of its characters (case, spaces and dashes ignored). None for text
    that cannot be a receipt."""
    raw = "".join(c for c in (code or "").upper() if c not in " -")
    if len(raw) != RECEIPT_LENGTH or any(c not in RECEIPT_ALPHABET for c in raw):
        return None
    return hashlib.sha256(raw.encode()).hexdigest()
