"""The documented API of 주민e참여: reads for members only, proposals, votes with Idempotency-Key, paper ballots,
results with explanations, Q&A and the report."""

import json

import pytest
from django.test import Client

from lofin.core import testing
from lofin.core.actions import do_create_token
from lofin.core.roles import AccountType
from lofin.participation.actions import results as tally
from lofin.participation.models import Ballot, PhaseKind, Proposal, Question
from lofin.participation.testing import PEOPLE, build_pb

pytestmark = pytest.mark.django_db
GOV = "1133000"


def bearer(user):
    raw, _token = do_create_token(user, actor=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def post(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def test_cycles_and_proposals_are_read_by_members_only():
    pb = build_pb()
    kim = bearer(pb.users["김민준"])
    (cycle,) = kim.get(f"/api/v1/participation/{GOV}/cycles").json()
    assert (cycle["id"], cycle["phase"], cycle["ballot_kind"], cycle["eligible"]) == (
        pb.cycle.pk,
        "voting",
        "approval",
        ["resident", "student", "worker"],
    )
    detail = kim.get(f"/api/v1/participation/{GOV}/cycles/{pb.cycle.pk}").json()
    assert [p["kind"] for p in detail["phases"]] == list(PhaseKind.values)
    listed = kim.get(f"/api/v1/participation/{GOV}/cycles/{pb.cycle.pk}/proposals?status=on_ballot").json()
    assert [p["number"] for p in listed] == [1, 2, 3]
    rejected = pb.proposals[3]
    one = kim.get(f"/api/v1/participation/{GOV}/proposals/{rejected.pk}").json()
    assert (one["status"], one["status_reason"]) == ("rejected", "유사 사업 진행 중")
    assert [e["to_status"] for e in one["events"]] == ["submitted", "under_review", "feasible", "rejected"]
    outsider = bearer(testing.person(testing.government("1134000"), AccountType.RESIDENT, username="outsider"))
    for url in [
        f"/api/v1/participation/{GOV}/cycles",
        f"/api/v1/participation/{GOV}/cycles/{pb.cycle.pk}",
        f"/api/v1/participation/{GOV}/proposals/{rejected.pk}",
        f"/api/v1/participation/1134000/cycles/{pb.cycle.pk}",  # their own government, our cycle
        f"/api/v1/participation/1134000/proposals/{rejected.pk}",
    ]:
        assert outsider.get(url).status_code == 404, url
    assert kim.get(f"/api/v1/participation/{GOV}/cycles/99999999999999999999").status_code == 422


def test_vote_with_idempotency_key_and_refusals():
    pb = build_pb(ballot_kind="k_approval", max_choices=2)
    kim = bearer(pb.users["김민준"])
    url = f"/api/v1/participation/{GOV}/cycles/{pb.cycle.pk}/ballots"
    one, two, three = (p.pk for p in pb.proposals[:3])
    assert post(kim, url, {"approvals": [one]}).status_code == 422  # no key
    too_many = post(kim, url, {"approvals": [one, two, three]}, HTTP_IDEMPOTENCY_KEY="a")
    assert (too_many.status_code, too_many.json()["code"]) == (422, "invalid_ballot")
    first = post(kim, url, {"approvals": [one, two]}, HTTP_IDEMPOTENCY_KEY="b")
    assert first.status_code == 201 and first.json()["choices"] == [one, two]
    assert "id" not in first.json() and first.json()["receipt"]
    again = post(kim, url, {"approvals": [one, two]}, HTTP_IDEMPOTENCY_KEY="b")
    assert again.json() == {**first.json(), "receipt": None}  # the code is shown once
    twice = post(kim, url, {"approvals": [three]}, HTTP_IDEMPOTENCY_KEY="c")
    assert (twice.status_code, twice.json()["code"]) == (409, "already_voted")
    child = post(bearer(pb.users["최하은"]), url, {"approvals": [one]}, HTTP_IDEMPOTENCY_KEY="d")
    assert (child.status_code, child.json()["code"]) == (403, "not_eligible")
    assert Ballot.objects.count() == 1
    # Paper ballots are entered by officials; a resident may not.
    paper = f"/api/v1/participation/{GOV}/cycles/{pb.cycle.pk}/paper-ballots"
    body = {"name": PEOPLE[0].name, "birth_date": str(PEOPLE[0].birth_date), "sex_digit": "1", "approvals": [three]}
    assert post(kim, paper, body, HTTP_IDEMPOTENCY_KEY="e").status_code == 403
    entered = post(bearer(pb.clerk), paper, body, HTTP_IDEMPOTENCY_KEY="f")
    assert (entered.status_code, entered.json()["channel"]) == (201, "paper")
    assert Ballot.objects.count() == 1  # the paper ballot replaced the online one
    bad = post(bearer(pb.clerk), paper, {**body, "sex_digit": "9"}, HTTP_IDEMPOTENCY_KEY="g")
    assert bad.status_code == 422


def test_proposal_comment_question_and_report():
    pb = build_pb(phase=PhaseKind.PROPOSAL)
    lee = bearer(pb.users["이서연"])
    url = f"/api/v1/participation/{GOV}/cycles/{pb.cycle.pk}/proposals"
    late = post(lee, url, {"title": "그늘막", "description": "횡단보도 그늘막", "cost": 5_000_000})
    assert (late.status_code, late.json()["code"]) == (409, "wrong_phase")  # the proposal phase is over
    assert post(lee, url, {"title": "", "description": "x", "cost": 0}).status_code == 422
    proposal = pb.proposals[0]
    comment = post(lee, f"/api/v1/participation/{GOV}/proposals/{proposal.pk}/comments", {"body": "찬성합니다"})
    assert comment.status_code == 201
    asked = post(
        lee, f"/api/v1/participation/{GOV}/questions", {"title": "문의", "body": "언제?", "proposal_id": proposal.pk}
    )
    assert asked.status_code == 201 and asked.json()["answer"] is None
    question = Question.objects.get()
    answered = post(
        bearer(pb.reviewer), f"/api/v1/participation/{GOV}/questions/{question.pk}/answer", {"body": "12월"}
    )
    assert (answered.status_code, answered.json()["answer"]) == (201, "12월")
    listed = lee.get(f"/api/v1/participation/{GOV}/questions?cycle_id={pb.cycle.pk}").json()
    assert [q["title"] for q in listed] == ["문의"]
    (row,) = bearer(pb.manager).get(f"/api/v1/participation/{GOV}/report?year={pb.cycle.year}").json()
    assert (row["proposals"], row["ballots"], row["eligible"]) == (4, 0, 4)


def test_results_and_my_explanation():
    pb = build_pb(costs=(30_000_000, 40_000_000, 50_000_000), rule="mes+greedy")
    one, two, three = (p.pk for p in pb.proposals[:3])
    kim = bearer(pb.users["김민준"])
    url = f"/api/v1/participation/{GOV}/cycles/{pb.cycle.pk}"
    post(kim, url + "/ballots", {"approvals": [one, two]}, HTTP_IDEMPOTENCY_KEY="1")
    post(bearer(pb.users["이서연"]), url + "/ballots", {"approvals": [two, three]}, HTTP_IDEMPOTENCY_KEY="2")
    assert kim.get(url + "/results").status_code == 404
    pb.advance(PhaseKind.BUDGET_ADOPTION)
    (result,) = tally.do_compute_result(pb.cycle, actor=pb.manager)
    body = kim.get(url + "/results").json()
    assert body["results"][0]["winners"] == result.winners
    assert body["selected"] == sorted(Proposal.objects.filter(status="selected").values_list("pk", flat=True))
    assert set(body["results"][0]["explanation"]["projects"]) == {str(one), str(two), str(three)}
    (mine,) = kim.get(url + "/results/mine").json()
    assert mine["winners"] == result.winners
    assert bearer(pb.users["박지호"]).get(url + "/results/mine").status_code == 404  # did not vote
