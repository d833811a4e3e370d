"""Which grams a text is found by, and which grams a search term looks up: pure rules, no database.

Chinese has no spaces between words, so the index cannot split text on them: each text is cut into its overlapping
pairs of characters ("包裹破损" → 包裹, 裹破, 破损) plus its last character alone. A term of two characters is then one
gram, a term of one character the grams that begin with it, and a longer term is looked for among the cases holding
all of its pairs, whose texts are then checked (the pairs may sit apart, or in different texts).

Characters are compared lower-cased one by one (Unicode's simple mapping: what both databases' case-insensitive LIKE
folds to, or less — SQLite folds ASCII only), so the grams find at least every case the LIKE scan finds. A term of one
or two characters that fold alike everywhere (Chinese, digits, most punctuation, most ASCII letters) finds exactly
those cases: no check.
A gram is a number: the first character's code point × SPAN + the second's (0: the text ends there).
"""
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise, repeat
from operator import add, mul

SPAN = 0x110000  # one past the largest code point
KINDS = ("customer_message", "reply", "reply_logged", "assistant_reply")  # the timeline events that are messages
_RECASED = ("İ", "Σ")  # str.lower() makes İ two characters and Σ at a word's end ς; one by one they are i and σ


def fold(text: str) -> str:
    """Each character lower-cased on its own: the same length, the same positions."""
    if any(c in text for c in _RECASED):
        return "".join(c.lower()[0] for c in text)
    return text.lower()


def text_grams(text: str) -> set[int]:
    """The grams a text is found by: its pairs of characters and its last character alone; none for ""."""
    codes = list(map(ord, fold(text)))
    if not codes:
        return set()
    grams = set(map(add, map(mul, codes, repeat(SPAN)), codes[1:]))  # first × SPAN + second, at C speed
    grams.add(codes[-1] * SPAN)
    return grams


def case_grams(texts: Iterable[str]) -> set[int]:
    """A case's grams: those of its subject and of each message, each text on its own (no pair spans two)."""
    grams: set[int] = set()
    for text in texts:
        grams |= text_grams(text)
    return grams


def caseless(char: str) -> bool:
    """No case: it folds to itself and nothing else folds to it, so LIKE on either database compares it as it is."""
    return char != "\0" and char.lower() == char == char.upper() and char.casefold() == char


def folds_alike(char: str) -> bool:
    """LIKE on both databases takes it for exactly the characters that fold as it does: a caseless one, or an ASCII
    letter other than i and k (SQLite does not fold İ to i nor the Kelvin sign K to k; the grams do)."""
    return caseless(char) or (char.isascii() and char.isalpha() and char.lower() not in "ik")


@dataclass(frozen=True)
class Lookup:
    """What a term looks up: the `grams` every matching case holds (the term's pairs, each once, in order), or for a
    single character the range `first`..`last` of the grams beginning with it; `exact` when they alone decide."""

    grams: tuple[int, ...] = ()
    first: int | None = None
    last: int | None = None
    exact: bool = False


def lookup(term: str) -> Lookup | None:
    """None for an empty term."""
    folded = fold(term)
    if not folded:
        return None
    exact = len(folded) <= 2 and all(folds_alike(c) for c in term)
    codes = [ord(c) for c in folded]
    if len(codes) == 1:
        return Lookup(first=codes[0] * SPAN, last=codes[0] * SPAN + SPAN - 1, exact=exact)
    return Lookup(grams=tuple(dict.fromkeys(a * SPAN + b for a, b in pairwise(codes))), exact=exact)
