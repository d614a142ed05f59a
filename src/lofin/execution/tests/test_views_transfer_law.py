"""R-BP-9 on the screens and in the API: an official requests an 이체 with its legal basis, and the council report
shows it with 전용·이용."""

import pytest
from django.test import Client

from lofin.core.actions import do_create_token
from lofin.core.approvals import actions as approvals
from lofin.execution.actions import transfers
from lofin.execution.models import Transfer
from lofin.execution.testing import YEAR
from lofin.execution.tests.screens import base, client, form_key, ko
from lofin.execution.tests.test_transfer_law import BASIS, moved_unit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def policies(db):
    transfers.load_policies()


def test_R_BP_9_an_official_requests_a_reorganisation_with_its_legal_basis_and_the_council_sees_it(ex):
    target = moved_unit(ex.s)
    c = client(ex.s.officer)
    path = f"{base(ex)}/lines/{ex.senior.pk}/transfer/"
    page = c.get(path)
    assert "legal_basis" in page.context["form"].fields
    data = {
        "kind": "reorganisation",
        "to_line": "100-D312-307-02",
        "amount": "85,000,000",
        "reason": "경로당 지원 업무 이관",
        "idempotency_key": form_key(page),
    }
    refused = c.post(path, data)
    assert refused.context["form"].errors["legal_basis"] == [
        ko("이체 needs the law or ordinance that moves the duties between organisations (지방재정법 §47의2②).")
    ]
    assert not Transfer.objects.exists()

    assert c.post(path, {**data, "legal_basis": BASIS}).status_code == 302
    transfer = Transfer.objects.get()
    assert (transfer.to_line_id, transfer.amount, transfer.legal_basis) == (target.pk, 85_000_000, BASIS)
    assert BASIS in c.get(f"{base(ex)}/{YEAR}/transfers/").content.decode()
    # The usual approval line of the organisation chart, step by step (the drafter's own step is already done).
    for step in transfer.approval.steps.exclude(assignee=ex.s.officer).order_by("order"):
        approvals.do_approve(transfer.approval_id, actor=step.assignee)
    transfer.refresh_from_db()
    assert transfer.status == "approved"

    report = c.get(f"{base(ex)}/{YEAR}/transfers/report/{transfer.quarter}/")
    assert [(r.kind, r.legal_basis) for r in report.context["report"].rows] == [("reorganisation", BASIS)]
    html = report.content.decode()
    assert BASIS in html and f"<td>{ko('이체')}</td>" in html


def test_R_BP_9_the_api_takes_and_shows_the_legal_basis_of_a_reorganisation(ex):
    target = moved_unit(ex.s)
    raw, _token = do_create_token(ex.s.officer, actor=ex.s.officer)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    body = {
        "kind": "reorganisation",
        "from_line_id": ex.senior.pk,
        "to_line_id": target.pk,
        "amount": 10_000_000,
        "reason": "경로당 지원 업무 이관",
        "approval_line": [{"kind": "approve", "username": "mayor"}],
    }

    def post(payload, key):
        return api.post(
            "/api/v1/execution/transfers", payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
        )

    refused = post(body, "k1")
    assert (refused.status_code, refused.json()["code"], refused.json()["detail"]) == (
        409,
        "transfer_not_allowed",
        {"rule": "R-BP-9", "field": "legal_basis"},
    )
    assert not Transfer.objects.exists()
    created = post({**body, "legal_basis": BASIS}, "k2")
    assert created.status_code == 201, created.json()
    assert created.json()["legal_basis"] == BASIS
    too_long = post({**body, "legal_basis": "가" * 301}, "k3")
    assert (too_long.status_code, too_long.json()["code"]) == (422, "invalid_input")
