"""The parts of the SENS v2 protocol shared by the client and the simulator (no Django here)."""

from __future__ import annotations

import base64
import hashlib
import hmac

SMS_MAX_BYTES = 90
LMS_MAX_BYTES = 2000
LMS_SUBJECT_MAX_BYTES = 40

# SENS documents its limits in "EUC-KR" bytes, meaning the Korean legacy encoding as carriers use it: two
# bytes for every Hangul syllable, one for ASCII. Python's strict "euc-kr" codec knows only the 2,350
# syllables of KS X 1001 and spells the other 8,822 (e.g. 똠, 햏) as 8-byte jamo sequences, so it would
# count "똠" as 8 bytes; CP949 is the superset that gives every syllable its 2 bytes.
CHARSET = "cp949"


def sendable(text: str) -> str:
    """The text with characters the gateway cannot carry (emoji and the like) replaced by "?".

    SENS fails a whole SMS that contains such a character, so the client replaces them rather than lose
    the message over one symbol in a document title.
    """
    return text.encode(CHARSET, errors="replace").decode(CHARSET)


def is_sendable(text: str) -> bool:
    try:
        text.encode(CHARSET)
    except UnicodeEncodeError:
        return False
    return True


def euc_kr_length(text: str) -> int:
    """Size as SENS counts it: Hangul 2 bytes, ASCII 1; an unsendable character counts as its "?"."""
    return len(text.encode(CHARSET, errors="replace"))


def signature(secret: str, method: str, uri: str, timestamp: str, access_key: str) -> str:
    """API Gateway signature v2: base64(HMAC-SHA256(secret, "METHOD URI\\nTIMESTAMP\\nACCESSKEY"))."""
    message = f"{method} {uri}\n{timestamp}\n{access_key}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def fit_bytes(text: str, limit: int) -> str:
    """The longest prefix of `text` within `limit` bytes, never cutting a character in half."""
    # Every character takes at least one byte, so no more than `limit` characters can fit; cutting there
    # first keeps the trimming loop short even for a very long text.
    text = text[: max(limit, 0)]
    while euc_kr_length(text) > limit:
        text = text[:-1]
    return text
