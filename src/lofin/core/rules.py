"""Pure rules of the core: who may hold which role. No ORM here."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from lofin.core.roles import GLOBAL_ROLES, OFFICIAL_ROLES, AccountType, Role


def membership_problem(
    *,
    role: str,
    has_government: bool,
    account_type: str,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> str | None:
    """Why a membership may not be granted, or None if it may."""
    if role not in Role.values:
        return _("Unknown role.")
    if role in GLOBAL_ROLES and has_government:
        return _("This role is held platform-wide, not in one government.")
    if role not in GLOBAL_ROLES and not has_government:
        return _("Choose the government this role applies to.")
    if role in OFFICIAL_ROLES and account_type != AccountType.OFFICIAL:
        return _("Only officials' accounts can hold an official role.")
    if role == Role.OPERATOR and account_type != AccountType.OPERATOR:
        return _("Only operator accounts can hold the operator role.")
    if role == Role.ANALYST and account_type not in (AccountType.ANALYST, AccountType.OFFICIAL):
        return _("Only analysts' and officials' accounts can hold the analyst role.")
    if valid_from and valid_until and valid_until < valid_from:
        return _("The end date is before the start date.")
    return None
