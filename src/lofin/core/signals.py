"""Audit of logins and logouts; cache invalidation.

Refused logins are recorded by django-axes (AccessAttempt, AccessFailureLog), not in the hash chain: a flood
of wrong passwords must not queue every other write of the platform behind the system chain's lock."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest

from lofin.core import audit, workdays
from lofin.core.models import ExtraHoliday, User


def _client(request: HttpRequest | None) -> dict[str, str]:
    if request is None:
        return {}
    return {"ip": request.META.get("REMOTE_ADDR", ""), "agent": request.headers.get("User-Agent", "")[:200]}


def on_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    with transaction.atomic():
        audit.record(user, "core.session.login", user, data=_client(request))


def on_logout(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        with transaction.atomic():
            audit.record(user, "core.session.logout", user, data=_client(request))


def on_holiday_change(**kwargs: Any) -> None:
    workdays.clear_cache()


def connect() -> None:
    user_logged_in.connect(on_login, dispatch_uid="lofin_audit_login")
    user_logged_out.connect(on_logout, dispatch_uid="lofin_audit_logout")
    post_save.connect(on_holiday_change, sender=ExtraHoliday, dispatch_uid="lofin_holiday_saved")
    post_delete.connect(on_holiday_change, sender=ExtraHoliday, dispatch_uid="lofin_holiday_deleted")
