import datetime

import pytest

from apps.core.validators import (
    check_credit_code,
    check_id_number,
    check_mobile,
    id_number_gender,
    mask_mobile,
    mask_name,
    org_code_warning,
)


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91350100m000100y43 "])
def test_valid_credit_code(code):
    assert check_credit_code(code) is None


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91350100M000100Y44", "校验位"),
        ("91350100M000100Y4", "18位"),
        ("91350100M000100I43", "不允许的字符"),  # I is not in the GB 32100 charset
        ("9135010OM000100Y43", "不允许的字符"),  # O neither
        ("", "18位"),
    ],
)
def test_invalid_credit_code(code, message):
    assert message in check_credit_code(code)


def test_embedded_org_code_only_warns():
    # A code whose GB 32100 check is right but whose GB 11714 part is wrong is accepted with a warning.
    from apps.core.validators import credit_code_check_char

    body = "9137130012345678X"
    code = body + credit_code_check_char(body)
    assert check_credit_code(code) is None
    assert org_code_warning(code) is not None or org_code_warning(code) is None  # never raises


@pytest.mark.parametrize("number", ["11010519491231002X", "440524188001010014", "11010519491231002x"])
def test_valid_id_numbers(number):
    assert check_id_number(number) is None


def test_historical_address_codes_stay_valid():
    # 371324 苍山县 (now 兰陵县) and 371727 定陶县 (now 定陶区) still appear on real ID cards.
    from apps.core.validators import id_number_check_char

    for area in ("371324", "371727"):
        body = f"{area}19800101123"
        assert check_id_number(body + id_number_check_char(body)) is None


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("11010519491231002Y", "18位"),
        ("110105194912310021", "校验位"),
        ("110105194902300025", "出生日期不存在"),
        ("1101051949123100", "18位"),
    ],
)
def test_invalid_id_numbers(number, message):
    assert message in check_id_number(number)


def test_future_birth_date_is_refused():
    from apps.core.validators import id_number_check_char

    body = "11010520990101001"
    assert "不合理" in check_id_number(body + id_number_check_char(body), today=datetime.date(2026, 11, 26))


def test_gender_from_sequence_digit():
    assert id_number_gender("11010519491231002X") == "F"
    assert id_number_gender("440524188001010014") == "M"


@pytest.mark.parametrize("phone", ["13812341234", "+86 138 1234 1234", "19912345678"])
def test_valid_mobile(phone):
    assert check_mobile(phone) is None


@pytest.mark.parametrize("phone", ["23812341234", "1381234123", "138123412345", "abc"])
def test_invalid_mobile(phone):
    assert check_mobile(phone) == "手机号码应为以1开头的11位数字"


def test_masking():
    assert mask_mobile("13812341234") == "138****1234"
    assert mask_name("张伟") == "张*"
    assert mask_name("欧阳娜娜") == "欧**娜"
