"""Overstated promises in a reply ("不对客户做夸大其词的承诺", duty 12): a word list and a matcher. Pure.

The match is a warning for the agent, not a block: "保证" also appears in honest sentences. Both sides are NFKC
normalised and case-folded, so full-width "１００％" and "GUARANTEE" are found as "100%" and "guarantee".
"""
import re
import unicodedata
from collections.abc import Iterable

from ...errors import Invalid

DEFAULT_WORDS = (
    "保证", "绝对", "100%", "百分百", "百分之百", "马上到", "一定到", "肯定", "包退包换", "永不",
    "guarantee", "absolutely", "definitely", "100% sure", "never fails",
)
MAX_WORD_CHARS = 30
MAX_WORDS = 100


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def find_promises(text: str, words: Iterable[str]) -> list[str]:
    """The words (as given) found in `text`, in order of first appearance, each once; empty words are ignored.
    Words that fold to the same text are reported once, under the first spelling given."""
    folded_text, found = _fold(text), {}
    for word in words:
        folded = _fold(word).strip()
        if folded and folded not in found:
            position = folded_text.find(folded)
            if position >= 0:
                found[folded] = (position, word.strip())
    return [word for _, word in sorted(found.values(), key=lambda hit: hit[0])]


def parse_words(text: str) -> tuple[str, ...]:
    """An editable word list: one per line or separated by commas (, ， 、); trimmed, blank entries skipped,
    duplicates (after folding) dropped. Raises Invalid {"words": reason} for a word over 30 characters or
    more than 100 words."""
    words: dict[str, str] = {}
    for part in re.split(r"[\n\r,，、]+", text or ""):
        word = part.strip()
        if not word:
            continue
        if len(word) > MAX_WORD_CHARS:
            raise Invalid("The promise words are not valid.", fields={"words": f"“{word[:MAX_WORD_CHARS]}…” is longer than "
                                                                               f"{MAX_WORD_CHARS} characters"})
        words.setdefault(_fold(word), word)
    if len(words) > MAX_WORDS:
        raise Invalid("The promise words are not valid.", fields={"words": f"at most {MAX_WORDS} words"})
    return tuple(words.values())
