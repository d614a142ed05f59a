"""The events people can be notified of, with their texts in every language (gettext) and, for 알림톡,
the code of the template registered with the messaging provider.

Texts are %-format strings over the context given to `notify`. Services add their events with `define`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Event:
    code: str
    label: Any
    title: Any
    body: Any
    short: Any
    alimtalk_template: str
    # Channels used when the person has set no preference of their own.
    default_email: bool = True
    default_sms: bool = False
    default_alimtalk: bool = False


EVENTS: dict[str, Event] = {}


def define(event: Event) -> Event:
    EVENTS[event.code] = event
    return event


APPROVAL_REQUESTED = define(
    Event(
        code="approval.requested",
        label=_("A document waits for my decision"),
        title=_("Approval requested: %(title)s"),
        body=_("%(drafter)s asks for your decision on “%(title)s”. Open your approval inbox: %(url)s"),
        short=_("[Lofin] Decision requested: %(title)s"),
        alimtalk_template="LOFIN_APPR_REQ",
        default_alimtalk=True,
    )
)
APPROVAL_APPROVED = define(
    Event(
        code="approval.approved",
        label=_("My document was approved"),
        title=_("Approved: %(title)s"),
        body=_("“%(title)s” was approved by %(actor)s. %(url)s"),
        short=_("[Lofin] Approved: %(title)s"),
        alimtalk_template="LOFIN_APPR_OK",
    )
)
APPROVAL_REJECTED = define(
    Event(
        code="approval.rejected",
        label=_("My document was returned"),
        title=_("Returned: %(title)s"),
        body=_("“%(title)s” was returned by %(actor)s. Reason: %(reason)s. %(url)s"),
        short=_("[Lofin] Returned: %(title)s"),
        alimtalk_template="LOFIN_APPR_RJ",
        default_sms=True,
    )
)
APPROVAL_ACTED_FOR_YOU = define(
    Event(
        code="approval.acted_for_you",
        label=_("Someone decided for me while I was away"),
        title=_("Decided in your absence: %(title)s"),
        body=_("%(actor)s decided “%(title)s” for you while you were away. Please confirm it: %(url)s"),
        short=_("[Lofin] Decided in your absence: %(title)s"),
        alimtalk_template="LOFIN_APPR_SUB",
    )
)
ACCOUNT_CREATED = define(
    Event(
        code="account.created",
        label=_("My account was created"),
        title=_("Welcome to Lofin"),
        body=_("Your Lofin account %(username)s is ready. Log in at %(url)s"),
        short=_("[Lofin] Your account %(username)s is ready."),
        alimtalk_template="LOFIN_ACCT_NEW",
    )
)
