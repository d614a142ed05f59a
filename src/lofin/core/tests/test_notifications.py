"""Notifications: in-app always, e-mail over real SMTP (a local aiosmtpd server), exactly once.

SMS and 알림톡 against the SENS simulator are tested in lofin/gateway/tests: core may not import the gateway.
"""

from __future__ import annotations

import datetime as dt
import email
import hashlib
import socket
import threading
from email import policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from lofin.core import testing
from lofin.core.models import MessageStatus, Notification, NotificationPreference, OutboundMessage
from lofin.core.notifications import delivery
from lofin.core.notifications.actions import do_set_preference, notify, notify_many
from lofin.core.notifications.delivery import MAX_ATTEMPTS, backoff, deliver
from lofin.core.notifications.events import EVENTS
from lofin.core.notifications.tasks import process_due
from lofin.core.roles import Role

CONTEXT = {"title": "2026년 본예산 편성안", "drafter": "박기획", "url": "http://127.0.0.1:8000/approvals/7/"}
REJECTED = {**CONTEXT, "actor": "최과장", "reason": "산출 근거 누락"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps what it accepts and can refuse chosen recipients."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []
        self.refuse: dict[str, str] = {}
        self.refuse_data: str = ""
        self.on_data: Any = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.on_data is not None:
            self.on_data(envelope)
        if self.refuse_data:
            return self.refuse_data
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self) -> list[EmailMessage]:
        return [email.message_from_bytes(e.content, policy=policy.default) for e in self.envelopes]


def subject_of(mail: EmailMessage) -> str:
    # Django folds a long encoded subject onto a continuation line ("Subject:\r\n =?utf-8?b?...?="), and
    # the stdlib parser keeps the folding space in front of the decoded text.
    return str(mail["Subject"]).strip()


def body_of(mail: EmailMessage) -> str:
    # SMTP carries lines ended by CRLF and a final line break the sender did not write.
    return mail.get_content().replace("\r\n", "\n").removesuffix("\n")


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_TIMEOUT = 5
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.DEFAULT_FROM_EMAIL = "Lofin <no-reply@lofin.localhost>"
    yield inbox
    controller.stop()


@pytest.fixture
def no_smtp_server(settings):
    """SMTP settings pointing at a port where nobody listens."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    settings.EMAIL_TIMEOUT = 5


KOREAN = {
    "Approval requested: %(title)s": "결재 요청: %(title)s",
    "%(drafter)s asks for your decision on “%(title)s”. Open your approval inbox: %(url)s": (
        "%(drafter)s님이 “%(title)s” 결재를 요청했습니다. 결재함: %(url)s"
    ),
    "[Lofin] Decision requested: %(title)s": "[Lofin] 결재 요청: %(title)s",
}


@pytest.fixture
def korean_catalog(settings, tmp_path):
    """A compiled Korean catalog for the approval request, placed ahead of the project's, so the
    language tests do not depend on whether the project's translations are compiled yet."""
    catalog = Catalog(locale="ko")
    for source, korean in KOREAN.items():
        catalog.add(source, korean)
    directory = tmp_path / "ko" / "LC_MESSAGES"
    directory.mkdir(parents=True)
    with open(directory / "django.mo", "wb") as f:
        write_mo(f, catalog)
    # Changing LOCALE_PATHS makes Django drop its loaded catalogs (django.test.signals).
    settings.LOCALE_PATHS = [tmp_path, *settings.LOCALE_PATHS]


@pytest.fixture
def kim(seoul):
    """Korean-speaking (the default) official with an e-mail address and no phone."""
    return testing.official(seoul, Role.BUDGET_OFFICER, username="kim", email="kim@seoul.go.kr")


@pytest.fixture
def lee(seoul):
    """English-speaking official with an e-mail address and no phone."""
    user = testing.official(seoul, Role.BUDGET_OFFICER, username="lee", email="lee@seoul.go.kr")
    user.preferred_language = "en"
    user.save(update_fields=["preferred_language"])
    return user


