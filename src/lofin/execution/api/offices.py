"""The 관서 of a year API: set up an office with its 정원, and change the 정원. Bearer token or session."""

from __future__ import annotations

from ninja import Router, Status

from lofin.core.errors import NotFound
from lofin.core.http import AuthedRequest
from lofin.core.tenancy import access_government
from lofin.core.types import Id

from ..access import VIEW
from ..actions import offices
from ..models import Office
from ..schemas.offices import OfficeIn, OfficeOut, StaffIn

router = Router(tags=["execution"])


@router.post(
    "/execution/offices",
    response={201: OfficeOut},
    summary="Set up an office of the year (재무관, 분임재무관, 지출원) with its 정원",
    description="The 정원 is the data the small-office exceptions read (R-EX-3: a 분임재무관 may be the 일상경비 "
    "출납원 in an office of three or fewer; R-RV-3: a 징수관 may handle cash in one of five or fewer). A taken code "
    "is `conflict`.",
)
def create(request: AuthedRequest, payload: OfficeIn) -> Status:
    government = access_government(request.user, payload.government, VIEW)
    office = offices.do_create_office(
        government,
        year=payload.year,
        code=payload.code,
        name=payload.name,
        kind=payload.kind,
        staff_count=payload.staff_count,
        actor=request.user,
    )
    return Status(201, Office.objects.select_related("government").get(pk=office.pk))


@router.put(
    "/execution/offices/{office_id}/staff",
    response=OfficeOut,
    summary="Change the 정원 of an office",
    description="Audited with the figure it replaces; documents from then on read the new 정원.",
)
def set_staff(request: AuthedRequest, office_id: Id, payload: StaffIn) -> Office:
    office = Office.objects.select_related("government").filter(pk=office_id).first()
    if office is None:
        raise NotFound()
    access_government(request.user, office.government.code, VIEW)
    offices.do_set_office_staff(office, staff_count=payload.staff_count, actor=request.user)
    return Office.objects.select_related("government").get(pk=office.pk)
