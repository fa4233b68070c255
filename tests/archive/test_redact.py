"""Masking personal data in free text: what is masked, how, and what is left alone (loopdesk/core/redact.py)."""

from __future__ import annotations

import pytest

from loopdesk.core.redact import luhn, mask_personal_data, mask_value

MASKED = [
    # Mobile numbers, alone, in Chinese text, split 3-4-4, with a country code, in full-width digits.
    ("13812341234", "138****1234"),
    ("客户电话13812341234，请回电", "客户电话138****1234，请回电"),
    ("手机：139 1234 5678", "手机：139 **** 5678"),
    ("call 159-1234-5678 today", "call 159-****-5678 today"),
    ("+86 13812341234", "+86 138****1234"),
    ("+8613812341234", "+86138****1234"),
    ("008613812341234", "0086138****1234"),
    ("电话１３８１２３４１２３４", "电话１３８****１２３４"),
    ("19912341234、17712341234", "199****1234、177****1234"),
    # Landlines: with a hyphen, brackets or space, 3- and 4-digit area codes, 7- and 8-digit numbers, together.
    ("座机010-62345678", "座机010-****5678"),
    ("(021)62345678", "(021)****5678"),
    ("（０２１）６２３４５６７８", "（０２１）****５６７８"),
    ("0755 2345678", "0755 ***5678"),
    ("0571-88889999转8001", "0571-****9999转8001"),
    ("01062345678", "010****5678"),
    # E-mails keep their first character and the domain.
    ("邮箱zhang.san@example.com。", "邮箱z********@example.com。"),
    ("13812341234@163.com", "1**********@163.com"),
    ("a@qq.com", "*@qq.com"),
    ("ＺＨＡＮＧ＠ｑｑ．ｃｏｍ", "Ｚ****＠ｑｑ．ｃｏｍ"),
    # ID cards: 18 characters with a real date of birth, X as the last one.
    ("身份证号110101199003071234", "身份证号110***********1234"),
    ("ID 44030420011231002X please", "ID 440***********002X please"),
    ("44030420011231002x", "440***********002x"),
    # Bank cards: Luhn-valid numbers, grouped or not; any number after a card word.
    ("退款到6222021234567890128", "退款到6222***********0128"),
    ("4111 1111 1111 1111", "4111 **** **** 1111"),
    ("卡号：6217 0012 3456 7890", "卡号：6217 **** **** 7890"),  # fails Luhn: the card word decides
    ("银行卡 1234567890123456", "银行卡 1234********3456"),
    ("card no. 5500-0000-0000-0004", "card no. 5500-****-****-0004"),
]

KEPT = [
    # Order and tracking numbers: glued to letters, too long or short, date-shaped, labelled, or failing Luhn.
    "订单号DD202611230001234567",
    "订单20261123000123456789",  # 20 digits
    "订单号：4111111111111111",  # Luhn-valid, but an order word says what it is
    "单号 13812341234",  # 11 digits after an order word
    "SF1381234123456",
    "JD13812341234",
    "2026112300012340",  # a date-prefixed number, even though it passes Luhn
    "1234567890123456",  # fails Luhn, no card word
    "物流单号 YT2345678901234",
    # Dates, times, amounts, quantities, short numbers, service numbers.
    "10月28日购买的洗衣机，快递一直没送到",
    "2026-11-23 10:30 来电",
    "20261123103015",
    "2026年11月23日",
    "赔偿¥2000.00，共3件",
    "客服热线400-820-8820或800-810-8888",
    "会员等级 3，积分 12000",
    "型号XQG100-14B",
    "123456789",
    # Numbers already masked: a second pass changes nothing.
    "138****1234", "010-****5678", "z****@example.com", "110***********1234", "6222***********0128",
    "",
]


@pytest.mark.parametrize(("text", "expected"), MASKED)
def test_personal_data_is_masked(text, expected):
    assert mask_personal_data(text) == expected
    assert len(mask_personal_data(text)) == len(text)


@pytest.mark.parametrize(("text", "_expected"), MASKED)
def test_masking_twice_changes_nothing(text, _expected):
    once = mask_personal_data(text)
    assert mask_personal_data(once) == once


@pytest.mark.parametrize("text", KEPT)
def test_order_numbers_dates_and_other_numbers_are_left_alone(text):
    assert mask_personal_data(text) == text


def test_keep_spares_the_complaints_own_order_number():
    text = "订单4111111111111111未送达，联系13812341234"
    assert mask_personal_data(text) == "订单4111111111111111未送达，联系138****1234"  # order word
    assert mask_personal_data("4111111111111111未送达", keep=["4111-1111-1111-1111"]) == "4111111111111111未送达"


def test_known_values_are_masked_wherever_they_appear():
    text = "张三丰来电，会员号M20261123，邮箱zsf@corp.example"
    assert mask_personal_data(text, known=["张三丰", "M20261123", "zsf@corp.example", "", "张"]) == (
        "张**来电，会员号M****1123，邮箱z**@corp.example")
    assert mask_personal_data("张**来电", known=["张**"]) == "张**来电"


def test_json_values_are_masked_and_keys_kept():
    value = {"customer_phone": "13812341234", "list": ["a@b.com", 5, None], "n": 13812341234}
    assert mask_value(value) == {"customer_phone": "138****1234", "list": ["*@b.com", 5, None], "n": 13812341234}


@pytest.mark.parametrize(("digits", "valid"), [("4111111111111111", True), ("6222021234567890128", True),
                                               ("4111111111111112", False), ("0", True)])
def test_luhn(digits, valid):
    assert luhn(digits) is valid


def test_known_values_are_found_whatever_their_case_and_even_next_to_letters_that_lengthen():
    assert mask_personal_data("Mail ZSF@Corp.Example", known=["zsf@corp.example"]) == "Mail Z**@Corp.Example"
    assert mask_personal_data("İ 张三丰", known=["张三丰"]) == "İ 张**"


def test_a_known_phone_is_masked_like_the_pattern_masks_it():
    assert mask_personal_data("回拨13912345678或139-1234-5678", known=["13912345678"]) == (
        "回拨139****5678或139-****-5678")
    assert mask_personal_data("内线号码 1391234567", known=["1391234567"]) == "内线号码 ******4567"
