"""Redaction of phone, ID and card numbers, and keyword flags, on fixed texts."""

from __future__ import annotations

import pytest

from recordings.redaction import (
    classify_number,
    find_flags,
    find_sensitive,
    luhn_valid,
    prc_id_valid,
    redact,
)

VALID_ID = "11010519491231002X"
VALID_ID_DIGITS = "320102198511204515"
CARD_19 = "6222020200000000006"  # Luhn-valid UnionPay-like number
CARD_16 = "4111111111111111"
CARD_16_BAD = "4111111111111112"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我的电话是13800138000谢谢", "我的电话是[电话]谢谢"),
        ("手机 138 0013 8000 。", "手机 [电话] 。"),
        ("手机138-0013-8000", "手机[电话]"),
        ("+86 138 0013 8000", "[电话]"),
        ("+8613800138000", "[电话]"),
        ("0086-138-0013-8000", "[电话]"),
        ("８６ １３８００１３８０００", "[电话]"),
        ("座机010-65529988", "座机[电话]"),
        ("座机 (010) 6552 9988 找我", "座机 [电话] 找我"),
        ("深圳 0755 8888 1234", "深圳 [电话]"),
        ("+86 10 6552 9988", "[电话]"),
        ("分机010-65529988-123", "分机[电话]-123"),
        ("138 0013 8000 139 0013 9000", "[电话] [电话]"),
    ],
)
def test_phone_numbers_become_the_phone_label(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_digits_spaced_out_by_vosk_are_one_number() -> None:
    assert redact("我 的 手机 是 1 3 8 0 0 1 3 8 0 0 0 好的") == "我 的 手机 是 [电话] 好的"


def test_chinese_numerals_read_digit_by_digit_are_a_number() -> None:
    assert redact("电话幺三八零零幺三八零零零") == "电话[电话]"
    assert redact("一 三 八 零 零 一 三 八 零 零 零") == "[电话]"


def test_a_spaced_number_followed_by_a_stray_digit_keeps_the_digit() -> None:
    assert redact("1 3 8 0 0 1 3 8 0 0 0 5") == "[电话] 5"


@pytest.mark.parametrize(
    "text",
    [
        "订单号202401011380013800099",
        "一共 100 200 300 元",
        "共计3.14元",
        "1380013800",  # ten digits: no mobile
        "13800138000123",  # adjacent digits are never split
        "12800138000",  # 12x is no mobile prefix
        "65529988",  # a local number without area code
        "三三两两",
    ],
)
def test_other_numbers_are_left_alone(text: str) -> None:
    assert redact(text) == text
    assert find_sensitive(text) == []


def test_id_numbers_with_a_right_check_digit_are_redacted() -> None:
    assert redact(f"身份证{VALID_ID}") == "身份证[身份证]"
    assert redact(f"身份证号 {VALID_ID_DIGITS} 对") == "身份证号 [身份证] 对"
    assert redact(f"id {VALID_ID.lower()}") == "id [身份证]"


def test_id_number_spaced_out_with_a_trailing_x() -> None:
    assert redact("身份证 1101 0519 4912 3100 2 X") == "身份证 [身份证]"


def test_id_numbers_with_a_wrong_check_digit_or_date_are_not() -> None:
    wrong_check = VALID_ID[:-1] + "1"
    assert redact(wrong_check) == wrong_check
    assert not prc_id_valid("110105194913310029")  # month 13


def test_only_luhn_valid_card_numbers_are_redacted() -> None:
    text = f"卡号{CARD_16} 和 {CARD_16_BAD}"
    assert redact(text) == f"卡号[银行卡] 和 {CARD_16_BAD}"
    assert redact("卡号 6222 0202 0000 0000 006") == "卡号 [银行卡]"
    assert redact(f"卡号{CARD_19[:-1]}7") == f"卡号{CARD_19[:-1]}7"


def test_english_labels() -> None:
    text = f"call 13800138000, id {VALID_ID}, card {CARD_16}"
    assert redact(text, language="en") == "call [phone], id [id], card [card]"


def test_spans_say_what_and_where() -> None:
    text = f"电话13800138000身份证{VALID_ID}"
    spans = find_sensitive(text)
    assert [(s.kind, s.start, s.end, s.text) for s in spans] == [
        ("phone", 2, 13, "13800138000"),
        ("id", 16, 34, VALID_ID),
    ]


def test_checks() -> None:
    assert luhn_valid(CARD_16) and not luhn_valid(CARD_16_BAD) and not luhn_valid("12a4")
    assert prc_id_valid(VALID_ID) and prc_id_valid(VALID_ID_DIGITS)
    assert classify_number("13800138000") == "phone"
    assert classify_number(CARD_19) == "card"
    assert classify_number(VALID_ID) == "id"
    assert classify_number("1234567890123456") is None  # starts with 1: no card


def test_keyword_flags_with_positions() -> None:
    text = "我要投诉你们，叫经理来"
    flags = find_flags(text)
    assert [(f.keyword, f.start, f.end) for f in flags] == [("投诉", 2, 4), ("经理", 8, 10)]


def test_keyword_flags_survive_vosk_spaces_and_case() -> None:
    text = "我 要 投 诉 . I want your Manager and my LAWYER, complaints"
    flags = find_flags(text)
    assert [(f.keyword, f.text) for f in flags] == [
        ("投诉", "投 诉"),
        ("manager", "Manager"),
        ("lawyer", "LAWYER"),
        ("complaint", "complaint"),
    ]
    assert text[flags[0].start : flags[0].end] == "投 诉"


def test_latin_keywords_match_at_word_start_only() -> None:
    assert find_flags("the general manager") != []
    assert find_flags("a nonmanager") == []


def test_keyword_list_is_configurable() -> None:
    flags = find_flags("我要曝光你们，还要退款", keywords=["退款", "refund"])
    assert [(f.keyword, f.start) for f in flags] == [("退款", 9)]
    assert find_flags("没有关键词的话") == []
