"""Client of NAVER Cloud SENS (Simple & Easy Notification Service), the SMS and KakaoTalk 알림톡 gateway
used by Korean public-sector services (also offered on the government cloud, api-gov.ncloud-docs.com).

Implements the documented v2 message formats:
  POST /sms/v2/services/{serviceId}/messages       {"type", "contentType", "countryCode", "from", "content", "messages": [{"to"}]}
  POST /alimtalk/v2/services/{serviceId}/messages  {"plusFriendId", "templateCode", "messages": [{"countryCode", "to", "content"}]}
authenticated with the API Gateway signature v2 headers (x-ncp-apigw-timestamp, x-ncp-iam-access-key,
x-ncp-apigw-signature-v2 = base64(HMAC-SHA256(secret, "METHOD URI\\nTIMESTAMP\\nACCESSKEY"))).
In development and tests the same code talks to `lofin.gateway.simulators.sens`.
"""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings

from lofin.core.notifications.delivery import AmbiguousSendError, PermanentSendError, SendError
from lofin.gateway.sens_protocol import (
    LMS_MAX_BYTES,
    LMS_SUBJECT_MAX_BYTES,
    SMS_MAX_BYTES,
    euc_kr_length,
    fit_bytes,
    sendable,
    signature,
)


class SensClient:
    def __init__(
        self,
        base_url: str | None = None,
        access_key: str | None = None,
        secret: str | None = None,
        sms_service_id: str | None = None,
        alimtalk_service_id: str | None = None,
        sender: str | None = None,
        channel: str | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.base_url = (base_url or settings.LOFIN_SMS_URL).rstrip("/")
        if not self.base_url:
            raise SendError("LOFIN_SMS_URL is not set: no SMS gateway is configured")
        self.access_key = access_key or settings.LOFIN_SMS_APP_KEY
        self.secret = secret or settings.LOFIN_SMS_SECRET
        self.sms_service_id = sms_service_id or settings.LOFIN_SENS_SMS_SERVICE_ID
        self.alimtalk_service_id = alimtalk_service_id or settings.LOFIN_SENS_ALIMTALK_SERVICE_ID
        self.sender = sender or settings.LOFIN_SMS_SENDER
        self.channel = channel or settings.LOFIN_ALIMTALK_CHANNEL
        self.timeout = timeout

    def _post(self, uri: str, body: dict[str, Any]) -> dict[str, Any]:
        timestamp = str(int(time.time() * 1000))
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(  # noqa: S310 - the URL comes from settings, not from users
            self.base_url + uri,
            data=data,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "x-ncp-apigw-timestamp": timestamp,
                "x-ncp-iam-access-key": self.access_key,
                "x-ncp-apigw-signature-v2": signature(self.secret, "POST", uri, timestamp, self.access_key),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", errors="replace")[:500]
            if 400 <= exc.code < 500 and exc.code != 429:
                raise PermanentSendError(f"SENS rejected the message ({exc.code}): {detail}") from exc
            raise SendError(f"SENS error {exc.code}: {detail}") from exc
        except urllib.error.URLError as exc:
            # Raised while connecting or sending the request: SENS did not get a whole request; safe to retry.
            raise SendError(f"SENS unreachable: {exc}") from exc
        except (TimeoutError, ConnectionError, http.client.HTTPException) as exc:
            # Raised while waiting for the answer: SENS may have accepted the message.
            raise AmbiguousSendError(f"SENS did not answer after the request was sent: {exc!r}") from exc

    def send_sms(self, *, to: str, text: str, reference: str) -> str:
        """Send one SMS, or an LMS when the text is longer than 90 EUC-KR bytes. Returns the requestId."""
        text = sendable(text)
        kind = "SMS" if euc_kr_length(text) <= SMS_MAX_BYTES else "LMS"
        body: dict[str, Any] = {
            "type": kind,
            "contentType": "COMM",
            "countryCode": "82",
            "from": self.sender,
            "content": fit_bytes(text, SMS_MAX_BYTES if kind == "SMS" else LMS_MAX_BYTES),
            "messages": [{"to": to}],
        }
        if kind == "LMS":
            body["subject"] = fit_bytes(text.split("\n", 1)[0], LMS_SUBJECT_MAX_BYTES)
        result = self._post(f"/sms/v2/services/{self.sms_service_id}/messages", body)
        if result.get("statusCode") != "202":
            raise SendError(f"SENS did not accept the SMS: {result}")
        return str(result.get("requestId", ""))

    def send_alimtalk(self, *, to: str, template_code: str, text: str, reference: str) -> str:
        body = {
            "plusFriendId": self.channel,
            "templateCode": template_code,
            "messages": [{"countryCode": "82", "to": to, "content": text}],
        }
        result = self._post(f"/alimtalk/v2/services/{self.alimtalk_service_id}/messages", body)
        messages = result.get("messages") or [{}]
        status = messages[0].get("requestStatusCode")
        if result.get("statusCode") != "202" or status != "A000":
            raise PermanentSendError(f"SENS did not accept the 알림톡: {result}")
        return str(messages[0].get("messageId") or result.get("requestId", ""))