@pytest.fixture
def park(seoul):
    """Official with both an e-mail address and a mobile phone."""
    return testing.official(
        seoul, Role.BUDGET_OFFICER, username="park", email="park@seoul.go.kr", phone="010-1234-5678"
    )


def rendered(language: str, event_code: str, field: str, context: dict[str, Any] = CONTEXT) -> str:
    with translation.override(language):
        return str(getattr(EVENTS[event_code], field)) % context


def message_id_for(idempotency_key: str) -> str:
    return f"<{hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]}@lofin.localhost>"


def request_approval(user, dedup_key: str = "7:1", context: dict[str, Any] = CONTEXT):
    return notify(user, "approval.requested", context=context, dedup_key=dedup_key, url="/approvals/7/")


def only_message(user) -> OutboundMessage:
    (message,) = OutboundMessage.objects.filter(recipient=user)
    return message


# --- e-mail over SMTP, committed for real ----------------------------------------------------


@pytest.mark.django_db(transaction=True)
class TestEmailOverSmtp:
    def test_email_is_sent_over_smtp_in_korean_by_default(self, smtp, korean_catalog, kim):
        with translation.override("en"):
            note = request_approval(kim)

        (envelope,) = smtp.envelopes
        assert envelope.mail_from == "no-reply@lofin.localhost"
        assert envelope.rcpt_tos == ["kim@seoul.go.kr"]
        (mail,) = smtp.messages()
        assert subject_of(mail) == "결재 요청: 2026년 본예산 편성안"
        assert subject_of(mail) == rendered("ko", "approval.requested", "title")
        assert mail["To"] == "kim@seoul.go.kr"
        assert body_of(mail) == (
            "박기획님이 “2026년 본예산 편성안” 결재를 요청했습니다. 결재함: http://127.0.0.1:8000/approvals/7/"
        )
        assert body_of(mail) == rendered("ko", "approval.requested", "body")
        assert note is not None
        assert note.title == "결재 요청: 2026년 본예산 편성안"

    def test_email_follows_the_recipients_language_not_the_active_one(self, smtp, korean_catalog, lee):
        with translation.override("ko"):
            request_approval(lee)

        (mail,) = smtp.messages()
        assert subject_of(mail) == "Approval requested: 2026년 본예산 편성안"
        assert subject_of(mail) == rendered("en", "approval.requested", "title")
        assert body_of(mail) == (
            "박기획 asks for your decision on “2026년 본예산 편성안”. "
            "Open your approval inbox: http://127.0.0.1:8000/approvals/7/"
        )

    def test_message_id_is_derived_from_the_idempotency_key(self, smtp, kim):
        request_approval(kim)

        message = only_message(kim)
        assert message.idempotency_key == f"approval.requested:{kim.pk}:7:1:email"
        expected = message_id_for(message.idempotency_key)
        (mail,) = smtp.messages()
        assert mail["Message-ID"] == expected
        assert mail["X-Lofin-Key"] == expected[1:33]
        assert message.provider_id == expected

    def test_sent_message_is_recorded_as_sent_after_one_attempt(self, smtp, kim):
        before = timezone.now()
        request_approval(kim)

        message = only_message(kim)
        assert message.status == MessageStatus.SENT
        assert message.attempts == 1
        assert message.last_error == ""
        assert message.sent_at is not None
        assert message.sent_at >= before
        assert message.subject == rendered("ko", "approval.requested", "title")
        assert message.address == "kim@seoul.go.kr"

    def test_notifying_twice_with_the_same_dedup_key_sends_one_email(self, smtp, kim):
        first = request_approval(kim)
        second = request_approval(kim)

        assert first is not None
        assert second is None
        assert len(smtp.envelopes) == 1
        assert Notification.objects.filter(recipient=kim).count() == 1
        assert OutboundMessage.objects.filter(recipient=kim).count() == 1

    def test_a_different_dedup_key_is_a_different_fact(self, smtp, kim):
        request_approval(kim, dedup_key="7:1")
        request_approval(kim, dedup_key="7:2")

        assert len(smtp.envelopes) == 2
        assert len({m["Message-ID"] for m in smtp.messages()}) == 2

    def test_delivering_a_sent_message_again_sends_nothing(self, smtp, kim):
        request_approval(kim)
        message = only_message(kim)

        assert deliver(message.pk) == MessageStatus.SENT
        assert deliver(message.pk) == MessageStatus.SENT

        assert len(smtp.envelopes) == 1
        message.refresh_from_db()
        assert message.attempts == 1

    def test_a_message_being_sent_is_not_sent_again_by_a_second_worker(self, smtp, kim):
        outcome: list[str] = []

        def second_worker(_envelope: Any) -> None:
            # The SMTP server holds the first sender mid-DATA while another worker tries the same message.
            # aiosmtpd runs an event loop in its thread, and the ORM refuses to run inside one.
            def run() -> None:
                try:
                    outcome.append(deliver(OutboundMessage.objects.get(recipient=kim).pk))
                finally:
                    connections.close_all()

            worker = threading.Thread(target=run)
            worker.start()
            worker.join(timeout=30)

        smtp.on_data = second_worker
        request_approval(kim)

        assert outcome == [MessageStatus.SENDING]
        assert len(smtp.envelopes) == 1
        message = only_message(kim)
        assert (message.status, message.attempts) == (MessageStatus.SENT, 1)

    def test_refused_recipient_is_given_up_at_once(self, smtp, seoul):
        nobody = testing.official(seoul, Role.BUDGET_OFFICER, username="nobody", email="nobody@seoul.go.kr")
        smtp.refuse["nobody@seoul.go.kr"] = "550 5.1.1 No such user"

        request_approval(nobody)

        message = only_message(nobody)
        assert message.status == MessageStatus.DEAD
        assert message.attempts == 1
        assert message.last_error.startswith("PermanentSendError: recipient refused")
        assert smtp.envelopes == []

    def test_temporarily_refused_recipient_is_retried_later(self, smtp, kim):
        smtp.refuse["kim@seoul.go.kr"] = "451 4.7.1 Greylisted, try again later"
        before = timezone.now()

        request_approval(kim)

        message = only_message(kim)
        assert message.status == MessageStatus.PENDING
        assert message.attempts == 1
        assert message.last_error.startswith("SendError:")
        assert before + dt.timedelta(seconds=30) <= message.next_attempt_at <= timezone.now() + dt.timedelta(seconds=30)

        del smtp.refuse["kim@seoul.go.kr"]
        OutboundMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
        assert process_due() == {"unknown": 0, "sent": 1}
        assert len(smtp.envelopes) == 1
        message.refresh_from_db()
        assert (message.status, message.attempts, message.last_error) == (MessageStatus.SENT, 2, "")

    @pytest.mark.parametrize(
        ("reply", "status", "error"),
        [
            ("554 5.6.0 Message content rejected", MessageStatus.DEAD, "PermanentSendError: message refused: 554"),
            ("452 4.3.1 Insufficient system storage", MessageStatus.PENDING, "SendError: (452"),
        ],
    )
    def test_a_refused_message_body_is_dead_only_for_a_permanent_reply(self, smtp, kim, reply, status, error):
        smtp.refuse_data = reply

        request_approval(kim)

        message = only_message(kim)
        assert (message.status, message.attempts) == (status, 1)
        assert message.last_error.startswith(error)
        assert smtp.envelopes == []

    def test_unreachable_smtp_server_leaves_the_message_pending(self, no_smtp_server, kim):
        request_approval(kim)

        message = only_message(kim)
        assert message.status == MessageStatus.PENDING
        assert message.attempts == 1
        assert message.claimed_at is None
        assert message.last_error.startswith("SendError:")

    def test_gives_up_after_the_last_allowed_attempt(self, no_smtp_server, kim):
        request_approval(kim)
        message = only_message(kim)
        OutboundMessage.objects.filter(pk=message.pk).update(
            attempts=MAX_ATTEMPTS - 1, next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
        )

        assert deliver(message.pk) == MessageStatus.DEAD

        message.refresh_from_db()
        assert message.attempts == MAX_ATTEMPTS
        assert message.status == MessageStatus.DEAD
        assert process_due() == {"unknown": 0}

    def test_a_title_with_a_line_break_is_sent_on_one_line(self, smtp, kim):
        request_approval(kim, context={**CONTEXT, "title": "2026년 본예산\r\n편성안"})

        message = only_message(kim)
        assert message.status == MessageStatus.SENT
        (mail,) = smtp.messages()
        expected = rendered("ko", "approval.requested", "title", {**CONTEXT, "title": "2026년 본예산 편성안"})
        assert subject_of(mail) == expected
        assert Notification.objects.get(recipient=kim).title == expected

    def test_rolled_back_transaction_sends_nothing(self, smtp, kim):
        with pytest.raises(RuntimeError), transaction.atomic():
            request_approval(kim)
            raise RuntimeError("the action failed after notifying")

        assert smtp.envelopes == []
        assert Notification.objects.filter(recipient=kim).count() == 0
        assert OutboundMessage.objects.filter(recipient=kim).count() == 0

    def test_nothing_is_sent_before_the_surrounding_transaction_commits(self, smtp, kim):
        with transaction.atomic():
            request_approval(kim)
            assert smtp.envelopes == []
            assert only_message(kim).status == MessageStatus.PENDING

        assert len(smtp.envelopes) == 1
        assert only_message(kim).status == MessageStatus.SENT


