"""Officials deciding on proposals (sent to a department, reviewed for feasibility and cost, scored by the
committee, shortlisted or not — each with the reason the proposer reads), entering paper and in-person ballots
at the polling station, and answering residents' questions."""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lofin.core.errors import InvalidInput
from lofin.core.http import TenantRequest
from lofin.core.models import Department
from lofin.core.permissions import require

from .. import actions, queries
from .. import vote_actions as va
from ..access import ENTER_BALLOTS, REVIEW
from ..form_actions import lock_cycle, once
from ..forms import AnswerForm, PaperVoterForm, ReviewForm, ScoreForm, ShortlistForm, SimpleForm
from ..models import Answer, Ballot, BallotKind, CommitteeScore, DepartmentReview, Proposal, Question
from .ballot import ballot_rows
from .common import abilities, submit


def _ctx(request: TenantRequest, **extra: object) -> dict:
    return {"government": request.government, **abilities(request, request.government), **extra}


FORMS = {"start": SimpleForm, "review": ReviewForm, "score": ScoreForm, "shortlist": ShortlistForm}


@require_http_methods(["GET", "POST"])
def proposal(request: TenantRequest, gov_code: str, proposal_id: int) -> HttpResponse:
    government = request.government
    require(request.user, REVIEW, government)
    p = queries.proposal(government, proposal_id)
    departments = list(Department.objects.filter(government=government).order_by("code"))
    step = request.POST.get("step", "")
    forms: dict[str, Any] = {name: cls(request.POST if step == name else None) for name, cls in FORMS.items()}
    if request.method == "POST" and step in FORMS:
        form = forms[step]
        lock = lock_cycle(p.cycle_id)

        def run(kind: str, values: tuple, call: Any, model: Any) -> Any:
            return once(
                government.pk,
                actor=request.user,
                form_key=form.key,
                kind=kind,
                values=(p.pk, *values),
                lock=lock,
                call=call,
                load=lambda pk: model.objects.get(pk=pk),
            )

        if step == "start":
            code = request.POST.get("department", "")
            department = next((d for d in departments if str(d.pk) == code), None)
            done = submit(
                form,
                lambda d: run(
                    "start_review",
                    (code,),
                    lambda: actions.do_start_review(p, department=department, actor=request.user),
                    Proposal,
                ),
            )
        elif step == "review":
            done = submit(
                form,
                lambda d: run(
                    "review",
                    (d["feasible"], d["reviewed_cost"]),
                    lambda: actions.do_review_proposal(
                        p,
                        feasible=d["feasible"],
                        reason=d["reason"],
                        reviewed_cost=d["reviewed_cost"],
                        actor=request.user,
                    ),
                    DepartmentReview,
                ),
            )
        elif step == "score":
            done = submit(
                form,
                lambda d: run(
                    "score",
                    tuple(sorted(form.scores().items())),
                    lambda: actions.do_score_proposal(
                        p, scores=form.scores(), comment=d["comment"], actor=request.user
                    ),
                    CommitteeScore,
                ),
            )
        else:
            done = submit(
                form,
                lambda d: run(
                    "shortlist",
                    (d["shortlisted"],),
                    lambda: actions.do_shortlist(
                        p, shortlisted=d["shortlisted"], reason=d["reason"], actor=request.user
                    ),
                    Proposal,
                ),
            )
        if done is not None:
            messages.success(request, _("The decision is recorded and shown to the proposer with its reason."))
            return redirect("participation_admin:proposal", government.code, p.pk)
    p.refresh_from_db()
    return render(
        request,
        "participation/admin/proposal.html",
        _ctx(
            request,
            cycle=p.cycle,
            proposal=p,
            departments=departments,
            events=queries.events(p).select_related("actor"),
            reviews=p.reviews.select_related("department", "reviewer").order_by("id"),
            scores=p.scores.select_related("member").order_by("id"),
            photos=p.photos.all(),
            forms=forms,
            step=step,
        ),
        status=400 if step in FORMS else 200,
    )


