"""Who may read and write the books (named permissions, checked by the actions and queries)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lofin.core.permissions import ALL_OFFICIALS, define
from lofin.core.roles import Role

VIEW = define("accounting.view", ALL_OFFICIALS | {Role.ANALYST}, _("read the books (장부·시산표)"))
# 결산정리분개 and depreciation are drafted by the accounting staff: the 재무관 and the 지출원.
POST = define(
    "accounting.post", {Role.FINANCE_OFFICER, Role.DISBURSING_OFFICER}, _("draft adjusting entries (결산정리분개)")
)
