"""The operators' console: creating an official, granting a role, every change audited."""

import pytest
from django.test import Client

from lofin.core import testing
from lofin.core.models import AuditEvent, Membership, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def console(settings):
    settings.LOFIN_ADMIN_OTP = False
    client = Client()
    client.force_login(testing.bootstrap_operator())
    return client


def test_an_operator_creates_an_official_and_grants_a_role(console):
    response = console.post(
        "/admin/core/user/add/",
        {
            "username": "new.official",
            "display_name": "김주무",
            "account_type": "official",
            "password1": "a-long-and-unusual-passphrase",
            "password2": "a-long-and-unusual-passphrase",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    user = User.objects.get(username="new.official")
    assert (user.account_type, user.display_name) == ("official", "김주무")
    seoul = testing.government("1100000")
    response = console.post(
        "/admin/core/membership/add/", {"user": user.pk, "government": seoul.pk, "role": "finance_officer"}
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user=user, government=seoul, role="finance_officer").exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"admin.core.user.add", "admin.core.membership.add"} <= actions


def test_an_official_role_for_a_resident_account_is_refused(console):
    resident = testing.person(testing.government("1100000"), username="resident")
    before = Membership.objects.count()
    response = console.post(
        "/admin/core/membership/add/",
        {"user": resident.pk, "government": testing.government("1100000").pk, "role": "finance_officer"},
    )
    assert response.status_code == 200
    assert Membership.objects.count() == before


def test_the_audit_trail_cannot_be_edited_in_the_console(console):
    assert console.get("/admin/core/auditevent/add/").status_code == 403


def test_passwords_never_reach_the_audit_trail(console):
    console.post(
        "/admin/core/user/add/",
        {
            "username": "secretive",
            "display_name": "비밀",
            "account_type": "official",
            "password1": "Very-Secret-Pass-123",
            "password2": "Very-Secret-Pass-123",
            "usable_password": "true",
        },
    )
    for data in AuditEvent.objects.values_list("data", flat=True):
        assert "Very-Secret-Pass-123" not in str(data)
