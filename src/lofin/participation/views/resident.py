"""What a resident does: verify their identity (휴대폰 본인확인 and the match to the resident list), propose a
project with photos, comment, ask the responsible department. Each form carries a retry key."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lofin.core.permissions import require

from .. import actions, follow_actions, queries, verification
from ..access import PARTICIPATE
from ..form_actions import lock_resident, once
from ..forms import CommentForm, ProposalForm, QuestionForm, VerifyConfirmForm, VerifyStartForm
from ..models import Comment, District, Follow, PhaseKind, Proposal, Question
from .common import abilities, government_or_404, public_cycle, public_proposal, submit

NEXT_SAFE = ("/participation/",)


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, gov: str) -> HttpResponse:
    """Step 1 sends a code to the phone through the identity service; step 2 confirms it. Nothing is written
    before the service confirms the person."""
    government = government_or_404(gov)
    require(request.user, PARTICIPATE, government)
    start_form = VerifyStartForm(request.POST if request.POST.get("step") == "start" else None)
    confirm_form = VerifyConfirmForm(request.POST if request.POST.get("step") == "confirm" else None)
    started = None
    if request.method == "POST" and request.POST.get("step") == "start":
        started = submit(
            start_form,
            lambda d: verification.start(
                government,
                user=request.user,
                name=d["name"],
                birth_date=d["birth_date"],
                sex_digit=d["sex_digit"],
                carrier=d["carrier"],
                phone=d["phone"],
            ),
            {"verification_failed": "phone", "service_code": "phone"},
        )
        if started is not None:
            confirm_form = VerifyConfirmForm(initial={"token": started["token"]})
    elif request.method == "POST" and request.POST.get("step") == "confirm":
        resident = submit(
            confirm_form,
            lambda d: verification.confirm(government, user=request.user, token=d["token"], code=d["code"]),
            {"verification_failed": "code", "identity": "code"},
        )
        if resident is not None:
            if resident.basis:
                messages.success(
                    request,
                    _("You are verified as %(name)s and found on the resident list: you may propose and vote.")
                    % {"name": resident.verified_name},
                )
            else:
                messages.warning(
                    request,
                    _(
                        "You are verified as %(name)s, but you are not on the resident list: you may propose, "
                        "comment and ask, but not vote. Ask the office if you live, work or study here."
                    )
                    % {"name": resident.verified_name},
                )
            return redirect("participation:home", government.code)
        started = {"token": request.POST.get("token", ""), "test_code": None, "expires_in": None}
    return render(
        request,
        "participation/verify.html",
        {
            "government": government,
            **abilities(request, government),
            "start_form": start_form,
            "confirm_form": confirm_form,
            "started": started,
        },
    )


@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest, gov: str, cycle_id: int) -> HttpResponse:
    government = government_or_404(gov)
    require(request.user, PARTICIPATE, government)
    cycle = public_cycle(government, cycle_id, request)
    districts = list(District.objects.filter(cycle=cycle))
    form = ProposalForm(request.POST or None, request.FILES or None, districts=[(str(d.pk), d.name) for d in districts])
    if request.method == "POST":

        def call(d: dict) -> Proposal:
            def write() -> Proposal:
                proposal = actions.do_submit_proposal(
                    cycle,
                    title=d["title"],
                    description=d["description"],
                    cost=d["cost"],
                    location=d["location"],
                    latitude=d["latitude"],
                    longitude=d["longitude"],
                    district=next((x for x in districts if str(x.pk) == d["district"]), None),
                    actor=request.user,
                )
                if len(d["photos"]) > actions.MAX_PHOTOS:
                    from lofin.core.errors import InvalidInput

                    raise InvalidInput(
                        _("A proposal has at most %(n)d photos.") % {"n": actions.MAX_PHOTOS}, field="photos"
                    )
                for upload in d["photos"]:
                    actions.do_add_photo(proposal, upload=upload, actor=request.user)
                return proposal

            return once(
                government.pk,
                actor=request.user,
                form_key=form.key,
                kind="propose",
                values=(cycle.pk, d["title"], d["cost"]),
                lock=lock_resident(government.pk, request.user),
                call=write,
                load=lambda pk: Proposal.objects.get(pk=pk),
            )

        done = submit(form, call, {"photo": "photos", "not_verified": None})
        if done is not None:
            messages.success(
                request,
                _("Your proposal no. %(number)d is received. You can follow its review on its page.")
                % {"number": done.number},
            )
            return redirect("participation:proposal", government.code, done.pk)
    return render(
        request,
        "participation/propose.html",
        {
            "government": government,
            "cycle": cycle,
            **abilities(request, government),
            "form": form,
            "open": cycle.phase == PhaseKind.PROPOSAL,
        },
    )


@require_POST
def comment(request: HttpRequest, gov: str, proposal_id: int) -> HttpResponse:
    government = government_or_404(gov)
    require(request.user, PARTICIPATE, government)
    proposal = public_proposal(government, proposal_id, request)
    form = CommentForm(request.POST)
    done = submit(
        form,
        lambda d: once(
            government.pk,
            actor=request.user,
            form_key=form.key,
            kind="comment",
            values=(proposal.pk, d["body"]),
            lock=lock_resident(government.pk, request.user),
            call=lambda: actions.do_comment(proposal, body=d["body"], actor=request.user),
            load=lambda pk: Comment.objects.get(pk=pk),
        ),
    )
    if done is not None:
        messages.success(request, _("Your comment is posted."))
        return redirect("participation:proposal", government.code, proposal.pk)
    return _with_form(request, gov, proposal_id, comment_form=form)


@require_POST
def follow(request: HttpRequest, gov: str, proposal_id: int) -> HttpResponse:
    """Follow or stop following (`follow=0`) a proposal; the same answer whatever it was before."""
    government = government_or_404(gov)
    require(request.user, PARTICIPATE, government)
    proposal = public_proposal(government, proposal_id, request)
    if request.POST.get("follow") == "0":
        follow_actions.do_unfollow_proposal(proposal, actor=request.user)
        messages.info(request, _("You no longer follow this proposal."))
    else:
        follow_actions.do_follow_proposal(proposal, actor=request.user)
        messages.success(request, _("You follow this proposal: you will be told of every decision on it."))
    return redirect("participation:proposal", government.code, proposal.pk)


def _with_form(request: HttpRequest, gov: str, proposal_id: int, **forms: object) -> HttpResponse:
    """The proposal page again, with the refused form and its messages."""
    from ..forms import QuestionForm as QF

    government = government_or_404(gov)
    proposal = public_proposal(government, proposal_id, request)
    ctx = {
        "government": government,
        "cycle": proposal.cycle,
        **abilities(request, government),
        "proposal": proposal,
        "events": queries.events(proposal).select_related("actor"),
        "comments": proposal.comments.select_related("author"),
        "photos": proposal.photos.all(),
        "tracking": queries.tracking(proposal),
        "reviews": proposal.reviews.select_related("department").order_by("id"),
        "questions": queries.questions(government).filter(proposal=proposal),
        "comment_form": CommentForm(),
        "question_form": QF(),
        "is_proposer": proposal.proposer_id == request.user.pk,
        "following": follow_actions.is_following(proposal, request.user),
        **forms,
    }
    return render(request, "participation/proposal.html", ctx, status=400)


@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest, gov: str) -> HttpResponse:
    """A question to the responsible department (about one proposal, or the cycle); the answer is due within
    business days, and the resident sees the day."""
    government = government_or_404(gov)
    require(request.user, PARTICIPATE, government)
    proposal_id = request.POST.get("proposal") or request.GET.get("proposal") or ""
    proposal = public_proposal(government, int(proposal_id), request) if proposal_id.isdigit() else None
    from .common import current_cycle

    cycle = proposal.cycle if proposal else current_cycle(government)
    form = QuestionForm(request.POST or None)
    if request.method == "POST":
        done = submit(
            form,
            lambda d: once(
                government.pk,
                actor=request.user,
                form_key=form.key,
                kind="ask",
                values=(d["title"], d["body"], proposal.pk if proposal else None),
                lock=lock_resident(government.pk, request.user),
                call=lambda: actions.do_ask_question(
                    government, title=d["title"], body=d["body"], cycle=cycle, proposal=proposal, actor=request.user
                ),
                load=lambda pk: Question.objects.get(pk=pk),
            ),
        )
        if done is not None:
            messages.success(
                request,
                _("Your question is sent. The answer is due by %(day)s.") % {"day": done.due_on.isoformat()},
            )
            return redirect("participation:questions", government.code)
    return render(
        request,
        "participation/ask.html",
        {
            "government": government,
            "cycle": cycle,
            **abilities(request, government),
            "form": form,
            "proposal": proposal,
        },
        status=400 if form.is_bound else 200,
    )


def mine(request: HttpRequest, gov: str) -> HttpResponse:
    """나의 참여: my verification, my proposals with their status, what I follow, my notifications of this
    government's participation, my questions (overdue ones marked)."""
    government = government_or_404(gov)
    require(request.user, PARTICIPATE, government)
    notes = request.user.notifications.filter(government=government, event__startswith="participation.")
    return render(
        request,
        "participation/mine.html",
        {
            "government": government,
            "cycle": None,
            **abilities(request, government),
            "proposals": Proposal.objects.filter(government=government, proposer=request.user)
            .select_related("cycle")
            .order_by("-created_at"),
            "questions": queries.questions(government).filter(asker=request.user),
            "follows": Follow.objects.filter(government=government, user=request.user)
            .select_related("proposal__cycle")
            .order_by("-created_at", "-id"),
            "notifications": notes.order_by("-created_at", "-id")[:20],
            "unread": notes.filter(read_at__isnull=True).count(),
        },
    )
