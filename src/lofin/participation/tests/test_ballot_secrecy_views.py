"""The ballot is secret on every screen and in the API: residents (verified or not) cannot open the officials'
pages; nobody — resident, unverified resident, official, manager, the public — downloads the ballots or reads a
count before the count; officials see the turnout by channel while the vote is open; the voter's receipt is a
random code shown once, checked on the results page; no page, answer or message shows a ballot's id."""

import json
import re

import pytest
from django.test import Client

from lofin.core import testing
from lofin.core.actions import do_create_token
from lofin.core.roles import AccountType
from lofin.participation.models import Ballot, PhaseKind
from lofin.participation.testing import PEOPLE, build_pb

pytestmark = pytest.mark.django_db
KEY = "retry-key-0001"


def client_for(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_residents_verified_or_not_are_refused_the_officials_pages():
    pb = build_pb()
    g, c = pb.gov.code, pb.cycle.pk
    fresh = testing.person(pb.gov, AccountType.RESIDENT, username="just-signed-up")
    for user in (pb.users["김민준"], fresh):
        client = client_for(user)
        for url in [
            f"/g/{g}/participation/",
            f"/g/{g}/participation/{c}/",
            f"/g/{g}/participation/{c}/election.pb",
            f"/g/{g}/participation/report.xlsx",
            f"/g/{g}/participation/proposals/{pb.proposals[0].pk}/",
        ]:
            assert client.get(url).status_code == 403, (user.username, url)


def test_nobody_downloads_the_ballots_or_reads_a_count_before_the_count():
    pb = build_pb()
    g, c = pb.gov.code, pb.cycle.pk
    kim = client_for(pb.users["김민준"])
    kim.post(f"/participation/{g}/{c}/vote/", {"idempotency_key": KEY, "approve": [pb.proposals[0].pk], "confirm": "1"})
    fresh = testing.person(pb.gov, AccountType.RESIDENT, username="just-signed-up")
    pb_url = f"/g/{g}/participation/{c}/election.pb"
    api = f"/api/v1/participation/{g}/cycles/{c}"
    for who in (pb.users["김민준"], fresh, pb.clerk, pb.manager, None):
        client = client_for(who)
        download = client.get(pb_url)
        assert download.status_code in (302, 403, 409), who
        assert b"VOTES" not in download.content
        for url in (api + "/results", api + "/results/mine"):
            assert client.get(url).status_code in (401, 403, 404, 409), (who, url)
    # The manager is told why, in Korean by default.
    sealed = client_for(pb.manager).get(pb_url)
    assert sealed.status_code == 409
    assert "개표" in sealed.content.decode()
    # Officials see how many voted, by channel; never a tally per project.
    page = client_for(pb.manager).get(f"/g/{g}/participation/{c}/").content.decode()
    assert "1" in page and "pb-turnout" in page
    assert "pb-votes" not in page


def test_the_receipt_is_shown_once_and_checked_on_the_results_page():
    pb = build_pb()
    g, c = pb.gov.code, pb.cycle.pk
    kim = client_for(pb.users["김민준"])
    cast = kim.post(
        f"/participation/{g}/{c}/vote/", {"idempotency_key": KEY, "approve": [pb.proposals[0].pk], "confirm": "1"}
    )
    assert cast.status_code == 302
    assert "receipt" not in cast["Location"]  # never in an address (logs, history)
    ballot = Ballot.objects.get()
    first = kim.get(cast["Location"]).content.decode()
    code = re.search(r'id="receipt-code">([A-Z0-9-]+)<', first).group(1)
    assert str(ballot.pk) not in first
    assert code not in kim.get(f"/participation/{g}/{c}/my-vote/").content.decode()  # shown once
    results = f"/participation/{g}/{c}/results/"
    early = Client().post(results, {"receipt": code})
    assert early.status_code == 200 and "pb-receipt-counted" not in early.content.decode()
    pb.advance(PhaseKind.BUDGET_ADOPTION)
    assert client_for(pb.manager).post(f"/g/{g}/participation/{c}/count/", {"idempotency_key": KEY}).status_code == 302
    checked = Client().post(results, {"receipt": code}).content.decode()
    assert "pb-receipt-counted" in checked and pb.proposals[0].title in checked
    wrong = Client().post(results, {"receipt": str(ballot.pk)}).content.decode()
    assert "pb-receipt-counted" not in wrong and "pb-receipt-unknown" in wrong


def test_no_page_or_answer_shows_a_ballot_id():
    pb = build_pb()
    g, c = pb.gov.code, pb.cycle.pk
    raw, _token = do_create_token(pb.users["김민준"], actor=pb.users["김민준"])
    answer = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").post(
        f"/api/v1/participation/{g}/cycles/{c}/ballots",
        json.dumps({"approvals": [pb.proposals[0].pk]}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="api-1",
    )
    kim = client_for(pb.users["김민준"])
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert "id" not in body and body["receipt"]
    person = PEOPLE[4]
    clerk = client_for(pb.clerk)
    entered = clerk.post(
        f"/g/{g}/participation/{c}/paper/",
        {
            "idempotency_key": "retry-key-0002",
            "channel": "paper",
            "name": person.name,
            "birth_date": person.birth_date.strftime("%y%m%d"),
            "sex_digit": person.sex,
            "choices": "2",
        },
        follow=True,
    ).content.decode()
    audit = client_for(pb.manager).get(f"/g/{g}/audit/")
    assert audit.status_code == 200
    pages = [entered, kim.get(f"/participation/{g}/{c}/my-vote/").content.decode(), audit.content.decode()]
    for pk in Ballot.objects.values_list("pk", flat=True):
        assert not any(str(pk) in page for page in pages)


def test_a_double_click_on_vote_still_shows_the_receipt_code_once():
    pb = build_pb()
    g, c = pb.gov.code, pb.cycle.pk
    kim = client_for(pb.users["김민준"])
    form = {"idempotency_key": KEY, "approve": [pb.proposals[0].pk], "confirm": "1"}
    first, second = kim.post(f"/participation/{g}/{c}/vote/", form), kim.post(f"/participation/{g}/{c}/vote/", form)
    assert first.status_code == second.status_code == 302
    assert Ballot.objects.count() == 1
    assert 'id="receipt-code"' in kim.get(second["Location"]).content.decode()
    assert 'id="receipt-code"' not in kim.get(second["Location"]).content.decode()
