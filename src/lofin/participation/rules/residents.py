"""Who a person is and whether they may take part: the identity every channel shares, 만 나이, eligibility by the
cycle's rules, the resident list's format, and the values an identity check returns.

A person is known by a keyed hash of the verified name, birth date and the sex digit of the resident number, so one
person has one vote whatever the channel and no resident number is kept (개인정보 보호법 §24의2: 주민등록번호 처리의
제한). Pure: the key is passed in by the caller.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import re
import unicodedata
from collections.abc import Iterable

from django.utils.translation import gettext as _

from lofin.core.errors import InvalidInput

from ..errors import NotEligible, VerificationFailed
from ..models.cycle import EligibilityBasis

SEX_DIGIT = re.compile(r"[1-8]")
CENSUS_COLUMNS = {
    "name": ("name", "이름", "성명"),
    "birth_date": ("birth_date", "생년월일"),
    "sex": ("sex", "성별번호", "주민번호뒷자리첫째"),
    "basis": ("basis", "구분"),
    "area": ("area", "지역", "행정동"),
}
BASIS_WORDS = {
    "resident": EligibilityBasis.RESIDENT,
    "주민": EligibilityBasis.RESIDENT,
    "worker": EligibilityBasis.WORKER,
    "직장인": EligibilityBasis.WORKER,
    "student": EligibilityBasis.STUDENT,
    "학생": EligibilityBasis.STUDENT,
}
CensusRow = tuple[str, dt.date, str, str, str]
_NOT_DIGITS = re.compile(r"[^0-9]")


def ascii_digits(text: str) -> str:
    """The ASCII digits of what was typed ("010-1234-5678" → "01012345678"); other scripts' digits are dropped,
    not read as numbers (`str.isdigit` would accept Arabic-Indic ones)."""
    return _NOT_DIGITS.sub("", text or "")


# --- identity -----------------------------------------------------------------------------------------------


def normalise_name(name: str) -> str:
    """Names compare after NFC, without spaces, case-folded: "홍 길동" and "홍길동" are one person."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", name or "")).casefold()


def identity_hash(key: bytes, name: str, birth_date: dt.date, sex_digit: str) -> str:
    """The key a person is known by across accounts, the resident list and paper ballots.

    `sex_digit` is the first digit of the back half of the resident registration number (1–8), which the
    identity services return and resident lists carry; with the name and birth date it tells apart almost all
    people of one government, and the number itself is never needed."""
    if not SEX_DIGIT.fullmatch(str(sex_digit or "")):
        raise InvalidInput(_("Enter the first digit of the back half of the resident number (1–8)."), field="sex")
    content = f"{normalise_name(name)}|{birth_date:%Y%m%d}|{sex_digit}"
    return hmac.new(key, content.encode("utf-8"), hashlib.sha256).hexdigest()


def check_verified_identity(name: str, birth_date: dt.date, today: dt.date) -> None:
    """What an identity service (or an official with the ID card) confirmed names a person born by today."""
    if not (name or "").strip() or birth_date > today:
        raise VerificationFailed()


def mobile_number(text: str) -> str:
    """A Korean mobile number (휴대폰 본인확인 sends the code to it): 010/011/016–019 and 10 or 11 digits."""
    phone = ascii_digits(text)
    if not (10 <= len(phone) <= 11 and phone.startswith("01")):
        raise InvalidInput(_("Enter a mobile phone number."), field="phone")
    return phone


def one_time_code(text: str) -> str:
    """The six ASCII digits the identity service sent."""
    code = (text or "").strip()
    if not (len(code) == 6 and ascii_digits(code) == code):
        raise InvalidInput(_("Enter the six-digit code."), field="code")
    return code


# --- eligibility --------------------------------------------------------------------------------------------


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """만 나이 (민법 §158, 행정기본법 §7의2): full years on `day`; someone born on 29 February turns a year older on
    1 March."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def latest_birth_date(day: dt.date, min_age: int) -> dt.date:
    """The last birth date of someone who is `min_age` (만 나이) on `day`."""
    return dt.date(day.year - min_age, day.month, 28 if (day.month, day.day) == (2, 29) else day.day)


def check_eligibility(
    *, basis: str, birth_date: dt.date, on: dt.date, allowed_bases: Iterable[str], min_age: int
) -> None:
    """A voter is on the government's resident, workplace or school list of a kind the cycle admits (조례: 참여
    자격), and of the cycle's minimum age on the voting day."""
    allowed = set(allowed_bases)
    if not basis:
        raise NotEligible(_("You are not on the government's resident, workplace or school list."), reason="census")
    if basis not in allowed:
        raise NotEligible(
            _("This cycle is open to %(who)s only.")
            % {"who": ", ".join(str(EligibilityBasis(b).label) for b in sorted(allowed))},
            reason="basis",
        )
    if age_on(birth_date, on) < min_age:
        raise NotEligible(
            _("You must be at least %(age)d years old on the voting day.") % {"age": min_age}, reason="age"
        )


# --- the resident list --------------------------------------------------------------------------------------


def parse_day(value: str) -> dt.date | None:
    """A birth date as lists write it: 19900102, 1990-01-02, 1990.01.02."""
    digits = ascii_digits(value)
    if len(digits) != 8:
        return None
    try:
        return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None


def parse_census(data: bytes) -> list[CensusRow]:
    """Rows (name, birth date, sex digit, basis, area) of a CSV resident list (UTF-8 or CP949), with the line
    number of the first bad row in the refusal."""
    for encoding in ("utf-8-sig", "cp949"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InvalidInput(_("The file is neither UTF-8 nor CP949 text."), field="file")
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    index: dict[str, int] = {}
    for key, names in CENSUS_COLUMNS.items():
        for i, h in enumerate(header):
            if h in names:
                index[key] = i
    missing = [k for k in ("name", "birth_date", "sex") if k not in index]
    if missing:
        raise InvalidInput(
            _("The first line must name the columns; missing: %(cols)s.") % {"cols": ", ".join(missing)}, field="file"
        )
    rows = []
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        cell = {k: (row[i].strip() if i < len(row) else "") for k, i in index.items()}
        birth = parse_day(cell["birth_date"])
        basis = BASIS_WORDS.get(cell.get("basis", "").lower() or "resident")
        if not cell["name"] or birth is None or basis is None or not SEX_DIGIT.fullmatch(cell["sex"]):
            raise InvalidInput(
                _("Line %(line)d of the resident list is not valid.") % {"line": number}, field="file", line=number
            )
        rows.append((cell["name"][:60], birth, cell["sex"], str(basis), cell.get("area", "")[:60]))
    if not rows:
        raise InvalidInput(_("The resident list has no rows."), field="file")
    return rows


def census_rows(rows: Iterable[CensusRow]) -> bytes:
    """A resident list as the upload expects it (for tests, the demo and the screens' sample download)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["이름", "생년월일", "성별번호", "구분", "지역"])
    for name, birth, sex, basis, area in rows:
        writer.writerow([name, birth.strftime("%Y%m%d"), sex, basis, area])
    return out.getvalue().encode("utf-8")
