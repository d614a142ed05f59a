"""The parts of the SENS v2 protocol shared by the client and the simulator (no Django here)."""

from __future__ import annotations

import base64
import hashlib
import hmac

SMS_MAX_BYTES = 90
LMS_MAX_BYTES = 2000
LMS_SUBJECT_MAX_BYTES = 40


def euc_kr_length(text: str) -> int:
    """SENS counts message size in EUC-KR bytes (Hangul = 2 bytes); characters outside it cannot be sent."""
    return len(text.encode("euc-kr", errors="replace"))


def signature(secret: str, method: str, uri: str, timestamp: str, access_key: str) -> str:
    """API Gateway signature v2: base64(HMAC-SHA256(secret, "METHOD URI\\nTIMESTAMP\\nACCESSKEY"))."""
    message = f"{method} {uri}\n{timestamp}\n{access_key}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def fit_bytes(text: str, limit: int) -> str:
    while euc_kr_length(text) > limit:
        text = text[:-1]
    return text
