"""From a cycle's set-up to the committee's shortlist: resident lists, verification, proposals with photos,
reviews and scores, comments and Q&A. Refusals write nothing; every write leaves one audit row."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from lofin.core import testing
from lofin.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from lofin.core.models import AuditEvent
from lofin.core.roles import AccountType, Role
from lofin.core.workdays import add_business_days
from lofin.participation.actions import comments, cycles, proposals, questions, residents, review
from lofin.participation.errors import NotVerified, WrongPhase, WrongStatus
from lofin.participation.models import (
    CensusEntry,
    CensusList,
    Comment,
    Cycle,
    PhaseKind,
    Proposal,
    ProposalPhoto,
    ProposalStatus,
    Question,
    Resident,
    StatusEvent,
)
from lofin.participation.rules.questions import ANSWER_BUSINESS_DAYS
from lofin.participation.testing import PEOPLE, STRANGER, build_pb, verify

pytestmark = pytest.mark.django_db


def audit_count(action):
    return AuditEvent.objects.filter(action=action).count()


def png(size=(8, 8)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()


def test_resident_list_keeps_only_hashes_and_matches_verified_people():
    pb = build_pb(phase=PhaseKind.PROPOSAL)
    census = CensusList.objects.get(government=pb.gov, is_current=True)
    assert census.row_count == len(PEOPLE)
    entry = CensusEntry.objects.get(census=census, name="박지호")
    assert (entry.basis, len(entry.identity_hash)) == ("worker", 64)
    kim = pb.residents["김민준"]
    assert (kim.basis, kim.census_entry.name, kim.method) == ("resident", "김민준", "phone")
    assert pb.residents[STRANGER.name].basis == ""
    assert audit_count("participation.census.upload") == 1
    assert audit_count("participation.resident.verify") == 5


def test_bad_resident_list_is_refused_with_its_line_and_the_old_list_stays():
    pb = build_pb(phase=PhaseKind.PROPOSAL)
    before = (CensusList.objects.count(), CensusEntry.objects.count())
    bad = "이름,생년월일,성별번호\n홍길동,19900102,1\n김철수,1990-13-01,1\n".encode()
    with pytest.raises(InvalidInput) as refused:
        residents.do_upload_census(pb.gov, name="x", data=bad, actor=pb.manager)
    assert refused.value.detail["line"] == 3
    for data in [b"\xff\xfe\x00bad", "성명\n홍길동\n".encode(), "이름,생년월일,성별번호\n".encode()]:
        with pytest.raises(InvalidInput):
            residents.do_upload_census(pb.gov, name="x", data=data, actor=pb.manager)
    with pytest.raises(PermissionDenied):
        residents.do_upload_census(pb.gov, name="x", data=bad, actor=pb.users["김민준"])
    assert (CensusList.objects.count(), CensusEntry.objects.count()) == before


def test_cp949_resident_list_replaces_the_current_one():
    pb = build_pb(phase=PhaseKind.PROPOSAL)
    data = "이름,생년월일,성별번호,구분\n홍길동,19900102,1,학생\n".encode("cp949")
    census = residents.do_upload_census(pb.gov, name="새 명부", data=data, actor=pb.manager)
    assert CensusList.objects.filter(government=pb.gov, is_current=True).get() == census
    assert CensusEntry.objects.get(census=census).basis == "student"


def test_one_person_cannot_be_verified_under_two_accounts():
    pb = build_pb(phase=PhaseKind.PROPOSAL)
    before = Resident.objects.count()
    with pytest.raises(Conflict):
        verify(pb.gov, PEOPLE[0], "second-account")
    assert Resident.objects.count() == before


def test_cycle_settings_are_checked():
    pb = build_pb(phase=PhaseKind.PROPOSAL)
    before = Cycle.objects.count()
    base = {"year": 2027, "title": "새 공모", "total_amount": 10_000_000, "actor": pb.manager}
    for bad in [
        {"total_amount": 0},
        {"ballot_kind": "k_approval"},  # no k
        {"ballot_kind": "cumulative"},  # no points
        {"rule": "borda"},
        {"allow_residents": False, "allow_workers": False, "allow_students": False},
        {"title": pb.cycle.title, "year": pb.cycle.year},
        {"districts": [cycles.DistrictIn("A", "가", amount=20_000_000)]},
    ]:
        with pytest.raises((InvalidInput, Conflict)):
            cycles.do_create_cycle(pb.gov, **{**base, **bad})
    with pytest.raises(PermissionDenied):
        cycles.do_create_cycle(pb.gov, **{**base, "actor": pb.users["김민준"]})
    assert Cycle.objects.count() == before


def test_proposal_needs_a_verified_resident_in_the_proposal_phase(travel):
    pb = build_pb(phase=PhaseKind.PROPOSAL)
    unverified = testing.person(pb.gov, AccountType.RESIDENT, username="newcomer")
    before = Proposal.objects.count()
    args = {"title": "벤치", "description": "공원 벤치", "cost": 1_000_000}
    with pytest.raises(NotVerified):
        proposals.do_submit_proposal(pb.cycle, actor=unverified, **args)
    with pytest.raises(PermissionDenied):
        proposals.do_submit_proposal(pb.cycle, actor=pb.reviewer, **args)
    with pytest.raises(WrongPhase):  # the proposal phase ended 90 days ago
        proposals.do_submit_proposal(pb.cycle, actor=pb.users["김민준"], **args)
    travel(pb.today - dt.timedelta(100))
    with pytest.raises(InvalidInput):
        proposals.do_submit_proposal(pb.cycle, actor=pb.users["김민준"], **{**args, "cost": 10**9})
    with pytest.raises(InvalidInput):
        proposals.do_submit_proposal(pb.cycle, actor=pb.users["김민준"], **args, latitude=51.5, longitude=0.1)
    assert Proposal.objects.count() == before
    p = proposals.do_submit_proposal(pb.cycle, actor=pb.users["김민준"], **args, latitude=37.5, longitude=127.03)
    assert (p.number, p.status, p.proposer) == (5, "submitted", pb.users["김민준"])
    assert StatusEvent.objects.filter(proposal=p).count() == 1


def test_outsider_from_another_government_sees_nothing_and_changes_nothing():
    pb = build_pb(phase=PhaseKind.PROPOSAL)
    other = testing.government("1134000")
    outsider = testing.person(other, AccountType.RESIDENT, username="outsider")
    official = testing.official(other, Role.BUDGET_OFFICER, username="other-officer")
    before = (Proposal.objects.count(), Comment.objects.count(), AuditEvent.objects.count())
    with pytest.raises(NotFound):
        proposals.do_submit_proposal(pb.cycle, title="x", description="y", cost=1, actor=outsider)
    with pytest.raises(NotFound):
        comments.do_comment(pb.proposals[0], body="hi", actor=outsider)
    with pytest.raises(NotFound):
        review.do_start_review(pb.proposals[0], department=None, actor=official)
    with pytest.raises(NotFound):
        cycles.do_advance_phase(pb.cycle, actor=official)
    assert (Proposal.objects.count(), Comment.objects.count(), AuditEvent.objects.count()) == before


def test_review_and_shortlist_keep_every_reason_for_the_proposer():
    pb = build_pb(phase=PhaseKind.PROPOSAL)
    first, second = pb.proposals[:2]
    for p in pb.proposals:
        review.do_start_review(p, department=pb.department, actor=pb.manager)
    pb.advance(PhaseKind.DEPARTMENT_REVIEW)
    with pytest.raises(InvalidInput):
        review.do_review_proposal(second, feasible=False, reason=" ", actor=pb.reviewer)
    review.do_review_proposal(first, feasible=True, reason="가능", reviewed_cost=25_000_000, actor=pb.reviewer)
    review.do_review_proposal(second, feasible=False, reason="사유지라 불가", actor=pb.reviewer)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.reviewed_cost, first.ballot_cost) == ("feasible", 25_000_000, 25_000_000)
    assert (second.status, second.status_reason) == ("infeasible", "사유지라 불가")
    with pytest.raises(WrongStatus):
        review.do_review_proposal(second, feasible=True, reason="다시", actor=pb.reviewer)
    pb.advance(PhaseKind.COMMITTEE_REVIEW)
    with pytest.raises(WrongStatus):
        review.do_score_proposal(
            second, scores={"necessity": 1, "feasibility": 1, "benefit": 1, "cost": 1}, actor=pb.manager
        )
    review.do_score_proposal(
        first, scores={"necessity": 30, "feasibility": 20, "benefit": 20, "cost": 10}, actor=pb.manager
    )
    review.do_score_proposal(
        first, scores={"necessity": 20, "feasibility": 20, "benefit": 20, "cost": 10}, actor=pb.reviewer
    )
    with pytest.raises(InvalidInput):
        review.do_shortlist(first, shortlisted=False, reason="", actor=pb.manager)
    review.do_shortlist(first, shortlisted=True, actor=pb.manager)
    first.refresh_from_db()
    assert (first.status, first.committee_score) == ("shortlisted", 75)
    events = list(StatusEvent.objects.filter(proposal=second).values_list("to_status", "reason"))
    assert events == [("submitted", ""), ("under_review", ""), ("infeasible", "사유지라 불가")]
    assert audit_count("participation.proposal.review") == 2
    assert audit_count("participation.proposal.score") == 2


def test_photos_are_checked_by_content_and_limited():
    pb = build_pb(phase=PhaseKind.PROPOSAL)
    proposal = pb.proposals[0]
    owner = proposal.proposer
    photo = proposals.do_add_photo(
        proposal, upload=SimpleUploadedFile("a.png", png((40, 30))), actor=owner, caption="현장"
    )
    assert (photo.content_type, photo.width, photo.height) == ("image/png", 40, 30)
    before = ProposalPhoto.objects.count()
    with pytest.raises(InvalidInput):
        proposals.do_add_photo(proposal, upload=SimpleUploadedFile("b.jpg", b"<?php echo 1; ?>"), actor=owner)
    with pytest.raises(PermissionDenied):
        proposals.do_add_photo(proposal, upload=SimpleUploadedFile("c.png", png()), actor=pb.users["이서연"])
    assert ProposalPhoto.objects.count() == before
    photo.image.delete(save=False)


def test_withdraw_comment_and_question_with_its_answer_deadline(travel):
    pb = build_pb(phase=PhaseKind.PROPOSAL)
    proposal = pb.proposals[0]
    with pytest.raises(PermissionDenied):
        proposals.do_withdraw_proposal(proposal, actor=pb.users["이서연"])
    comments.do_comment(proposal, body="좋은 제안입니다", actor=pb.users["이서연"])
    comments.do_comment(proposal, body="검토하겠습니다", actor=pb.reviewer)
    with pytest.raises(InvalidInput):
        comments.do_comment(proposal, body=" ", actor=pb.users["이서연"])
    proposals.do_withdraw_proposal(proposal, actor=proposal.proposer, reason="중복")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.WITHDRAWN
    day = dt.date(2026, 9, 24)  # 추석 (25–27 Sep) and a weekend follow
    travel(day)
    question = questions.do_ask_question(
        pb.gov, title="일정", body="언제 결과가 나오나요?", cycle=pb.cycle, actor=pb.users["김민준"]
    )
    assert question.due_on == add_business_days(day, ANSWER_BUSINESS_DAYS)
    assert question.due_on > day + dt.timedelta(days=14)
    with pytest.raises(PermissionDenied):
        questions.do_answer_question(question, body="곧", actor=pb.users["이서연"])
    answer = questions.do_answer_question(question, body="12월에 발표합니다", actor=pb.reviewer)
    assert answer.department == pb.department
    with pytest.raises(Conflict):
        questions.do_answer_question(question, body="다시", actor=pb.reviewer)
    assert Question.objects.count() == 1
    assert audit_count("participation.question.answer") == 1
    assert Comment.objects.count() == 2
