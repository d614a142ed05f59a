"""The API twin and the CLI of budget formulation."""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.test import Client

from lofin.budget.actions import adjustment, confirmation, council
from lofin.budget.actions import setup as budget_setup
from lofin.budget.models import ExpenditureLine
from lofin.core import testing
from lofin.core.actions import do_create_token
from lofin.core.approvals import actions as approvals
from lofin.core.roles import Role

from .conftest import YEAR, request_all

pytestmark = pytest.mark.django_db


def bearer(user):
    raw, _token = do_create_token(user, actor=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def confirmed(s):
    version = budget_setup.do_open_original(s.gov, year=YEAR, actor=s.officer)
    request_all(s, version)
    adjustment.do_close_requests(version, actor=s.officer)
    adjustment.do_submit_bill(version, line=[("approve", s.mayor)], actor=s.officer, idempotency_key="b")
    version.refresh_from_db()
    approvals.do_approve(version.bill_approval_id, actor=s.mayor)
    version.refresh_from_db()
    council.do_record_vote(version, voted_on=dt.date.today() + dt.timedelta(days=1), actor=s.officer)
    return confirmation.do_confirm(version, actor=s.officer)


def test_cli_show_prints_the_documented_json(setup, capsys):
    confirmed(setup)
    call_command("budget", "show", "--government", "1100000", "--year", str(YEAR), "--json")
    data = json.loads(capsys.readouterr().out)
    assert (data["government"], data["year"], data["version"]) == ("1100000", YEAR, 0)
    assert data["totals"] == {
        "general": 990_000_000,
        "enterprise_special": 0,
        "other_special": 0,
        "funds": 0,
        "total": 990_000_000,
    }
    assert sum(line["amount"] for line in data["lines"]) == 990_000_000
    assert set(data["lines"][0]) == {"code", "name", "amount"}


def test_a_confirmed_budget_is_public_and_a_draft_is_not(setup):
    version = budget_setup.do_open_original(setup.gov, year=YEAR, actor=setup.officer)
    request_all(setup, version)
    anonymous = Client()
    assert anonymous.get(f"/api/v1/budget/1100000/{YEAR}").status_code == 404
    assert anonymous.get(f"/api/v1/budget/1100000/{YEAR}/versions").json() == []
    assert bearer(setup.officer).get(f"/api/v1/budget/1100000/{YEAR}").json()["status"] == "requesting"
    outsider = testing.official(testing.government("2600000"), Role.BUDGET_OFFICER, username="busan")
    assert bearer(outsider).get(f"/api/v1/budget/1100000/{YEAR}").status_code == 404


def test_the_flow_through_the_api(setup):
    s = setup
    officer, welfare = bearer(s.officer), bearer(s.welfare_staff)
    opened = officer.post(
        f"/api/v1/budget/1100000/{YEAR}/versions", {"kind": "original"}, content_type="application/json"
    )
    assert opened.status_code == 201
    version_id = opened.json()["id"]
    line = welfare.post(
        "/api/v1/budget/lines",
        {
            "version_id": version_id,
            "project_code": "D112",
            "object_code": "307-02",
            "basis": [{"description": "경로당 운영비", "unit_price": 350_000, "quantity": 100, "times": 11}],
        },
        content_type="application/json",
    )
    assert line.status_code == 201 and line.json()["amount"] == 385_000_000
    refused = officer.post(
        f"/api/v1/budget/lines/{line.json()['id']}/adjust",
        {"amount": 1, "reason": "x"},
        content_type="application/json",
    )
    assert refused.status_code == 409 and refused.json()["code"] == "wrong_stage"
    closed = officer.post(f"/api/v1/budget/versions/{version_id}/close-requests")
    assert closed.json()["status"] == "adjusting"
    adjusted = officer.post(
        f"/api/v1/budget/lines/{line.json()['id']}/adjust",
        {"amount": 300_000_000, "reason": "단가 조정"},
        content_type="application/json",
    )
    assert adjusted.json()["amount"] == 300_000_000
    bill = officer.post(
        f"/api/v1/budget/versions/{version_id}/submit-bill",
        {"line": [{"kind": "approve", "username": "mayor"}]},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="bill-1",
    )
    assert bill.status_code == 409 and bill.json()["code"] == "budget_rule"  # no reserve, no revenue yet


@pytest.mark.parametrize(
    "body",
    [
        {"version_id": 1, "project_code": "D112", "object_code": "307-02", "basis": []},
        {
            "version_id": 1,
            "project_code": "D112",
            "object_code": "307-02",
            "basis": [{"description": "x", "unit_price": -1}],
        },
        {"version_id": 0, "project_code": "D112", "object_code": "307-02", "basis": [{"description": "x"}]},
        {"version_id": 1, "project_code": "D112", "object_code": "307-02-9999", "basis": [{"description": "x"}]},
    ],
)
def test_bad_line_bodies_are_a_named_422(setup, body):
    response = bearer(setup.officer).post("/api/v1/budget/lines", body, content_type="application/json")
    assert response.status_code == 422 and response.json()["code"] == "invalid_input"
    assert not ExpenditureLine.objects.exists()


def test_deadlines_are_published_per_level(setup):
    body = Client().get(f"/api/v1/budget/1111000/{YEAR}/deadlines").json()
    assert (body["bill_due"], body["vote_due"]) == ("2026-11-21", "2026-12-21")
