"""The revenue API: each endpoint's success and its named refusals, with nothing written when refused."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.test import Client

from lofin.accounting.models import JournalEntry
from lofin.core.actions import do_create_token
from lofin.core.models import AuditEvent
from lofin.execution.actions import revenue
from lofin.execution.models import Assessment, Office, OverpaymentRefund, Receipt

pytestmark = pytest.mark.django_db

D = dt.date
DAY_2026_03_02 = D(2026, 3, 2)
DAY_2026_03_20 = D(2026, 3, 20)


def bearer(user):
    raw, _token = do_create_token(user, actor=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def api(rv):
    """One client per person, made before the tests count rows (a token is audited when it is made)."""
    return SimpleNamespace(
        collector=bearer(rv.collector),
        cashier=bearer(rv.cashier),
        both=bearer(rv.both),
        viewer=bearer(rv.viewer),
        other=bearer(rv.other_collector),
    )


def post(client, path, body, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(f"/api/v1/execution/{path}", body, content_type="application/json", **headers)


def counts():
    return (
        Assessment.objects.count(),
        Receipt.objects.count(),
        OverpaymentRefund.objects.count(),
        JournalEntry.objects.count(),
        AuditEvent.objects.count(),
    )


def claim(rv, amount=1_000_000, key="a", code="212", on=DAY_2026_03_02, actor=None, **kw):
    return revenue.do_assess(
        rv.account,
        revenue_code=code,
        payer_name="김납부",
        amount=amount,
        actor=actor or rv.collector,
        idempotency_key=key,
        assessed_on=on,
        **kw,
    )


def pay(rv, assessment, amount, key="r", on=DAY_2026_03_20, **kw):
    return revenue.do_record_receipt(
        assessment, amount=amount, received_on=on, channel="treasury", actor=rv.collector, idempotency_key=key, **kw
    )


def refused(response, status, code):
    assert (response.status_code, response.json()["code"]) == (status, code), response.json()
    assert response.json()["message"]
    return response


def test_assessments_201_replay_and_named_refusals(rv, api):
    client = api.collector
    body = {
        "account_id": rv.account.pk,
        "revenue_code": "212",
        "payer_name": "김납부",
        "amount": 1_250_000,
        "assessed_on": "2026-09-01",
        "notice_on": "2026-09-09",
    }
    created = post(client, "assessments", body, "a-1")
    assert created.status_code == 201
    got = created.json()
    assert {k: got[k] for k in ("government", "year", "amount", "outstanding", "status", "due_on")} == {
        "government": "1100000",
        "year": 2026,
        "amount": 1_250_000,
        "outstanding": 1_250_000,
        "status": "open",
        "due_on": "2026-09-28",
    }
    again = post(client, "assessments", body, "a-1")
    assert (again.status_code, again.json()["id"]) == (201, got["id"])
    before = counts()
    refused(post(client, "assessments", {**body, "amount": 1}, "a-1"), 409, "idempotency_key_reused")
    refused(post(client, "assessments", {**body, "revenue_code": "999"}, "a-2"), 422, "unknown_revenue_code")
    refused(post(client, "assessments", {**body, "amount": 0}, "a-3"), 422, "invalid_input")
    refused(post(client, "assessments", {**body, "kind": "guess"}, "a-4"), 422, "invalid_input")
    refused(post(client, "assessments", body), 422, "invalid_input")  # no Idempotency-Key
    late = {**body, "kind": "receipt", "assessed_on": "2027-02-11", "received_on": "2026-12-30"}
    late.pop("notice_on")
    refused(post(client, "assessments", late, "a-5"), 409, "closed_period")
    refused(post(api.cashier, "assessments", body, "a-6"), 403, "permission_denied")
    refused(post(api.other, "assessments", body, "a-7"), 404, "not_found")
    refused(post(client, "assessments", {**body, "account_id": 10**9}, "a-8"), 404, "not_found")
    refused(post(Client(), "assessments", body, "a-9"), 401, "not_authenticated")
    assert counts() == before


def test_notice_200_and_refusals(rv, api):
    a = claim(rv)
    client = api.collector
    ok = post(client, f"assessments/{a.pk}/notice", {"notice_on": "2026-04-16"})
    assert ok.status_code == 200
    assert (ok.json()["notice_on"], ok.json()["due_on"], ok.json()["interrupted_on"]) == (
        "2026-04-16",
        "2026-05-04",
        "2026-04-16",
    )
    pay(rv, a, 1_000_000)
    before = counts()
    refused(post(client, f"assessments/{a.pk}/notice", {"notice_on": "2026-05-06"}), 409, "assessment_not_open")
    b = claim(rv, key="b", on=D(2026, 4, 1))
    before = counts()
    refused(post(client, f"assessments/{b.pk}/notice", {"notice_on": "2026-03-31"}), 422, "invalid_input")
    refused(post(api.other, f"assessments/{b.pk}/notice", {}), 404, "not_found")
    refused(post(client, "assessments/999999999/notice", {}), 404, "not_found")
    assert counts() == before


def test_receipts_201_and_refusals(rv, api):
    a = claim(rv)
    client = api.collector
    body = {"assessment_id": a.pk, "amount": 300_000, "received_on": "2026-03-20", "channel": "treasury"}
    created = post(client, "receipts", body, "r-1")
    assert created.status_code == 201
    assert {k: created.json()[k] for k in ("amount", "deposited_on", "deposit_late", "refunded_amount")} == {
        "amount": 300_000,
        "deposited_on": "2026-03-20",
        "deposit_late": False,
        "refunded_amount": 0,
    }
    assert post(client, "receipts", body, "r-1").json()["id"] == created.json()["id"]
    before = counts()
    refused(post(client, "receipts", {**body, "amount": 700_001}, "r-2"), 409, "over_collection")
    refused(post(client, "receipts", {**body, "received_on": "2027-01-15"}, "r-3"), 409, "closed_period")
    refused(post(client, "receipts", {**body, "amount": 1}, "r-1"), 409, "idempotency_key_reused")
    refused(post(client, "receipts", {**body, "channel": "cash"}, "r-4"), 422, "invalid_input")
    state = {**body, "received_on": "2027-01-15", "exception": "state_funds_not_received"}
    refused(post(client, "receipts", state, "r-5"), 422, "invalid_input")  # a user charge is not State money
    refused(post(api.other, "receipts", body, "r-6"), 404, "not_found")
    mine = claim(rv, key="mine", amount=10_000, actor=rv.both)
    before = counts()
    cash = {**body, "assessment_id": mine.pk, "amount": 10_000, "channel": "cashier"}
    refused(post(api.both, "receipts", cash, "r-7"), 409, "separation_of_duties")
    assert counts() == before
    refused(post(api.both, "receipts", {**cash, "office_code": "NONE"}, "r-9"), 404, "not_found")
    Office.objects.create(government=rv.gov, year=2026, code="M01", name="면사무소", kind="finance", staff_count=5)
    ok = post(api.both, "receipts", {**cash, "office_code": "M01"}, "r-8")
    assert ok.status_code == 201


def test_deposit_200_and_refusals(rv, api):
    a = claim(rv)
    r = revenue.do_record_receipt(
        a, amount=50_000, received_on=D(2026, 6, 2), channel="cashier", actor=rv.cashier, idempotency_key="c"
    )
    client = api.cashier
    ok = post(client, f"receipts/{r.pk}/deposit", {"deposited_on": "2026-06-05"})
    assert ok.status_code == 200
    assert (ok.json()["deposited_on"], ok.json()["deposit_late"]) == ("2026-06-05", True)
    before = counts()
    refused(post(client, f"receipts/{r.pk}/deposit", {"deposited_on": "2026-06-08"}), 409, "already_deposited")
    refused(post(api.collector, f"receipts/{r.pk}/deposit", {"deposited_on": "2026-06-05"}), 403, "permission_denied")
    refused(post(api.other, f"receipts/{r.pk}/deposit", {"deposited_on": "2026-06-05"}), 404, "not_found")
    refused(post(client, f"receipts/{r.pk}/deposit", {}), 422, "invalid_input")
    assert counts() == before


def test_refunds_201_with_interest_and_refusals(rv, api):
    a = claim(rv, amount=10_000_000, key="a25", on=D(2025, 2, 3))
    r = pay(rv, a, 10_000_000, on=D(2025, 2, 28))
    client = api.collector
    body = {"receipt_id": r.pk, "amount": 10_000_000, "reason": "감면 결정", "refunded_on": "2025-06-30"}
    created = post(client, "overpayment-refunds", body, "f-1")
    assert created.status_code == 201
    assert {k: created.json()[k] for k in ("amount", "interest", "refunded_on")} == {
        "amount": 10_000_000,
        "interest": 105_808,
        "refunded_on": "2025-06-30",
    }
    assert post(client, "overpayment-refunds", body, "f-1").json()["id"] == created.json()["id"]
    before = counts()
    refused(post(client, "overpayment-refunds", {**body, "amount": 1}, "f-2"), 409, "over_refund")
    refused(post(client, "overpayment-refunds", {**body, "amount": 1}, "f-1"), 409, "idempotency_key_reused")
    refused(post(client, "overpayment-refunds", {**body, "reason": ""}, "f-3"), 422, "invalid_input")
    old = claim(rv, amount=1_000, key="a23", on=D(2023, 3, 2))
    old_receipt = pay(rv, old, 1_000, key="r23", on=D(2023, 3, 10))
    before = counts()
    early = {**body, "receipt_id": old_receipt.pk, "amount": 1_000, "refunded_on": "2023-06-01"}
    refused(post(client, "overpayment-refunds", early, "f-4"), 409, "refund_rate_missing")
    refused(post(api.other, "overpayment-refunds", early, "f-5"), 404, "not_found")
    refused(post(client, "overpayment-refunds", {**early, "receipt_id": 10**9}, "f-6"), 404, "not_found")
    assert counts() == before


def test_carry_and_prescription_endpoints(rv, api, travel):
    travel(D(2028, 3, 18))  # what follows has happened by then
    a = claim(rv, on=D(2026, 8, 3))
    client = api.collector
    before = counts()
    refused(
        post(client, "revenue/carry", {"government": "1100000", "from_year": 2026, "on": "2027-02-10"}),
        409,
        "year_not_closed",
    )
    refused(
        post(api.other, "revenue/carry", {"government": "1100000", "from_year": 2026}),
        404,
        "not_found",
    )
    assert counts() == before
    carried = post(client, "revenue/carry", {"government": "1100000", "from_year": 2026, "on": "2027-02-11"})
    assert carried.status_code == 200
    assert [(c["carried_from_id"], c["year"], c["revenue_code"], c["amount"]) for c in carried.json()] == [
        (a.pk, 2027, "225", 1_000_000)
    ]
    assert post(client, "revenue/carry", {"government": "1100000", "from_year": 2026, "on": "2027-03-01"}).json() == []
    old = claim(rv, key="old", on=D(2023, 3, 2), notice_on=D(2023, 3, 2))
    none = post(client, "revenue/prescriptions", {"government": "1100000", "on": "2028-03-17"})
    assert (none.status_code, none.json()) == (200, [])
    done = post(client, "revenue/prescriptions", {"government": "1100000", "on": "2028-03-18"})
    assert [(x["id"], x["status"]) for x in done.json()] == [(old.pk, "prescribed")]
    refused(post(client, "revenue/prescriptions", {"government": "1100000"}), 422, "invalid_input")
    refused(
        post(api.cashier, "revenue/prescriptions", {"government": "1100000", "on": "2029-01-02"}),
        403,
        "permission_denied",
    )


def test_assessment_list_and_monthly_report(rv, api):
    a = claim(rv)
    pay(rv, a, 400_000)
    b = claim(rv, key="b", code="118", amount=50_000, on=D(2026, 4, 1))
    client = api.viewer
    listed = client.get("/api/v1/execution/assessments?government=1100000&year=2026")
    assert listed.status_code == 200
    assert [(x["id"], x["outstanding"], x["status"]) for x in listed.json()] == [
        (a.pk, 600_000, "open"),
        (b.pk, 50_000, "open"),
    ]
    page = client.get("/api/v1/execution/assessments?government=1100000&year=2026&limit=1&offset=1").json()
    assert [x["id"] for x in page] == [b.pk]
    assert client.get("/api/v1/execution/assessments?government=1100000&year=2026&status=collected").json() == []
    refused(client.get("/api/v1/execution/assessments?government=1100000&year=2026&status=lost"), 422, "invalid_input")
    refused(api.other.get("/api/v1/execution/assessments?government=1100000&year=2026"), 404, "not_found")
    report = client.get("/api/v1/execution/revenue-report?government=1100000&year=2026&month=3")
    assert report.status_code == 200
    body = report.json()
    assert (body["due_on"], body["deadline"], body["totals"]) == (
        "2026-04-15",
        "2026-04-15",
        {"assessed": 1_000_000, "collected": 400_000, "refunded": 0, "written_off": 0, "outstanding": 600_000},
    )
    refused(client.get("/api/v1/execution/revenue-report?government=1100000&year=2026&month=13"), 422, "invalid_input")
    refused(
        Client().get("/api/v1/execution/revenue-report?government=1100000&year=2026&month=3"), 401, "not_authenticated"
    )


def test_cancel_200_repeat_and_refusals(rv, api):
    a = claim(rv)
    client = api.collector
    body = {"reason": "이중 부과", "cancelled_on": "2026-03-05"}
    ok = post(client, f"assessments/{a.pk}/cancel", body)
    assert ok.status_code == 200
    got = ok.json()
    assert (got["status"], got["cancelled_on"], got["cancel_reason"], got["corrects_id"]) == (
        "cancelled",
        "2026-03-05",
        "이중 부과",
        None,
    )
    before = counts()
    assert post(client, f"assessments/{a.pk}/cancel", body).status_code == 200  # the same again: nothing new
    paid = claim(rv, key="paid")
    pay(rv, paid, 1_000)
    before = counts()
    refused(post(client, f"assessments/{paid.pk}/cancel", {"reason": "착오"}), 409, "assessment_collected")
    refused(post(client, f"assessments/{paid.pk}/cancel", {"reason": ""}), 422, "invalid_input")
    refused(post(api.cashier, f"assessments/{paid.pk}/cancel", {"reason": "착오"}), 403, "permission_denied")
    refused(post(api.other, f"assessments/{paid.pk}/cancel", {"reason": "착오"}), 404, "not_found")
    assert counts() == before


def test_corrections_201_replay_and_refusals(rv, api):
    a = claim(rv)
    pay(rv, a, 400_000)
    client = api.collector
    body = {"reason": "금액 착오", "amount": 900_000, "due_on": "2026-04-30", "corrected_on": "2026-03-25"}
    created = post(client, f"assessments/{a.pk}/corrections", body, "c-1")
    assert created.status_code == 201
    got = created.json()
    assert {k: got[k] for k in ("corrects_id", "amount", "collected_amount", "outstanding", "status", "due_on")} == {
        "corrects_id": a.pk,
        "amount": 900_000,
        "collected_amount": 400_000,
        "outstanding": 500_000,
        "status": "open",
        "due_on": "2026-04-30",
    }
    again = post(client, f"assessments/{a.pk}/corrections", body, "c-1")
    assert (again.status_code, again.json()["id"]) == (201, got["id"])
    new = got["id"]
    before = counts()
    refused(
        post(client, f"assessments/{a.pk}/corrections", {**body, "amount": 1}, "c-1"), 409, "idempotency_key_reused"
    )
    refused(post(client, f"assessments/{a.pk}/corrections", body, "c-2"), 409, "assessment_not_open")
    refused(
        post(client, f"assessments/{new}/corrections", {**body, "amount": 300_000}, "c-3"), 409, "assessment_collected"
    )
    refused(
        post(client, f"assessments/{new}/corrections", {**body, "payer_name": "박다른"}, "c-4"),
        409,
        "assessment_collected",
    )
    refused(post(client, f"assessments/{new}/corrections", {**body, "amount": 0}, "c-5"), 422, "invalid_input")
    refused(post(client, f"assessments/{new}/corrections", body), 422, "invalid_input")  # no Idempotency-Key
    refused(post(api.cashier, f"assessments/{new}/corrections", body, "c-6"), 403, "permission_denied")
    refused(post(api.other, f"assessments/{new}/corrections", body, "c-7"), 404, "not_found")
    assert counts() == before
