"""The message format of the mobile identity check (휴대폰 본인확인), shared by the client and the simulator.

It follows the shape of the Korean identity-verification services (본인확인기관 under 정보통신망법 §23의3:
the carriers' PASS, NICE, KCB): the site sends the person's name, birth date, the sex digit of the resident number,
carrier and phone number; the service sends a six-digit one-time code by SMS; the site confirms the code and gets
back the verified identity with CI (연계정보, 88 characters, the same for one person at every site) and DI (중복가입
확인정보, 64 characters, different per site).

  POST /v1/identity/requests
       {"requestNo", "name", "birthDate": "YYYYMMDD", "sexCode": "1".."8", "carrier", "phone"}
    →  200 {"resultCode": "0000", "transactionId", "expiresIn": 180[, "otp" in test mode]}
  POST /v1/identity/confirm
       {"transactionId", "otp"}
    →  200 {"resultCode": "0000", "name", "birthDate", "sexCode", "nationality", "carrier", "phone", "ci", "di"}

Every request is signed: headers X-Client-Id, X-Timestamp (ms) and X-Signature =
base64(HMAC-SHA256(secret, "METHOD PATH\\nTIMESTAMP\\nCLIENT_ID\\nsha256(body) hex")).
Result codes other than 0000 come with HTTP 200 (as these services do) and a resultMessage:
  1001 malformed request   1002 unknown carrier   1003 birth date and sex code disagree
  1004 duplicate requestNo 2001 wrong code        2002 too many wrong codes
  2003 expired             2004 unknown transaction  9001 bad signature (HTTP 401)
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from stdnum.exceptions import ValidationError as StdnumError
from stdnum.kr import rrn

from lofin.core.types import is_ascii_digits

CARRIERS = ("SKT", "KT", "LGU", "SKM", "KTM", "LGM")  # the three carriers and their 알뜰폰 resellers
CODE_TTL_SECONDS = 180
MAX_ATTEMPTS = 5

OK = "0000"
MALFORMED = "1001"
UNKNOWN_CARRIER = "1002"
INCONSISTENT = "1003"
DUPLICATE_REQUEST = "1004"
WRONG_CODE = "2001"
LOCKED = "2002"
EXPIRED = "2003"
UNKNOWN_TRANSACTION = "2004"
BAD_SIGNATURE = "9001"


def signature(secret: str, method: str, path: str, timestamp: str, client_id: str, body: bytes) -> str:
    digest = hashlib.sha256(body).hexdigest()
    message = f"{method} {path}\n{timestamp}\n{client_id}\n{digest}".encode()
    return base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()


def century_matches(birth_date: str, sex_code: str) -> bool:
    """The resident number's sex digit also tells the century: 1,2,5,6 for 1900s births; 3,4,7,8 for 2000s
    (9 and 0 for the 1800s are not issued to living people). The birth date the first seven digits of a 주민등록번호
    stand for is python-stdnum's `kr.rrn.get_birth_date`."""
    if len(birth_date) != 8 or not is_ascii_digits(birth_date) or len(sex_code) != 1 or sex_code not in "12345678":
        return False
    try:
        born = rrn.get_birth_date(birth_date[2:] + sex_code)
    except StdnumError:
        return False
    return born.strftime("%Y%m%d") == birth_date


def connecting_information(key: str, name: str, birth_date: str, sex_code: str) -> str:
    """CI: 64 bytes, base64 (88 characters); deterministic per person, whichever site asks."""
    content = f"{''.join(name.split())}|{birth_date}|{sex_code}".encode()
    return base64.b64encode(hmac.new(key.encode(), content, hashlib.sha512).digest()).decode()


def duplicate_information(key: str, site: str, name: str, birth_date: str, sex_code: str) -> str:
    """DI: 64 characters; the same person gets another DI at every site."""
    content = f"{site}|{''.join(name.split())}|{birth_date}|{sex_code}".encode()
    return hmac.new(key.encode(), content, hashlib.sha256).hexdigest()
