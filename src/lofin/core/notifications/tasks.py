"""When outbox messages are sent: by a task right after the commit that wrote them, again after a backoff when a
send failed in a way that may pass, and by the sweeper for whatever is due. `delivery` makes each attempt."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from lofin.core import clock
from lofin.core.models import MessageStatus, OutboundMessage

from .delivery import STALE_AFTER, deliver


def enqueue(message_ids: list[int]) -> None:
    """Hand newly written messages to the worker (called after the commit that wrote them)."""
    for message_id in message_ids:
        deliver_message.enqueue(message_id)


def send(message_id: int) -> str:
    """Try to send one message now; if that failed in a way that may pass, queue the next try for when its backoff
    ends (with a task backend that can defer; the sweeper finds it otherwise)."""
    status = deliver(message_id)
    if status == MessageStatus.PENDING and getattr(deliver_message.get_backend(), "supports_defer", False):
        retry_at = OutboundMessage.objects.filter(pk=message_id).values_list("next_attempt_at", flat=True).first()
        if retry_at is not None:
            deliver_message.using(run_after=retry_at).enqueue(message_id)
    return status


def process_due(limit: int = 500) -> dict[str, Any]:
    """Send every due message: the sweeper (`lofin notifications send --loop`, which `lofin serve` runs)."""
    now = clock.now()
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
        status = send(pk)
        outcome[status] = outcome.get(status, 0) + 1
    return outcome


@task()
def deliver_message(message_id: int) -> str:
    return send(message_id)