# --- on_commit, inside the test's transaction ------------------------------------------------


@pytest.mark.django_db
class TestOnCommit:
    def test_commit_hands_the_messages_to_the_worker(self, smtp, kim, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            request_approval(kim)

        assert len(callbacks) == 1
        assert len(smtp.envelopes) == 1
        assert only_message(kim).status == MessageStatus.SENT

    def test_rollback_drops_the_messages_and_their_callbacks(self, smtp, kim, django_capture_on_commit_callbacks):
        with (
            django_capture_on_commit_callbacks(execute=True) as callbacks,
            pytest.raises(RuntimeError),
            transaction.atomic(),
        ):
            request_approval(kim)
            raise RuntimeError("the action failed after notifying")

        assert callbacks == []
        assert smtp.envelopes == []
        assert OutboundMessage.objects.count() == 0
        assert Notification.objects.count() == 0

    def test_without_outside_channels_nothing_is_handed_to_the_worker(self, seoul, django_capture_on_commit_callbacks):
        quiet = testing.official(seoul, Role.BUDGET_OFFICER, username="quiet")

        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            note = request_approval(quiet)

        assert callbacks == []
        assert note is not None
        assert Notification.objects.filter(recipient=quiet).count() == 1
        assert OutboundMessage.objects.filter(recipient=quiet).count() == 0


# --- which channels ---------------------------------------------------------------------------


def channels(user) -> list[str]:
    return sorted(OutboundMessage.objects.filter(recipient=user).values_list("channel", flat=True))


@pytest.mark.django_db
class TestPreferences:
    def test_without_preferences_the_events_defaults_apply(self, park):
        request_approval(park)
        notify(park, "approval.rejected", context=REJECTED, dedup_key="7")
        notify(park, "approval.approved", context={**CONTEXT, "actor": "최과장"}, dedup_key="7")

        by_event = {
            event: sorted(
                OutboundMessage.objects.filter(recipient=park, idempotency_key__startswith=f"{event}:").values_list(
                    "channel", flat=True
                )
            )
            for event in ("approval.requested", "approval.rejected", "approval.approved")
        }
        assert by_event == {
            "approval.requested": ["alimtalk", "email"],
            "approval.rejected": ["email", "sms"],
            "approval.approved": ["email"],
        }

    def test_default_preference_email_off_sms_on_queues_only_sms(self, korean_catalog, park):
        NotificationPreference.objects.create(user=park, event="*", email=False, sms=True, alimtalk=False)

        request_approval(park)

        message = only_message(park)
        assert message.channel == "sms"
        assert message.address == "01012345678"
        assert message.subject == ""
        assert message.body == "[Lofin] 결재 요청: 2026년 본예산 편성안"
        assert message.template_code == ""
        assert message.status == MessageStatus.PENDING

    def test_alimtalk_message_carries_the_events_template(self, park):
        do_set_preference(park, event="*", email=False, sms=False, alimtalk=True)

        request_approval(park)

        message = only_message(park)
        assert (message.channel, message.template_code, message.address) == (
            "alimtalk",
            "LOFIN_APPR_REQ",
            "01012345678",
        )
        assert message.body == rendered("ko", "approval.requested", "short")

    def test_a_preference_for_the_event_beats_the_default_preference(self, park):
        do_set_preference(park, event="*", email=False, sms=True, alimtalk=False)
        do_set_preference(park, event="approval.requested", email=True, sms=False, alimtalk=False)

        request_approval(park)
        notify(park, "approval.rejected", context=REJECTED, dedup_key="7")

        assert sorted(OutboundMessage.objects.filter(recipient=park).values_list("idempotency_key", flat=True)) == [
            f"approval.rejected:{park.pk}:7:sms",
            f"approval.requested:{park.pk}:7:1:email",
        ]

    def test_everything_off_leaves_only_the_in_app_notification(self, park):
        do_set_preference(park, event="*", email=False, sms=False, alimtalk=False)

        request_approval(park)

        assert channels(park) == []
        assert Notification.objects.filter(recipient=park).count() == 1

    def test_user_without_email_or_phone_gets_only_the_in_app_notification(self, seoul):
        quiet = testing.official(seoul, Role.BUDGET_OFFICER, username="quiet")
        do_set_preference(quiet, event="*", email=True, sms=True, alimtalk=True)

        note = request_approval(quiet)

        assert channels(quiet) == []
        assert note is not None
        assert (note.recipient_id, note.event, note.url) == (quiet.pk, "approval.requested", "/approvals/7/")
        assert note.title == rendered("ko", "approval.requested", "title")
        assert note.body == rendered("ko", "approval.requested", "body")
        assert note.read_at is None

    def test_a_wanted_channel_without_its_address_is_skipped(self, kim):
        do_set_preference(kim, event="*", email=True, sms=True, alimtalk=True)

        request_approval(kim)

        assert channels(kim) == ["email"]


# --- the sweeper ------------------------------------------------------------------------------


@pytest.mark.django_db
class TestProcessDue:
    def test_message_stuck_in_sending_becomes_unknown_and_is_never_resent(self, smtp, kim):
        request_approval(kim)  # not committed in this test: nothing was sent yet
        message = only_message(kim)
        claimed = timezone.now() - delivery.STALE_AFTER - dt.timedelta(minutes=1)
        OutboundMessage.objects.filter(pk=message.pk).update(
            status=MessageStatus.SENDING, claimed_at=claimed, attempts=1
        )

        assert process_due() == {"unknown": 1}
        assert process_due() == {"unknown": 0}
        assert deliver(message.pk) == MessageStatus.UNKNOWN

        assert smtp.envelopes == []
        message.refresh_from_db()
        assert (message.status, message.attempts, message.claimed_at) == (MessageStatus.UNKNOWN, 1, claimed)

    def test_message_sending_for_less_than_the_limit_is_left_alone(self, smtp, kim):
        request_approval(kim)
        message = only_message(kim)
        OutboundMessage.objects.filter(pk=message.pk).update(
            status=MessageStatus.SENDING, claimed_at=timezone.now() - dt.timedelta(minutes=9), attempts=1
        )

        assert process_due() == {"unknown": 0}

        assert smtp.envelopes == []
        message.refresh_from_db()
        assert message.status == MessageStatus.SENDING

    def test_sends_due_messages_and_leaves_later_ones(self, smtp, kim, lee):
        request_approval(kim)
        request_approval(lee)
        later = timezone.now() + dt.timedelta(minutes=5)
        OutboundMessage.objects.filter(recipient=lee).update(next_attempt_at=later)

        assert process_due() == {"unknown": 0, "sent": 1}

        assert [e.rcpt_tos for e in smtp.envelopes] == [["kim@seoul.go.kr"]]
        assert only_message(kim).status == MessageStatus.SENT
        lees = only_message(lee)
        assert (lees.status, lees.attempts, lees.next_attempt_at) == (MessageStatus.PENDING, 0, later)

    def test_a_message_not_yet_due_is_not_claimed_by_deliver(self, smtp, kim):
        request_approval(kim)
        message = only_message(kim)
        OutboundMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() + dt.timedelta(minutes=1))

        assert deliver(message.pk) == MessageStatus.PENDING

        assert smtp.envelopes == []
        message.refresh_from_db()
        assert message.attempts == 0

    def test_delivering_an_unknown_message_id_says_missing(self):
        assert deliver(987654321) == "missing"


