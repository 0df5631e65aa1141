"""Identifier checks of RULES.md §7 and the masking of personal data.

Pure functions: each `check_*` returns None when valid or a Chinese message; each `validate_*`
raises django's ValidationError with that message so model fields and forms can use it.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re

from django.conf import settings
from django.core.exceptions import ValidationError

# ------------------------------------------------------------ 统一社会信用代码 (GB 32100-2015)
CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# GB 11714 organisation code (positions 9–17 of the credit code)
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ORG_CODE_CHARSET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def credit_code_check_char(first17: str) -> str:
    total = sum(CREDIT_CODE_CHARSET.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    check = 31 - total % 31
    return CREDIT_CODE_CHARSET[0 if check == 31 else check]


def check_credit_code(value: str) -> str | None:
    code = (value or "").strip().upper()
    if len(code) != 18:
        return "统一社会信用代码应为18位"
    bad = sorted({c for c in code if c not in CREDIT_CODE_CHARSET})
    if bad:
        return f"统一社会信用代码含有不允许的字符：{''.join(bad)}（不使用 I、O、S、V、Z）"
    if credit_code_check_char(code[:17]) != code[17]:
        return "统一社会信用代码校验位不正确"
    return None


def org_code_check_char(body8: str) -> str:
    """GB 11714 check character of an eight-character organisation code body (ValueError if a
    character is outside the code's alphabet)."""
    total = sum(ORG_CODE_CHARSET.index(c) * w for c, w in zip(body8, ORG_CODE_WEIGHTS, strict=True))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def org_code_warning(value: str) -> str | None:
    """GB 11714 check of the embedded organisation code: a warning only (RULES.md §7)."""
    code = (value or "").strip().upper()
    if len(code) != 18:
        return None
    body, check = code[8:16], code[16]
    try:
        expected = org_code_check_char(body)
    except ValueError:
        return "内嵌的组织机构代码含有非法字符"
    if expected != check:
        return "内嵌的组织机构代码（第9–17位）校验不符，请核对营业执照"
    return None


def validate_credit_code(value: str) -> None:
    message = check_credit_code(value)
    if message:
        raise ValidationError(message, code="credit_code")


# ------------------------------------------------------------ 居民身份证号 (GB 11643-1999)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")


def id_number_check_char(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def normalize_id_number(value: str) -> str:
    return (value or "").strip().upper().replace("x", "X")


def check_id_number(value: str, *, today: datetime.date | None = None) -> str | None:
    number = normalize_id_number(value)
    if not _ID_RE.match(number):
        return "居民身份证号应为18位：前17位数字，最后一位数字或X"
    # Address codes are not checked against today's division list: historical codes
    # (371324 苍山县, 371727 定陶县 ...) stay valid for life.
    if number[:2] in {"00"} or number[:6] == "000000":
        return "居民身份证号的地址码不正确"
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "居民身份证号中的出生日期不存在"
    today = today or datetime.date.today()
    if birth > today or birth.year < 1850:
        return "居民身份证号中的出生日期不合理"
    if id_number_check_char(number[:17]) != number[17]:
        return "居民身份证号校验位不正确"
    return None


def validate_id_number(value: str) -> None:
    message = check_id_number(value)
    if message:
        raise ValidationError(message, code="id_number")


def id_number_gender(value: str) -> str:
    """'M' for an odd sequence digit (17th), 'F' for even."""
    return "M" if int(normalize_id_number(value)[16]) % 2 else "F"


def id_number_hash(value: str) -> str:
    """Keyed hash (HMAC-SHA256) of a normalised ID number: matchable, not reversible."""
    key = settings.PII_HASH_KEY.encode()
    return hmac.new(key, normalize_id_number(value).encode(), hashlib.sha256).hexdigest()


# ------------------------------------------------------------ mobile numbers
_MOBILE_RE = re.compile(r"^1\d{10}$")


def normalize_mobile(value: str) -> str:
    digits = re.sub(r"[\s-]", "", value or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def check_mobile(value: str) -> str | None:
    if not _MOBILE_RE.match(normalize_mobile(value)):
        return "手机号码应为以1开头的11位数字"
    return None


def validate_mobile(value: str) -> None:
    message = check_mobile(value)
    if message:
        raise ValidationError(message, code="mobile")


# ------------------------------------------------------------ masking
def mask_mobile(value: str) -> str:
    v = normalize_mobile(value)
    return f"{v[:3]}****{v[-4:]}" if len(v) == 11 else ("****" if v else "")


def mask_name(value: str) -> str:
    if not value:
        return ""
    if len(value) <= 1:
        return "*"
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]


def mask_id_last4(last4: str) -> str:
    return f"{'*' * 14}{last4}" if last4 else ""


# ------------------------------------------------------------ dates of things that have happened
def future_date_errors(obj, labels: dict[str, str], *, today: datetime.date | None = None) -> dict[str, str]:
    """Field → Chinese message for each date field of `obj` (field name → label) that lies after
    today: a founding, election, filing or hand-over date records something that has happened."""
    from django.utils import timezone

    today = today or timezone.localdate()
    errors = {}
    for name, label in labels.items():
        value = getattr(obj, name, None)
        if isinstance(value, datetime.date) and value > today:
            errors[name] = f"{label}不能晚于今天（{today.year}年{today.month}月{today.day}日）"
    return errors


def future_year_error(year: int | None, label: str, *, today: datetime.date | None = None) -> str | None:
    from django.utils import timezone

    this_year = (today or timezone.localdate()).year
    if year and year > this_year:
        return f"{label}不能晚于今年（{this_year}年）"
    return None
