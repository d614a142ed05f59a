"""의회: record amendments line by line, then the vote, then confirm."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from lofin.core import clock
from lofin.core.http import TenantRequest
from lofin.core.permissions import require

from ..access import MANAGE
from ..forms import VoteForm
from .common import line_table, version_or_404


def council_page(request: TenantRequest, gov_code: str, year: int, number: int) -> HttpResponse:
    """의회: record amendments line by line, then the vote, then confirm."""
    version = version_or_404(request, year, number)
    require(request.user, MANAGE, request.government)
    context = {
        "government": request.government,
        "version": version,
        "vote_form": VoteForm(initial={"voted_on": clock.today()}),
        **line_table(request, version),
    }
    return render(request, "budget/council.html", context)
