"""확정: the voted budget confirmed as the appropriation."""

from __future__ import annotations

from ninja import Router

from lofin.core.http import AuthedRequest
from lofin.core.types import Id

from ..actions import confirmation
from ..models import BudgetVersion
from ..schemas.versions import VersionOut
from .common import writable_version

router = Router()


@router.post("/budget/versions/{version_id}/confirm", response=VersionOut, summary="Confirm (확정)")
def confirm(request: AuthedRequest, version_id: Id) -> BudgetVersion:
    return confirmation.do_confirm(writable_version(request, version_id), actor=request.user)
