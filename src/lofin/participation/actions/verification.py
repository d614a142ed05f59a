"""Mobile identity check (휴대폰 본인확인) of a resident, through the gateway selected in settings.

`start` asks the service to send a one-time code to the person's phone and returns a signed token that binds the
service's transaction to this user and government; `confirm` checks the code with the service and records the
verified identity (`actions.residents.do_verify_resident`). Nothing is written before the service confirms.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, TypedDict

from django.conf import settings
from django.core import signing
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from lofin.core.errors import InvalidInput
from lofin.core.models import LocalGovernment, User
from lofin.core.permissions import require
from lofin.gateway.identity import IdentityError

from ..access import PARTICIPATE
from ..errors import VerificationFailed, VerificationUnavailable
from ..models import Resident, VerificationMethod
from ..rules.residents import mobile_number, one_time_code
from .residents import VerifiedIdentity, do_verify_resident

TOKEN_SALT = "lofin.participation.verification"  # noqa: S105 - a namespace, not a secret
TOKEN_MAX_AGE = 600

MESSAGES = {
    "1002": _("Choose your mobile carrier."),
    "1003": _("The birth date and the resident number digit do not match."),
    "2001": _("The code is not correct."),
    "2002": _("Too many wrong codes. Start the verification again."),
    "2003": _("The code has expired. Start the verification again."),
    "2004": _("The verification has expired. Start again."),
}


class Started(TypedDict):
    """A started check: the signed token the confirmation sends back, and the code in the simulator's test mode."""

    token: str
    expires_in: int
    test_code: str


def backend() -> Any:
    return import_string(settings.LOFIN_IDENTITY_BACKEND)()


def _call(method: str, **kwargs: object) -> Any:
    try:
        return getattr(backend(), method)(**kwargs)
    except IdentityError as exc:
        if exc.code == "unavailable":
            raise VerificationUnavailable() from None
        raise VerificationFailed(
            MESSAGES.get(exc.code, VerificationFailed.default_message), service_code=exc.code, **exc.detail
        ) from None


def start(
    government: LocalGovernment,
    *,
    user: User,
    name: str,
    birth_date: dt.date,
    sex_digit: str,
    carrier: str,
    phone: str,
) -> Started:
    require(user, PARTICIPATE, government)
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("Enter your name."), field="name")
    phone = mobile_number(phone)
    started = _call(
        "start",
        request_no=uuid.uuid4().hex,
        name=name,
        birth_date=birth_date,
        sex_digit=str(sex_digit),
        carrier=carrier,
        phone=phone,
    )
    token = signing.dumps({"tx": started.transaction_id, "u": user.pk, "g": government.pk}, salt=TOKEN_SALT)
    return {"token": token, "expires_in": started.expires_in, "test_code": started.test_code}


def confirm(government: LocalGovernment, *, user: User, token: str, code: str) -> Resident:
    require(user, PARTICIPATE, government)
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        raise VerificationFailed(MESSAGES["2004"]) from None
    if data.get("u") != user.pk or data.get("g") != government.pk:
        raise VerificationFailed(MESSAGES["2004"])
    code = one_time_code(code)
    identity = _call("confirm", transaction_id=data["tx"], code=code)
    return do_verify_resident(
        government,
        user=user,
        identity=VerifiedIdentity(identity.name, identity.birth_date, identity.sex_digit, identity.ci, identity.phone),
        method=VerificationMethod.PHONE,
        actor=user,
    )
