"""Finding overstated promises in a reply, and reading the editable word list."""
import pytest

from shopcs.cases.replies.promises import DEFAULT_WORDS, find_promises, parse_words
from shopcs.errors import Invalid


def test_the_words_found_come_in_order_of_first_appearance_each_once():
    text = "我们绝对保证明天马上到，绝对！"
    assert find_promises(text, DEFAULT_WORDS) == ["绝对", "保证", "马上到"]


def test_full_width_text_and_capitals_match_their_plain_forms():
    assert find_promises("１００％正品，WE GUARANTEE IT", DEFAULT_WORDS) == ["100%", "guarantee"]
    assert find_promises("100% sure", ["１００％"]) == ["１００％"]  # the word as the shop wrote it


def test_an_honest_reply_has_no_promise():
    assert find_promises("您好，很高兴为您服务！预计 3–5 天送达，以物流信息为准。", DEFAULT_WORDS) == []


def test_empty_and_repeated_words_are_ignored():
    assert find_promises("Absolutely!", ["", "  ", "absolutely", "ABSOLUTELY"]) == ["absolutely"]
    assert find_promises("anything", []) == []


def test_a_word_list_is_split_on_lines_and_chinese_or_latin_commas():
    assert parse_words(" 保证\n绝对，肯定、马上到,Guarantee\r\n\nguarantee ,, ") == ("保证", "绝对", "肯定", "马上到", "Guarantee")
    assert parse_words("") == ()


def test_a_word_over_30_characters_is_refused():
    assert parse_words("x" * 30) == ("x" * 30,)
    with pytest.raises(Invalid) as caught:
        parse_words("ok\n" + "x" * 31)
    assert "words" in caught.value.fields


def test_more_than_100_words_is_refused():
    assert len(parse_words("\n".join(f"w{n}" for n in range(100)))) == 100
    with pytest.raises(Invalid) as caught:
        parse_words("\n".join(f"w{n}" for n in range(101)))
    assert caught.value.fields == {"words": "at most 100 words"}
