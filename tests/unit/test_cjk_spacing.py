"""Spaces that Vosk's Chinese models put between characters go; others stay."""

from __future__ import annotations

import pytest

from recordings.cjk_spacing import is_cjk, join_cjk
from recordings.scoring import char_errors, total, word_errors, words


@pytest.mark.parametrize(
    ("vosk", "written"),
    [
        ("我 想 投诉 一下", "我想投诉一下"),
        ("你好 ， 请问 有 什么 可以 帮 您 。", "你好，请问有什么可以帮您。"),
        ("我 的 iPhone 坏 了", "我的 iPhone 坏了"),
        ("hello world", "hello world"),
        ("打 VIP 热线 4008 号", "打 VIP 热线 4008 号"),
        ("  多余   的\t空格 ", "多余的空格"),
        ("こんにちは 世界", "こんにちは世界"),
        ("", ""),
    ],
)
def test_spaces_between_cjk_characters_are_removed(vosk: str, written: str) -> None:
    assert join_cjk(vosk) == written


def test_korean_keeps_its_word_spaces() -> None:
    assert join_cjk("안녕하세요 고객 센터 입니다") == "안녕하세요 고객 센터 입니다"


def test_what_counts_as_cjk() -> None:
    assert all(is_cjk(c) for c in "中文，。「」かナ𠀀")
    assert not any(is_cjk(c) for c in "aZ9 한,.")


def test_wer_counts_cjk_characters_and_latin_words() -> None:
    assert words("我想 投诉, Hello World!") == ["我", "想", "投", "诉", "hello", "world"]
    assert word_errors("我想投诉", "我 想 投 述").edits == 1
    assert word_errors("hello big world", "hello world").rate == pytest.approx(1 / 3)


def test_cer_ignores_spaces_and_punctuation() -> None:
    counts = char_errors("你好，世界。", "你 好 世 介")
    assert (counts.edits, counts.length) == (1, 4)
    assert char_errors("", "").rate == 0.0
    assert char_errors("", "多").rate == 1.0


def test_overall_rates_pool_edits_over_files() -> None:
    pooled = total([word_errors("a b", "a c"), word_errors("a b c d", "a b c d")])
    assert (pooled.edits, pooled.length) == (1, 6)