def _paper_choices(kind: str, text: str, numbers: dict[int, int]) -> dict[str, Any]:
    """Project numbers as typed from the paper: "1 3 4" (in order of preference on ranked ballots), or
    "1:3 4:2" (project:points) on cumulative ballots."""
    tokens = text.replace(",", " ").split()
    if not tokens:
        raise InvalidInput(_("Type the numbers of the projects marked on the paper."), field="choices")
    if kind == BallotKind.CUMULATIVE:
        points: dict[int, int] = {}
        for token in tokens:
            number, _sep, value = token.partition(":")
            if not (number.isdigit() and value.isdigit()) or int(number) not in numbers:
                raise InvalidInput(_("Write each project as number:points, for example 3:2."), field="choices")
            points[numbers[int(number)]] = int(value)
        return {"points": points}
    ids = []
    for token in tokens:
        if not token.isdigit() or int(token) not in numbers:
            raise InvalidInput(_("No project on the ballot has the number %(n)s.") % {"n": token}, field="choices")
        ids.append(numbers[int(token)])
    return {"ranking": ids} if kind == BallotKind.RANKED else {"approvals": ids}


@require_http_methods(["GET", "POST"])
def paper_ballot(request: TenantRequest, gov_code: str, cycle_id: int) -> HttpResponse:
    """A fast keyboard form for the polling station: the voter's identity from the ID card, then the numbers of
    the projects marked. A person's online ballot is replaced, and the page says so."""
    government = request.government
    require(request.user, ENTER_BALLOTS, government)
    cycle = queries.cycle(government, cycle_id)
    rows = ballot_rows(cycle)
    numbers = {r["p"].number: r["p"].pk for r in rows["proposals"]}
    form = PaperVoterForm(request.POST or None)
    form.fields["choices"] = django_forms.CharField(
        label=_("Projects marked (numbers)"),
        help_text=_("Numbers separated by spaces; on ranked ballots in order of preference; cumulative: 3:2 4:1."),
        max_length=400,
    )
    entered = None
    if request.method == "POST":
        entered = submit(
            form,
            lambda d: va.do_enter_paper_ballot(
                cycle,
                name=d["name"],
                birth_date=d["birth_date"],
                sex_digit=d["sex_digit"],
                channel=d["channel"],
                idempotency_key=form.key,
                actor=request.user,
                **_paper_choices(cycle.ballot_kind, d["choices"], numbers),
            ),
            {"invalid_ballot": "choices", "already_voted": "name", "not_eligible": "birth_date"},
        )
        if entered is not None:
            replaced = Ballot.objects.filter(replaced_by=entered).first()
            if replaced is not None:
                messages.warning(
                    request,
                    _(
                        "Ballot no. %(id)d is entered. It replaced the person's online ballot of %(day)s, which is "
                        "no longer counted."
                    )
                    % {"id": entered.pk, "day": replaced.cast_on.isoformat()},
                )
            else:
                messages.success(request, _("Ballot no. %(id)d is entered.") % {"id": entered.pk})
            return redirect("participation_admin:paper", government.code, cycle.pk)
    return render(
        request,
        "participation/admin/paper.html",
        _ctx(request, cycle=cycle, form=form, **rows, turnout=queries.turnout(cycle)),
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
def answer(request: TenantRequest, gov_code: str, question_id: int) -> HttpResponse:
    government = request.government
    require(request.user, REVIEW, government)
    question = queries.question(government, question_id)
    form = AnswerForm(request.POST or None)
    if request.method == "POST":
        done = submit(
            form,
            lambda d: once(
                government.pk,
                actor=request.user,
                form_key=form.key,
                kind="answer",
                values=(question.pk,),
                lock=lambda: Question.objects.select_for_update().filter(pk=question.pk).first(),
                call=lambda: actions.do_answer_question(question, body=d["body"], actor=request.user),
                load=lambda pk: Answer.objects.get(pk=pk),
            ),
        )
        if done is not None:
            messages.success(request, _("The answer is published."))
            return redirect("participation_admin:workspace", government.code)
    return render(
        request,
        "participation/admin/answer.html",
        _ctx(request, question=question, form=form, answered=getattr(question, "answer", None)),
        status=400 if form.is_bound else 200,
    )
