"""Send one outbox message: claim, send, record. Never sends one message twice; when to try (after commit, again
after a backoff, on the sweep) is `tasks`' business.

A message is claimed by one conditional UPDATE (pending → sending); only the claimer sends it. If a
sender dies between sending and recording, the message stays in "sending"; after STALE_AFTER it moves to
"unknown" for a person to check, rather than being sent again. E-mails carry a Message-ID derived from the
idempotency key, so a receiving system can also drop a repeat.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import smtplib
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F
from django.utils.module_loading import import_string

from lofin.core import clock
from lofin.core.models import Channel, MessageStatus, OutboundMessage

log = logging.getLogger("lofin.notifications")

MAX_ATTEMPTS = 8
STALE_AFTER = dt.timedelta(minutes=10)


class SendError(Exception):
    """A failure that may pass: the message is retried later."""


class AmbiguousSendError(SendError):
    """The message may have reached the provider (the connection broke after it was sent): sending it again
    could duplicate it, so it becomes `unknown` for an operator to check instead of being retried."""


class PermanentSendError(SendError):
    """The provider refused the message itself (bad number, unknown template): retrying cannot help."""


class TextSender(Protocol):
    def send_sms(self, *, to: str, text: str, reference: str) -> str: ...

    def send_alimtalk(self, *, to: str, template_code: str, text: str, reference: str) -> str: ...


def backoff(attempts: int) -> dt.timedelta:
    """30 s, 1 min, 2 min, ... capped at one hour."""
    return dt.timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def text_sender() -> TextSender:
    return import_string(settings.LOFIN_SMS_BACKEND)()


def _send_email(message: OutboundMessage) -> str:
    digest = hashlib.sha256(message.idempotency_key.encode()).hexdigest()[:32]
    message_id = f"<{digest}@lofin.localhost>"
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        to=[message.address],
        headers={"Message-ID": message_id, "X-Lofin-Key": digest},
    )
    try:
        email.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as exc:
        # A 5xx for the address (no such mailbox) will be the same answer in an hour; a 4xx (greylisting,
        # full mailbox) may pass.
        codes = [code for code, _reply in exc.recipients.values()]
        if codes and all(500 <= code < 600 for code in codes):
            raise PermanentSendError(f"recipient refused: {exc.recipients}") from exc
        raise SendError(str(exc)) from exc
    except smtplib.SMTPDataError as exc:
        # 5xx after DATA refuses this message's content; a 4xx is the server asking to come back later.
        if 500 <= exc.smtp_code < 600:
            raise PermanentSendError(f"message refused: {exc.smtp_code} {exc.smtp_error!r}") from exc
        raise SendError(str(exc)) from exc
    except (smtplib.SMTPServerDisconnected, TimeoutError) as exc:
        # The connection was open (the backend connects before sending): the server may have the message.
        raise AmbiguousSendError(str(exc)) from exc
    except OSError as exc:
        # Connection trouble and refusals of our own sender or login: a matter of the server or its
        # configuration, not of this message, so it is retried.
        raise SendError(str(exc)) from exc
    return message_id


def _send(message: OutboundMessage) -> str:
    if message.channel == Channel.EMAIL:
        return _send_email(message)
    sender = text_sender()
    if message.channel == Channel.SMS:
        return sender.send_sms(to=message.address, text=message.body, reference=message.idempotency_key)
    return sender.send_alimtalk(
        to=message.address,
        template_code=message.template_code,
        text=message.body,
        reference=message.idempotency_key,
    )


def deliver(message_id: int) -> str:
    """Try to send one message now. Returns its status afterwards: `pending` when it failed in a way that may pass
    (its `next_attempt_at` says when to try again)."""
    now = clock.now()
    claimed = OutboundMessage.objects.filter(
        pk=message_id, status=MessageStatus.PENDING, next_attempt_at__lte=now
    ).update(status=MessageStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    message = OutboundMessage.objects.filter(pk=message_id).first()
    if message is None:
        return "missing"
    if claimed != 1:
        return message.status
    try:
        provider_id = _send(message)
    except AmbiguousSendError as exc:
        OutboundMessage.objects.filter(pk=message.pk, status=MessageStatus.SENDING).update(
            status=MessageStatus.UNKNOWN, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        log.warning("notification outcome unknown", extra={"message_id": message.pk, "error": str(exc)})
        return str(MessageStatus.UNKNOWN)
    except Exception as exc:  # every other failure is recorded on the message and retried or given up
        permanent = isinstance(exc, PermanentSendError)
        failed_status = MessageStatus.DEAD if permanent or message.attempts >= MAX_ATTEMPTS else MessageStatus.PENDING
        OutboundMessage.objects.filter(pk=message.pk, status=MessageStatus.SENDING).update(
            status=failed_status,
            next_attempt_at=clock.now() + backoff(message.attempts),
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            claimed_at=None,
        )
        log.warning("notification send failed", extra={"message_id": message.pk, "error": str(exc)})
        return str(failed_status)
    OutboundMessage.objects.filter(pk=message.pk, status=MessageStatus.SENDING).update(
        status=MessageStatus.SENT, sent_at=clock.now(), provider_id=provider_id[:100], last_error=""
    )
    return str(MessageStatus.SENT)
