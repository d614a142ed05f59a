"""Signing up, logging in and out, two-step verification, throttling and session expiry."""

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from lofin.core import testing
from lofin.core.models import AuditEvent, Membership, User
from lofin.core.roles import AccountType, Position, Role

pytestmark = pytest.mark.django_db


def signup_data(**overrides):
    data = {
        "account_type": AccountType.RESIDENT,
        "government": testing.government("1111000").pk,
        "display_name": "홍길동",
        "username": "hong",
        "email": "hong@example.kr",
        "phone": "010-1234-5678",
        "password": "a-long-and-unusual-passphrase",
        "password_again": "a-long-and-unusual-passphrase",
    }
    data.update(overrides)
    return data


def test_a_resident_signs_up_and_becomes_a_resident_of_the_chosen_government(client):
    response = client.post("/accounts/signup/", signup_data())
    assert response.status_code == 302
    user = User.objects.get(username="hong")
    assert (user.account_type, user.phone, user.display_name) == ("resident", "01012345678", "홍길동")
    assert list(Membership.objects.filter(user=user).values_list("government__code", "role")) == [
        ("1111000", "resident")
    ]
    assert AuditEvent.objects.filter(action="core.user.register", object_id=str(user.pk)).count() == 1
    assert client.get("/accounts/").status_code == 200


def test_a_supplier_needs_a_valid_business_registration_number(client):
    bad = client.post(
        "/accounts/signup/", signup_data(account_type="supplier", organisation="(주)가나", business_number="1234567890")
    )
    assert bad.status_code == 200 and not User.objects.filter(username="hong").exists()
    good = client.post(
        "/accounts/signup/",
        signup_data(account_type="supplier", organisation="(주)가나", business_number="204-86-31263"),
    )
    assert good.status_code == 302
    assert User.objects.get(username="hong").business_number == "2048631263"


@pytest.mark.parametrize(
    ("field", "value"),
    [("username", "a"), ("phone", "12345"), ("email", "not-an-email"), ("password_again", "different-passphrase")],
)
def test_bad_sign_up_input_is_refused_with_a_message_and_nothing_is_saved(client, field, value):
    before = (User.objects.count(), AuditEvent.objects.count())
    response = client.post("/accounts/signup/", signup_data(**{field: value}))
    assert response.status_code == 200
    assert b'role="alert"' in response.content
    assert (User.objects.count(), AuditEvent.objects.count()) == before


def test_officials_cannot_sign_themselves_up(client):
    response = client.post("/accounts/signup/", signup_data(account_type="official"))
    assert response.status_code == 200
    assert not User.objects.filter(username="hong").exists()


def test_passwords_are_stored_with_argon2(db):
    user = testing.person(testing.government("1100000"), username="argon")
    assert identify_hasher(user.password).algorithm.startswith("argon2")
    assert user.check_password(testing.PASSWORD)


def test_login_and_logout_are_audited(client):
    user = testing.person(testing.government("1100000"), username="kim")
    response = client.post("/accounts/login/", {"username": "kim", "password": testing.PASSWORD})
    assert response.status_code == 302
    assert client.get("/accounts/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/accounts/").status_code == 302
    actions = list(AuditEvent.objects.filter(actor=user).values_list("action", flat=True))
    assert actions[-2:] == ["core.session.login", "core.session.logout"]


def test_logout_needs_post(client):
    testing.person(testing.government("1100000"), username="kim")
    client.post("/accounts/login/", {"username": "kim", "password": testing.PASSWORD})
    assert client.get("/accounts/logout/").status_code == 405


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client):
    testing.person(testing.government("1100000"), username="kim")
    response = client.post("/accounts/login/", {"username": "kim", "password": "nope-nope-nope"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_account_for_a_while(client, settings):
    testing.person(testing.government("1100000"), username="kim")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "kim", "password": "wrong-password-1"}, REMOTE_ADDR="10.0.0.1")
    locked = client.post("/accounts/login/", {"username": "kim", "password": testing.PASSWORD}, REMOTE_ADDR="10.0.0.1")
    assert locked.status_code == 429
    assert b"login_locked" in locked.content
    assert "_auth_user_id" not in client.session


def test_an_official_with_totp_needs_the_code_to_log_in(client):
    official = testing.official(
        testing.government("1100000"), Role.AUDITOR, username="auditor", position=Position.STAFF
    )
    device = TOTPDevice.objects.create(user=official, name="phone", confirmed=True)
    response = client.post("/accounts/login/", {"username": "auditor", "password": testing.PASSWORD})
    assert response["Location"] == "/accounts/login/otp/"
    assert "_auth_user_id" not in client.session
    wrong = client.post("/accounts/login/otp/", {"token": "000000" if totp(device.bin_key) != 0 else "111111"})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    ok = client.post("/accounts/login/otp/", {"token": f"{totp(device.bin_key):06d}"})
    assert ok.status_code == 302
    assert client.session["_auth_user_id"] == str(official.pk)


def test_setting_up_totp_confirms_with_a_code_and_is_audited(client):
    official = testing.official(testing.government("1100000"), Role.AUDITOR, username="auditor")
    client.force_login(official)
    page = client.get("/accounts/otp/setup/")
    assert page.status_code == 200 and b"data:image/svg+xml;base64," in page.content
    device = TOTPDevice.objects.get(user=official, confirmed=False)
    response = client.post("/accounts/otp/setup/", {"token": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 302
    assert TOTPDevice.objects.get(user=official).confirmed
    assert AuditEvent.objects.filter(actor=official, action="core.otp.enable").exists()


def test_an_expired_session_says_so_on_the_login_page(client):
    user = testing.person(testing.government("1100000"), username="kim")
    client.force_login(user)
    client.get("/accounts/")
    client.session.flush()
    client.cookies["sessionid"] = "expired-session-key"
    response = client.get("/g/1100000/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")
    assert "expired=1" in response.redirect_chain[-1][0]


def test_a_form_without_csrf_token_gets_a_clear_403(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert b"csrf_failed" in response.content


def test_language_switch_sets_the_cookie_and_the_preference(client):
    user = testing.person(testing.government("1100000"), username="kim")
    client.force_login(user)
    response = client.post("/language/", {"language": "en", "next": "/"})
    assert response.status_code == 302 and response.cookies["lofin_language"].value == "en"
    user.refresh_from_db()
    assert user.preferred_language == "en"
    assert client.get("/").headers["Content-Language"] == "en"


def test_korean_is_the_default_even_for_an_english_browser(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "ko"
    assert b'<html lang="ko">' in response.content


def test_an_unsafe_next_url_is_ignored(client):
    testing.person(testing.government("1100000"), username="kim")
    response = client.post(
        "/accounts/login/?next=https://evil.example/",
        {"username": "kim", "password": testing.PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"
