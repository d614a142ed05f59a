"""Who may do what in participatory budgeting (named permissions, checked by the actions)."""

from __future__ import annotations

from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from lofin.core.errors import NotFound
from lofin.core.models import LocalGovernment
from lofin.core.permissions import ALL_OFFICIALS, define
from lofin.core.roles import Role

# Proposals, results and Q&A are read by the government's residents and officials; outsiders get 404.
VIEW = define("participation.view", ALL_OFFICIALS | {Role.RESIDENT, Role.ANALYST}, _("read participatory budgeting"))
# The budget office runs the cycle: settings, phases, resident lists, shortlists, the tally and overrides.
MANAGE = define("participation.manage", {Role.BUDGET_OFFICER, Role.OFFICIAL}, _("run participatory budgeting cycles"))
# Departments review feasibility and cost and answer questions; the committee's scores are entered by officials.
REVIEW = define("participation.review", ALL_OFFICIALS - {Role.AUDITOR}, _("review resident proposals"))
# Paper and in-person ballots are entered by officials at the polling station.
ENTER_BALLOTS = define("participation.enter_ballots", ALL_OFFICIALS - {Role.AUDITOR}, _("enter paper ballots"))
# Residents propose, comment, ask and vote.
PARTICIPATE = define("participation.participate", {Role.RESIDENT}, _("take part as a resident"))


def require_same_government(government: LocalGovernment, *objects: Model | None) -> None:
    """Objects named in a request belong to the government acted in; another government's look absent (404)."""
    for obj in objects:
        if obj is not None and getattr(obj, "government_id", government.pk) != government.pk:
            raise NotFound()
