"""Client of a mobile identity-check service (휴대폰 본인확인), in the format of `identity_protocol`.

Selected by a dotted path in settings (LOFIN_IDENTITY_BACKEND), like the SMS gateway; `lofin serve` and the tests
talk to `lofin.gateway.simulators.identity`. Services call it through `participation.verification`, which turns
its answers into a verified resident.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from lofin.gateway import identity_protocol as proto


class IdentityError(Exception):
    """The service refused (code from identity_protocol) or could not be reached (code "unavailable")."""

    def __init__(self, code: str, message: str, **detail: Any) -> None:
        self.code = code
        self.detail = detail
        super().__init__(message)


@dataclass(frozen=True)
class Started:
    transaction_id: str
    expires_in: int
    test_code: str = ""  # only from a service in test mode


@dataclass(frozen=True)
class Identity:
    name: str
    birth_date: dt.date
    sex_digit: str
    phone: str
    carrier: str
    ci: str
    di: str


class IdentityClient:
    def __init__(
        self,
        base_url: str | None = None,
        client_id: str | None = None,
        secret: str | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.base_url = (base_url or settings.LOFIN_IDENTITY_URL).rstrip("/")
        if not self.base_url:
            raise IdentityError("unavailable", "LOFIN_IDENTITY_URL is not set: no identity-check service is configured")
        self.client_id = client_id or settings.LOFIN_IDENTITY_CLIENT_ID
        self.secret = secret or settings.LOFIN_IDENTITY_SECRET
        self.timeout = timeout

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        timestamp = str(int(time.time() * 1000))
        request = urllib.request.Request(  # noqa: S310 - the URL comes from settings, not from users
            self.base_url + path,
            data=data,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "X-Client-Id": self.client_id,
                "X-Timestamp": timestamp,
                "X-Signature": proto.signature(self.secret, "POST", path, timestamp, self.client_id, data),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            raise IdentityError("unavailable", f"identity service error {exc.code}") from exc
        except (urllib.error.URLError, TimeoutError, ConnectionError, json.JSONDecodeError) as exc:
            raise IdentityError("unavailable", f"identity service unreachable: {exc}") from exc
        code = str(answer.get("resultCode", ""))
        if code != proto.OK:
            extra = {"attempts_left": answer["attemptsLeft"]} if "attemptsLeft" in answer else {}
            raise IdentityError(code, str(answer.get("resultMessage", "")), **extra)
        return answer

    def start(
        self, *, request_no: str, name: str, birth_date: dt.date, sex_digit: str, carrier: str, phone: str
    ) -> Started:
        answer = self._post(
            "/v1/identity/requests",
            {
                "requestNo": request_no,
                "name": name,
                "birthDate": birth_date.strftime("%Y%m%d"),
                "sexCode": sex_digit,
                "carrier": carrier,
                "phone": phone,
            },
        )
        return Started(str(answer["transactionId"]), int(answer.get("expiresIn", 0)), str(answer.get("otp", "")))

    def confirm(self, *, transaction_id: str, code: str) -> Identity:
        answer = self._post("/v1/identity/confirm", {"transactionId": transaction_id, "otp": code})
        birth = str(answer["birthDate"])
        return Identity(
            name=str(answer["name"]),
            birth_date=dt.date(int(birth[:4]), int(birth[4:6]), int(birth[6:])),
            sex_digit=str(answer["sexCode"]),
            phone=str(answer.get("phone", "")),
            carrier=str(answer.get("carrier", "")),
            ci=str(answer["ci"]),
            di=str(answer.get("di", "")),
        )
