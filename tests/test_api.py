"""The API's contract: OpenAPI snapshot, authentication, and one error shape for every kind of bad input."""

import json
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from lofin.api import api
from lofin.core import testing
from lofin.core.approvals.actions import do_submit_for_approval
from lofin.core.models import ApprovalRequest, AuditEvent
from lofin.core.roles import Position, Role

SNAPSHOT = Path(__file__).parent / "openapi" / "openapi.json"


def test_openapi_document_matches_the_committed_snapshot():
    """Run with LOFIN_UPDATE_SNAPSHOTS=1 after an intended API change, and commit the file."""
    current = (
        json.dumps(api.get_openapi_schema(path_prefix="/api/v1/"), indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    )
    if os.environ.get("LOFIN_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(current, encoding="utf-8")
    assert SNAPSHOT.read_text(encoding="utf-8") == current, "API changed: update tests/openapi/openapi.json"


def test_every_operation_has_its_own_id_that_names_no_python_module():
    document = api.get_openapi_schema()
    ids = [op["operationId"] for path in document["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids))
    assert not [i for i in ids if "_api_" in i or (i.startswith("lofin_") and i != "lofin_root")]


def test_openapi_is_version_3_1_and_served(db):
    body = Client().get("/api/v1/openapi.json").json()
    assert body["openapi"].startswith("3.1")
    assert "/api/v1/governments" in body["paths"]


@pytest.fixture
def token_client(db, capsys):
    seoul = testing.government("1100000")
    chief = testing.official(seoul, Role.BUDGET_OFFICER, username="chief", position=Position.DIVISION_HEAD)
    staff = testing.official(seoul, Role.BUDGET_OFFICER, username="staff")
    call_command("token", "create", "chief")
    token = capsys.readouterr().out.strip()
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}"), chief, staff


@pytest.mark.django_db
def test_governments_are_public_open_data():
    response = Client().get("/api/v1/governments")
    assert response.status_code == 200 and len(response.json()) == 243
    assert response["Content-Type"].startswith("application/json")
    assert "서울특별시".encode() in response.content
    assert Client().get("/api/v1/governments?kind=자치구").json().__len__() == 69


@pytest.mark.django_db
def test_an_unknown_government_code_is_a_named_404():
    body = Client().get("/api/v1/governments/0000000").json()
    assert body["code"] == "unknown_government"


@pytest.mark.django_db
def test_messages_follow_accept_language():
    en = Client().get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en").json()
    ko = Client().get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="ko").json()
    assert en["code"] == ko["code"] == "not_authenticated"
    assert en["message"].startswith("Log in")


def test_a_bearer_token_authenticates(token_client):
    client, _chief, _staff = token_client
    body = client.get("/api/v1/me").json()
    assert body["username"] == "chief"
    assert body["memberships"] == [
        {"government": "1100000", "role": "budget_officer", "role_label": body["memberships"][0]["role_label"]}
    ]


@pytest.mark.django_db
def test_a_wrong_token_is_refused():
    response = Client(HTTP_AUTHORIZATION="Bearer lofin_nope").get("/api/v1/me")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_approving_through_the_api(token_client):
    client, chief, staff = token_client
    request = do_submit_for_approval(
        government=testing.government("1100000"),
        doc_kind="core.general",
        subject_type="x",
        subject_id=1,
        title="API 결재",
        amount=1_000,
        line=[("approve", chief)],
        actor=staff,
        idempotency_key="api-1",
    )
    inbox = client.get("/api/v1/approvals/inbox").json()
    assert [item["request_id"] for item in inbox] == [request.pk]
    done = client.post(
        f"/api/v1/approvals/{request.pk}/approve", {"comment": "좋습니다"}, content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["status"] == "approved"
    again = client.post(f"/api/v1/approvals/{request.pk}/approve", {}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "conflict"


def test_malformed_json_is_a_named_400_and_writes_nothing(token_client):
    client, _chief, _staff = token_client
    before = AuditEvent.objects.count()
    response = client.post("/api/v1/approvals/1/reject", "{not json", content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "malformed_json"
    assert AuditEvent.objects.count() == before


def test_missing_fields_are_a_named_422(token_client):
    client, _chief, _staff = token_client
    response = client.post("/api/v1/approvals/1/reject", {}, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input" and "reason" in body["message"]


def test_someone_elses_document_is_a_404(token_client):
    client, _chief, _staff = token_client
    busan = testing.government("2600000")
    other = testing.official(busan, Role.BUDGET_OFFICER, username="b-staff")
    boss = testing.official(busan, Role.AUDITOR, username="b-boss", position=Position.HEAD)
    request = do_submit_for_approval(
        government=busan,
        doc_kind="core.general",
        subject_type="x",
        subject_id=1,
        title="부산 문서",
        amount=1,
        line=[("approve", boss)],
        actor=other,
        idempotency_key="busan-1",
    )
    assert client.get(f"/api/v1/approvals/{request.pk}").status_code == 404
    response = client.post(f"/api/v1/approvals/{request.pk}/reject", {"reason": "x"}, content_type="application/json")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert ApprovalRequest.objects.get(pk=request.pk).status == "in_progress"


@pytest.mark.django_db
def test_session_posts_to_the_api_need_the_csrf_token():
    user = testing.person(testing.government("1100000"), username="kim")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post("/api/v1/notifications/read", {}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
