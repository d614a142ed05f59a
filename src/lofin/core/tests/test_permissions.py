"""The actor × action matrix of the core pages: members see their government, others get 404, roles decide
what a member may do, and a refused request changes nothing."""

import re

import pytest
from django.test import Client

from lofin.core import permissions, testing
from lofin.core.models import ApprovalRequest, AuditEvent, Delegation
from lofin.core.roles import OFFICIAL_ROLES, AccountType, Position, Role

pytestmark = pytest.mark.django_db

SEOUL = "1100000"
PUBLIC = {
    Role.RESIDENT: AccountType.RESIDENT,
    Role.SUPPLIER: AccountType.SUPPLIER,
    Role.SUBSIDY_OPERATOR: AccountType.SUBSIDY_OPERATOR,
}

# (page, roles that may open it); members without one of the roles get 403, non-members 404.
PAGES = {
    "/g/{code}/": set(Role.values) - {Role.OPERATOR},
    "/g/{code}/draft/": set(OFFICIAL_ROLES),
    "/g/{code}/delegations/": set(OFFICIAL_ROLES),
    "/g/{code}/audit/": {Role.AUDITOR, Role.BUDGET_OFFICER},
}


@pytest.fixture
def actors(db):
    seoul, busan = testing.government(SEOUL), testing.government("2600000")
    people = {}
    for role in sorted(OFFICIAL_ROLES):
        people[role] = testing.official(seoul, role, username=f"seoul-{role}", position=Position.DIVISION_HEAD)
    for role, account in PUBLIC.items():
        people[role] = testing.person(seoul, account, username=f"seoul-{role}")
    people["outsider"] = testing.official(busan, *sorted(OFFICIAL_ROLES), username="busan-all", position=Position.HEAD)
    people["operator"] = testing.bootstrap_operator()
    return people


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("page", list(PAGES))
def test_every_actor_gets_the_answer_their_roles_allow(actors, page):
    url = page.format(code=SEOUL)
    for actor, user in actors.items():
        status = client_for(user).get(url).status_code
        if actor in ("outsider", "operator"):
            expected = 404
        elif actor in PAGES[page]:
            expected = 200
        else:
            expected = 403
        assert status == expected, f"{actor} on {url}: {status} != {expected}"


def test_anonymous_visitors_are_sent_to_log_in(db):
    for page in PAGES:
        response = Client().get(page.format(code=SEOUL))
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_an_unknown_government_looks_exactly_like_someone_elses(actors):
    client = client_for(actors[Role.AUDITOR])
    unknown = client.get("/g/9999999/audit/")
    foreign = client.get("/g/2600000/audit/")
    assert unknown.status_code == foreign.status_code == 404

    def page(response, code):
        return re.sub(rb'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"', b"", response.content).replace(code, b"")

    assert page(unknown, b"9999999") == page(foreign, b"2600000")


def test_an_outsider_posting_into_another_government_writes_nothing(actors):
    client = client_for(actors["outsider"])
    counts = (ApprovalRequest.objects.count(), Delegation.objects.count(), AuditEvent.objects.count())
    draft = client.post(
        f"/g/{SEOUL}/draft/",
        {"title": "x", "action": "submit", "step-0-kind": "approve", "step-0-assignee": actors[Role.AUDITOR].pk},
    )
    delegate = client.post(
        f"/g/{SEOUL}/delegations/",
        {
            "substitute": actors[Role.AUDITOR].pk,
            "reason": "x",
            "starts_at": "2026-01-01T09:00",
            "ends_at": "2026-01-02T09:00",
        },
    )
    assert draft.status_code == delegate.status_code == 404
    assert (ApprovalRequest.objects.count(), Delegation.objects.count(), AuditEvent.objects.count()) == counts


def test_permission_predicates_agree_with_the_matrix(actors):
    seoul = testing.government(SEOUL)
    assert permissions.has_permission(actors[Role.AUDITOR], permissions.VIEW_AUDIT_TRAIL, seoul)
    assert not permissions.has_permission(actors[Role.CASHIER], permissions.VIEW_AUDIT_TRAIL, seoul)
    assert not permissions.has_permission(actors["outsider"], permissions.VIEW_WORKSPACE, seoul)
    assert permissions.is_operator(actors["operator"])
    assert not permissions.is_operator(actors[Role.AUDITOR])


def test_the_operations_console_is_for_verified_operators_only(actors, settings):
    settings.LOFIN_ADMIN_OTP = True
    assert client_for(actors[Role.AUDITOR]).get("/admin/").status_code == 302
    unverified = client_for(actors["operator"]).get("/admin/", follow=True)
    assert unverified.redirect_chain[-1][0] == "/accounts/"
    settings.LOFIN_ADMIN_OTP = False
    assert client_for(actors["operator"]).get("/admin/").status_code == 200
    assert client_for(actors["operator"]).get("/admin/core/auditevent/").status_code == 200
    assert client_for(actors[Role.AUDITOR]).get("/admin/core/user/").status_code == 302
