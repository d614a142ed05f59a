"""The officials' steps through the API — review, scores, shortlist, phases, count, override, adoption, execution —
with the pages' permission checks, typed refusals as 4xx, 404 for another government, and the followers told of
each decision. Following through the API."""

import json

import pytest
from django.test import Client

from lofin.budget.actions import setup as budget_setup
from lofin.budget.models import Project
from lofin.budget.testing import build_setup
from lofin.core import testing
from lofin.core.actions import do_create_token
from lofin.core.models import AuditEvent, Notification
from lofin.core.roles import Role
from lofin.execution.models import BudgetLine
from lofin.participation.actions import ballots as va
from lofin.participation.actions.follows import STATUS_EVENT
from lofin.participation.models import PhaseKind, Proposal
from lofin.participation.testing import build_pb

pytestmark = pytest.mark.django_db
GOV = "1133000"
SCORES = {"necessity": 20, "feasibility": 20, "benefit": 20, "cost": 10}


def bearer(user):
    raw, _token = do_create_token(user, actor=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def status_of(proposal):
    return Proposal.objects.get(pk=proposal.pk).status


def test_officials_run_a_cycle_through_the_api_and_followers_are_told():
    pb = build_pb(phase=PhaseKind.PROPOSAL, costs=(60_000_000, 50_000_000, 20_000_000))
    one, two, three = pb.proposals  # by 김민준, 이서연, 박지호
    kim, lee = pb.users["김민준"], pb.users["이서연"]
    lee.preferred_language = "en"
    lee.save(update_fields=["preferred_language"])
    manager, reviewer, resident = bearer(pb.manager), bearer(pb.reviewer), bearer(kim)
    base = f"/api/v1/participation/{GOV}"
    cyc = f"{base}/cycles/{pb.cycle.pk}"

    refused = post(resident, f"{base}/proposals/{one.pk}/review/start")
    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")
    assert post(manager, f"{base}/proposals/{one.pk}/review/start", {"department_id": 10**12}).status_code == 422
    for p in pb.proposals:
        r = post(manager, f"{base}/proposals/{p.pk}/review/start", {"department_id": pb.department.pk})
        assert (r.status_code, r.json()["status"], r.json()["department"]) == (200, "under_review", "도시디자인과")
    early = post(reviewer, f"{base}/proposals/{one.pk}/review", {"feasible": True, "reason": "가능"})
    assert (early.status_code, early.json()["code"]) == (409, "wrong_phase")
    skip = post(manager, f"{cyc}/advance", {"to": "voting"})
    assert (skip.status_code, skip.json()["code"]) == (409, "wrong_phase")
    english = manager.post(f"{cyc}/advance", '{"to": "voting"}', "application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["message"].startswith("The next phase is department review")
    assert english.json()["message"] != skip.json()["message"]  # Korean by default
    assert post(manager, f"{cyc}/advance").json()["phase"] == "department_review"
    no_reason = post(reviewer, f"{base}/proposals/{one.pk}/review", {"feasible": True, "reason": " "})
    assert (no_reason.status_code, no_reason.json()["detail"]["field"]) == (422, "reason")
    for p in pb.proposals:
        r = post(
            reviewer, f"{base}/proposals/{p.pk}/review", {"feasible": True, "reason": "가능", "reviewed_cost": p.cost}
        )
        assert (r.status_code, r.json()["status"]) == (200, "feasible")
    assert post(manager, f"{cyc}/advance").json()["phase"] == "committee_review"
    bad = post(manager, f"{base}/proposals/{one.pk}/scores", {"scores": {**SCORES, "necessity": 99}})
    assert bad.status_code == 422
    for p in pb.proposals:
        r = post(manager, f"{base}/proposals/{p.pk}/scores", {"scores": SCORES, "comment": "양호"})
        assert (r.status_code, r.json()["total"]) == (201, 70)
    assert post(manager, f"{base}/proposals/{three.pk}/shortlist", {"shortlisted": False}).status_code == 422
    r = post(manager, f"{base}/proposals/{three.pk}/shortlist", {"shortlisted": False, "reason": "유사 사업"})
    assert (r.json()["status"], r.json()["status_reason"]) == ("rejected", "유사 사업")
    for p in (one, two):
        assert post(manager, f"{base}/proposals/{p.pk}/shortlist", {"shortlisted": True}).json()["status"] == (
            "shortlisted"
        )
    assert post(manager, f"{cyc}/advance").json()["phase"] == "voting"
    # 60 M with two votes wins; 50 M with one does not fit in the 100 M left.
    va.do_cast_ballot(pb.cycle, approvals=[one.pk, two.pk], actor=kim)
    va.do_cast_ballot(pb.cycle, approvals=[one.pk], actor=lee)
    assert post(manager, f"{cyc}/results/compute").status_code == 409  # still voting
    assert post(manager, f"{cyc}/advance").json()["phase"] == "budget_adoption"
    counted = post(manager, f"{cyc}/results/compute")
    assert (counted.status_code, counted.json()["selected"]) == (200, [one.pk])

    # Another government's budget officer: 404 for every step, under either government's code.
    other = testing.government("1134000")
    stranger = bearer(testing.official(other, Role.BUDGET_OFFICER, username="other-officer"))
    for code in (GOV, "1134000"):
        for url, body in [
            (
                f"/api/v1/participation/{code}/cycles/{pb.cycle.pk}/overrides",
                {"proposal_id": two.pk, "action": "add", "reason": "x"},
            ),
            (f"/api/v1/participation/{code}/cycles/{pb.cycle.pk}/advance", {}),
            (f"/api/v1/participation/{code}/cycles/{pb.cycle.pk}/results/compute", {}),
            (f"/api/v1/participation/{code}/proposals/{two.pk}/shortlist", {"shortlisted": True}),
            (f"/api/v1/participation/{code}/proposals/{two.pk}/link", {"project_id": 1, "amount": 1}),
        ]:
            assert post(stranger, url, body).status_code == 404, url
    no_why = post(manager, f"{cyc}/overrides", {"proposal_id": two.pk, "action": "add", "reason": " "})
    assert (no_why.status_code, no_why.json()["detail"]["field"]) == (422, "reason")
    added = post(manager, f"{cyc}/overrides", {"proposal_id": two.pk, "action": "add", "reason": "안전 시급"})
    assert (added.status_code, added.json()["action"]) == (201, "add")
    assert status_of(two) == "selected"

    setup = build_setup(GOV, year=pb.cycle.year)
    version = budget_setup.do_open_original(pb.gov, year=pb.cycle.year, actor=setup.officer)
    unit = Project.objects.get(government=pb.gov, year=pb.cycle.year, code="U110")
    linked = post(manager, f"{base}/proposals/{two.pk}/link", {"project_id": setup.senior.pk, "amount": 50_000_000})
    assert (linked.status_code, linked.json()["status"]) == (200, "adopted")
    wrong_parent = post(
        manager, f"{cyc}/adopt", {"version_id": version.pk, "parent_id": setup.senior.pk, "object_code": "401-01"}
    )
    assert wrong_parent.status_code == 422
    adopted = post(manager, f"{cyc}/adopt", {"version_id": version.pk, "parent_id": unit.pk, "object_code": "401-01"})
    assert [p["id"] for p in adopted.json()] == [one.pk]
    assert post(manager, f"{cyc}/execution/start").status_code == 409  # not yet in implementation
    assert post(manager, f"{cyc}/advance").json()["phase"] == "implementation"
    BudgetLine.objects.create(
        government=pb.gov,
        year=pb.cycle.year,
        account=setup.general,
        project=Proposal.objects.get(pk=one.pk).budget_project,
        object_code="401-01",
        budget_amount=60_000_000,
        appropriation=60_000_000,
        allocated=60_000_000,
        committed=10_000_000,
    )
    started = post(manager, f"{cyc}/execution/start")
    assert [(p["id"], p["status"]) for p in started.json()] == [(one.pk, "in_execution")]

    # Each decision reached the proposer, with its reason, in their language.
    his = Notification.objects.filter(recipient=kim, event=STATUS_EVENT).order_by("id")
    assert his.count() == 7  # under review, feasible, shortlisted, on the ballot, selected, adopted, in execution
    hers = [n.body for n in Notification.objects.filter(recipient=lee, event=STATUS_EVENT).order_by("id")]
    assert [b.split(" is now: ")[1].split(".")[0] for b in hers] == [
        "under department review",
        "feasible",
        "shortlisted",
        "on the ballot",
        "not selected",
        "selected",
        "adopted into the budget",
    ]
    assert "of 100" not in hers[2]  # the committee's score is not public, so it is not sent either
    assert "Reason: 안전 시급" in hers[5]
    assert "Amount in the budget: 50,000,000 won." in hers[6]
    assert AuditEvent.objects.filter(action="participation.result.override").count() == 1


def test_follow_through_the_api():
    pb = build_pb(phase=PhaseKind.PROPOSAL)
    first = pb.proposals[0]
    han = bearer(pb.users["한지민"])
    url = f"/api/v1/participation/{GOV}/proposals/{first.pk}/follow"
    assert han.put(url).json() == {"proposal_id": first.pk, "following": True}
    (row,) = han.get(f"/api/v1/participation/{GOV}/follows").json()
    assert (row["proposal_id"], row["status"]) == (first.pk, "submitted")
    assert han.delete(url).json()["following"] is False
    assert han.get(f"/api/v1/participation/{GOV}/follows").json() == []
    assert bearer(pb.manager).put(url).status_code == 403
    outsider = bearer(testing.person(testing.government("1134000"), username="outsider"))
    assert outsider.put(url).status_code == 404
    assert outsider.put(f"/api/v1/participation/1134000/proposals/{first.pk}/follow").status_code == 404
