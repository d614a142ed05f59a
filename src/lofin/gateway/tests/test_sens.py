"""SMS and 알림톡 through the SENS client, against the SENS simulator running as a real HTTP server."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import re
import socket
import threading
import time
import urllib.error
import urllib.request
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone, translation

from lofin.core import testing
from lofin.core.models import MessageStatus, NotificationPreference, OutboundMessage
from lofin.core.notifications.actions import do_set_preference, notify
from lofin.core.notifications.delivery import AmbiguousSendError, PermanentSendError, SendError, deliver
from lofin.core.notifications.events import EVENTS
from lofin.core.notifications.tasks import process_due
from lofin.core.roles import Role
from lofin.gateway.sens import SensClient
from lofin.gateway.sens_protocol import (
    LMS_MAX_BYTES,
    SMS_MAX_BYTES,
    euc_kr_length,
    fit_bytes,
    is_sendable,
    sendable,
    signature,
)
from lofin.gateway.simulators.sens import make_server

ACCESS_KEY = "lofin-test-access-key"
SECRET = "lofin-test-secret"
SENDER = "0212345678"
CHANNEL = "@lofin"
SMS_SERVICE = "ncp:sms:kr:000000000001:lofin"
ALIMTALK_SERVICE = "ncp:kkobizmsg:kr:0000001:lofin"
PHONE = "01012345678"
CONTEXT = {"title": "2026년 본예산 편성안", "drafter": "박기획", "url": "http://127.0.0.1:8000/approvals/7/"}


class Simulator:
    def __init__(self, server: Any) -> None:
        self.server = server
        self.url = f"http://127.0.0.1:{server.server_address[1]}"

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method)  # noqa: S310 - local server
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return json.loads(response.read())

    def messages(self) -> list[dict[str, Any]]:
        return self._call("GET", "/_simulator/messages")["messages"]

    def fail(self, count: int, status: int) -> None:
        self._call("POST", "/_simulator/fail", {"count": count, "status": status})

    def post(self, uri: str, body: dict[str, Any], *, secret: str = SECRET, timestamp: str | None = None):
        """A request signed by hand, for what the client would never send."""
        timestamp = timestamp or str(int(time.time() * 1000))
        request = urllib.request.Request(  # noqa: S310 - local server
            self.url + uri,
            data=json.dumps(body, ensure_ascii=False).encode(),
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "x-ncp-apigw-timestamp": timestamp,
                "x-ncp-iam-access-key": ACCESS_KEY,
                "x-ncp-apigw-signature-v2": signature(secret, "POST", uri, timestamp, ACCESS_KEY),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())


@pytest.fixture
def sens(settings):
    server = make_server(port=0, access_key=ACCESS_KEY, secret=SECRET, senders={SENDER}, channel=CHANNEL)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    simulator = Simulator(server)
    settings.LOFIN_SMS_BACKEND = "lofin.gateway.sens.SensClient"
    settings.LOFIN_SMS_URL = simulator.url
    settings.LOFIN_SMS_APP_KEY = ACCESS_KEY
    settings.LOFIN_SMS_SECRET = SECRET
    settings.LOFIN_SMS_SENDER = SENDER
    settings.LOFIN_ALIMTALK_CHANNEL = CHANNEL
    settings.LOFIN_SENS_SMS_SERVICE_ID = SMS_SERVICE
    settings.LOFIN_SENS_ALIMTALK_SERVICE_ID = ALIMTALK_SERVICE
    yield simulator
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def short_text(context: dict[str, Any] = CONTEXT, language: str = "ko") -> str:
    with translation.override(language):
        return str(EVENTS["approval.requested"].short) % context


# --- the shared protocol ------------------------------------------------------------------------


class TestProtocol:
    def test_signature_matches_a_vector_computed_with_openssl(self):
        # printf 'POST /sms/v2/services/ncp:sms:kr:000000000001:lofin/messages\n1700000000000\nlofin-demo-access-key' \
        #   | openssl dgst -sha256 -hmac lofin-demo-secret -binary | base64
        assert (
            signature(
                "lofin-demo-secret",
                "POST",
                "/sms/v2/services/ncp:sms:kr:000000000001:lofin/messages",
                "1700000000000",
                "lofin-demo-access-key",
            )
            == "/LFMUbZQCcQR6Kcqk23IYCAMmFo0wrvsojKjmQRYo9Q="
        )

    def test_signature_is_base64_hmac_sha256_of_method_uri_timestamp_and_key(self):
        uri = "/alimtalk/v2/services/x/messages"
        expected = base64.b64encode(
            hmac.new(b"s3cret", f"POST {uri}\n1234567890123\nAK".encode(), hashlib.sha256).digest()
        ).decode()
        assert signature("s3cret", "POST", uri, "1234567890123", "AK") == expected

    @pytest.mark.parametrize(
        "changed",
        [
            ("other-secret", "POST", "/uri", "1", "AK"),
            ("secret", "GET", "/uri", "1", "AK"),
            ("secret", "POST", "/uri2", "1", "AK"),
            ("secret", "POST", "/uri", "2", "AK"),
            ("secret", "POST", "/uri", "1", "AK2"),
        ],
    )
    def test_every_signed_part_changes_the_signature(self, changed):
        assert signature(*changed) != signature("secret", "POST", "/uri", "1", "AK")

    @pytest.mark.parametrize(
        ("text", "length"),
        [
            ("", 0),
            ("Lofin", 5),
            ("가", 2),
            ("결재 요청", 9),
            ("[Lofin] 결재", 12),
            # Syllables outside KS X 1001's 2,350: still two bytes each.
            ("똠", 2),
            ("햏", 2),
            ("뷁", 2),
            ("“결재”", 8),
        ],
    )
    def test_euc_kr_length_counts_hangul_as_two_bytes(self, text, length):
        assert euc_kr_length(text) == length

    def test_every_modern_hangul_syllable_is_two_bytes(self):
        syllables = "".join(chr(c) for c in range(0xAC00, 0xD7A4))
        assert len(syllables) == 11172
        assert euc_kr_length(syllables) == 2 * 11172

    def test_a_character_outside_the_charset_counts_as_the_question_mark_it_becomes(self):
        assert is_sendable("결재 완료") is True
        assert is_sendable("결재 완료 🎉") is False
        assert sendable("결재 완료 🎉") == "결재 완료 ?"
        assert euc_kr_length("결재 완료 🎉") == euc_kr_length("결재 완료 ?") == 11

    @pytest.mark.parametrize(
        ("text", "limit", "fitted"),
        [
            ("가나다", 6, "가나다"),
            ("가나다", 5, "가나"),
            ("가나다", 1, ""),
            ("abc가", 4, "abc"),
            ("abc가", 5, "abc가"),
            ("Lofin", 0, ""),
            ("가" * 45 + "a", SMS_MAX_BYTES, "가" * 45),
        ],
    )
    def test_fit_bytes_keeps_the_longest_prefix_without_halving_a_character(self, text, limit, fitted):
        assert fit_bytes(text, limit) == fitted
        assert euc_kr_length(fit_bytes(text, limit)) <= limit

    def test_fit_bytes_of_a_very_long_text_is_quick(self):
        started = time.monotonic()
        assert fit_bytes("가" * 200_000, LMS_MAX_BYTES) == "가" * 1000
        assert time.monotonic() - started < 2


# --- the client against the simulator --------------------------------------------------------


class TestClient:
    def test_short_text_goes_as_one_sms(self, sens):
        request_id = SensClient().send_sms(to=PHONE, text="[Lofin] 결재 요청: 청사 보수", reference="k1")

        assert re.fullmatch(r"RSSA-[0-9A-F]{20}", request_id)
        assert sens.messages() == [
            {
                "channel": "sms",
                "service": SMS_SERVICE,
                "requestId": request_id,
                "type": "SMS",
                "from": SENDER,
                "to": PHONE,
                "content": "[Lofin] 결재 요청: 청사 보수",
                "subject": "",
            }
        ]

    def test_ninety_bytes_is_still_sms_and_ninety_one_is_lms(self, sens):
        client = SensClient()
        client.send_sms(to=PHONE, text="가" * 45, reference="k1")
        client.send_sms(to=PHONE, text="가" * 45 + "!", reference="k2")

        assert [(m["type"], m["content"]) for m in sens.messages()] == [
            ("SMS", "가" * 45),
            ("LMS", "가" * 45 + "!"),
        ]

    def test_long_korean_text_becomes_lms_titled_by_its_first_line(self, sens):
        text = "[Lofin] 예산 변경 알림\n" + "2026년도 제1회 추가경정예산안이 의회에 제출되었습니다. " * 3
        assert euc_kr_length(text) > SMS_MAX_BYTES

        SensClient().send_sms(to=PHONE, text=text, reference="k1")

        (message,) = sens.messages()
        assert (message["type"], message["subject"], message["content"]) == ("LMS", "[Lofin] 예산 변경 알림", text)

    def test_lms_subject_is_cut_to_forty_bytes(self, sens):
        text = "가" * 30 + "\n" + "나" * 50

        SensClient().send_sms(to=PHONE, text=text, reference="k1")

        (message,) = sens.messages()
        assert (message["type"], message["subject"]) == ("LMS", "가" * 20)

    def test_text_beyond_the_lms_limit_is_cut_to_it(self, sens):
        SensClient().send_sms(to=PHONE, text="가" * 1500, reference="k1")

        (message,) = sens.messages()
        assert (message["type"], message["content"]) == ("LMS", "가" * (LMS_MAX_BYTES // 2))

    def test_an_emoji_is_replaced_rather_than_failing_the_sms(self, sens):
        SensClient().send_sms(to=PHONE, text="[Lofin] 승인: 청사 보수 🎉", reference="k1")

        assert [m["content"] for m in sens.messages()] == ["[Lofin] 승인: 청사 보수 ?"]

    def test_the_simulator_refuses_an_sms_with_an_emoji_as_sens_does(self, sens):
        body = {"type": "SMS", "from": SENDER, "content": "승인 🎉", "messages": [{"to": PHONE}]}

        status, reply = sens.post(f"/sms/v2/services/{SMS_SERVICE}/messages", body)

        assert (status, reply["errorMessage"]) == (400, "content has characters outside EUC-KR")
        assert sens.messages() == []

    def test_alimtalk_goes_with_its_template(self, sens):
        message_id = SensClient().send_alimtalk(
            to=PHONE, template_code="LOFIN_APPR_REQ", text="[Lofin] 결재 요청: 청사 보수", reference="k1"
        )

        (message,) = sens.messages()
        assert message == {
            "channel": "alimtalk",
            "service": ALIMTALK_SERVICE,
            "requestId": message["requestId"],
            "messageId": message_id,
            "templateCode": "LOFIN_APPR_REQ",
            "to": PHONE,
            "content": "[Lofin] 결재 요청: 청사 보수",
        }

    def test_unknown_alimtalk_template_is_permanent(self, sens):
        with pytest.raises(PermanentSendError, match="E001"):
            SensClient().send_alimtalk(to=PHONE, template_code="LOFIN_NO_SUCH", text="안녕하세요", reference="k1")
        assert sens.messages() == []

    def test_wrong_secret_is_refused_with_401_and_is_permanent(self, sens):
        with pytest.raises(PermanentSendError, match=r"\(401\)"):
            SensClient(secret="not-the-secret").send_sms(to=PHONE, text="안녕하세요", reference="k1")
        assert sens.messages() == []

    def test_wrong_access_key_is_refused_with_401(self, sens):
        with pytest.raises(PermanentSendError, match=r"\(401\)"):
            SensClient(access_key="someone-else").send_sms(to=PHONE, text="안녕하세요", reference="k1")

    def test_a_request_signed_more_than_five_minutes_ago_is_refused(self, sens):
        body = {"type": "SMS", "from": SENDER, "content": "안녕하세요", "messages": [{"to": PHONE}]}
        old = str(int(time.time() * 1000) - 6 * 60 * 1000)

        status, reply = sens.post(f"/sms/v2/services/{SMS_SERVICE}/messages", body, timestamp=old)

        assert (status, reply["errorMessage"]) == (401, "Authentication Failed")
        assert sens.messages() == []

    def test_unregistered_sender_number_is_permanent(self, sens):
        with pytest.raises(PermanentSendError, match=r"\(400\).*registered calling number"):
            SensClient(sender="0299999999").send_sms(to=PHONE, text="안녕하세요", reference="k1")

    @pytest.mark.parametrize("status", [500, 503, 429])
    def test_server_trouble_and_throttling_are_transient(self, sens, status):
        sens.fail(count=1, status=status)

        with pytest.raises(SendError) as caught:
            SensClient().send_sms(to=PHONE, text="안녕하세요", reference="k1")
        assert not isinstance(caught.value, PermanentSendError)
        assert str(caught.value).startswith(f"SENS error {status}:")

        SensClient().send_sms(to=PHONE, text="안녕하세요", reference="k1")
        assert len(sens.messages()) == 1

    def test_unreachable_gateway_is_transient(self, settings):
        with pytest.raises(SendError) as caught:
            SensClient(base_url=f"http://127.0.0.1:{free_port()}").send_sms(to=PHONE, text="안녕", reference="k1")
        assert not isinstance(caught.value, PermanentSendError)
        assert str(caught.value).startswith("SENS unreachable:")

    def test_no_configured_gateway_is_transient(self, settings):
        settings.LOFIN_SMS_URL = ""
        with pytest.raises(SendError) as caught:
            SensClient()
        assert not isinstance(caught.value, PermanentSendError)


# --- notify → outbox → SENS, with real commits ---------------------------------------------------


@pytest.fixture
def seoul(db):
    return testing.government("1100000")


@pytest.fixture
def park(seoul):
    """Official with a mobile phone and no e-mail address; the defaults of the event apply."""
    return testing.official(seoul, Role.BUDGET_OFFICER, username="park", phone="010-1234-5678")


def request_approval(user, dedup_key: str = "7:1", context: dict[str, Any] = CONTEXT):
    return notify(user, "approval.requested", context=context, dedup_key=dedup_key, url="/approvals/7/")


def outbox(user) -> dict[str, OutboundMessage]:
    return {m.channel: m for m in OutboundMessage.objects.filter(recipient=user)}


def make_due(message: OutboundMessage) -> None:
    OutboundMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))


@pytest.mark.django_db(transaction=True)
class TestDelivery:
    def test_sms_and_alimtalk_arrive_at_the_gateway(self, sens, park):
        do_set_preference(park, event="*", email=False, sms=True, alimtalk=True)

        request_approval(park)

        received = {m["channel"]: m for m in sens.messages()}
        assert sorted(received) == ["alimtalk", "sms"]
        assert received["sms"]["type"] == "SMS"
        assert received["sms"]["content"] == short_text()
        assert (received["sms"]["from"], received["sms"]["to"]) == (SENDER, PHONE)
        assert received["alimtalk"]["templateCode"] == "LOFIN_APPR_REQ"
        assert received["alimtalk"]["content"] == short_text()
        messages = outbox(park)
        assert {ch: (m.status, m.attempts) for ch, m in messages.items()} == {
            "sms": (MessageStatus.SENT, 1),
            "alimtalk": (MessageStatus.SENT, 1),
        }
        assert messages["sms"].provider_id == received["sms"]["requestId"]
        assert messages["alimtalk"].provider_id == received["alimtalk"]["messageId"]

    def test_a_long_korean_title_goes_as_lms(self, sens, park):
        do_set_preference(park, event="*", email=False, sms=True, alimtalk=False)
        context = {**CONTEXT, "title": "2026년도 제1회 추가경정예산안 중 청사 환경개선 및 노후 설비 교체 사업비 증액"}
        assert euc_kr_length(short_text(context)) > SMS_MAX_BYTES

        request_approval(park, context=context)

        (received,) = sens.messages()
        assert (received["type"], received["content"]) == ("LMS", short_text(context))
        assert received["subject"] == fit_bytes(short_text(context), 40)
        assert euc_kr_length(received["subject"]) <= 40
        assert outbox(park)["sms"].status == MessageStatus.SENT

    def test_notifying_twice_and_delivering_twice_sends_one_sms(self, sens, park):
        do_set_preference(park, event="*", email=False, sms=True, alimtalk=False)

        request_approval(park)
        request_approval(park)
        message = outbox(park)["sms"]
        assert deliver(message.pk) == MessageStatus.SENT
        assert process_due() == {"unknown": 0}

        assert len(sens.messages()) == 1
        message.refresh_from_db()
        assert message.attempts == 1

    def test_wrong_secret_ends_the_message_dead_without_retrying(self, sens, park, settings):
        do_set_preference(park, event="*", email=False, sms=True, alimtalk=False)
        settings.LOFIN_SMS_SECRET = "not-the-secret"

        request_approval(park)

        message = outbox(park)["sms"]
        assert (message.status, message.attempts) == (MessageStatus.DEAD, 1)
        assert message.last_error.startswith("PermanentSendError: SENS rejected the message (401)")
        settings.LOFIN_SMS_SECRET = SECRET
        make_due(message)
        assert process_due() == {"unknown": 0}
        assert sens.messages() == []

    def test_gateway_failures_are_retried_with_backoff_and_then_sent_exactly_once(self, sens, park):
        do_set_preference(park, event="*", email=False, sms=True, alimtalk=False)
        sens.fail(count=2, status=500)

        before = timezone.now()
        request_approval(park)
        after = timezone.now()

        message = outbox(park)["sms"]
        assert (message.status, message.attempts, message.claimed_at) == (MessageStatus.PENDING, 1, None)
        assert message.last_error.startswith("SendError: SENS error 500:")
        assert before + dt.timedelta(seconds=30) <= message.next_attempt_at <= after + dt.timedelta(seconds=30)
        assert process_due() == {"unknown": 0}  # not due yet
        assert sens.messages() == []

        make_due(message)
        before = timezone.now()
        assert process_due() == {"unknown": 0, "pending": 1}
        message.refresh_from_db()
        assert (message.status, message.attempts) == (MessageStatus.PENDING, 2)
        assert before + dt.timedelta(seconds=60) <= message.next_attempt_at <= timezone.now() + dt.timedelta(seconds=60)

        make_due(message)
        assert process_due() == {"unknown": 0, "sent": 1}
        make_due(message)
        assert process_due() == {"unknown": 0}

        (received,) = sens.messages()
        message.refresh_from_db()
        assert (message.status, message.attempts, message.last_error) == (MessageStatus.SENT, 3, "")
        assert message.provider_id == received["requestId"]

    def test_unknown_alimtalk_template_ends_the_message_dead(self, sens, park):
        do_set_preference(park, event="*", email=False, sms=False, alimtalk=True)
        sens.server.state.templates.discard("LOFIN_APPR_REQ")

        request_approval(park)

        message = outbox(park)["alimtalk"]
        assert (message.status, message.attempts) == (MessageStatus.DEAD, 1)
        assert message.last_error.startswith("PermanentSendError: SENS did not accept the 알림톡")
        assert sens.messages() == []

    def test_without_a_configured_gateway_the_message_waits(self, sens, park, settings):
        do_set_preference(park, event="*", email=False, sms=True, alimtalk=False)
        settings.LOFIN_SMS_URL = ""

        request_approval(park)

        message = outbox(park)["sms"]
        assert (message.status, message.attempts) == (MessageStatus.PENDING, 1)
        assert message.last_error == "SendError: LOFIN_SMS_URL is not set: no SMS gateway is configured"
        settings.LOFIN_SMS_URL = sens.url
        make_due(message)
        assert process_due() == {"unknown": 0, "sent": 1}
        assert [m["to"] for m in sens.messages()] == [PHONE]

    def test_rolled_back_action_sends_no_text(self, sens, park):
        do_set_preference(park, event="*", email=False, sms=True, alimtalk=True)

        with pytest.raises(RuntimeError), transaction.atomic():
            request_approval(park)
            raise RuntimeError("the action failed after notifying")

        assert sens.messages() == []
        assert OutboundMessage.objects.filter(recipient=park).count() == 0


class TestAmbiguousFailures:
    """A gateway that took the request and then went silent may have sent the SMS: never resend it blindly."""

    @pytest.fixture
    def silent_gateway(self, settings):
        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen(5)
        stop = threading.Event()

        def swallow():
            while not stop.is_set():
                try:
                    conn, _addr = server.accept()
                except OSError:
                    return
                conn.recv(65536)  # read the whole request, then hang up without answering
                conn.close()

        thread = threading.Thread(target=swallow, daemon=True)
        thread.start()
        settings.LOFIN_SMS_URL = f"http://127.0.0.1:{server.getsockname()[1]}"
        yield
        stop.set()
        server.close()

    def test_a_connection_lost_after_sending_is_ambiguous(self, silent_gateway):
        with pytest.raises(AmbiguousSendError):
            SensClient().send_sms(to="01012345678", text="안녕하세요", reference="r")

    @pytest.mark.django_db(transaction=True)
    def test_the_message_becomes_unknown_and_is_not_retried(self, silent_gateway, seoul, park):
        NotificationPreference.objects.update_or_create(
            user=park, event="*", defaults={"email": False, "sms": True, "alimtalk": False}
        )
        request_approval(park, dedup_key="ambiguous")
        message = OutboundMessage.objects.get(recipient=park, channel="sms")
        assert deliver(message.pk) in ("unknown", "sent")
        message.refresh_from_db()
        assert message.status == MessageStatus.UNKNOWN
        process_due()
        message.refresh_from_db()
        assert (message.status, message.attempts) == (MessageStatus.UNKNOWN, 1)
