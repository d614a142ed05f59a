"""A resident's question to the responsible department (about a proposal, or the cycle), with the day its answer
is due, and the department's answer, told to the asker and the proposal's followers."""

from __future__ import annotations

from django.db import transaction

from lofin.core import audit, clock
from lofin.core.models import LocalGovernment, User
from lofin.core.permissions import require
from lofin.core.workdays import add_business_days

from ..access import PARTICIPATE, REVIEW, require_same_government
from ..models import Answer, Cycle, Proposal, Question
from ..queries.residents import resident_of
from ..rules import questions as rules
from .follows import announce_answer


def do_ask_question(
    government: LocalGovernment,
    *,
    title: str,
    body: str,
    actor: User,
    cycle: Cycle | None = None,
    proposal: Proposal | None = None,
) -> Question:
    require(actor, PARTICIPATE, government)
    require_same_government(government, cycle, proposal)
    resident_of(actor, government)
    title, body = rules.check_question(title, body)
    if proposal is not None:
        cycle = proposal.cycle
    department = proposal.department if proposal is not None else None
    due = add_business_days(clock.today(), rules.ANSWER_BUSINESS_DAYS)
    with transaction.atomic():
        question = Question.objects.create(
            government=government,
            cycle=cycle,
            proposal=proposal,
            asker=actor,
            department=department,
            title=title,
            body=body,
            due_on=due,
        )
        audit.record(actor, "participation.question.ask", question, data={"due_on": due})
    return question


def do_answer_question(question: Question, *, body: str, actor: User) -> Answer:
    require(actor, REVIEW, question.government)
    body = rules.check_answer(body)
    with transaction.atomic():
        question = Question.objects.select_for_update(no_key=True).get(pk=question.pk)
        rules.check_unanswered(Answer.objects.filter(question=question).exists())
        post = actor.posts.filter(government_id=question.government_id).first()
        answer = Answer.objects.create(
            government_id=question.government_id,
            question=question,
            body=body,
            answered_by=actor,
            department=post.department if post else question.department,
        )
        audit.record(actor, "participation.question.answer", answer, government=question.government)
        announce_answer(question, body, actor)
    return answer
