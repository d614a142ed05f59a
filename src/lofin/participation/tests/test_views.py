"""The 주민e참여 screens: public reading without login, residents acting, officials deciding; outsiders get 404,
bad input is shown next to its field with nothing written, and a form sent twice writes once."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.html import escape
from openpyxl import Workbook
from PIL import Image

from lofin.budget.actions import setup as budget_setup
from lofin.budget.models import Project
from lofin.budget.testing import build_setup
from lofin.core import testing
from lofin.core.errors import KeyReused
from lofin.core.roles import AccountType, Role
from lofin.participation.models import (
    Ballot,
    BallotKind,
    CensusList,
    Comment,
    CommitteeScore,
    CycleStatus,
    DepartmentReview,
    Phase,
    PhaseKind,
    Proposal,
    ProposalPhoto,
    Question,
    RollEntry,
)
from lofin.participation.testing import PEOPLE, build_pb

pytestmark = pytest.mark.django_db
KEY = "retry-key-0001"


def key_reused_shown(response):
    """The page shows the refusal of a form key used again with other values."""
    return escape(str(KeyReused.default_message)) in response.content.decode()


def client_for(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_public_pages_need_no_login_and_drafts_stay_hidden():
    pb = build_pb()
    anon, g, c = Client(), pb.gov.code, pb.cycle.pk
    for url in [
        "/participation/",
        f"/participation/{g}/",
        f"/participation/{g}/{c}/",
        f"/participation/{g}/{c}/proposals/?q=제안&status=on_ballot",
        f"/participation/{g}/proposals/{pb.proposals[0].pk}/",
        f"/participation/{g}/{c}/results/",
        f"/participation/{g}/{c}/tracking/",
        f"/participation/{g}/questions/",
    ]:
        assert anon.get(url).status_code == 200, url
    page = anon.get(f"/participation/{g}/{c}/proposals/?status=rejected").content.decode()
    assert "제안 4" in page and "제안 1" not in page
    # The rejected proposal shows the committee's reason to everyone.
    rejected = pb.proposals[3]
    assert "유사 사업 진행 중" in anon.get(f"/participation/{g}/proposals/{rejected.pk}/").content.decode()
    pb.cycle.__class__.objects.filter(pk=c).update(status=CycleStatus.DRAFT)
    assert anon.get(f"/participation/{g}/{c}/").status_code == 404
    assert client_for(pb.manager).get(f"/participation/{g}/{c}/").status_code == 200
    assert anon.get("/participation/9999999/").status_code == 404


def test_acting_needs_a_login_and_outsiders_get_404():
    pb = build_pb()
    g, c = pb.gov.code, pb.cycle.pk
    assert Client().get(f"/participation/{g}/{c}/vote/").status_code == 302
    other = testing.government("1111000")
    outsider = testing.person(other, AccountType.RESIDENT, username="outsider")
    foreign_official = testing.official(other, Role.BUDGET_OFFICER, username="foreign-official")
    for user in (outsider, foreign_official):
        client = client_for(user)
        assert client.get(f"/participation/{g}/{c}/vote/").status_code == 404
        assert client.get(f"/participation/{g}/verify/").status_code == 404
        assert client.get(f"/g/{g}/participation/").status_code == 404
        assert client.get(f"/g/{g}/participation/{c}/paper/").status_code == 404
    # A resident of the government may read the officials' pages of nothing: the role is refused.
    kim = client_for(pb.users["김민준"])
    assert kim.get(f"/g/{g}/participation/new/").status_code in (403, 404)
    assert kim.get(f"/g/{g}/participation/{c}/paper/").status_code in (403, 404)


def test_vote_confirm_then_cast_once_with_the_retry_key():
    pb = build_pb()
    g, c = pb.gov.code, pb.cycle.pk
    kim = client_for(pb.users["김민준"])
    url = f"/participation/{g}/{c}/vote/"
    choice = {"idempotency_key": KEY, "approve": [pb.proposals[0].pk, pb.proposals[2].pk]}
    check = kim.post(url, choice)
    assert check.status_code == 200 and "confirm" in check.content.decode()
    assert not Ballot.objects.filter(cycle=pb.cycle).exists()
    first = kim.post(url, {**choice, "confirm": "1"})
    again = kim.post(url, {**choice, "confirm": "1"})
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert Ballot.objects.filter(cycle=pb.cycle).count() == 1
    receipt = kim.get(first["Location"]).content.decode()
    assert "제안 1" in receipt and "제안 3" in receipt
    # A new form (another key) is refused: one vote per person.
    refused = kim.post(url, {**choice, "idempotency_key": "retry-key-0002", "confirm": "1"})
    assert refused.status_code in (200, 400)
    assert Ballot.objects.filter(cycle=pb.cycle).count() == 1


def test_k_approval_over_the_limit_is_refused_next_to_the_ballot():
    pb = build_pb(ballot_kind=BallotKind.K_APPROVAL, max_choices=2)
    kim = client_for(pb.users["김민준"])
    ids = [p.pk for p in pb.proposals[:3]]
    response = kim.post(
        f"/participation/{pb.gov.code}/{pb.cycle.pk}/vote/", {"idempotency_key": KEY, "approve": ids, "confirm": "1"}
    )
    assert response.status_code == 400
    assert 'id="ballot-error"' in response.content.decode()
    assert not Ballot.objects.exists()


@pytest.mark.parametrize(
    ("kind", "extra", "fields"),
    [
        (BallotKind.KNAPSACK, {}, lambda ps: {"approve": [ps[0].pk, ps[2].pk]}),
        (BallotKind.CUMULATIVE, {"max_points": 5}, lambda ps: {f"points_{ps[0].pk}": "3", f"points_{ps[1].pk}": "2"}),
        (BallotKind.RANKED, {}, lambda ps: {"rank": [ps[2].pk, ps[0].pk]}),
    ],
)
def test_every_ballot_kind_is_cast_from_the_page(kind, extra, fields):
    pb = build_pb(ballot_kind=kind, **extra)
    kim = client_for(pb.users["김민준"])
    url = f"/participation/{pb.gov.code}/{pb.cycle.pk}/vote/"
    page = kim.get(url).content.decode()
    assert 'id="ballot-status"' in page
    done = kim.post(url, {"idempotency_key": KEY, "confirm": "1", **fields(pb.proposals)})
    assert done.status_code == 302, done.content.decode()[:500]
    ballot = Ballot.objects.get()
    if kind == BallotKind.RANKED:
        assert list(ballot.choices.order_by("rank").values_list("proposal_id", flat=True)) == [
            pb.proposals[2].pk,
            pb.proposals[0].pk,
        ]


def test_comment_bad_input_and_double_submission():
    pb = build_pb()
    proposal = pb.proposals[0]
    kim = client_for(pb.users["김민준"])
    url = f"/participation/{pb.gov.code}/proposals/{proposal.pk}/comment/"
    empty = kim.post(url, {"idempotency_key": KEY, "body": "  "})
    assert empty.status_code == 400 and "id_body_error1" in empty.content.decode()
    assert not Comment.objects.exists()
    for _ in range(2):
        assert kim.post(url, {"idempotency_key": "retry-key-0003", "body": "좋은 사업입니다"}).status_code == 302
    assert Comment.objects.filter(proposal=proposal).count() == 1


def test_propose_with_photo_checks_the_file_and_writes_nothing_when_refused():
    pb = build_pb(phase=PhaseKind.PROPOSAL)
    # Proposals are received while today is inside the proposal phase's dates.
    Phase.objects.filter(cycle=pb.cycle, kind=PhaseKind.PROPOSAL).update(
        starts_on=pb.today - dt.timedelta(days=1), ends_on=pb.today + dt.timedelta(days=1)
    )
    kim = client_for(pb.users["김민준"])
    url = f"/participation/{pb.gov.code}/{pb.cycle.pk}/propose/"
    count = Proposal.objects.count()
    fields = {"idempotency_key": KEY, "title": "놀이터 그늘막", "description": "여름 그늘", "cost": "12,000,000"}
    bad = kim.post(url, {**fields, "photos": SimpleUploadedFile("a.jpg", b"not an image", "image/jpeg")})
    assert bad.status_code == 200 and "id_photos_error1" in bad.content.decode()
    assert Proposal.objects.count() == count
    bad_cost = kim.post(url, {**fields, "idempotency_key": "retry-key-0004", "cost": "십만원"})
    assert "id_cost_error1" in bad_cost.content.decode()
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, "PNG")

    def photo():
        return SimpleUploadedFile("p.png", buffer.getvalue(), "image/png")

    done = kim.post(url, {**fields, "idempotency_key": "retry-key-0005", "photos": photo()})
    assert done.status_code == 302
    # The form sent again (the same photo) gets the first proposal; the same form without its photo is another
    # request, refused on the page.
    again = kim.post(url, {**fields, "idempotency_key": "retry-key-0005", "photos": photo()})
    assert again.status_code == 302 and again["Location"] == done["Location"]
    other = kim.post(url, {**fields, "idempotency_key": "retry-key-0005"})
    assert other.status_code == 200 and key_reused_shown(other)
    assert Proposal.objects.count() == count + 1
    assert ProposalPhoto.objects.count() == 1


def test_verification_bad_phone_is_shown_next_to_the_field():
    pb = build_pb()
    newcomer = testing.person(pb.gov, AccountType.RESIDENT, username="newcomer")
    response = client_for(newcomer).post(
        f"/participation/{pb.gov.code}/verify/",
        {
            "step": "start",
            "idempotency_key": KEY,
            "name": PEOPLE[4].name,
            "birth_date": PEOPLE[4].birth_date.isoformat(),
            "sex_digit": PEOPLE[4].sex,
            "carrier": "SKT",
            "phone": "02-123",
        },
    )
    assert response.status_code == 200 and "id_phone_error1" in response.content.decode()


def test_official_review_needs_a_reason_and_questions_get_answers():
    pb = build_pb(phase=PhaseKind.PROPOSAL)
    g = pb.gov.code
    manager = client_for(pb.manager)
    p = pb.proposals[0]
    url = f"/g/{g}/participation/proposals/{p.pk}/"
    assert (
        manager.post(url, {"step": "start", "idempotency_key": KEY, "department": pb.department.pk}).status_code == 302
    )
    pb.advance(PhaseKind.DEPARTMENT_REVIEW)
    reviewer = client_for(pb.reviewer)
    refused = reviewer.post(url, {"step": "review", "idempotency_key": "retry-key-0006", "feasible": "1", "reason": ""})
    assert refused.status_code == 400 and "id_reason_error1" in refused.content.decode()
    assert not DepartmentReview.objects.exists()
    ok = {"step": "review", "idempotency_key": "retry-key-0007", "feasible": "0", "reason": "부지가 사유지입니다"}
    assert reviewer.post(url, ok).status_code == 302
    assert reviewer.post(url, ok).status_code == 302
    assert DepartmentReview.objects.count() == 1
    public = Client().get(f"/participation/{g}/proposals/{p.pk}/").content.decode()
    assert "부지가 사유지입니다" in public
    kim = client_for(pb.users["김민준"])
    asked = kim.post(f"/participation/{g}/questions/ask/", {"idempotency_key": KEY, "title": "언제?", "body": "일정"})
    assert asked.status_code == 302
    question = Question.objects.get()
    answer_url = f"/g/{g}/participation/questions/{question.pk}/answer/"
    assert reviewer.post(answer_url, {"idempotency_key": KEY, "body": "다음 달입니다"}).status_code == 302
    assert "다음 달입니다" in Client().get(f"/participation/{g}/questions/").content.decode()


def test_paper_ballot_replaces_online_and_says_so_then_count_and_override():
    pb = build_pb()
    g, c = pb.gov.code, pb.cycle.pk
    kim = client_for(pb.users["김민준"])
    kim.post(f"/participation/{g}/{c}/vote/", {"idempotency_key": KEY, "approve": [pb.proposals[0].pk], "confirm": "1"})
    clerk = client_for(pb.clerk)
    person = PEOPLE[0]
    form = {
        "idempotency_key": "retry-key-0008",
        "channel": "paper",
        "name": person.name,
        "birth_date": person.birth_date.strftime("%y%m%d"),
        "sex_digit": person.sex,
        "choices": "2 3",
    }
    bad_day = clerk.post(f"/g/{g}/participation/{c}/paper/", {**form, "birth_date": "801399"})
    assert bad_day.status_code == 400 and "id_birth_date_error1" in bad_day.content.decode()
    bad = clerk.post(f"/g/{g}/participation/{c}/paper/", {**form, "choices": "9"})
    assert bad.status_code == 400 and "id_choices_error1" in bad.content.decode()
    done = clerk.post(f"/g/{g}/participation/{c}/paper/", form, follow=True)
    assert "replaced" in done.content.decode() or "대체" in done.content.decode()
    # One ballot (the paper one); the roll keeps the replaced online vote, inactive.
    assert Ballot.objects.filter(cycle=pb.cycle).count() == 1
    assert RollEntry.objects.filter(cycle=pb.cycle, is_active=False).count() == 1
    pb.advance(PhaseKind.BUDGET_ADOPTION)
    manager = client_for(pb.manager)
    assert manager.post(f"/g/{g}/participation/{c}/count/", {"idempotency_key": KEY}).status_code == 302
    results = Client().get(f"/participation/{g}/{c}/results/").content.decode()
    assert "pb-explain" in results
    not_selected = Proposal.objects.filter(cycle=pb.cycle, status="not_selected").first()
    if not_selected is not None:
        url = f"/g/{g}/participation/{c}/override/"
        empty = manager.post(url, {"idempotency_key": KEY, "proposal": not_selected.pk, "action": "add", "reason": ""})
        assert empty.status_code == 400
        ok = {"idempotency_key": "retry-key-0009", "proposal": not_selected.pk, "action": "add", "reason": "안전 시급"}
        assert manager.post(url, ok).status_code == 302
        assert "안전 시급" in Client().get(f"/participation/{g}/{c}/results/").content.decode()
    my = kim.get(f"/participation/{g}/{c}/my-vote/").content.decode()
    assert "paper" in my or "종이" in my or "pb-explain" in my


def test_report_and_election_downloads_for_officials():
    pb = build_pb()
    manager = client_for(pb.manager)
    xlsx = manager.get(f"/g/{pb.gov.code}/participation/report.xlsx?year={pb.cycle.year}")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    election = f"/g/{pb.gov.code}/participation/{pb.cycle.pk}/election.pb"
    assert manager.get(election).status_code == 409  # sealed until the count
    client_for(pb.users["김민준"]).post(
        f"/participation/{pb.gov.code}/{pb.cycle.pk}/vote/",
        {"idempotency_key": KEY, "approve": [pb.proposals[0].pk], "confirm": "1"},
    )
    pb.advance(PhaseKind.BUDGET_ADOPTION)
    assert (
        manager.post(f"/g/{pb.gov.code}/participation/{pb.cycle.pk}/count/", {"idempotency_key": KEY}).status_code
        == 302
    )
    counted = manager.get(election)
    assert counted.status_code == 200 and b"META" in counted.content


def test_adopt_into_the_budget_start_execution_and_close():
    pb = build_pb(costs=(30_000_000, 40_000_000, 50_000_000))
    g, c = pb.gov.code, pb.cycle.pk
    two = pb.proposals[1]
    client_for(pb.users["김민준"]).post(
        f"/participation/{g}/{c}/vote/", {"idempotency_key": KEY, "approve": [two.pk], "confirm": "1"}
    )
    pb.advance(PhaseKind.BUDGET_ADOPTION)
    manager = client_for(pb.manager)
    manager.post(f"/g/{g}/participation/{c}/count/", {"idempotency_key": KEY})
    setup = build_setup(g, year=pb.cycle.year)
    version = budget_setup.do_open_original(pb.gov, year=pb.cycle.year, actor=setup.officer)
    unit = Project.objects.get(government=pb.gov, year=pb.cycle.year, code="U110")
    url = f"/g/{g}/participation/{c}/adopt/"
    assert manager.get(url).status_code == 200
    refused = manager.post(url, {"idempotency_key": KEY, "version": version.pk, "parent": "", "object_code": "401-01"})
    assert refused.status_code == 400 and "id_parent_error1" in refused.content.decode()
    form = {"idempotency_key": "retry-key-0010", "version": version.pk, "parent": unit.pk, "object_code": "401-01"}
    assert manager.post(url, form).status_code == 302
    assert manager.post(url, form).status_code == 302  # the same form again: adopted once
    adopted = set(Proposal.objects.filter(cycle=pb.cycle, status="adopted").values_list("pk", flat=True))
    assert two.pk in adopted
    assert not Proposal.objects.filter(cycle=pb.cycle, status="selected").exists()
    tracking = Client().get(f"/participation/{g}/{c}/tracking/").content.decode()
    assert f"PB{c}-002" in tracking
    pb.advance(PhaseKind.IMPLEMENTATION)
    progress = f"/g/{g}/participation/{c}/progress/"
    assert manager.post(progress, {"idempotency_key": "retry-key-0011", "do": "execution"}).status_code == 302
    assert manager.post(progress, {"idempotency_key": "retry-key-0012", "do": "finish"}).status_code == 302
    pb.cycle.refresh_from_db()
    assert pb.cycle.status == CycleStatus.FINISHED
    # Outsiders and residents cannot adopt.
    assert client_for(pb.users["김민준"]).get(url).status_code in (403, 404)


def test_resident_list_upload_csv_and_xlsx_with_line_errors():
    pb = build_pb()
    manager = client_for(pb.manager)
    url = f"/g/{pb.gov.code}/participation/resident-list/"
    before = CensusList.objects.count()
    bad = "성명,생년월일,성별번호\n홍길동,1990-01-02,1\n김철수,날짜아님,1\n".encode()
    refused = manager.post(
        url, {"idempotency_key": KEY, "name": "명부", "file": SimpleUploadedFile("list.csv", bad, "text/csv")}
    )
    assert refused.status_code == 400 and "id_file_error1" in refused.content.decode()
    assert "3" in refused.content.decode()  # the line number of the bad row
    assert CensusList.objects.count() == before
    book = Workbook()
    book.active.append(["성명", "생년월일", "성별번호", "구분"])
    book.active.append(["홍길동", dt.date(1990, 1, 2), 1, "주민"])
    book.active.append(["이영희", "1985-05-05", "2", "직장인"])
    data = io.BytesIO()
    book.save(data)
    upload = SimpleUploadedFile("list.xlsx", data.getvalue(), "application/octet-stream")
    done = manager.post(url, {"idempotency_key": "retry-key-0013", "name": "2027 명부", "file": upload})
    assert done.status_code == 302
    current = CensusList.objects.get(government=pb.gov, is_current=True)
    assert (current.name, current.row_count) == ("2027 명부", 2)


def test_cycle_setup_refusals_stand_next_to_their_fields():
    pb = build_pb()
    manager = client_for(pb.manager)
    url = f"/g/{pb.gov.code}/participation/new/"
    today = pb.today
    form = {
        "idempotency_key": KEY,
        "year": today.year + 2,
        "title": "새 공모",
        "total_amount": "500,000,000",
        "ballot_kind": "k_approval",
        "rule": "mes",
        "min_choices": "1",
        "min_age": "14",
        "allow_residents": "on",
        "districts": "D1, 역삼1동, district, 100000000\nT1, 복지, theme",
    }
    for i, kind in enumerate(PhaseKind):
        form[f"{kind.value}_start"] = (today + dt.timedelta(days=30 * i)).isoformat()
        form[f"{kind.value}_end"] = (today + dt.timedelta(days=30 * i + 20)).isoformat()
    count = pb.cycle.__class__.objects.count()
    missing_k = manager.post(url, form)
    assert missing_k.status_code == 400 and "id_max_choices_error1" in missing_k.content.decode()
    bad_district = manager.post(url, {**form, "max_choices": "3", "districts": "D1"})
    assert "id_districts_error1" in bad_district.content.decode()
    assert pb.cycle.__class__.objects.count() == count
    done = manager.post(url, {**form, "max_choices": "3", "idempotency_key": "retry-key-0014"})
    assert done.status_code == 302
    again = manager.post(url, {**form, "max_choices": "3", "idempotency_key": "retry-key-0014"})
    assert again["Location"] == done["Location"]
    assert pb.cycle.__class__.objects.count() == count + 1


def test_committee_scores_and_shortlist_from_the_page():
    pb = build_pb(phase=PhaseKind.DEPARTMENT_REVIEW)
    pb.advance(PhaseKind.COMMITTEE_REVIEW)
    p = pb.proposals[0]
    url = f"/g/{pb.gov.code}/participation/proposals/{p.pk}/"
    reviewer = client_for(pb.reviewer)
    scores = {"score_necessity": "25", "score_feasibility": "20", "score_benefit": "20", "score_cost": "10"}
    over = reviewer.post(url, {"step": "score", "idempotency_key": KEY, **scores, "score_cost": "99"})
    assert over.status_code == 400 and "id_score_cost_error1" in over.content.decode()
    assert reviewer.post(url, {"step": "score", "idempotency_key": "retry-key-0015", **scores}).status_code == 302
    assert CommitteeScore.objects.get(proposal=p).total == 75
    manager = client_for(pb.manager)
    decision = {"step": "shortlist", "idempotency_key": "retry-key-0016", "shortlisted": "0", "reason": "예산 초과"}
    assert manager.post(url, decision).status_code == 302
    p.refresh_from_db()
    assert (p.status, p.status_reason, p.committee_score) == ("rejected", "예산 초과", 75)
    assert "예산 초과" in Client().get(f"/participation/{pb.gov.code}/proposals/{p.pk}/").content.decode()


def test_phase_dates_are_changed_in_order_only():
    pb = build_pb()
    manager = client_for(pb.manager)
    url = f"/g/{pb.gov.code}/participation/{pb.cycle.pk}/phases/"
    page = manager.get(url)
    assert page.status_code == 200
    form = {"idempotency_key": KEY}
    for phase in Phase.objects.filter(cycle=pb.cycle):
        form[f"{phase.kind}_start"], form[f"{phase.kind}_end"] = phase.starts_on.isoformat(), phase.ends_on.isoformat()
    voting_end = Phase.objects.get(cycle=pb.cycle, kind=PhaseKind.VOTING).ends_on
    backwards = {**form, "voting_end": (voting_end - dt.timedelta(days=30)).isoformat()}
    refused = manager.post(url, backwards)
    assert refused.status_code == 400
    assert Phase.objects.get(cycle=pb.cycle, kind=PhaseKind.VOTING).ends_on == voting_end
    longer = {
        **form,
        "idempotency_key": "retry-key-0018",
        "voting_end": (voting_end + dt.timedelta(days=3)).isoformat(),
    }
    assert manager.post(url, longer).status_code == 302
    assert Phase.objects.get(cycle=pb.cycle, kind=PhaseKind.VOTING).ends_on == voting_end + dt.timedelta(days=3)
    assert client_for(pb.users["김민준"]).get(url).status_code in (403, 404)
