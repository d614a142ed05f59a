"""The accounting API: trial balance, ledger drill-down, one entry, adjusting entries; refusals write nothing."""

import pytest
from django.test import Client

from lofin.accounting.models import JournalEntry, ManualEntry
from lofin.core import testing
from lofin.core.actions import do_create_token
from lofin.core.models import ApprovalRequest, AuditEvent
from lofin.core.roles import Role
from lofin.execution.testing import YEAR

from .helpers import commit, funded, pay

pytestmark = pytest.mark.django_db


def bearer(user):
    raw, _token = do_create_token(user, actor=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def books(ex):
    funded(ex)
    payment = pay(ex, commit(ex, 3_000_000), 2_000_000, withholdings=[("income_tax", 66_000)])
    return ex, payment


def test_the_trial_balance_has_equal_totals(books):
    ex, _payment = books
    r = bearer(ex.finance).get(f"/api/v1/accounting/trial-balance?government={ex.s.gov.code}&year={YEAR}")
    assert r.status_code == 200
    body = r.json()
    assert body["total_debit"] == body["total_credit"] == 7_000_000  # 3M committed, 2M paid (expense and release)
    assert {row["code"]: row["balance"] for row in body["rows"]}["1110"] == -1_934_000
    r = bearer(ex.finance).get(
        f"/api/v1/accounting/trial-balance?government={ex.s.gov.code}&year={YEAR}&month_from=7&month_to=3"
    )
    assert r.status_code == 422


def test_the_ledger_leads_to_the_source_document(books):
    ex, payment = books
    client = bearer(ex.finance)
    r = client.get(f"/api/v1/accounting/ledger?government={ex.s.gov.code}&year={YEAR}&code=1110")
    assert r.status_code == 200
    (line,) = r.json()
    assert (line["credit"], line["source"]["type"], line["source"]["id"]) == (
        1_934_000,
        "execution.payment",
        payment.pk,
    )
    assert line["source"]["url"].endswith(f"/execution/lines/{ex.senior.pk}/")
    r = client.get(f"/api/v1/accounting/entries/{line['entry_id']}?government={ex.s.gov.code}")
    assert r.status_code == 200
    assert sorted((x["code"], x["debit"], x["credit"]) for x in r.json()["lines"])[0] == ("1110", 0, 1_934_000)


def test_another_government_sees_nothing(books):
    ex, _payment = books
    other = testing.government("2600000")
    stranger = testing.official(other, Role.FINANCE_OFFICER, username="busan-jaemu")
    entry = JournalEntry.objects.first()
    client = bearer(stranger)
    assert client.get(f"/api/v1/accounting/trial-balance?government={ex.s.gov.code}&year={YEAR}").status_code == 404
    assert client.get(f"/api/v1/accounting/entries/{entry.pk}?government={other.code}").status_code == 404


def manual(ex, lines, key="k1"):
    return {
        "government": ex.s.gov.code,
        "account_id": ex.s.general.pk,
        "posted_on": f"{YEAR}-12-31",
        "kind": "accrual",
        "description": "미지급 용역비",
        "lines": lines,
        "approval_line": [{"kind": "approve", "username": ex.s.mayor.username}],
        "idempotency_key": key,
    }


def test_an_adjusting_entry_is_drafted_and_an_unbalanced_one_refused(ex):
    client = bearer(ex.finance)
    good = [{"code": "5200", "debit": 700_000}, {"code": "2120", "credit": 700_000}]
    r = client.post("/api/v1/accounting/manual-entries", manual(ex, good), content_type="application/json")
    assert r.status_code == 201 and r.json()["status"] == "in_approval"
    r = client.post("/api/v1/accounting/manual-entries", manual(ex, good), content_type="application/json")
    assert r.status_code == 200
    bad = [{"code": "5200", "debit": 700_000}, {"code": "2120", "credit": 600_000}]
    r = client.post("/api/v1/accounting/manual-entries", manual(ex, bad, "k2"), content_type="application/json")
    assert (r.status_code, r.json()["code"]) == (422, "unbalanced_entry")
    summary = [{"code": "5000", "debit": 1}, {"code": "2120", "credit": 1}]
    r = client.post("/api/v1/accounting/manual-entries", manual(ex, summary, "k3"), content_type="application/json")
    assert (r.status_code, r.json()["code"]) == (422, "summary_ledger")
    assert ManualEntry.objects.count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"posted_on": f"{YEAR}-12-30"},
        {"kind": "correction"},
        {"description": "미지급 용역비 (정정)"},
        {"lines": [{"code": "5200", "debit": 700_001}, {"code": "2120", "credit": 700_001}]},
        {"approval_line": [{"kind": "review", "username": "mayor"}]},
    ],
    ids=["posted_on", "kind", "description", "lines", "approval_line"],
)
def test_a_retried_adjusting_entry_replays_and_a_changed_one_is_refused(ex, change):
    client = bearer(ex.finance)
    good = [{"code": "5200", "debit": 700_000}, {"code": "2120", "credit": 700_000}]
    body = manual(ex, good)
    first = client.post("/api/v1/accounting/manual-entries", body, content_type="application/json")
    assert first.status_code == 201
    again = client.post("/api/v1/accounting/manual-entries", body, content_type="application/json")
    assert (again.status_code, again.json()) == (200, first.json())
    before = (ManualEntry.objects.count(), AuditEvent.objects.count(), ApprovalRequest.objects.count())
    r = client.post("/api/v1/accounting/manual-entries", {**body, **change}, content_type="application/json")
    assert (r.status_code, r.json()["code"]) == (409, "idempotency_key_reused")
    assert (ManualEntry.objects.count(), AuditEvent.objects.count(), ApprovalRequest.objects.count()) == before
