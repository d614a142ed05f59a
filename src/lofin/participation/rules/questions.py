"""Residents' comments and questions, and the department's answers: their length, and the day an answer is due.

A question to the department is a 민원 (민원 처리에 관한 법률): its answer is due within the processing period of
시행령 별표 for a 질의 (7–14 days); Lofin sets ten business days and shows the day to the asker. Pure: no ORM."""

from __future__ import annotations

from django.utils.translation import gettext as _

from lofin.core.errors import Conflict, InvalidInput

from ..errors import WrongStatus
from ..models.proposals import ProposalStatus

ANSWER_BUSINESS_DAYS = 10
COMMENT_MAX = 2000
QUESTION_TITLE_MAX = 120
TEXT_MAX = 4000


def check_comment(body: str) -> str:
    body = (body or "").strip()
    if not body or len(body) > COMMENT_MAX:
        raise InvalidInput(_("Write a comment of at most 2,000 characters."), field="body")
    return body


def check_question(title: str, body: str) -> tuple[str, str]:
    title, body = (title or "").strip(), (body or "").strip()
    if not title or len(title) > QUESTION_TITLE_MAX:
        raise InvalidInput(_("Give the question a title of at most 120 characters."), field="title")
    if not body or len(body) > TEXT_MAX:
        raise InvalidInput(_("Write the question in at most 4,000 characters."), field="body")
    return title, body


def check_answer(body: str) -> str:
    body = (body or "").strip()
    if not body or len(body) > TEXT_MAX:
        raise InvalidInput(_("Write the answer in at most 4,000 characters."), field="body")
    return body


def check_commentable(status: str) -> None:
    """A withdrawn proposal takes no more comments."""
    if status == ProposalStatus.WITHDRAWN:
        raise WrongStatus(_("The proposal was withdrawn."))


def check_unanswered(answered: bool) -> None:
    """A question has one answer: the department's published reply."""
    if answered:
        raise Conflict(_("This question has been answered already."))
