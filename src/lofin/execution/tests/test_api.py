"""The documented API of execution: budget lines, commitments and payment orders."""

import pytest
from django.test import Client

from lofin.core import testing
from lofin.core.actions import do_create_token
from lofin.core.models import AuditEvent
from lofin.core.roles import Role
from lofin.execution.actions import appropriations, commitments, offices
from lofin.execution.models import Commitment, PaymentOrder
from lofin.execution.testing import YEAR

pytestmark = pytest.mark.django_db


def bearer(user):
    raw, _token = do_create_token(user, actor=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def funded(ex):
    appropriations.do_allocate(ex.senior, amount=100_000_000, actor=ex.s.officer)
    offices.do_allocate_cash(ex.disbursing_office, amount=100_000_000, actor=ex.s.officer)
    return ex


def test_budget_lines_of_a_government_and_year(funded):
    ex = funded
    body = bearer(ex.finance).get(f"/api/v1/execution/budget-lines?government=1100000&year={YEAR}").json()
    senior = next(line for line in body if line["id"] == ex.senior.pk)
    assert senior == {
        "id": ex.senior.pk,
        "government": "1100000",
        "year": YEAR,
        "code": "100-D112-307-02",
        "name": "경로당 운영 지원 / 민간경상사업보조",
        "budget": 385_000_000,
        "appropriation": 385_000_000,
        "allocated": 100_000_000,
        "committed": 0,
        "paid": 0,
        "available": 100_000_000,
    }
    one = bearer(ex.finance).get(f"/api/v1/execution/budget-lines/{ex.senior.pk}").json()
    assert one == senior


def test_commitments_201_409_and_idempotency(funded):
    ex = funded
    client = bearer(ex.finance)
    body = {"budget_line_id": ex.senior.pk, "amount": 60_000_000, "creditor": "한빛복지", "purpose": "운영비"}
    created = client.post(
        "/api/v1/execution/commitments", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="c-1"
    )
    assert created.status_code == 201
    assert created.json()["amount"] == 60_000_000
    again = client.post(
        "/api/v1/execution/commitments", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="c-1"
    )
    assert again.status_code == 201 and again.json()["id"] == created.json()["id"]
    before = (Commitment.objects.count(), AuditEvent.objects.count())
    refused = client.post(
        "/api/v1/execution/commitments", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="c-2"
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "insufficient_allocation"
    assert refused.json()["message"]
    assert (Commitment.objects.count(), AuditEvent.objects.count()) == before


def test_payment_orders_201_and_named_refusals(funded):
    ex = funded
    commitment = commitments.do_commit(
        ex.senior, amount=10_000_000, creditor="한빛복지", purpose="운영비", actor=ex.finance, idempotency_key="c"
    )
    client = bearer(ex.disburser)
    ok = client.post(
        "/api/v1/execution/payment-orders",
        {"commitment_id": commitment.pk, "amount": 4_000_000, "payee_account": "301-0123-4567-11"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="p-1",
    )
    assert ok.status_code == 201 and ok.json()["payee_name"] == "한빛복지"
    too_much = client.post(
        "/api/v1/execution/payment-orders",
        {"commitment_id": commitment.pk, "amount": 6_000_001, "payee_account": "3010123456"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="p-2",
    )
    assert too_much.status_code == 409 and too_much.json()["code"] == "insufficient_commitment"
    wrong_payee = client.post(
        "/api/v1/execution/payment-orders",
        {"commitment_id": commitment.pk, "amount": 1, "payee_account": "3010123456", "payee_name": "다른사람"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="p-3",
    )
    assert wrong_payee.status_code == 422 and wrong_payee.json()["code"] == "payee_mismatch"
    own = bearer(ex.finance).post(
        "/api/v1/execution/payment-orders",
        {"commitment_id": commitment.pk, "amount": 1, "payee_account": "3010123456"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="p-4",
    )
    assert own.status_code == 403 and own.json()["code"] == "permission_denied"
    assert PaymentOrder.objects.count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {"budget_line_id": 1, "amount": 0, "creditor": "x", "purpose": "y"},
        {"budget_line_id": 1, "amount": -5, "creditor": "x", "purpose": "y"},
        {"budget_line_id": 1, "amount": 1.5, "creditor": "x", "purpose": "y"},
        {"budget_line_id": 1, "amount": 10, "creditor": "x"},
        {"budget_line_id": "abc", "amount": 10, "creditor": "x", "purpose": "y"},
    ],
)
def test_bad_commitment_bodies_are_422_and_write_nothing(funded, body):
    response = bearer(funded.finance).post(
        "/api/v1/execution/commitments", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert response.status_code == 422 and response.json()["code"] == "invalid_input"
    assert not Commitment.objects.exists()


def test_another_governments_line_is_404_and_no_token_is_401(funded):
    outsider = testing.official(testing.government("2600000"), Role.FINANCE_OFFICER, username="busan")
    body = {"budget_line_id": funded.senior.pk, "amount": 1, "creditor": "x", "purpose": "y"}
    response = bearer(outsider).post(
        "/api/v1/execution/commitments", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert response.status_code == 404
    assert bearer(outsider).get(f"/api/v1/execution/budget-lines/{funded.senior.pk}").status_code == 404
    assert Client().get(f"/api/v1/execution/budget-lines/{funded.senior.pk}").status_code == 401
    assert not Commitment.objects.exists()


def test_a_missing_idempotency_key_is_a_422(funded):
    body = {"budget_line_id": funded.senior.pk, "amount": 1, "creditor": "x", "purpose": "y"}
    response = bearer(funded.finance).post("/api/v1/execution/commitments", body, content_type="application/json")
    assert response.status_code == 422
