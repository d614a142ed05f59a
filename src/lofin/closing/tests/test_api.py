"""결산 API: statements and 세입세출결산 (provisional, then from the stored snapshot), the closing, the calendar;
another government's books are not found."""

import pytest
from django.test import Client

from lofin.closing.models import ClosingRun
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
    r = client.post("/api/v1/accounting/closing", {"government": code, "year": YEAR}, content_type="application/json")
    assert r.status_code == 200
    run = ClosingRun.objects.get()
    assert r.json()["digest"] == run.digest
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
    assert [d["key"] for d in status["deadlines"]] == ["cash_closing", "exceptions", "completion", "council"]


def test_another_government_and_the_wrong_role_are_refused(books):
    code = books.ex.s.gov.code
    outsider = testing.official(testing.government("2600000"), Role.FINANCE_OFFICER, username="outsider")
    client = bearer(outsider)
    assert client.get(f"/api/v1/accounting/statements?government={code}&year={YEAR}").status_code == 404
    assert client.get(f"/api/v1/accounting/budget-result?government={code}&year={YEAR}").status_code == 404
    r = client.post("/api/v1/accounting/closing", {"government": code, "year": YEAR}, content_type="application/json")
    assert r.status_code == 404
    r = bearer(books.ex.s.welfare_staff).post(
        "/api/v1/accounting/closing", {"government": code, "year": YEAR}, content_type="application/json"
    )
    assert r.status_code == 403
    assert bearer(books.ex.finance).get(f"/api/v1/accounting/closing/overview?year={YEAR}").status_code == 403
    assert not ClosingRun.objects.exists()


def test_the_operator_sees_every_government(books):
    operator = testing.bootstrap_operator()
    r = bearer(operator).get(f"/api/v1/accounting/closing/overview?year={YEAR}")
    assert r.status_code == 200
    assert {s["government"]: s["status"] for s in r.json()}[books.ex.s.gov.code] == "in_progress"
