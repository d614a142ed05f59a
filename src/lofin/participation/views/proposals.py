"""Proposals on screen: a cycle's proposals (searchable, filtered by status and district), one proposal with every
decision and its reason, comments and questions, and a resident's new proposal with photos and comment."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lofin.core import idempotency
from lofin.core.models import LocalGovernment, User
from lofin.core.permissions import require
from lofin.core.submit import submit
from lofin.core.types import is_ascii_digits

from ..access import PARTICIPATE
from ..actions import comments
from ..actions import proposals as actions
from ..forms import CommentForm, ProposalForm, QuestionForm
from ..models import Comment, PhaseKind, Proposal, ProposalStatus
from ..queries import cycles, follows, proposals, questions
from ..rules.proposals import check_photo_upload
from .common import (
    form_request,
    government_or_404,
    lock_resident,
    public_context,
    public_cycle,
    public_proposal,
)


@require_GET
def proposal_list(request: HttpRequest, gov: str, cycle_id: int) -> HttpResponse:
    government = government_or_404(gov)
    cycle = public_cycle(government, cycle_id, request)
    status = request.GET.get("status", "")
    district = request.GET.get("district", "")
    search = (request.GET.get("q") or "").strip()[:100]
    rows = proposals.proposals(
        cycle,
        status=status if status in ProposalStatus.values else None,
        district_id=int(district) if is_ascii_digits(district) else None,
    )
    if search:
        rows = rows.filter(
            Q(title__icontains=search) | Q(description__icontains=search) | Q(location__icontains=search)
        )
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    ctx = public_context(
        request,
        government,
        cycle,
        page=page,
        statuses=ProposalStatus.choices,
        districts=cycles.districts(cycle),
        filters={"status": status, "district": district, "q": search},
    )
    if request.headers.get("HX-Request"):
        return render(request, "participation/proposals.html#results", ctx)
    return render(request, "participation/proposals.html", ctx)


def proposal_context(
    request: HttpRequest, government: LocalGovernment, proposal: Proposal, **forms: object
) -> dict[str, Any]:
    """The proposal page: every decision with its reason, the department's findings, comments, questions and the
    tracking into the budget; `forms` replaces the empty comment or question form with a refused one."""
    page: dict[str, Any] = {"comment_form": CommentForm(), "question_form": QuestionForm(), **forms}
    return public_context(
        request,
        government,
        proposal.cycle,
        proposal=proposal,
        events=proposals.events(proposal).select_related("actor"),
        comments=proposal.comments.select_related("author"),
        photos=proposal.photos.all(),
        tracking=proposals.tracking(proposal),
        reviews=proposal.reviews.select_related("department").order_by("id"),
        questions=questions.questions(government).filter(proposal=proposal),
        is_proposer=request.user.is_authenticated and proposal.proposer_id == request.user.pk,
        following=follows.is_following(proposal, request.user),  # type: ignore[arg-type]
        **page,
    )


@require_GET
def proposal_detail(request: HttpRequest, gov: str, proposal_id: int) -> HttpResponse:
    government = government_or_404(gov)
    proposal = public_proposal(government, proposal_id, request)
    return render(request, "participation/proposal.html", proposal_context(request, government, proposal))


@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest, gov: str, cycle_id: int) -> HttpResponse:
    government = government_or_404(gov)
    require(request.user, PARTICIPATE, government)
    user: User = request.user  # type: ignore[assignment]
    cycle = public_cycle(government, cycle_id, request)
    districts = list(cycles.districts(cycle))
    form = ProposalForm(request.POST or None, request.FILES or None, districts=[(str(d.pk), d.name) for d in districts])
    if request.method == "POST":

        def call(d: dict[str, Any]) -> Proposal:
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
                    actor=user,
                )
                check_photo_upload(len(d["photos"]))
                for upload in d["photos"]:
                    actions.do_add_photo(proposal, upload=upload, actor=user)
                return proposal

            return idempotency.once_per_form(
                scope="participation",
                government_id=government.pk,
                actor=user,
                form_key=form.key,
                kind="propose",
                values=form_request(d, cycle=cycle.pk),
                lock=lock_resident(government.pk, user),
                call=write,
                load=lambda pk: Proposal.objects.get(pk=pk),
            )

        done = submit(form, call, {"photo": "photos", "not_verified": None})  # type: ignore[dict-item]
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
        public_context(request, government, cycle, form=form, open=cycle.phase == PhaseKind.PROPOSAL),
    )


@require_POST
def comment(request: HttpRequest, gov: str, proposal_id: int) -> HttpResponse:
    government = government_or_404(gov)
    require(request.user, PARTICIPATE, government)
    user: User = request.user  # type: ignore[assignment]
    proposal = public_proposal(government, proposal_id, request)
    form = CommentForm(request.POST)
    done = submit(
        form,
        lambda d: idempotency.once_per_form(
            scope="participation",
            government_id=government.pk,
            actor=user,
            form_key=form.key,
            kind="comment",
            values=form_request(d, proposal=proposal.pk),
            lock=lock_resident(government.pk, user),
            call=lambda: comments.do_comment(proposal, body=d["body"], actor=user),
            load=lambda pk: Comment.objects.get(pk=pk),
        ),
    )
    if done is not None:
        messages.success(request, _("Your comment is posted."))
        return redirect("participation:proposal", government.code, proposal.pk)
    ctx = proposal_context(request, government, proposal, comment_form=form)
    return render(request, "participation/proposal.html", ctx, status=400)
