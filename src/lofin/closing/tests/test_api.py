"""결산 API: statements and 세입세출결산 (provisional, then from the stored snapshot), the closing, the calendar;
another government's books are not found."""

import datetime as dt

import pytest
from django.test import Client

from lofin.closing.models import ClosingRequest, ClosingRun
from lofin.closing.testing import close_year
from lofin.core import testing
from lofin.core.actions import do_create_token
from lofin.core.roles import Role
from lofin.execution.testing import YEAR

pytestmark = pytest.mark.django_db


def bearer(user):
    raw, _token = do_create_token(user, actor=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_statements_are_provisional_until_the_closing_then_served_from_the_snapshot(books):
    client = bearer(books.ex.finance)
    code = books.ex.s.gov.code
    r = client.get(f"/api/v1/accounting/statements?government={code}&year={YEAR}")
    assert r.status_code == 200
    body = r.json()
    assert (body["provisional"], body["digest"], body["entity"]) == (True, None, "consolidated")
    assert body["position"]["assets_total"] == 2170
    assert body["eliminated"] == {"revenue": 200, "expense": 200}
    body = {"government": code, "year": YEAR, "approval_line": [{"kind": "approve", "username": "mayor"}]}
    r = client.post("/api/v1/accounting/closing", {**body, "idempotency_key": "c1"}, content_type="application/json")
    assert r.status_code == 201
    assert not ClosingRun.objects.exists()  # drafted: the head decides
    again = client.post(
        "/api/v1/accounting/closing", {**body, "idempotency_key": "c1"}, content_type="application/json"
    )
    assert (again.status_code, again.json()["id"]) == (200, r.json()["id"])
    r = bearer(books.ex.s.mayor).post(
        f"/api/v1/approvals/{r.json()['approval_id']}/approve", {}, content_type="application/json"
    )
    assert r.status_code == 200, r.content
    run = ClosingRun.objects.get()
    assert run.closed_by == books.ex.s.mayor
    body = client.get(f"/api/v1/accounting/statements?government={code}&year={YEAR}&entity=fund").json()
    assert (body["provisional"], body["digest"]) == (False, run.digest)
    assert body["performance"]["internal_revenues"] == 200
    result = client.get(f"/api/v1/accounting/budget-result?government={code}&year={YEAR}").json()
    totals = result["totals"]["expenditure"]
    assert totals["appropriation"] == totals["paid"] + totals["carried"] + totals["lapsed"]
    fund = client.get(f"/api/v1/accounting/budget-result?government={code}&year={YEAR}&entity=fund").json()
    assert fund["entity"] == "fund"
    assert fund["expenditure"] == [] and totals["appropriation"] > 0
    status = client.get(f"/api/v1/accounting/closing?government={code}&year={YEAR}").json()
    assert status["standing"]["status"] == "closed"
    keys = ["cash_closing", "exceptions", "completion", "statement", "council"]
    assert [d["key"] for d in status["deadlines"]] == keys
    assert status["missing"][:3] == ["performance_report", "cpa_review", "inspectors_opinion"]
    r = client.post(
        "/api/v1/accounting/closing/submit",
        {"government": code, "year": YEAR, "on": "2027-02-11"},
        content_type="application/json",
    )
    assert (r.status_code, r.json()["code"], r.json()["detail"]["rule"]) == (409, "settlement_incomplete", "R-AC-6")
    r = client.post(
        "/api/v1/accounting/closing/documents",
        {"government": code, "year": YEAR, "kind": "cpa_review", "reference": "회계법인-7", "dated_on": "2027-02-11",
         "summary": "적정"},
        content_type="application/json",
    )  # fmt: skip
    assert (r.status_code, r.json()["recorded_by"]) == (201, "jaemu")
    status = client.get(f"/api/v1/accounting/closing?government={code}&year={YEAR}").json()
    assert "cpa_review" not in status["missing"]


def test_another_government_and_the_wrong_role_are_refused(books):
    code = books.ex.s.gov.code
    outsider = testing.official(testing.government("2600000"), Role.FINANCE_OFFICER, username="outsider")
    client = bearer(outsider)
    assert client.get(f"/api/v1/accounting/statements?government={code}&year={YEAR}").status_code == 404
    assert client.get(f"/api/v1/accounting/budget-result?government={code}&year={YEAR}").status_code == 404
    body = {"government": code, "year": YEAR, "approval_line": [{"kind": "approve", "username": "mayor"}]}
    r = client.post("/api/v1/accounting/closing", {**body, "idempotency_key": "x"}, content_type="application/json")
    assert r.status_code == 404
    r = bearer(books.ex.s.welfare_staff).post(
        "/api/v1/accounting/closing", {**body, "idempotency_key": "y"}, content_type="application/json"
    )
    assert r.status_code == 403
    assert bearer(books.ex.finance).get(f"/api/v1/accounting/closing/overview?year={YEAR}").status_code == 403
    assert not ClosingRun.objects.exists()


def test_the_operator_sees_every_government(books):
    operator = testing.bootstrap_operator()
    r = bearer(operator).get(f"/api/v1/accounting/closing/overview?year={YEAR}")
    assert r.status_code == 200
    assert {s["government"]: s["status"] for s in r.json()}[books.ex.s.gov.code] == "in_progress"


def test_R_AC_5_the_api_refuses_to_close_while_the_cash_work_of_the_year_is_open(books, travel):
    travel(dt.date(YEAR + 1, 1, 21))
    code = books.ex.s.gov.code
    body = {"government": code, "year": YEAR, "approval_line": [{"kind": "approve", "username": "mayor"}]}
    r = bearer(books.ex.finance).post(
        "/api/v1/accounting/closing", {**body, "idempotency_key": "early"}, content_type="application/json"
    )
    assert (r.status_code, r.json()["code"], r.json()["detail"]["rule"]) == (409, "cash_work_open", "R-AC-5")
    assert not ClosingRequest.objects.exists()


def test_a_closed_year_is_reopened_through_the_api_only_when_the_head_approves(books):
    gov, ex = books.ex.s.gov, books.ex
    run = close_year(gov, YEAR, drafter=ex.finance, head=ex.s.mayor)
    body = {
        "government": gov.code,
        "year": YEAR,
        "reason": "검사위원 지적",
        "approval_line": [{"kind": "approve", "username": "mayor"}],
        "idempotency_key": "reopen-1",
    }
    r = bearer(ex.finance).post("/api/v1/accounting/closing/reopen", body, content_type="application/json")
    assert r.status_code == 201
    run.refresh_from_db()
    assert run.status == "closed"
    r = bearer(ex.s.mayor).post(
        f"/api/v1/approvals/{r.json()['approval_id']}/approve", {}, content_type="application/json"
    )
    assert r.status_code == 200
    run.refresh_from_db()
    assert run.status == "reopened"
    status = bearer(ex.finance).get(f"/api/v1/accounting/closing?government={gov.code}&year={YEAR}").json()
    assert status["standing"]["status"] == "in_progress"
