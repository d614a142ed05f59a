"""The 지출결의 API: each endpoint's success and its named refusals, with nothing written when refused."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.test import Client

from lofin.accounting.models import JournalEntry
from lofin.core import testing
from lofin.core.actions import do_create_token
from lofin.core.models import AuditEvent
from lofin.core.roles import Role
from lofin.execution.actions import appropriations, commitments, offices, payments
from lofin.execution.models import (
    EstimatedSettlement,
    ExpenditureResolution,
    PaymentConfirmation,
    PaymentOrder,
    ResolutionPayment,
)
from lofin.execution.testing import YEAR

pytestmark = pytest.mark.django_db

D = dt.date


def bearer(user):
    raw, _token = do_create_token(user, actor=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def api(ex):
    """Money on the line, a commitment, and one client per person (made before the tests count rows)."""
    appropriations.do_allocate(ex.senior, amount=100_000_000, actor=ex.s.officer)
    offices.do_allocate_cash(ex.disbursing_office, amount=100_000_000, actor=ex.s.officer)
    commitment = commitments.do_commit(
        ex.senior,
        amount=10_000_000,
        creditor="(주)한빛복지",
        purpose="경로당 운영비",
        actor=ex.finance,
        idempotency_key="c",
        committed_on=D(YEAR, 6, 15),
    )
    inspector = testing.official(ex.s.gov, Role.OFFICIAL, username="geomsu")
    outsider = testing.official(testing.government("2600000"), Role.FINANCE_OFFICER, Role.DISBURSING_OFFICER)
    return SimpleNamespace(
        ex=ex,
        commitment=commitment,
        inspector=inspector,
        finance=bearer(ex.finance),
        disburser=bearer(ex.disburser),
        outsider=bearer(outsider),
    )


def post(client, path, body, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(f"/api/v1/execution/{path}", body, content_type="application/json", **headers)


def counts():
    return (
        ExpenditureResolution.objects.count(),
        ResolutionPayment.objects.count(),
        PaymentOrder.objects.count(),
        PaymentConfirmation.objects.count(),
        EstimatedSettlement.objects.count(),
        JournalEntry.objects.count(),
        AuditEvent.objects.count(),
    )


def refused(response, status, code):
    assert (response.status_code, response.json()["code"]) == (status, code), response.json()


def resolution_body(api, amount=6_000_000, **kw):
    return {
        "commitment_id": api.commitment.pk,
        "amount": amount,
        "claim": {"number": "청구-101", "date": f"{YEAR}-06-20", "amount": amount},
        "inspection": {"date": f"{YEAR}-06-22", "inspector": "geomsu", "result": "passed", "note": "이상 없음"},
        "resolved_on": f"{YEAR}-06-25",
        **kw,
    }


def test_a_resolution_is_created_listed_and_retried(api):
    created = post(api.finance, "resolutions", resolution_body(api), key="r-1")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body == {
        "id": body["id"],
        "government": "1100000",
        "number": f"{YEAR}-0000001",
        "fiscal_year": YEAR,
        "commitment_id": api.commitment.pk,
        "creditor": "(주)한빛복지",
        "amount": 6_000_000,
        "ordered_amount": 0,
        "remaining": 6_000_000,
        "status": "open",
        "for_advance": False,
        "claim": {"number": "청구-101", "date": f"{YEAR}-06-20", "amount": 6_000_000},
        "inspection": {"date": f"{YEAR}-06-22", "inspector": "geomsu", "result": "passed", "note": "이상 없음"},
        "resolved_on": f"{YEAR}-06-25",
        "resolved_by": "jaemu",
    }
    before = counts()
    again = post(api.finance, "resolutions", resolution_body(api), key="r-1")
    assert (again.status_code, again.json()["id"], counts()) == (201, body["id"], before)
    refused(post(api.finance, "resolutions", resolution_body(api, 5_000_000), key="r-1"), 409, "idempotency_key_reused")
    listed = api.finance.get(f"/api/v1/execution/resolutions?government=1100000&year={YEAR}").json()
    assert listed == [body]
    assert counts() == before


def test_resolution_refusals_are_named_and_write_nothing(api):
    post(api.finance, "resolutions", resolution_body(api), key="r-1")
    before = counts()
    refused(
        post(api.finance, "resolutions", resolution_body(api, 4_000_001), key="r-2"),
        409,
        "resolution_exceeds_commitment",
    )
    failed = resolution_body(api, 1_000)
    failed["inspection"]["result"] = "failed"
    refused(post(api.finance, "resolutions", failed, key="r-3"), 409, "inspection_failed")
    unknown = resolution_body(api, 1_000)
    unknown["inspection"]["inspector"] = "nobody"
    refused(post(api.finance, "resolutions", unknown, key="r-4"), 422, "invalid_input")
    refused(post(api.finance, "resolutions", resolution_body(api, 1_000)), 422, "invalid_input")  # no key
    refused(post(api.disburser, "resolutions", resolution_body(api, 1_000), key="r-5"), 403, "permission_denied")
    refused(post(api.outsider, "resolutions", resolution_body(api, 1_000), key="r-6"), 404, "not_found")
    refused(api.outsider.get(f"/api/v1/execution/resolutions?government=1100000&year={YEAR}"), 404, "not_found")
    assert counts() == before


def test_orders_against_a_resolution_and_the_banks_notice(api):
    resolution = post(api.finance, "resolutions", resolution_body(api), key="r-1").json()
    order = {
        "commitment_id": api.commitment.pk,
        "amount": 4_000_000,
        "payee_account": "3010123456",
        "payee_bank": "농협",
        "resolution_id": resolution["id"],
        "issued_on": f"{YEAR}-06-26",
    }
    created = post(api.disburser, "payment-orders", order, key="p-1")
    assert created.status_code == 201, created.json()
    payment = created.json()
    before = counts()
    refused(post(api.disburser, "payment-orders", {**order, "amount": 2_000_001}, key="p-2"), 409, "over_resolution")
    refused(post(api.disburser, "payment-orders", {**order, "resolution_id": 10**9}, key="p-3"), 404, "not_found")
    assert counts() == before
    listed = api.finance.get(f"/api/v1/execution/resolutions?government=1100000&year={YEAR}").json()
    assert (listed[0]["ordered_amount"], listed[0]["remaining"]) == (4_000_000, 2_000_000)

    notice = {"paid_on": f"{YEAR}-06-29", "bank_reference": "NH-0001"}
    paid = api.disburser.post(
        f"/api/v1/execution/payment-orders/{payment['id']}/paid", notice, content_type="application/json"
    )
    assert paid.status_code == 200, paid.json()
    assert paid.json() == {
        "id": payment["id"],
        "number": payment["number"],
        "commitment_id": api.commitment.pk,
        "amount": 4_000_000,
        "net_amount": 4_000_000,
        "status": "paid",
        "issued_on": payment["issued_on"],
        "paid_on": f"{YEAR}-06-29",
        "bank_reference": "NH-0001",
    }
    before = counts()
    path = f"/api/v1/execution/payment-orders/{payment['id']}/paid"
    assert api.disburser.post(path, notice, content_type="application/json").json() == paid.json()
    refused(
        api.disburser.post(path, {**notice, "bank_reference": "NH-0002"}, content_type="application/json"),
        409,
        "already_paid",
    )
    refused(api.outsider.post(path, notice, content_type="application/json"), 404, "not_found")
    refused(api.finance.post(path, notice, content_type="application/json"), 403, "permission_denied")
    assert counts() == before


def test_a_resolution_is_withdrawn(api):
    resolution = post(api.finance, "resolutions", resolution_body(api), key="r-1").json()
    path = f"/api/v1/execution/resolutions/{resolution['id']}/cancel"
    before = counts()
    refused(api.outsider.post(path, {"reason": "x"}, content_type="application/json"), 404, "not_found")
    refused(api.disburser.post(path, {"reason": "x"}, content_type="application/json"), 403, "permission_denied")
    assert counts() == before
    cancelled = api.finance.post(path, {"reason": "청구 철회"}, content_type="application/json")
    assert (cancelled.status_code, cancelled.json()["status"], cancelled.json()["remaining"]) == (200, "cancelled", 0)
    refused(api.finance.post(path, {"reason": "다시"}, content_type="application/json"), 409, "resolution_not_open")


def test_an_estimated_payment_is_settled(api):
    ex = api.ex
    estimated = commitments.do_commit(
        ex.senior,
        amount=5_000_000,
        creditor="법무법인 한빛",
        purpose="소송비용",
        actor=ex.finance,
        idempotency_key="e",
        committed_on=D(YEAR, 6, 15),
        kind="estimated",
    )
    payments.do_issue_payment(
        estimated,
        amount=3_000_000,
        payee_name="법무법인 한빛",
        payee_bank="농협",
        payee_account="3010123456",
        office=ex.disbursing_office,
        actor=ex.disburser,
        idempotency_key="e-pay",
        issued_on=D(YEAR, 6, 20),
    )
    path = f"commitments/{estimated.pk}/settlement"
    before = counts()
    refused(
        post(api.disburser, f"commitments/{api.commitment.pk}/settlement", {"actual_amount": 1}, key="s"),
        422,
        "not_estimated_payment",
    )
    refused(post(api.outsider, path, {"actual_amount": 1}, key="s"), 404, "not_found")
    assert counts() == before
    body = {
        "actual_amount": 3_500_000,
        "settled_on": f"{YEAR}-07-01",
        "payee_bank": "농협",
        "payee_account": "3010123456",
    }
    settled = post(api.disburser, path, body, key="s-1")
    assert settled.status_code == 201, settled.json()
    out = settled.json()
    assert {k: v for k, v in out.items() if k not in ("id", "further_payment_id")} == {
        "commitment_id": estimated.pk,
        "estimated_amount": 3_000_000,
        "actual_amount": 3_500_000,
        "refunded_amount": 0,
        "refund_restored_line": True,
        "released_amount": 1_500_000,
        "settled_on": f"{YEAR}-07-01",
    }
    assert PaymentOrder.objects.get(pk=out["further_payment_id"]).amount == 500_000
    before = counts()
    assert post(api.disburser, path, body, key="s-1").json() == out
    refused(post(api.disburser, path, body, key="s-2"), 409, "already_settled")
    assert counts() == before
