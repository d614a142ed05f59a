"""The one way to tell a person something: in-app always, plus e-mail/SMS/알림톡 by their preferences.

Outbound messages are written to the outbox in the caller's transaction and handed to the background
worker only after commit, so a rolled-back action sends nothing. Each notification and message has a
unique key derived from the caller's `dedup_key`: calling twice for the same fact changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import translation

from lofin.core import audit, clock
from lofin.core.models import Channel, LocalGovernment, Notification, NotificationPreference, OutboundMessage, User

from . import tasks
from .events import EVENTS, Event


def _render(text: Any, context: dict[str, Any]) -> str:
    return str(text) % context if context else str(text)


def channels_for(user: User, event: Event, prefs: dict[str, Any] | None = None) -> set[str]:
    """The channels besides in-app; `prefs` ({event code or "*": preference}) when the caller read them already."""
    if prefs is None:
        prefs = {p.event: p for p in NotificationPreference.objects.filter(user=user, event__in=[event.code, "*"])}
    pref = prefs.get(event.code) or prefs.get("*")
    if pref is None:
        wanted = {
            Channel.EMAIL: event.default_email,
            Channel.SMS: event.default_sms,
            Channel.ALIMTALK: event.default_alimtalk,
        }
    else:
        wanted = {Channel.EMAIL: pref.email, Channel.SMS: pref.sms, Channel.ALIMTALK: pref.alimtalk}
    addresses = {Channel.EMAIL: user.email, Channel.SMS: user.phone, Channel.ALIMTALK: user.phone}
    return {str(ch) for ch, on in wanted.items() if on and addresses[ch]}


def _key(event_code: str, recipient_pk: int, dedup_key: str) -> str:
    return f"{event_code}:{recipient_pk}:{dedup_key}"[:160]


def _texts(event: Event, context: dict[str, Any], language: str) -> tuple[str, str, str]:
    """(title, body, short) in the recipient's language."""
    with translation.override(language):
        # The title is also the e-mail subject: a line break in it (from a document title, say) would
        # make every send fail with BadHeaderError, so it becomes one line here.
        title = " ".join(_render(event.title, context).split())
        return title, _render(event.body, context), _render(event.short, context)


def _rows(
    recipient: User,
    event: Event,
    key: str,
    texts: tuple[str, str, str],
    channels: set[str],
    government: LocalGovernment | None,
    url: str,
) -> tuple[Notification, list[OutboundMessage]]:
    """The notification and its outside messages, not yet saved."""
    title, body, short = texts
    note = Notification(
        recipient=recipient,
        government=government,
        event=event.code,
        title=title[:200],
        body=body,
        url=url,
        dedup_key=key,
    )
    now = clock.now()
    messages = [
        OutboundMessage(
            channel=channel,
            recipient=recipient,
            address=recipient.email if channel == Channel.EMAIL else recipient.phone,
            subject=title[:200] if channel == Channel.EMAIL else "",
            body=body if channel == Channel.EMAIL else short,
            template_code=event.alimtalk_template if channel == Channel.ALIMTALK else "",
            idempotency_key=f"{key}:{channel}"[:200],
            next_attempt_at=now,
        )
        for channel in sorted(channels)
    ]
    return note, messages


def notify(
    recipient: User,
    event_code: str,
    *,
    context: dict[str, Any],
    dedup_key: str,
    government: LocalGovernment | None = None,
    url: str = "",
) -> Notification | None:
    """Record a notification and queue its outside messages. Returns None if it was already recorded."""
    event = EVENTS[event_code]
    key = _key(event_code, recipient.pk, dedup_key)
    with transaction.atomic():
        if Notification.objects.filter(dedup_key=key).exists():
            return None
        texts = _texts(event, context, recipient.preferred_language or "ko")
        note, messages = _rows(recipient, event, key, texts, channels_for(recipient, event), government, url)
        try:
            with transaction.atomic():
                note.save(force_insert=True)
        except IntegrityError:
            # A concurrent call recorded the same fact first.
            return None
        for message in messages:
            message.save(force_insert=True)
        ids = [m.pk for m in messages]
        if ids:
            transaction.on_commit(lambda: tasks.enqueue(ids))
    return note


def notify_many(
    recipients: Iterable[User],
    event_code: str,
    *,
    context: dict[str, Any],
    dedup_key: str,
    government: LocalGovernment | None = None,
    url: str = "",
) -> int:
    """`notify` for many people and one fact, in a handful of queries whatever their number: a decision on a
    proposal a thousand residents follow stays one short transaction. Returns how many were newly told."""
    event = EVENTS[event_code]
    people = {person.pk: person for person in recipients}
    if not people:
        return 0
    keys = {pk: _key(event_code, pk, dedup_key) for pk in people}
    with transaction.atomic():
        told = set(Notification.objects.filter(dedup_key__in=keys.values()).values_list("dedup_key", flat=True))
        prefs: dict[int, dict[str, Any]] = defaultdict(dict)
        for pref in NotificationPreference.objects.filter(user_id__in=people, event__in=[event.code, "*"]):
            prefs[pref.user_id][pref.event] = pref
        texts: dict[str, tuple[str, str, str]] = {}
        notes: list[Notification] = []
        messages: list[OutboundMessage] = []
        for pk, person in people.items():
            if keys[pk] in told:
                continue
            language = person.preferred_language or "ko"
            if language not in texts:
                texts[language] = _texts(event, context, language)
            channels = channels_for(person, event, prefs[pk])
            note, outbound = _rows(person, event, keys[pk], texts[language], channels, government, url)
            notes.append(note)
            messages += outbound
        try:
            with transaction.atomic():
                Notification.objects.bulk_create(notes, batch_size=500)
                ids = [m.pk for m in OutboundMessage.objects.bulk_create(messages, batch_size=500)]
        except IntegrityError:
            # A concurrent call recorded some of the same facts first: tell the rest one by one.
            return sum(
                notify(p, event_code, context=context, dedup_key=dedup_key, government=government, url=url) is not None
                for pk, p in people.items()
                if keys[pk] not in told
            )
        if ids:
            transaction.on_commit(lambda: tasks.enqueue(ids))
    return len(notes)


def do_mark_read(user: User, notification_ids: list[int] | None = None) -> int:
    """Mark the user's own notifications (all, or the given ones) read. Nobody else's are touched."""
    with transaction.atomic():
        qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
        if notification_ids is not None:
            qs = qs.filter(pk__in=notification_ids)
        count = qs.update(read_at=clock.now())
    return count


def do_set_preference(user: User, *, event: str, email: bool, sms: bool, alimtalk: bool) -> NotificationPreference:
    with transaction.atomic():
        pref, _created = NotificationPreference.objects.update_or_create(
            user=user, event=event, defaults={"email": email, "sms": sms, "alimtalk": alimtalk}
        )
        audit.record(
            user,
            "core.notification_preference.set",
            pref,
            data={"event": event, "email": email, "sms": sms, "alimtalk": alimtalk},
        )
    return pref
