"""Send outbox messages: claim, send, record. Retries with backoff; never sends one message twice.

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
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

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
    """Try to send one message now. Returns its status afterwards."""
    now = timezone.now()
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
            next_attempt_at=timezone.now() + backoff(message.attempts),
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            claimed_at=None,
        )
        log.warning("notification send failed", extra={"message_id": message.pk, "error": str(exc)})
        if failed_status == MessageStatus.PENDING:
            _schedule_retry(message.pk, message.attempts)
        return str(failed_status)
    OutboundMessage.objects.filter(pk=message.pk, status=MessageStatus.SENDING).update(
        status=MessageStatus.SENT, sent_at=timezone.now(), provider_id=provider_id[:100], last_error=""
    )
    return str(MessageStatus.SENT)


def _schedule_retry(message_id: int, attempts: int) -> None:
    from .tasks import deliver_message

    backend = deliver_message.get_backend()
    if getattr(backend, "supports_defer", False):
        deliver_message.using(run_after=timezone.now() + backoff(attempts)).enqueue(message_id)


def process_due(limit: int = 500) -> dict[str, Any]:
    """Send every due message (the `lofin notifications send` command and the worker's sweep)."""
    now = timezone.now()
    stale = OutboundMessage.objects.filter(status=MessageStatus.SENDING, claimed_at__lt=now - STALE_AFTER).update(
        status=MessageStatus.UNKNOWN
    )
    outcome: dict[str, Any] = {"unknown": stale}
    due = list(
        OutboundMessage.objects.filter(status=MessageStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in due:
        status = deliver(pk)
        outcome[status] = outcome.get(status, 0) + 1
    return outcome
