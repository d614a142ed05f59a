"""Schemathesis generates requests from the OpenAPI document; none may cause a server error."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from lofin.core import actions, testing
from lofin.core.roles import Role
from lofin.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

# Thousands of requests, about 40 s: `make test` runs them, `make test-fast` does not.
pytestmark = pytest.mark.slow


@pytest.fixture
def token(db):
    """The WSGI app closes old database connections around each request; in a test that connection holds
    the test's transaction, so keep it open, as Django's own test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield _token()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _token():
    official = testing.official(testing.government("1100000"), Role.AUDITOR, username="fuzzer")
    raw, _created = actions.do_create_token(official, actor=official)
    return raw


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_no_generated_request_causes_a_server_error(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=[not_a_server_error])
