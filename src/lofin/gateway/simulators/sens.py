"""A local stand-in for NAVER Cloud SENS: a real HTTP server that speaks the documented v2 SMS and 알림톡
formats, checks the API Gateway signature, and keeps what it received for inspection.

Run it on its own:  python -m lofin.gateway.simulators.sens --port 8025
Inspection (not part of SENS):  GET /_simulator/messages, POST /_simulator/fail {"count": N, "status": 500},
POST /_simulator/reset.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import re
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import django
from django.conf import settings

from lofin.core.notifications.events import EVENTS
from lofin.core.types import is_ascii_digits
from lofin.gateway.sens_protocol import LMS_MAX_BYTES, SMS_MAX_BYTES, euc_kr_length, is_sendable, signature

SMS_PATH = re.compile(r"^/sms/v2/services/(?P<service>[^/]+)/messages$")
ALIMTALK_PATH = re.compile(r"^/alimtalk/v2/services/(?P<service>[^/]+)/messages$")
MAX_CLOCK_SKEW_MS = 5 * 60 * 1000


class SensState:
    def __init__(self, access_key: str, secret: str, senders: set[str], templates: set[str], channel: str) -> None:
        self.access_key = access_key
        self.secret = secret
        self.senders = senders
        self.templates = templates
        self.channel = channel
        self.messages: list[dict[str, Any]] = []
        self.fail_next = 0
        self.fail_status = 500
        self.lock = threading.Lock()


def _now() -> str:
    return dt.datetime.now().strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]


class Handler(BaseHTTPRequestHandler):
    server_version = "SENS-simulator/1.0"
    state: SensState

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _reply(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status: int, message: str) -> None:
        self._reply(status, {"status": status, "errorMessage": message})

    def _body(self) -> dict[str, Any] | None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            parsed = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return None
        return parsed if isinstance(parsed, dict) else None

    def _authorised(self) -> bool:
        state = self.state
        timestamp = self.headers.get("x-ncp-apigw-timestamp", "")
        access_key = self.headers.get("x-ncp-iam-access-key", "")
        given = self.headers.get("x-ncp-apigw-signature-v2", "")
        if not is_ascii_digits(timestamp) or abs(int(timestamp) - int(time.time() * 1000)) > MAX_CLOCK_SKEW_MS:
            return False
        if access_key != state.access_key:
            return False
        expected = signature(state.secret, self.command, self.path, timestamp, access_key)
        return given == expected

    def do_GET(self) -> None:
        if self.path.startswith("/_simulator/messages"):
            with self.state.lock:
                self._reply(200, {"messages": list(self.state.messages)})
            return
        self._error(404, "Not Found")

    def do_POST(self) -> None:
        state = self.state
        if self.path == "/_simulator/reset":
            with state.lock:
                state.messages.clear()
                state.fail_next = 0
            self._reply(200, {"ok": True})
            return
        if self.path == "/_simulator/fail":
            control = self._body() or {}
            with state.lock:
                state.fail_next = int(control.get("count", 1))
                state.fail_status = int(control.get("status", 500))
            self._reply(200, {"ok": True})
            return
        with state.lock:
            if state.fail_next > 0:
                state.fail_next -= 1
                self._error(state.fail_status, "simulated failure")
                return
        if not self._authorised():
            self._error(401, "Authentication Failed")
            return
        body = self._body()
        if body is None:
            self._error(400, "Invalid JSON")
            return
        if match := SMS_PATH.match(self.path):
            self._sms(match["service"], body)
        elif match := ALIMTALK_PATH.match(self.path):
            self._alimtalk(match["service"], body)
        else:
            self._error(404, "Not Found")

    def _sms(self, service: str, body: dict[str, Any]) -> None:
        kind = body.get("type")
        content = body.get("content")
        messages = body.get("messages")
        if kind not in ("SMS", "LMS", "MMS") or not isinstance(content, str) or not isinstance(messages, list):
            self._error(400, "type, content and messages are required")
            return
        if body.get("from") not in self.state.senders:
            self._error(400, "from is not a registered calling number")
            return
        if not is_sendable(content) or not is_sendable(str(body.get("subject", ""))):
            # SENS documents that a message with a character outside EUC-KR (an emoji) fails.
            self._error(400, "content has characters outside EUC-KR")
            return
        limit = SMS_MAX_BYTES if kind == "SMS" else LMS_MAX_BYTES
        if euc_kr_length(content) > limit:
            self._error(400, f"content is longer than {limit} bytes for {kind}")
            return
        if not 1 <= len(messages) <= 100 or not all(re.fullmatch(r"\d{9,12}", str(m.get("to", ""))) for m in messages):
            self._error(400, "messages[].to must be 1 to 100 numbers of digits only")
            return
        request_id = "RSSA-" + uuid.uuid4().hex[:20].upper()
        with self.state.lock:
            for m in messages:
                self.state.messages.append(
                    {
                        "channel": "sms",
                        "service": service,
                        "requestId": request_id,
                        "type": kind,
                        "from": body["from"],
                        "to": m["to"],
                        "content": m.get("content") or content,
                        "subject": body.get("subject", ""),
                    }
                )
        self._reply(
            202,
            {"requestId": request_id, "requestTime": _now(), "statusCode": "202", "statusName": "success"},
        )

    def _alimtalk(self, service: str, body: dict[str, Any]) -> None:
        messages = body.get("messages")
        if body.get("plusFriendId") != self.state.channel:
            self._error(400, "unknown plusFriendId")
            return
        template = body.get("templateCode")
        if not isinstance(messages, list) or not 1 <= len(messages) <= 100:
            self._error(400, "messages must hold 1 to 100 entries")
            return
        request_id = uuid.uuid4().hex
        results = []
        with self.state.lock:
            for m in messages:
                ok = (
                    template in self.state.templates
                    and bool(m.get("content"))
                    and re.fullmatch(r"\d{9,12}", str(m.get("to", "")))
                )
                message_id = str(uuid.uuid4())
                results.append(
                    {
                        "messageId": message_id,
                        "countryCode": m.get("countryCode", "82"),
                        "to": m.get("to"),
                        "content": m.get("content"),
                        "requestStatusCode": "A000" if ok else "E001",
                        "requestStatusName": "success" if ok else "fail",
                        "requestStatusDesc": "성공" if ok else "템플릿 또는 수신번호 오류",
                        "useSmsFailover": False,
                    }
                )
                if ok:
                    self.state.messages.append(
                        {
                            "channel": "alimtalk",
                            "service": service,
                            "requestId": request_id,
                            "messageId": message_id,
                            "templateCode": template,
                            "to": m["to"],
                            "content": m["content"],
                        }
                    )
        self._reply(
            202,
            {
                "requestId": request_id,
                "requestTime": _now(),
                "statusCode": "202",
                "statusName": "success",
                "messages": results,
            },
        )


def make_server(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    access_key: str = "lofin-demo-access-key",
    secret: str = "lofin-demo-secret",  # noqa: S107 - the public demo secret, same default as settings
    senders: set[str] | None = None,
    templates: set[str] | None = None,
    channel: str = "@lofin",
) -> ThreadingHTTPServer:
    if templates is None:
        templates = {e.alimtalk_template for e in EVENTS.values()}
    state = SensState(access_key, secret, senders or {"0212345678"}, templates, channel)
    handler = type("BoundHandler", (Handler,), {"state": state})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    server.state = state  # type: ignore[attr-defined]
    return server


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lofin.settings")
    django.setup()
    parser = argparse.ArgumentParser(description="Local SENS (SMS/알림톡) simulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    args = parser.parse_args()
    server = make_server(
        args.host,
        args.port,
        access_key=settings.LOFIN_SMS_APP_KEY,
        secret=settings.LOFIN_SMS_SECRET,
        senders={settings.LOFIN_SMS_SENDER},
        channel=settings.LOFIN_ALIMTALK_CHANNEL,
    )
    print(f"SENS simulator on http://{args.host}:{server.server_address[1]}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
