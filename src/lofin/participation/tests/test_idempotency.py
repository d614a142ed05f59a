"""A retry is answered with the first result, and the same key with another request is refused, writing nothing:
every write of the API that takes an Idempotency-Key, and every screen whose form carries a retry key."""

import datetime as dt
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.html import escape
from PIL import Image

from lofin.budget.actions import setup as budget_setup
from lofin.budget.models import ExpenditureLine, Project
from lofin.budget.testing import build_setup
from lofin.core.actions import do_create_token
from lofin.core.errors import KeyReused
from lofin.core.models import AuditEvent
from lofin.participation.actions import ballots, questions, review
from lofin.participation.actions import results as tally
from lofin.participation.models import (
    Answer,
    Ballot,
    BallotChoice,
    CensusList,
    Comment,
    CommitteeScore,
    Cycle,
    DepartmentReview,
    Override,
    Phase,
    PhaseKind,
    Proposal,
    Question,
    RollEntry,
)
from lofin.participation.rules.residents import census_rows
from lofin.participation.testing import PEOPLE, build_pb

pytestmark = pytest.mark.django_db
GOV = "1133000"


def bearer(user):
    raw, _token = do_create_token(user, actor=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def written(*models):
    return (*(m.objects.count() for m in models), AuditEvent.objects.count())


# --- the API ------------------------------------------------------------------------------------------------

PAPER = {"name": PEOPLE[4].name, "birth_date": str(PEOPLE[4].birth_date), "sex_digit": PEOPLE[4].sex}
API = {
    # endpoint: (who sends it, the body, one value changed)
    "ballots: other choices": ("김민준", "ballots", {"approvals": [1]}, {"approvals": [2]}),
    "ballots: other points": ("김민준", "ballots", {"points": {1: 3, 2: 2}}, {"points": {1: 2, 2: 3}}),
    "ballots: other order": ("김민준", "ballots", {"approvals": [1, 2]}, {"approvals": [2, 1]}),
    "paper-ballots: other choices": ("clerk", "paper-ballots", {**PAPER, "approvals": [1]}, {"approvals": [3]}),
    "paper-ballots: other voter": ("clerk", "paper-ballots", {**PAPER, "approvals": [1]}, {"name": PEOPLE[0].name}),
    "paper-ballots: other channel": ("clerk", "paper-ballots", {**PAPER, "approvals": [1]}, {"channel": "in_person"}),
}


def _ids(pb, body):
    """Proposal numbers in a body → the proposals' ids (keys of a JSON object are text)."""
    numbers = {p.number: p.pk for p in pb.proposals}
    out = dict(body)
    if "approvals" in body:
        out["approvals"] = [numbers[n] for n in body["approvals"]]
    if "points" in body:
        out["points"] = {str(numbers[n]): v for n, v in body["points"].items()}
    return out


@pytest.mark.parametrize("case", list(API))
def test_a_keyed_api_write_replays_its_first_result_and_refuses_the_key_with_another_request(case):
    sender, endpoint, body, change = API[case]
    pb = build_pb(ballot_kind="cumulative", max_points=5) if "points" in body else build_pb()
    client = bearer(pb.clerk if sender == "clerk" else pb.users[sender])
    url = f"/api/v1/participation/{GOV}/cycles/{pb.cycle.pk}/{endpoint}"
    body = _ids(pb, body)

    def send(payload):
        return client.post(url, json.dumps(payload), content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")

    first = send(body)
    assert first.status_code == 201, first.content
    before = written(Ballot, BallotChoice, RollEntry)
    again = send(body)
    # The first answer again, but the receipt code is shown once (the first time).
    assert (again.status_code, again.json()) == (201, {**first.json(), "receipt": None})
    refused = send({**body, **_ids(pb, change)})
    assert (refused.status_code, refused.json()["code"]) == (409, "idempotency_key_reused")
    assert written(Ballot, BallotChoice, RollEntry) == before


# --- the screens --------------------------------------------------------------------------------------------


@dataclass
class Screen:
    """A form on a page: who sends it where, its fields, one of them changed, and what it writes."""

    user: object
    url: str
    fields: dict
    change: dict
    models: tuple
    files: Callable[[], dict] = field(default=lambda: {})


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, "PNG")
    return buffer.getvalue()


def _proposal_phase():
    pb = build_pb(phase=PhaseKind.PROPOSAL)
    Phase.objects.filter(cycle=pb.cycle, kind=PhaseKind.PROPOSAL).update(
        starts_on=pb.today - dt.timedelta(days=1), ends_on=pb.today + dt.timedelta(days=1)
    )
    return pb


def propose():
    pb, photo = _proposal_phase(), _png()
    fields = {"title": "그늘막", "description": "여름 그늘", "cost": "12,000,000"}
    return Screen(
        pb.users["김민준"],
        f"/participation/{GOV}/{pb.cycle.pk}/propose/",
        fields,
        {"description": "겨울 바람막이"},
        (Proposal,),
        lambda: {"photos": SimpleUploadedFile("p.png", photo, "image/png")},
    )


def comment():
    pb = build_pb(phase=PhaseKind.PROPOSAL)
    url = f"/participation/{GOV}/proposals/{pb.proposals[0].pk}/comment/"
    return Screen(pb.users["김민준"], url, {"body": "찬성합니다"}, {"body": "반대합니다"}, (Comment,))


def ask():
    pb = build_pb(phase=PhaseKind.PROPOSAL)
    fields = {"title": "일정", "body": "언제?", "proposal": str(pb.proposals[0].pk)}
    return Screen(pb.users["김민준"], f"/participation/{GOV}/questions/ask/", fields, {"body": "어디?"}, (Question,))


def answer():
    pb = build_pb(phase=PhaseKind.PROPOSAL)
    q = questions.do_ask_question(pb.gov, title="일정", body="언제?", actor=pb.users["김민준"])
    url = f"/g/{GOV}/participation/questions/{q.pk}/answer/"
    return Screen(pb.reviewer, url, {"body": "12월"}, {"body": "1월"}, (Answer,))


def start_review():
    pb = build_pb(phase=PhaseKind.PROPOSAL)
    url = f"/g/{GOV}/participation/proposals/{pb.proposals[0].pk}/"
    fields = {"step": "start", "department": str(pb.department.pk)}
    return Screen(pb.manager, url, fields, {"department": ""}, (Proposal,))


def finding():
    pb = build_pb(phase=PhaseKind.PROPOSAL)
    p = pb.proposals[0]
    review.do_start_review(p, department=pb.department, actor=pb.manager)
    pb.advance(PhaseKind.DEPARTMENT_REVIEW)
    fields = {"step": "review", "feasible": "0", "reason": "사유지"}
    url = f"/g/{GOV}/participation/proposals/{p.pk}/"
    return Screen(pb.reviewer, url, fields, {"reason": "예산 초과"}, (DepartmentReview,))


def _committee():
    pb = build_pb(phase=PhaseKind.DEPARTMENT_REVIEW)
    pb.advance(PhaseKind.COMMITTEE_REVIEW)
    return pb, f"/g/{GOV}/participation/proposals/{pb.proposals[0].pk}/"


def score():
    pb, url = _committee()
    fields = {"step": "score", "score_necessity": "25", "score_feasibility": "20", "score_benefit": "20"}
    fields |= {"score_cost": "10", "comment": "양호"}
    return Screen(pb.reviewer, url, fields, {"score_cost": "5"}, (CommitteeScore,))


def shortlist():
    pb, url = _committee()
    fields = {"step": "shortlist", "shortlisted": "0", "reason": "예산 초과"}
    return Screen(pb.manager, url, fields, {"reason": "중복 사업"}, (Proposal,))


def create_cycle():
    pb = build_pb(phase=PhaseKind.PROPOSAL)
    fields = {"year": pb.today.year + 2, "title": "새 공모", "total_amount": "500,000,000", "ballot_kind": "approval"}
    fields |= {"rule": "greedy", "min_choices": "1", "min_age": "14", "allow_residents": "on"}
    for i, kind in enumerate(PhaseKind):
        fields[f"{kind.value}_start"] = (pb.today + dt.timedelta(days=30 * i)).isoformat()
        fields[f"{kind.value}_end"] = (pb.today + dt.timedelta(days=30 * i + 20)).isoformat()
    url = f"/g/{GOV}/participation/new/"
    return Screen(pb.manager, url, fields, {"total_amount": "400,000,000"}, (Cycle,))


def census():
    pb = build_pb(phase=PhaseKind.PROPOSAL)
    people = [(p.name, p.birth_date, p.sex, p.basis, p.area) for p in PEOPLE]

    def upload(rows):
        return lambda: {"file": SimpleUploadedFile("list.csv", census_rows(rows), "text/csv")}

    screen = Screen(pb.manager, f"/g/{GOV}/participation/resident-list/", {"name": "명부"}, {}, (CensusList,))
    screen.files, screen.change_files = upload(people), upload(people[:3])
    return screen


def phase_dates():
    pb = build_pb(phase=PhaseKind.PROPOSAL)
    fields = {}
    for phase in Phase.objects.filter(cycle=pb.cycle):
        fields[f"{phase.kind}_start"], fields[f"{phase.kind}_end"] = str(phase.starts_on), str(phase.ends_on)
    end = Phase.objects.get(cycle=pb.cycle, kind=PhaseKind.IMPLEMENTATION).ends_on
    change = {"implementation_end": str(end + dt.timedelta(days=7))}
    fields["implementation_end"] = str(end + dt.timedelta(days=3))
    return Screen(pb.manager, f"/g/{GOV}/participation/{pb.cycle.pk}/phases/", fields, change, (Phase,))


def vote():
    pb = build_pb()
    fields = {"approve": [str(pb.proposals[0].pk)], "confirm": "1"}
    change = {"approve": [str(pb.proposals[1].pk)]}
    return Screen(pb.users["김민준"], f"/participation/{GOV}/{pb.cycle.pk}/vote/", fields, change, (Ballot,))


def paper():
    pb = build_pb()
    person = PEOPLE[4]
    fields = {"channel": "paper", "name": person.name, "birth_date": person.birth_date.strftime("%y%m%d")}
    fields |= {"sex_digit": person.sex, "choices": "1"}
    url = f"/g/{GOV}/participation/{pb.cycle.pk}/paper/"
    return Screen(pb.clerk, url, fields, {"choices": "2"}, (Ballot,))


def _counted():
    pb = build_pb(costs=(30_000_000, 40_000_000, 50_000_000))
    ballots.do_cast_ballot(pb.cycle, approvals=[pb.proposals[1].pk], actor=pb.users["김민준"])
    pb.advance(PhaseKind.BUDGET_ADOPTION)
    tally.do_compute_result(pb.cycle, actor=pb.manager)
    return pb


def override():
    pb = _counted()
    loser = Proposal.objects.filter(cycle=pb.cycle, status="not_selected").first()
    fields = {"proposal": str(loser.pk), "action": "add", "reason": "안전 시급"}
    url = f"/g/{GOV}/participation/{pb.cycle.pk}/override/"
    return Screen(pb.manager, url, fields, {"reason": "민원 다수"}, (Override,))


def adopt():
    pb = _counted()
    setup = build_setup(GOV, year=pb.cycle.year)
    version = budget_setup.do_open_original(pb.gov, year=pb.cycle.year, actor=setup.officer)
    unit = Project.objects.get(government=pb.gov, year=pb.cycle.year, code="U110")
    fields = {"version": str(version.pk), "parent": str(unit.pk), "object_code": "401-01"}
    url = f"/g/{GOV}/participation/{pb.cycle.pk}/adopt/"
    return Screen(pb.manager, url, fields, {"object_code": "401-02"}, (ExpenditureLine,))


SCREENS = [
    propose,
    comment,
    ask,
    answer,
    start_review,
    finding,
    score,
    shortlist,
    create_cycle,
    census,
    phase_dates,
    vote,
    paper,
    override,
    adopt,
]


@pytest.mark.parametrize("screen", SCREENS, ids=[s.__name__ for s in SCREENS])
def test_a_form_sent_again_writes_once_and_its_key_with_other_values_is_refused_on_the_page(screen):
    s = screen()
    client = Client()
    client.force_login(s.user)
    key = {"idempotency_key": "form-key-0001"}
    first = client.post(s.url, {**s.fields, **key, **s.files()})
    assert first.status_code == 302, first.content.decode()[:3000]
    before = written(*s.models)
    again = client.post(s.url, {**s.fields, **key, **s.files()})
    assert (again.status_code, again["Location"]) == (302, first["Location"])
    files = getattr(s, "change_files", s.files)
    refused = client.post(s.url, {**s.fields, **s.change, **key, **files()})
    assert refused.status_code in (200, 400)
    assert escape(str(KeyReused.default_message)) in refused.content.decode()
    assert written(*s.models) == before
