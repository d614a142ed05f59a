"""Every write of the core API is safe to send twice, and the table below names every one of them.

None of them takes an Idempotency-Key: each moves a state that cannot move twice (a step decided, a notification
read), so a repeat is refused as a conflict or changes nothing, and writes nothing either way. A core write that
takes a key must join `KEYED` with the same-key / changed-field checks of the services' tables."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from lofin.api import api
from lofin.core import testing
from lofin.core.approvals import actions
from lofin.core.models import ApprovalStep, AuditEvent, Notification
from lofin.core.roles import Position, Role

pytestmark = pytest.mark.django_db

# (method, path) → (body, status of the first call, status and code of the repeat)
REPEATS: dict[tuple[str, str], tuple[dict[str, Any], int, int, str | None]] = {
    ("post", "/api/v1/approvals/{request_id}/approve"): ({"comment": "좋습니다"}, 200, 409, "conflict"),
    ("post", "/api/v1/approvals/{request_id}/reject"): ({"reason": "근거 보완"}, 200, 409, "conflict"),
    ("post", "/api/v1/notifications/read"): ({"all": True}, 200, 200, None),
}
KEYED: dict[tuple[str, str], Any] = {}


def core_writes() -> dict[tuple[str, str], dict[str, Any]]:
    document = api.get_openapi_schema(path_prefix="/api/v1/")
    return {
        (method, path): operation
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if method != "get" and operation["operationId"].startswith("core_")
    }


def takes_a_key(operation: dict[str, Any]) -> bool:
    return "idempotency" in str(operation).lower()


def test_the_tables_name_every_core_write_and_which_take_a_key():
    writes = core_writes()
    assert set(writes) == set(REPEATS) | set(KEYED)
    assert {w for w, operation in writes.items() if takes_a_key(operation)} == set(KEYED)


@pytest.fixture
def chief_client(capsys: pytest.CaptureFixture[str]) -> tuple[Client, Callable[[], int]]:
    seoul = testing.government("1100000")
    chief = testing.official(seoul, Role.BUDGET_OFFICER, username="chief", position=Position.DIVISION_HEAD)
    staff = testing.official(seoul, Role.BUDGET_OFFICER, username="staff")
    call_command("token", "create", "chief")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {capsys.readouterr().out.strip()}")
    request = actions.do_submit_for_approval(
        government=seoul,
        doc_kind="core.general",
        subject_type="x",
        subject_id=1,
        title="두 번 보내기",
        amount=1_000,
        line=[("approve", chief)],
        actor=staff,
        idempotency_key="twice",
    )
    return client, lambda: request.pk


def written() -> tuple[int, list[tuple[int, str]], int]:
    steps = list(ApprovalStep.objects.order_by("pk").values_list("pk", "status"))
    return AuditEvent.objects.count(), steps, Notification.objects.filter(read_at__isnull=True).count()


@pytest.mark.parametrize(("method", "path"), list(REPEATS), ids=[p for _m, p in REPEATS])
def test_a_repeated_write_is_refused_or_changes_nothing(chief_client, method, path):
    client, request_id = chief_client
    body, first_status, repeat_status, repeat_code = REPEATS[(method, path)]
    url = path.format(request_id=request_id())
    first = client.generic(method.upper(), url, data=_json(body), content_type="application/json")
    assert first.status_code == first_status, first.content
    before = written()
    again = client.generic(method.upper(), url, data=_json(body), content_type="application/json")
    assert again.status_code == repeat_status, again.content
    if repeat_code is not None:
        assert again.json()["code"] == repeat_code
    assert written() == before


def _json(body: dict[str, Any]) -> str:
    return json.dumps(body)
