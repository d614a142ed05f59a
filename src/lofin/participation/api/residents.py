"""The mobile identity check (휴대폰 본인확인) that makes a member a verified resident."""

from __future__ import annotations

from ninja import Router

from lofin.core.http import AuthedRequest

from ..actions import verification
from ..models import Resident
from ..schemas.residents import ResidentOut, VerificationConfirmIn, VerificationStartIn, VerificationStartOut
from .common import PREFIX, government_of

router = Router()


@router.post(
    PREFIX + "/verification/start",
    response=VerificationStartOut,
    summary="Start a mobile identity check: a one-time code is sent to the phone",
)
def start_verification(request: AuthedRequest, government: str, payload: VerificationStartIn) -> verification.Started:
    return verification.start(
        government_of(request, government),
        user=request.user,
        name=payload.name,
        birth_date=payload.birth_date,
        sex_digit=payload.sex_digit,
        carrier=payload.carrier,
        phone=payload.phone,
    )


@router.post(
    PREFIX + "/verification/confirm", response=ResidentOut, summary="Confirm the code; become a verified resident"
)
def confirm_verification(request: AuthedRequest, government: str, payload: VerificationConfirmIn) -> Resident:
    gov = government_of(request, government)
    return verification.confirm(gov, user=request.user, token=payload.token, code=payload.code)
