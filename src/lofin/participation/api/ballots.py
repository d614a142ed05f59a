"""Votes: online by a verified resident, and paper or in-person ballots entered by officials, each with an
Idempotency-Key (a retry gets the first ballot; the same key with another ballot is refused with 409)."""

from __future__ import annotations

from ninja import Header, Router, Status

from lofin.core.http import AuthedRequest
from lofin.core.types import Id

from ..actions import ballots as actions
from ..queries import ballots as queries
from ..schemas.ballots import BallotIn, BallotOut, BallotReceiptIn, BallotReceiptOut, PaperBallotIn
from .common import PREFIX, cycle_of

router = Router()


@router.post(
    PREFIX + "/cycles/{cycle_id}/ballots",
    response={201: BallotOut},
    summary="Vote online (a verified, eligible resident, once per cycle)",
    description="Approval and knapsack ballots send `approvals`, cumulative ballots `points` (proposal id → points), "
    "ranked ballots `ranking`. The answer carries the receipt code, once: keep it to check after the count that the "
    "ballot was counted as cast. Retrying with the same Idempotency-Key returns the first ballot without the code; "
    "the same key with another ballot is refused (409 `idempotency_key_reused`).",
)
def cast_ballot(
    request: AuthedRequest,
    government: str,
    cycle_id: Id,
    payload: BallotIn,
    idempotency_key: str = Header(..., alias="Idempotency-Key"),
) -> Status:
    ballot = actions.do_cast_ballot(
        cycle_of(request, government, cycle_id),
        approvals=payload.approvals,
        points=payload.points,
        ranking=payload.ranking,
        idempotency_key=idempotency_key,
        actor=request.user,
    )
    return Status(201, ballot)


@router.post(
    PREFIX + "/cycles/{cycle_id}/paper-ballots",
    response={201: BallotOut},
    summary="Enter a paper or in-person ballot (officials); it replaces the voter's online ballot",
)
def enter_paper_ballot(
    request: AuthedRequest,
    government: str,
    cycle_id: Id,
    payload: PaperBallotIn,
    idempotency_key: str = Header(..., alias="Idempotency-Key"),
) -> Status:
    ballot = actions.do_enter_paper_ballot(
        cycle_of(request, government, cycle_id),
        name=payload.name,
        birth_date=payload.birth_date,
        sex_digit=payload.sex_digit,
        channel=payload.channel,
        approvals=payload.approvals,
        points=payload.points,
        ranking=payload.ranking,
        idempotency_key=idempotency_key,
        actor=request.user,
    )
    return Status(201, ballot)


@router.post(
    PREFIX + "/cycles/{cycle_id}/receipt",
    response=BallotReceiptOut,
    summary="Check a receipt after the count: the choices of the counted ballot it belongs to",
    description="Before the count the ballots are sealed (409 `ballots_sealed`). An unknown code gives "
    "`counted: false`. The answer names no person and no ballot.",
)
def check_receipt(request: AuthedRequest, government: str, cycle_id: Id, payload: BallotReceiptIn) -> BallotReceiptOut:
    choices = queries.check_receipt(cycle_of(request, government, cycle_id), payload.receipt)
    return BallotReceiptOut(counted=choices is not None, choices=choices or [])
