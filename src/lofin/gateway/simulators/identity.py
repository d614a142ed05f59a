"""A local stand-in for a mobile identity-check service (휴대폰 본인확인): a real HTTP server speaking the format in
`lofin.gateway.identity_protocol`, which sends the one-time code by SMS through the SENS gateway (the SENS
simulator under `lofin serve`), or returns it in the response in test mode.

Run it on its own:  python -m lofin.gateway.simulators.identity --port 8026 [--test-mode]
Inspection (not part of the service):  GET /_simulator/requests, POST /_simulator/reset.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import django
from django.conf import settings
from django.utils.module_loading import import_string

from lofin.core.types import is_ascii_digits
from lofin.gateway import identity_protocol as proto

MAX_CLOCK_SKEW_MS = 5 * 60 * 1000
SendSms = Callable[[str, str], None]


class IdentityState:
    def __init__(self, clients: dict[str, str], ci_key: str, send_sms: SendSms | None, ttl: int) -> None:
        self.clients = clients  # client id → secret
        self.ci_key = ci_key
        self.send_sms = send_sms  # None: test mode, the code comes back in the response
        self.ttl = ttl
        self.transactions: dict[str, dict[str, Any]] = {}
        self.request_numbers: set[tuple[str, str]] = set()
        self.log: list[dict[str, Any]] = []
        self.lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    server_version = "identity-simulator/1.0"
    state: IdentityState

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _reply(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _result(self, code: str, message: str, **extra: Any) -> None:
        self._reply(200, {"resultCode": code, "resultMessage": message, **extra})

    def _raw(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _client(self, raw: bytes) -> str | None:
        client_id = self.headers.get("X-Client-Id", "")
        timestamp = self.headers.get("X-Timestamp", "")
        secret = self.state.clients.get(client_id)
        if secret is None or not is_ascii_digits(timestamp):
            return None
        if abs(int(timestamp) - int(time.time() * 1000)) > MAX_CLOCK_SKEW_MS:
            return None
        expected = proto.signature(secret, self.command, self.path, timestamp, client_id, raw)
        return client_id if self.headers.get("X-Signature", "") == expected else None

    def do_GET(self) -> None:
        if self.path.startswith("/_simulator/requests"):
            with self.state.lock:
                self._reply(200, {"requests": list(self.state.log)})
            return
        self._reply(404, {"resultCode": "404", "resultMessage": "Not Found"})

    def do_POST(self) -> None:
        if self.path == "/_simulator/reset":
            with self.state.lock:
                self.state.transactions.clear()
                self.state.request_numbers.clear()
                self.state.log.clear()
            self._reply(200, {"ok": True})
            return
        raw = self._raw()
        client = self._client(raw)
        if client is None:
            self._reply(401, {"resultCode": proto.BAD_SIGNATURE, "resultMessage": "invalid signature"})
            return
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            body = None
        if not isinstance(body, dict):
            self._result(proto.MALFORMED, "body must be a JSON object")
            return
        if self.path == "/v1/identity/requests":
            self._request(client, body)
        elif self.path == "/v1/identity/confirm":
            self._confirm(client, body)
        else:
            self._reply(404, {"resultCode": "404", "resultMessage": "Not Found"})

    def _request(self, client: str, body: dict[str, Any]) -> None:
        state = self.state
        fields = {
            k: str(body.get(k, "")).strip() for k in ("requestNo", "name", "birthDate", "sexCode", "carrier", "phone")
        }
        if not all(fields.values()) or not re.fullmatch(r"01\d{8,9}", fields["phone"]):
            self._result(proto.MALFORMED, "requestNo, name, birthDate, sexCode, carrier and phone are required")
            return
        if fields["carrier"] not in proto.CARRIERS:
            self._result(proto.UNKNOWN_CARRIER, "unknown carrier")
            return
        if not proto.century_matches(fields["birthDate"], fields["sexCode"]):
            self._result(proto.INCONSISTENT, "birthDate and sexCode disagree")
            return
        code = f"{secrets.randbelow(1_000_000):06d}"
        transaction_id = "IDV" + uuid.uuid4().hex[:21].upper()
        with state.lock:
            if (client, fields["requestNo"]) in state.request_numbers:
                self._result(proto.DUPLICATE_REQUEST, "requestNo was used before")
                return
            state.request_numbers.add((client, fields["requestNo"]))
            state.transactions[transaction_id] = {
                **fields,
                "client": client,
                "code": code,
                "expires": time.monotonic() + state.ttl,
                "attempts": 0,
                "done": False,
            }
            state.log.append({"transactionId": transaction_id, "client": client, **fields})
        extra: dict[str, Any] = {"transactionId": transaction_id, "expiresIn": state.ttl}
        if state.send_sms is None:
            extra["otp"] = code
        else:
            try:
                state.send_sms(
                    fields["phone"], f"[본인확인] 인증번호 [{code}]를 입력해 주세요. 타인에게 알려주지 마세요."
                )
            except Exception as exc:  # the SMS gateway failed: the request fails, nothing to confirm
                with state.lock:
                    state.transactions.pop(transaction_id, None)
                self._reply(503, {"resultCode": "9002", "resultMessage": f"SMS gateway unavailable: {exc}"})
                return
        self._result(proto.OK, "success", **extra)

    def _confirm(self, client: str, body: dict[str, Any]) -> None:
        state = self.state
        transaction_id = str(body.get("transactionId", ""))
        given = str(body.get("otp", ""))
        with state.lock:
            tx = state.transactions.get(transaction_id)
            if tx is None or tx["client"] != client or tx["done"]:
                self._result(proto.UNKNOWN_TRANSACTION, "unknown or finished transaction")
                return
            if time.monotonic() > tx["expires"]:
                self._result(proto.EXPIRED, "the code has expired")
                return
            if tx["attempts"] >= proto.MAX_ATTEMPTS:
                self._result(proto.LOCKED, "too many wrong codes")
                return
            if not secrets.compare_digest(given, tx["code"]):
                tx["attempts"] += 1
                left = proto.MAX_ATTEMPTS - tx["attempts"]
                self._result(proto.WRONG_CODE if left else proto.LOCKED, "wrong code", attemptsLeft=left)
                return
            tx["done"] = True
        name, birth, sex = tx["name"], tx["birthDate"], tx["sexCode"]
        self._result(
            proto.OK,
            "success",
            name=name,
            birthDate=birth,
            sexCode=sex,
            nationality="2" if sex in "5678" else "1",
            carrier=tx["carrier"],
            phone=tx["phone"],
            ci=proto.connecting_information(state.ci_key, name, birth, sex),
            di=proto.duplicate_information(state.ci_key, client, name, birth, sex),
        )


def make_server(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    clients: dict[str, str] | None = None,
    ci_key: str = "lofin-identity-simulator",
    send_sms: SendSms | None = None,
    ttl: int = proto.CODE_TTL_SECONDS,
) -> ThreadingHTTPServer:
    state = IdentityState(clients or {"lofin-demo": "lofin-demo-identity-secret"}, ci_key, send_sms, ttl)
    handler = type("BoundHandler", (Handler,), {"state": state})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    server.state = state  # type: ignore[attr-defined]
    return server


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lofin.settings")
    django.setup()
    parser = argparse.ArgumentParser(description="Local mobile identity-check (본인확인) simulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8026)
    parser.add_argument("--test-mode", action="store_true", help="return the one-time code instead of sending an SMS")
    args = parser.parse_args()
    send_sms: SendSms | None = None
    if not args.test_mode:
        sms = import_string(settings.LOFIN_SMS_BACKEND)()

        def send_sms(phone: str, text: str) -> None:
            sms.send_sms(to=phone, text=text, reference="identity")

    server = make_server(
        args.host,
        args.port,
        clients={settings.LOFIN_IDENTITY_CLIENT_ID: settings.LOFIN_IDENTITY_SECRET},
        send_sms=send_sms,
    )
    print(f"Identity-check simulator on http://{args.host}:{server.server_address[1]}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
