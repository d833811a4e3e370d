"""The word index's rules (shopcs/cases/wordsearch/rules.py): a text's grams hold every term it contains, and a
term of one or two caseless characters is decided by the grams alone."""
import string
import sys

from hypothesis import given
from hypothesis import strategies as st

from shopcs.cases.wordsearch.rules import SPAN, case_grams, caseless, fold, folds_alike, lookup, text_grams

# Chinese, ASCII letters and digits, accented and Greek letters, and the characters LIKE treats specially
CHARS = st.sampled_from(list("包裹破损要求赔偿快递没到发票的了") + list("abcikABCIKxyzXYZ019 ,.-#%_\\") + list("éÉßſKıİσςΣΩω"))
TEXT = st.text(CHARS, max_size=30)


def found_by(term: str, texts: list[str]) -> bool:
    """What the index answers for a term, before any check of the texts."""
    grams, wanted = case_grams(texts), lookup(term)
    if wanted.first is not None:
        return any(wanted.first <= gram <= wanted.last for gram in grams)
    return set(wanted.grams) <= grams


def test_a_text_is_found_by_its_pairs_and_its_last_character():
    assert text_grams("破损了") == {ord("破") * SPAN + ord("损"), ord("损") * SPAN + ord("了"), ord("了") * SPAN}
    assert text_grams("") == set()
    assert lookup("破损").grams == (ord("破") * SPAN + ord("损"),) and lookup("破损").exact
    assert lookup("") is None


def test_a_longer_or_cased_term_is_checked_against_the_texts():
    assert not lookup("包裹破损").exact and not lookup("ik").exact and not lookup("É").exact
    assert lookup("1").exact and lookup("快").exact and lookup("12").exact and lookup("SF").exact


def test_characters_are_folded_one_by_one_keeping_their_places():
    assert fold("İSTANBUL ΟΔΟΣ") == "istanbul οδοσ"  # not "i̇stanbul οδος", as str.lower() gives
    assert fold("Ab破") == "ab破"


@given(TEXT, TEXT, TEXT, st.lists(TEXT, max_size=3))
def test_a_case_is_found_by_every_term_one_of_its_texts_contains_folded(before, term, after, others):
    if fold(term):
        assert found_by(term, [*others, before + term + after])


def like(term: str, text: str) -> bool:
    """SQLite's LIKE '%term%': ASCII letters in either case, every other character as it is."""
    ascii_lower = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
    return term.translate(ascii_lower) in text.translate(ascii_lower)


@given(st.text(CHARS, min_size=1, max_size=2), st.lists(TEXT, max_size=4))
def test_a_short_term_that_folds_alike_is_found_exactly_where_like_finds_it(term, texts):
    if lookup(term).exact:
        assert found_by(term, texts) == any(like(term, text) for text in texts)


def test_a_character_that_folds_alike_everywhere_has_no_other_character_folding_to_it():
    """What makes a short term exact: the characters the grams take for it are those LIKE takes for it on both
    databases - itself when caseless, the two ASCII cases of a letter other than i and k."""
    folded_from: dict[str, set[str]] = {}
    for code in range(1, sys.maxunicode + 1):
        folded_from.setdefault(fold(chr(code)), set()).add(chr(code))
    assert not [char for char in folded_from if caseless(char) and folded_from[char] != {char}]
    for letter in string.ascii_lowercase:
        assert folds_alike(letter) == (folded_from[letter] == {letter, letter.upper()}), letter
