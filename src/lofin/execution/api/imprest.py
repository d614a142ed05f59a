"""일상경비 API: advances to a cashier (출납원) against the 재무관's commitment, and their settlement."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Header, Router, Status

from lofin.core.errors import InvalidInput, NotFound
from lofin.core.http import AuthedRequest
from lofin.core.models import User
from lofin.core.tenancy import access_government
from lofin.core.types import Id, checked_year

from ..access import VIEW
from ..actions import imprest
from ..models import Commitment, ImprestAdvance, OfficeKind
from ..queries.imprest import imprests
from ..queries.offices import default_office
from ..rules.imprest import IMPREST_CAPS
from ..schemas.imprest import ImprestIn, ImprestOut, ImprestSettlementIn

router = Router(tags=["execution"])


@router.get(
    "/execution/imprest-advances",
    response=list[ImprestOut],
    summary="일상경비 advances of a fiscal year",
)
def list_imprests(request: AuthedRequest, government: str, year: int) -> QuerySet[ImprestAdvance]:
    gov = access_government(request.user, government, VIEW)
    return imprests(gov, checked_year(year))


@router.post(
    "/execution/imprest-advances",
    response={201: ImprestOut},
    summary="Advance 일상경비 to a cashier (출납원), against the 재무관's commitment to that cashier",
    description=f"Kinds and their caps per advance (지방회계법 시행령 §38, R-EX-5): "
    f"{', '.join(f'`{k}` {v:,}' if v else f'`{k}` as needed' for k, v in IMPREST_CAPS.items())} won. Refused with "
    "a named code and nothing written: `execution_rule` (409, over the cap), `payee_mismatch` (422, the commitment "
    "is not to this cashier), `separation_of_duties`, `insufficient_commitment`, `over_disbursement_limit`, "
    "`closed_period` (409), `invalid_input` (422), `permission_denied` (403), `not_found` (404). Retrying with the "
    "same Idempotency-Key returns the first advance.",
)
def advance_imprest(
    request: AuthedRequest, payload: ImprestIn, idempotency_key: str = Header(..., alias="Idempotency-Key")
) -> Status:
    commitment = Commitment.objects.select_related("line", "line__government").filter(pk=payload.commitment_id).first()
    if commitment is None:
        raise NotFound()
    government = commitment.line.government
    access_government(request.user, government.code, VIEW)
    cashier = User.objects.filter(username=payload.cashier).first()
    if cashier is None:
        raise NotFound(_("There is no cashier %(name)s.") % {"name": payload.cashier})
    office = default_office(government, commitment.line.year, OfficeKind.DISBURSING, payload.office_code)
    if office is None:
        raise InvalidInput(_("Name the disbursing office (office_code)."), field="office_code")
    advance = imprest.do_advance_imprest(
        commitment,
        cashier=cashier,
        kind=payload.kind,
        amount=payload.amount,
        office=office,
        payee_account=payload.payee_account,
        payee_bank=payload.payee_bank,
        on=payload.advanced_on,
        actor=request.user,
        idempotency_key=idempotency_key,
    )
    return Status(201, imprests(government).get(pk=advance.pk))


@router.post(
    "/execution/imprest-advances/{advance_id}/settlement",
    response=ImprestOut,
    summary="Settle a 일상경비 advance: what was spent and what came back",
    description="`spent` + `returned` must equal the advance. Money returned by 20 January of the next year "
    "restores the line; later it is revenue. Settling again with the same figures returns the advance; other "
    "figures are refused with `conflict` (409). Also `invalid_input` (422), `permission_denied` (403), `not_found` "
    "(404).",
)
def settle_imprest(request: AuthedRequest, advance_id: Id, payload: ImprestSettlementIn) -> ImprestAdvance:
    advance = ImprestAdvance.objects.select_related("government").filter(pk=advance_id).first()
    if advance is None:
        raise NotFound()
    access_government(request.user, advance.government.code, VIEW)
    settled = imprest.do_settle_imprest(
        advance, spent=payload.spent, returned=payload.returned, returned_on=payload.returned_on, actor=request.user
    )
    return imprests(advance.government).get(pk=settled.pk)
