"""Following a proposal from its page."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lofin.core.models import User
from lofin.core.permissions import require

from ..access import PARTICIPATE
from ..actions import follows as actions
from .common import government_or_404, public_proposal


@require_POST
def follow(request: HttpRequest, gov: str, proposal_id: int) -> HttpResponse:
    """Follow or stop following (`follow=0`) a proposal; the same answer whatever it was before."""
    government = government_or_404(gov)
    require(request.user, PARTICIPATE, government)
    user: User = request.user  # type: ignore[assignment]
    proposal = public_proposal(government, proposal_id, request)
    if request.POST.get("follow") == "0":
        actions.do_unfollow_proposal(proposal, actor=user)
        messages.info(request, _("You no longer follow this proposal."))
    else:
        actions.do_follow_proposal(proposal, actor=user)
        messages.success(request, _("You follow this proposal: you will be told of every decision on it."))
    return redirect("participation:proposal", government.code, proposal.pk)
