"""주민e참여 API: cycles, proposals, comments, votes (online with an Idempotency-Key; paper ballots entered by
officials), results with explanations, Q&A, identity checks and the annual report. Members of the government only:
everyone else gets 404, as for any tenant's data."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Header, Router, Status

from lofin.core.errors import InvalidInput, NotFound
from lofin.core.http import AuthedRequest
from lofin.core.models import LocalGovernment
from lofin.core.tenancy import access_government, get_for_tenant
from lofin.core.types import Id

from . import actions, queries, report, tally, verification
from . import vote_actions as va
from .access import VIEW
from .models import Ballot, Cycle, District, PhaseKind, Proposal, Question
from .schemas import (
    AnswerIn,
    BallotIn,
    BallotOut,
    CommentIn,
    CommentOut,
    CycleDetailOut,
    CycleOut,
    PaperBallotIn,
    ParticipationReportOut,
    ProposalDetailOut,
    ProposalIn,
    ProposalOut,
    QuestionIn,
    QuestionOut,
    ResidentOut,
    ResultsOut,
    VerificationConfirmIn,
    VerificationStartIn,
    VerificationStartOut,
    VoterExplanationOut,
)

router = Router(tags=["participation"])
PREFIX = "/participation/{government}"


def _gov(request: AuthedRequest, government: str) -> LocalGovernment:
    return access_government(request.user, government, VIEW)


def _cycle(request: AuthedRequest, government: str, cycle_id: Id) -> Cycle:
    return queries.cycle(_gov(request, government), cycle_id)


def _cycle_out(c: Cycle) -> dict[str, Any]:
    return {
        "id": c.pk,
        "government": c.government.code,
        "year": c.year,
        "title": c.title,
        "total_amount": c.total_amount,
        "ballot_kind": c.ballot_kind,
        "max_choices": c.max_choices,
        "min_choices": c.min_choices,
        "max_points": c.max_points,
        "rule": c.rule,
        "satisfaction": c.satisfaction,
        "min_age": c.min_age,
        "eligible": sorted(c.eligible_bases),
        "status": c.status,
        "phase": c.phase,
        "phase_label": str(PhaseKind(c.phase).label) if c.phase else "",
    }


def _proposal_out(p: Proposal) -> dict[str, Any]:
    return {
        "id": p.pk,
        "cycle_id": p.cycle_id,
        "number": p.number,
        "title": p.title,
        "cost": p.cost,
        "reviewed_cost": p.reviewed_cost,
        "location": p.location,
        "district": p.district.name if p.district_id and p.district else "",
        "department": p.department.name if p.department_id and p.department else "",
        "status": p.status,
        "status_label": str(p.get_status_display()),
        "status_reason": p.status_reason,
        "votes": p.votes,
    }


@router.get(PREFIX + "/cycles", response=list[CycleOut], summary="Participatory budgeting cycles")
def list_cycles(request: AuthedRequest, government: str) -> list[dict[str, Any]]:
    gov = _gov(request, government)
    return [_cycle_out(c) for c in queries.cycles(gov).select_related("government")]


@router.get(PREFIX + "/cycles/{cycle_id}", response=CycleDetailOut, summary="One cycle with its phases and districts")
def get_cycle(request: AuthedRequest, government: str, cycle_id: Id) -> dict[str, Any]:
    c = _cycle(request, government, cycle_id)
    return {
        **_cycle_out(c),
        "description": c.description,
        "phases": [
            {"kind": p.kind, "label": str(p.get_kind_display()), "starts_on": p.starts_on, "ends_on": p.ends_on}
            for p in queries.phases(c)
        ],
        "districts": [
            {"id": d.pk, "kind": d.kind, "code": d.code, "name": d.name, "amount": d.amount}
            for d in District.objects.filter(cycle=c)
        ],
    }


@router.get(PREFIX + "/cycles/{cycle_id}/proposals", response=list[ProposalOut], summary="Proposals of a cycle")
def list_proposals(request: AuthedRequest, government: str, cycle_id: Id, status: str = "") -> list[dict[str, Any]]:
    c = _cycle(request, government, cycle_id)
    return [_proposal_out(p) for p in queries.proposals(c, status=status or None)]


@router.post(
    PREFIX + "/cycles/{cycle_id}/proposals",
    response={201: ProposalOut},
    summary="Propose a project (verified residents, during the proposal phase)",
)
def create_proposal(request: AuthedRequest, government: str, cycle_id: Id, payload: ProposalIn) -> Status:
    c = _cycle(request, government, cycle_id)
    district = None
    if payload.district_id is not None:
        district = District.objects.filter(cycle=c, pk=payload.district_id).first()
        if district is None:
            raise InvalidInput(_("Unknown district."), field="district_id")
    proposal = actions.do_submit_proposal(
        c,
        title=payload.title,
        description=payload.description,
        cost=payload.cost,
        location=payload.location,
        latitude=None if payload.latitude is None else Decimal(str(round(payload.latitude, 6))),
        longitude=None if payload.longitude is None else Decimal(str(round(payload.longitude, 6))),
        district=district,
        actor=request.user,
    )
    return Status(201, _proposal_out(proposal))


def _detail(p: Proposal) -> dict[str, Any]:
    return {
        **_proposal_out(p),
        "description": p.description,
        "latitude": float(p.latitude) if p.latitude is not None else None,
        "longitude": float(p.longitude) if p.longitude is not None else None,
        "photos": [ph.image.url for ph in p.photos.all()],
        "events": [
            {
                "from_status": e.from_status,
                "to_status": e.to_status,
                "label": str(e.get_to_status_display()),
                "reason": e.reason,
                "at": e.at,
            }
            for e in queries.events(p)
        ],
        "comments": [
            {"id": c.pk, "author": str(c.author), "body": "" if c.hidden_reason else c.body, "created_at": c.created_at}
            for c in p.comments.select_related("author")
        ],
        "tracking": queries.tracking(p),
    }


@router.get(
    PREFIX + "/proposals/{proposal_id}", response=ProposalDetailOut, summary="A proposal, its decisions and tracking"
)
def get_proposal(request: AuthedRequest, government: str, proposal_id: Id) -> dict[str, Any]:
    return _detail(queries.proposal(_gov(request, government), proposal_id))


@router.post(PREFIX + "/proposals/{proposal_id}/comments", response={201: CommentOut}, summary="Comment on a proposal")
def create_comment(request: AuthedRequest, government: str, proposal_id: Id, payload: CommentIn) -> Status:
    p = queries.proposal(_gov(request, government), proposal_id)
    c = actions.do_comment(p, body=payload.body, actor=request.user)
    return Status(201, {"id": c.pk, "author": str(c.author), "body": c.body, "created_at": c.created_at})


def _ballot_out(b: Ballot) -> dict[str, Any]:
    return {
        "id": b.pk,
        "cycle_id": b.cycle_id,
        "channel": b.channel,
        "cast_on": b.cast_on,
        "choices": list(b.choices.order_by("rank", "id").values_list("proposal_id", flat=True)),
    }


@router.post(
    PREFIX + "/cycles/{cycle_id}/ballots",
    response={201: BallotOut},
    summary="Vote online (a verified, eligible resident, once per cycle)",
    description="Approval and knapsack ballots send `approvals`, cumulative ballots `points` (proposal id → points), "
    "ranked ballots `ranking`. Retrying with the same Idempotency-Key returns the first ballot.",
)
def cast_ballot(
    request: AuthedRequest,
    government: str,
    cycle_id: Id,
    payload: BallotIn,
    idempotency_key: str = Header(..., alias="Idempotency-Key"),
) -> Status:
    c = _cycle(request, government, cycle_id)
    ballot = va.do_cast_ballot(
        c,
        approvals=payload.approvals,
        points=payload.points,
        ranking=payload.ranking,
        idempotency_key=idempotency_key,
        actor=request.user,
    )
    return Status(201, _ballot_out(ballot))


@router.post(
    PREFIX + "/cycles/{cycle_id}/paper-ballots",
    response={201: BallotOut},
    summary="Enter a paper or in-person ballot (officials); it replaces the voter's online ballot",
)
def enter_paper_ballot(
    request: AuthedRequest,
    government: str,
    cycle_id: Id,
    payload: PaperBallotIn,
    idempotency_key: str = Header(..., alias="Idempotency-Key"),
) -> Status:
    c = _cycle(request, government, cycle_id)
    ballot = va.do_enter_paper_ballot(
        c,
        name=payload.name,
        birth_date=payload.birth_date,
        sex_digit=payload.sex_digit,
        channel=payload.channel,
        approvals=payload.approvals,
        points=payload.points,
        ranking=payload.ranking,
        idempotency_key=idempotency_key,
        actor=request.user,
    )
    return Status(201, _ballot_out(ballot))


@router.get(PREFIX + "/cycles/{cycle_id}/results", response=ResultsOut, summary="The counted result and overrides")
def get_results(request: AuthedRequest, government: str, cycle_id: Id) -> dict[str, Any]:
    c = _cycle(request, government, cycle_id)
    results = queries.current_results(c)
    if not results:
        raise NotFound(_("The vote has not been counted yet."))
    selected = Proposal.objects.filter(queries.STATUS_REACHED["selected"], cycle=c)
    return {
        "cycle_id": c.pk,
        "results": [
            {
                "id": r.pk,
                "district": r.district.name if r.district else "",
                "rule": r.rule,
                "satisfaction": r.satisfaction,
                "budget": r.budget,
                "winners": r.winners,
                "total_cost": r.total_cost,
                "voter_count": r.voter_count,
                "digest": r.digest,
                "computed_at": r.computed_at,
                "explanation": r.explanation,
            }
            for r in results
        ],
        "overrides": [
            {"proposal_id": o.proposal_id, "action": o.action, "reason": o.reason, "decided_at": o.decided_at}
            for o in queries.overrides(c)
        ],
        "selected": sorted(selected.values_list("pk", flat=True)),
    }


@router.get(
    PREFIX + "/cycles/{cycle_id}/results/mine",
    response=list[VoterExplanationOut],
    summary="Why the projects on my ballot won or lost",
)
def my_explanation(request: AuthedRequest, government: str, cycle_id: Id) -> list[dict[str, Any]]:
    return tally.voter_explanation(_cycle(request, government, cycle_id), request.user)


def _question_out(q: Question) -> dict[str, Any]:
    answer = getattr(q, "answer", None)
    return {
        "id": q.pk,
        "title": q.title,
        "body": q.body,
        "department": q.department.name if q.department else "",
        "asked_at": q.asked_at,
        "due_on": q.due_on,
        "overdue": answer is None and q.due_on < timezone.localdate(),
        "answer": answer.body if answer else None,
        "answered_at": answer.answered_at if answer else None,
    }


@router.get(PREFIX + "/questions", response=list[QuestionOut], summary="Questions and answers")
def list_questions(request: AuthedRequest, government: str, cycle_id: Id | None = None) -> list[dict[str, Any]]:
    gov = _gov(request, government)
    c = queries.cycle(gov, cycle_id) if cycle_id else None
    return [_question_out(q) for q in queries.questions(gov, cycle=c)]


@router.post(PREFIX + "/questions", response={201: QuestionOut}, summary="Ask the responsible department")
def ask_question(request: AuthedRequest, government: str, payload: QuestionIn) -> Status:
    gov = _gov(request, government)
    c = queries.cycle(gov, payload.cycle_id) if payload.cycle_id else None
    p = queries.proposal(gov, payload.proposal_id) if payload.proposal_id else None
    q = actions.do_ask_question(gov, title=payload.title, body=payload.body, cycle=c, proposal=p, actor=request.user)
    return Status(201, _question_out(q))


@router.post(PREFIX + "/questions/{question_id}/answer", response={201: QuestionOut}, summary="Answer a question")
def answer_question(request: AuthedRequest, government: str, question_id: Id, payload: AnswerIn) -> Status:
    gov = _gov(request, government)
    q = get_for_tenant(Question.objects.all(), gov, pk=question_id)
    actions.do_answer_question(q, body=payload.body, actor=request.user)
    return Status(201, _question_out(queries.question(gov, q.pk)))


@router.post(
    PREFIX + "/verification/start",
    response=VerificationStartOut,
    summary="Start a mobile identity check: a one-time code is sent to the phone",
)
def start_verification(request: AuthedRequest, government: str, payload: VerificationStartIn) -> dict[str, Any]:
    gov = _gov(request, government)
    return verification.start(
        gov,
        user=request.user,
        name=payload.name,
        birth_date=payload.birth_date,
        sex_digit=payload.sex_digit,
        carrier=payload.carrier,
        phone=payload.phone,
    )


@router.post(
    PREFIX + "/verification/confirm", response=ResidentOut, summary="Confirm the code; become a verified resident"
)
def confirm_verification(request: AuthedRequest, government: str, payload: VerificationConfirmIn) -> dict[str, Any]:
    gov = _gov(request, government)
    r = verification.confirm(gov, user=request.user, token=payload.token, code=payload.code)
    return {
        "verified_name": r.verified_name,
        "method": r.method,
        "verified_at": r.verified_at,
        "basis": r.basis,
        "on_resident_list": bool(r.basis),
    }


@router.get(PREFIX + "/report", response=list[ParticipationReportOut], summary="주민참여예산 운영결과 of a budget year")
def get_report(request: AuthedRequest, government: str, year: int) -> list[dict[str, Any]]:
    gov = _gov(request, government)
    if not 2000 <= year <= 2100:
        raise InvalidInput(_("The fiscal year must be between 2000 and 2100."), field="year")
    return [row.as_dict() for row in report.annual_report(gov, year)]


# The officials' steps and following, on the same router (kept apart to keep this module small).
from . import api_manage  # noqa: E402, F401
