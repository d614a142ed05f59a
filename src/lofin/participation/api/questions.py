"""Questions to the responsible department and their answers."""

from __future__ import annotations

from django.db.models import QuerySet
from ninja import Router, Status

from lofin.core.http import AuthedRequest
from lofin.core.tenancy import get_for_tenant
from lofin.core.types import Id

from ..actions import questions as actions
from ..models import Question
from ..queries import cycles, proposals
from ..queries import questions as queries
from ..schemas.questions import AnswerIn, QuestionIn, QuestionOut
from .common import PREFIX, government_of

router = Router()


@router.get(PREFIX + "/questions", response=list[QuestionOut], summary="Questions and answers")
def list_questions(request: AuthedRequest, government: str, cycle_id: Id | None = None) -> QuerySet[Question]:
    gov = government_of(request, government)
    return queries.questions(gov, cycle=cycles.cycle(gov, cycle_id) if cycle_id else None)


@router.post(PREFIX + "/questions", response={201: QuestionOut}, summary="Ask the responsible department")
def ask_question(request: AuthedRequest, government: str, payload: QuestionIn) -> Status:
    gov = government_of(request, government)
    c = cycles.cycle(gov, payload.cycle_id) if payload.cycle_id else None
    p = proposals.proposal(gov, payload.proposal_id) if payload.proposal_id else None
    q = actions.do_ask_question(gov, title=payload.title, body=payload.body, cycle=c, proposal=p, actor=request.user)
    return Status(201, q)


@router.post(PREFIX + "/questions/{question_id}/answer", response={201: QuestionOut}, summary="Answer a question")
def answer_question(request: AuthedRequest, government: str, question_id: Id, payload: AnswerIn) -> Status:
    gov = government_of(request, government)
    q = get_for_tenant(Question.objects.all(), gov, pk=question_id)
    actions.do_answer_question(q, body=payload.body, actor=request.user)
    return Status(201, queries.question(gov, q.pk))
