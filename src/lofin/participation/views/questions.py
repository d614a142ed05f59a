"""Questions on screen: the public questions with their answers, a resident's question to the responsible
department (the answer is due within business days, and the resident sees the day), and the department's answer."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lofin.core import clock, idempotency
from lofin.core.http import TenantRequest
from lofin.core.models import User
from lofin.core.permissions import require
from lofin.core.submit import submit
from lofin.core.types import is_ascii_digits

from ..access import PARTICIPATE, REVIEW
from ..actions import questions as actions
from ..forms import AnswerForm, QuestionForm
from ..models import Answer, Question
from ..queries import questions as queries
from .common import (
    current_cycle,
    form_request,
    government_or_404,
    lock_resident,
    public_context,
    public_proposal,
    refusal_to_messages,
    workspace_context,
)


@require_GET
def question_list(request: HttpRequest, gov: str) -> HttpResponse:
    government = government_or_404(gov)
    cycle = current_cycle(government)
    page = Paginator(queries.questions(government), 20).get_page(request.GET.get("page"))
    ctx = public_context(request, government, cycle, page=page, form=QuestionForm(), today=clock.today())
    return render(request, "participation/questions.html", ctx)


@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest, gov: str) -> HttpResponse:
    """A question to the responsible department (about one proposal, or the cycle); the answer is due within
    business days, and the resident sees the day."""
    government = government_or_404(gov)
    require(request.user, PARTICIPATE, government)
    user: User = request.user  # type: ignore[assignment]
    proposal_id = request.POST.get("proposal") or request.GET.get("proposal") or ""
    proposal = public_proposal(government, int(proposal_id), request) if is_ascii_digits(proposal_id) else None
    cycle = proposal.cycle if proposal else current_cycle(government)
    form = QuestionForm(request.POST or None)
    if request.method == "POST":
        done = submit(
            form,
            lambda d: idempotency.once_per_form(
                scope="participation",
                government_id=government.pk,
                actor=user,
                form_key=form.key,
                kind="ask",
                values=form_request(d, proposal=proposal.pk if proposal else None),
                lock=lock_resident(government.pk, user),
                call=lambda: actions.do_ask_question(
                    government, title=d["title"], body=d["body"], cycle=cycle, proposal=proposal, actor=user
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
        public_context(request, government, cycle, form=form, proposal=proposal),
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
            lambda d: idempotency.once_per_form(
                scope="participation",
                government_id=government.pk,
                actor=request.user,
                form_key=form.key,
                kind="answer",
                values=form_request(d, question=question.pk),
                lock=lambda: Question.objects.select_for_update().filter(pk=question.pk).first(),
                call=lambda: actions.do_answer_question(question, body=d["body"], actor=request.user),
                load=lambda pk: Answer.objects.get(pk=pk),
            ),
        )
        if done is not None:
            messages.success(request, _("The answer is published."))
            return redirect("participation_admin:workspace", government.code)
        if getattr(question, "answer", None) is not None:
            refusal_to_messages(request, form)
    return render(
        request,
        "participation/admin/answer.html",
        workspace_context(request, question=question, form=form, answered=getattr(question, "answer", None)),
        status=400 if form.is_bound else 200,
    )
