"""The mobile identity check (휴대폰 본인확인): the client against the simulator as a real HTTP server, the code sent
by SMS through the SENS simulator, and a resident verified end to end."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import urllib.request

import pytest

from lofin.core import testing
from lofin.core.models import AuditEvent
from lofin.core.roles import AccountType
from lofin.gateway import identity_protocol as proto
from lofin.gateway.identity import IdentityClient, IdentityError
from lofin.gateway.sens import SensClient
from lofin.gateway.simulators import identity as simulator
from lofin.gateway.simulators import sens as sens_simulator
from lofin.participation.actions import residents, verification
from lofin.participation.errors import VerificationFailed
from lofin.participation.models import Resident
from lofin.participation.rules.residents import census_rows

BIRTH = dt.date(1990, 1, 2)


def serve(server):
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture
def service():
    server = simulator.make_server(clients={"site-a": "secret-a", "site-b": "secret-b"}, ttl=60)
    url = serve(server)
    yield server, url
    server.shutdown()
    server.server_close()


def start(client, **overrides):
    fields = {
        "request_no": overrides.pop("request_no", "r1"),
        "name": "홍길동",
        "birth_date": BIRTH,
        "sex_digit": "1",
        "carrier": "SKT",
        "phone": "01012345678",
    }
    fields.update(overrides)
    return client.start(**fields)


def test_code_confirms_the_identity_with_ci_and_di(service):
    _server, url = service
    a = IdentityClient(url, "site-a", "secret-a")
    started = start(a)
    assert re.fullmatch(r"\d{6}", started.test_code) and started.expires_in == 60
    identity = a.confirm(transaction_id=started.transaction_id, code=started.test_code)
    assert (identity.name, identity.birth_date, identity.sex_digit, identity.carrier) == ("홍길동", BIRTH, "1", "SKT")
    assert len(identity.ci) == 88 and len(identity.di) == 64
    # CI is the same person at every site; DI differs per site.
    b = IdentityClient(url, "site-b", "secret-b")
    other = start(b, name="홍 길동")
    again = b.confirm(transaction_id=other.transaction_id, code=other.test_code)
    assert again.ci == identity.ci and again.di != identity.di
    with pytest.raises(IdentityError) as finished:  # a transaction confirms once
        a.confirm(transaction_id=started.transaction_id, code=started.test_code)
    assert finished.value.code == proto.UNKNOWN_TRANSACTION


def test_wrong_codes_lock_the_transaction(service):
    _server, url = service
    client = IdentityClient(url, "site-a", "secret-a")
    started = start(client)
    wrong = "000000" if started.test_code != "000000" else "111111"
    for left in range(proto.MAX_ATTEMPTS - 1, 0, -1):
        with pytest.raises(IdentityError) as refused:
            client.confirm(transaction_id=started.transaction_id, code=wrong)
        assert (refused.value.code, refused.value.detail) == (proto.WRONG_CODE, {"attempts_left": left})
    with pytest.raises(IdentityError) as refused:
        client.confirm(transaction_id=started.transaction_id, code=wrong)
    assert refused.value.code == proto.LOCKED
    with pytest.raises(IdentityError) as refused:  # even the right code now
        client.confirm(transaction_id=started.transaction_id, code=started.test_code)
    assert refused.value.code == proto.LOCKED


def test_malformed_inconsistent_and_unsigned_requests_are_refused(service):
    _server, url = service
    client = IdentityClient(url, "site-a", "secret-a")
    for overrides, code in [
        ({"carrier": "XYZ"}, proto.UNKNOWN_CARRIER),
        ({"sex_digit": "3"}, proto.INCONSISTENT),  # 3 is for births from 2000
        ({"phone": "0212345678"}, proto.MALFORMED),
        ({"name": " "}, proto.MALFORMED),
    ]:
        with pytest.raises(IdentityError) as refused:
            start(client, request_no=f"r-{code}", **overrides)
        assert refused.value.code == code
    start(client, request_no="dup")
    with pytest.raises(IdentityError) as refused:
        start(client, request_no="dup")
    assert refused.value.code == proto.DUPLICATE_REQUEST
    with pytest.raises(IdentityError) as refused:
        start(IdentityClient(url, "site-a", "wrong-secret"))
    assert refused.value.code == "unavailable"  # HTTP 401
    with pytest.raises(IdentityError) as refused:
        start(IdentityClient("http://127.0.0.1:9", "site-a", "secret-a"))
    assert refused.value.code == "unavailable"


def test_expired_code(service):
    server, url = service
    client = IdentityClient(url, "site-a", "secret-a")
    started = start(client)
    server.state.transactions[started.transaction_id]["expires"] = 0
    with pytest.raises(IdentityError) as refused:
        client.confirm(transaction_id=started.transaction_id, code=started.test_code)
    assert refused.value.code == proto.EXPIRED


def test_code_goes_by_sms_through_the_sens_simulator():
    sens = sens_simulator.make_server(access_key="k", secret="s", senders={"0212345678"}, templates=set())
    sens_url = serve(sens)
    sms = SensClient(sens_url, "k", "s", "svc", "alim", "0212345678", "@lofin")
    server = simulator.make_server(
        clients={"site-a": "secret-a"}, send_sms=lambda to, text: sms.send_sms(to=to, text=text, reference="id")
    )
    url = serve(server)
    try:
        client = IdentityClient(url, "site-a", "secret-a")
        started = start(client)
        assert started.test_code == ""
        with urllib.request.urlopen(sens_url + "/_simulator/messages", timeout=5) as response:  # noqa: S310
            (message,) = json.loads(response.read())["messages"]
        assert message["to"] == "01012345678"
        code = re.search(r"\[(\d{6})\]", message["content"]).group(1)
        assert client.confirm(transaction_id=started.transaction_id, code=code).name == "홍길동"
    finally:
        for s in (server, sens):
            s.shutdown()
            s.server_close()


@pytest.mark.django_db
def test_resident_is_verified_through_the_service_and_matched_to_the_list(service, settings):
    _server, url = service
    settings.LOFIN_IDENTITY_URL = url
    settings.LOFIN_IDENTITY_CLIENT_ID, settings.LOFIN_IDENTITY_SECRET = "site-a", "secret-a"
    gov = testing.government("1133000")
    manager = testing.official(gov, "budget_officer", username="pb-manager")
    residents.do_upload_census(
        gov, name="명부", data=census_rows([("홍길동", BIRTH, "1", "주민", "역삼1동")]), actor=manager
    )
    user = testing.person(gov, AccountType.RESIDENT, username="hong")
    args = {
        "user": user,
        "name": "홍길동",
        "birth_date": BIRTH,
        "sex_digit": "1",
        "carrier": "KT",
        "phone": "010-1234-5678",
    }
    started = verification.start(gov, **args)
    other = testing.person(gov, AccountType.RESIDENT, username="other")
    before = (Resident.objects.count(), AuditEvent.objects.count())
    with pytest.raises(VerificationFailed):
        verification.confirm(gov, user=user, token=started["token"] + "x", code=started["test_code"])
    with pytest.raises(VerificationFailed):  # the token is bound to the user who started
        verification.confirm(gov, user=other, token=started["token"], code=started["test_code"])
    wrong = "000000" if started["test_code"] != "000000" else "111111"
    with pytest.raises(VerificationFailed) as refused:
        verification.confirm(gov, user=user, token=started["token"], code=wrong)
    assert refused.value.detail["service_code"] == proto.WRONG_CODE
    assert (Resident.objects.count(), AuditEvent.objects.count()) == before
    resident = verification.confirm(gov, user=user, token=started["token"], code=started["test_code"])
    assert (resident.verified_name, resident.basis, resident.method) == ("홍길동", "resident", "phone")
    assert len(resident.ci_hash) == 64


@pytest.mark.parametrize(
    ("birth", "sex", "consistent"),
    [
        ("19900102", "1", True),
        ("19900102", "6", True),
        ("20010102", "4", True),
        ("19900102", "3", False),
        ("20010102", "2", False),
        ("19900230", "1", False),  # no such day
        ("19900102", "9", False),  # 1800s: not issued to living people
        ("١٩٩٠٠١٠٢", "1", False),
    ],
)
def test_the_sex_digit_tells_the_century_of_a_real_birth_date(birth, sex, consistent):
    assert proto.century_matches(birth, sex) is consistent
