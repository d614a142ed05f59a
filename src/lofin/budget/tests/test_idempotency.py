"""Every keyed write of the budget API: the same key and body give the first result again; the same key with one
value changed is `idempotency_key_reused` (409) and writes nothing."""

import pytest
from django.test import Client

from lofin.budget.actions import adjustment
from lofin.budget.actions import setup as setup_actions
from lofin.core.actions import do_create_token
from lofin.core.models import ApprovalRequest, AuditEvent

from .conftest import YEAR, request_all

pytestmark = pytest.mark.django_db


def bearer(user):
    raw, _token = do_create_token(user, actor=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def department_submission(s, version):
    body = {
        "version_id": version.pk,
        "department_code": s.welfare.code,
        "line": [{"kind": "approve", "username": s.welfare_chief.username}],
    }
    changed = {**body, "line": [{"kind": "review", "username": s.welfare_chief.username}]}
    return s.welfare_staff, "/api/v1/budget/departments/submit", body, changed


def bill(s, version):
    adjustment.do_close_requests(version, actor=s.officer)
    body = {"line": [{"kind": "approve", "username": s.mayor.username}]}
    changed = {"line": [{"kind": "review", "username": s.chief.username}, {"kind": "approve", "username": "mayor"}]}
    return s.officer, f"/api/v1/budget/versions/{version.pk}/submit-bill", body, changed


def written():
    return ApprovalRequest.objects.count(), AuditEvent.objects.count()


@pytest.mark.parametrize("endpoint", [department_submission, bill], ids=["department", "bill"])
def test_a_retry_gets_the_first_result_and_a_changed_request_is_refused(setup, endpoint):
    version = setup_actions.do_open_original(setup.gov, year=YEAR, actor=setup.officer)
    request_all(setup, version)
    user, url, body, changed = endpoint(setup, version)
    client = bearer(user)
    first = client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 200, first.json()
    before = written()
    again = client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert (again.status_code, again.json()) == (200, first.json())
    assert written() == before
    refused = client.post(url, changed, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert (refused.status_code, refused.json()["code"]) == (409, "idempotency_key_reused")
    assert written() == before
