"""Following a proposal, and telling its followers of every decision on it (issue 6: "residents follow status";
"every decision has a recorded reason visible to the proposer").

A follower is told through the platform's notifications (core.notifications: in-app always, e-mail/SMS by their
preferences) in the same transaction as the decision, so a refused or rolled-back decision tells nobody. Each
status change is one StatusEvent and one notification per follower (deduplicated on the event), worded in the
follower's language and linking to the proposal's public page.

This module imports no other writer of the app: `actions.proposals.move_proposal` calls `announce_status`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from lofin.core import audit
from lofin.core.errors import PermissionDenied
from lofin.core.models import User
from lofin.core.notifications.actions import notify_many
from lofin.core.notifications.events import Event, define
from lofin.core.permissions import require

from ..access import PARTICIPATE
from ..errors import NotVerified
from ..models import Comment, Follow, Proposal, ProposalStatus, Question, Resident, StatusEvent
from ..queries.follows import followers

STATUS_EVENT = "participation.proposal_status"
ANSWER_EVENT = "participation.question_answered"
COMMENT_EVENT = "participation.proposal_comment"

define(
    Event(
        code=STATUS_EVENT,
        label=_("A proposal I follow was decided on"),
        title=_("Proposal no. %(number)s “%(title)s”: %(status)s"),
        body=_("The proposal no. %(number)s “%(title)s” is now: %(status)s.%(detail)s\nSee it at %(url)s"),
        short=_("[Lofin] Proposal no. %(number)s: %(status)s"),
        alimtalk_template="LOFIN_PB_STATUS",
    )
)
define(
    Event(
        code=ANSWER_EVENT,
        label=_("A question I asked or follow was answered"),
        title=_("Answered: %(title)s"),
        body=_("The department answered the question “%(title)s”:\n%(answer)s\nSee it at %(url)s"),
        short=_("[Lofin] Answered: %(title)s"),
        alimtalk_template="LOFIN_PB_ANSWER",
    )
)
define(
    Event(
        code=COMMENT_EVENT,
        label=_("Someone commented on a proposal I follow"),
        title=_("New comment on proposal no. %(number)s “%(title)s”"),
        body=_("%(author)s commented on the proposal no. %(number)s “%(title)s”:\n%(comment)s\nSee it at %(url)s"),
        short=_("[Lofin] New comment on proposal no. %(number)s"),
        alimtalk_template="LOFIN_PB_COMMENT",
        # Comments come more often than decisions: in the app only, unless the person asks for more.
        default_email=False,
    )
)


def proposal_path(proposal: Proposal) -> str:
    return reverse("participation:proposal", args=[proposal.government.code, proposal.pk])


def _absolute(path: str) -> str:
    return settings.LOFIN_SITE_URL.rstrip("/") + path


def do_follow_proposal(proposal: Proposal, *, actor: User) -> Follow:
    """Follow a proposal of the resident's own government. Following it again changes nothing."""
    require(actor, PARTICIPATE, proposal.government)
    if not Resident.objects.filter(government_id=proposal.government_id, user=actor).exists():
        raise NotVerified()
    with transaction.atomic():
        existing = Follow.objects.filter(proposal=proposal, user=actor).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                follow = Follow.objects.create(government_id=proposal.government_id, proposal=proposal, user=actor)
        except IntegrityError:
            # The same person's second request got there first.
            return Follow.objects.get(proposal=proposal, user=actor)
        audit.record(actor, "participation.proposal.follow", proposal, government=proposal.government)
    return follow


def do_unfollow_proposal(proposal: Proposal, *, actor: User) -> bool:
    """Stop following (the proposer too). Returns whether the person was following. Anyone signed in may stop
    following, also someone who is no longer a resident of the government: it only removes their own follow."""
    if not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied()
    with transaction.atomic():
        deleted, _rows = Follow.objects.filter(proposal=proposal, user=actor).delete()
        if deleted:
            audit.record(actor, "participation.proposal.unfollow", proposal, government=proposal.government)
    return bool(deleted)


def follow_as_proposer(proposal: Proposal) -> None:
    """Within the submission's transaction (its audit record covers this)."""
    Follow.objects.create(government_id=proposal.government_id, proposal=proposal, user_id=proposal.proposer_id)


def _detail(proposal_id: int, target: str, reason: str) -> object:
    """The decision's particulars, translated when the notification is written in each follower's language."""
    parts: list[object] = []
    if reason:
        parts.append(format_lazy(_(" Reason: {}"), reason))
    # Not the committee's score: the public pages do not show it, so followers are not sent it either.
    amount = Proposal.objects.filter(pk=proposal_id).values_list("adopted_amount", flat=True)[0]
    if target == ProposalStatus.ADOPTED and amount:
        parts.append(format_lazy(_(" Amount in the budget: {} won."), f"{amount:,}"))
    return format_lazy("{}" * len(parts), *parts) if parts else ""


def announce_status(proposal: Proposal, event: StatusEvent, actor: User | None) -> int:
    """Tell every follower (but the one who decided) of a status change. Returns how many were told."""
    people = followers(proposal.pk, exclude=actor)
    if not people:
        return 0
    path = proposal_path(proposal)
    context = {
        "number": proposal.number,
        "title": proposal.title,
        "status": ProposalStatus(event.to_status).label,
        "detail": _detail(proposal.pk, event.to_status, event.reason),
        "url": _absolute(path),
    }
    return notify_many(
        people,
        STATUS_EVENT,
        context=context,
        dedup_key=f"{proposal.pk}:{event.pk}",
        government=proposal.government,
        url=path,
    )


def announce_answer(question: Question, answer_body: str, actor: User) -> int:
    """Tell the asker, and the followers of the proposal asked about, that the department answered."""
    people = {}
    if question.asker.is_active and question.asker_id != actor.pk:
        people[question.asker_id] = question.asker
    if question.proposal_id is not None:
        for person in followers(question.proposal_id, exclude=actor):
            people.setdefault(person.pk, person)
    if question.proposal is not None:
        path = proposal_path(question.proposal)
    else:
        path = reverse("participation:questions", args=[question.government.code])
    context = {"title": question.title, "answer": answer_body, "url": _absolute(path)}
    return notify_many(
        people.values(),
        ANSWER_EVENT,
        context=context,
        dedup_key=str(question.pk),
        government=question.government,
        url=path,
    )


def announce_comment(comment: Comment) -> int:
    """Tell the followers of a proposal (but the author) that someone commented on it: the comment is public."""
    proposal = comment.proposal
    path = proposal_path(proposal)
    context = {
        "number": proposal.number,
        "title": proposal.title,
        "author": getattr(comment.author, "display_name", "") or comment.author.get_username(),  # as the page shows it
        "comment": comment.body[:500],
        "url": _absolute(path),
    }
    return notify_many(
        followers(proposal.pk, exclude=comment.author),
        COMMENT_EVENT,
        context=context,
        dedup_key=str(comment.pk),
        government=proposal.government,
        url=path,
    )