def test_backoff_doubles_from_thirty_seconds_up_to_one_hour():
    assert [backoff(n).total_seconds() for n in range(1, 10)] == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


# --- many recipients at once -----------------------------------------------------------------------


def _rows(users: list[Any]) -> tuple[list[tuple], list[tuple]]:
    notes = sorted(
        Notification.objects.filter(recipient__in=users).values_list("recipient_id", "event", "title", "body", "url")
    )
    messages = sorted(
        OutboundMessage.objects.filter(recipient__in=users).values_list(
            "recipient_id", "channel", "address", "subject", "body", "template_code", "idempotency_key"
        )
    )
    return notes, messages


@pytest.mark.django_db
def test_notify_many_writes_what_notify_writes_for_each_person_and_only_once(korean_catalog, kim, lee, park):
    do_set_preference(park, event="*", email=False, sms=True, alimtalk=False)
    people = [kim, lee, park]
    with transaction.atomic():
        for person in people:
            request_approval(person)
        one_by_one = _rows(people)
        transaction.set_rollback(True)

    assert notify_many(people, "approval.requested", context=CONTEXT, dedup_key="7:1", url="/approvals/7/") == 3
    assert _rows(people) == one_by_one
    # The same fact again tells nobody; a person told already is skipped among new ones.
    assert notify_many(people, "approval.requested", context=CONTEXT, dedup_key="7:1", url="/approvals/7/") == 0
    assert Notification.objects.filter(recipient__in=people).count() == 3
    assert notify_many([], "approval.requested", context=CONTEXT, dedup_key="7:2") == 0


@pytest.mark.django_db
def test_notify_many_takes_a_few_queries_for_ten_or_a_hundred_people(seoul):
    crowd = [
        testing.official(seoul, Role.BUDGET_OFFICER, username=f"crowd{n}", email=f"crowd{n}@seoul.go.kr")
        for n in range(100)
    ]
    counts = []
    for dedup_key, people in (("9", crowd[:10]), ("10", crowd)):
        with CaptureQueriesContext(connections["default"]) as queries:
            assert notify_many(people, "approval.requested", context=CONTEXT, dedup_key=dedup_key) == len(people)
        counts.append(len(queries))
    # A few statements, not one per person (SQLite may split a bulk insert in two for its parameter limit).
    assert max(counts) <= 10
    assert OutboundMessage.objects.filter(idempotency_key__startswith="approval.requested:").count() == 110
