"""Odd input from people and programs gets a clear 4xx and writes nothing; never a 500."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from lofin.core import testing
from lofin.core.models import ApprovalRequest, AuditEvent
from lofin.core.roles import Position, Role

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def official(db):
    return testing.official(testing.government("1100000"), Role.BUDGET_OFFICER, username="kim", position=Position.STAFF)


@pytest.fixture
def logged_in(official):
    client = Client()
    client.force_login(official)
    return client


def test_non_numeric_ids_in_forms_are_refused_cleanly(logged_in):
    response = logged_in.post("/me/approvals/1/decide/", {"decision": "confirm", "step": "abc"})
    assert response.status_code == 404
    before = ApprovalRequest.objects.count()
    response = logged_in.post(
        "/g/1100000/draft/",
        {
            "title": "t",
            "action": "submit",
            "step-0-kind": "approve",
            "step-0-assignee": "abc",
            "idempotency_key": "x" * 500,
        },
    )
    assert response.status_code == 200
    assert ApprovalRequest.objects.count() == before


def test_a_very_long_user_name_at_log_in_is_just_a_failed_log_in(db):
    response = Client().post("/accounts/login/", {"username": "u" * 300, "password": "whatever-it-is"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/notifications/read", {"ids": [10**30]}),
        ("/api/v1/notifications/read", {"ids": [-1]}),
        ("/api/v1/notifications/read", {}),
        ("/api/v1/approvals/1/reject", {"reason": "bad\x00reason"}),
        ("/api/v1/approvals/1/reject", {"reason": "x" * 5000}),
    ],
)
def test_bad_api_bodies_are_a_named_422(logged_in, path, body):
    response = logged_in.post(path, body, content_type="application/json")
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "invalid_input"


def test_huge_path_ids_are_not_a_server_error(logged_in):
    response = logged_in.get(f"/api/v1/approvals/{10**30}")
    assert response.status_code in (404, 422)
    assert response.json()["code"] in ("not_found", "invalid_input")


def test_wrong_methods_get_the_json_error_shape(db):
    for path in ("/api/v1/governments", "/healthz"):
        response = Client().post(path)
        assert response.status_code == 405
        assert response.json()["code"] == "method_not_allowed"
        assert "GET" in response["Allow"]
    response = Client().get("/api/v1/no-such-endpoint")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_switching_two_step_verification_off_needs_the_password(logged_in, official):
    TOTPDevice.objects.create(user=official, name="phone", confirmed=True)
    logged_in.post("/accounts/otp/disable/", {"password": "wrong-password"})
    assert TOTPDevice.objects.filter(user=official).exists()
    logged_in.post("/accounts/otp/disable/", {"password": testing.PASSWORD})
    assert not TOTPDevice.objects.filter(user=official).exists()
    assert AuditEvent.objects.filter(actor=official, action="core.otp.disable").count() == 1


def test_a_configured_database_without_a_secret_key_refuses_to_start(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LOFIN_", "PYTEST", "DJANGO"))}
    env.update({"LOFIN_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}", "PYTHONPATH": str(ROOT / "src")})
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='lofin.settings'; django.setup()",
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "LOFIN_SECRET_KEY must be set" in result.stderr
