"""A comment on a proposal: public, told to the proposal's followers in the same transaction."""

from __future__ import annotations

from django.db import transaction

from lofin.core import audit
from lofin.core.models import User
from lofin.core.permissions import has_permission, require

from ..access import PARTICIPATE, REVIEW, VIEW
from ..models import Comment, Proposal
from ..queries.residents import resident_of
from ..rules.questions import check_comment, check_commentable
from .follows import announce_comment


def do_comment(proposal: Proposal, *, body: str, actor: User) -> Comment:
    """Residents comment once verified; officials comment as the department."""
    government = proposal.government
    require(actor, VIEW, government)
    if has_permission(actor, PARTICIPATE, government) and not has_permission(actor, REVIEW, government):
        resident_of(actor, government)
    body = check_comment(body)
    check_commentable(proposal.status)
    with transaction.atomic():
        comment = Comment.objects.create(government=government, proposal=proposal, author=actor, body=body)
        audit.record(actor, "participation.comment.create", comment, government=government)
        announce_comment(comment)
    return comment
