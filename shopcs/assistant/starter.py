"""The starter set: buyer messages written and labelled for ShopCS (data/LABELS.md says how), shipped with the
package, from which the assistant learns before the shop's own cases can teach it."""
import json
from importlib.resources import files

from .classify import CATEGORIES


def starter_examples() -> list[tuple[str, str]]:
    """(text, category) pairs of data/starter.jsonl."""
    lines = files("shopcs.assistant").joinpath("data", "starter.jsonl").read_text(encoding="utf-8").splitlines()
    return read_examples(lines)


def read_examples(lines: list[str]) -> list[tuple[str, str]]:
    """One JSON object per line, {"text", "category"}; blank lines skipped. Raises ValueError naming the bad line."""
    examples = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            text, category = item["text"], item["category"]
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"line {number}: not an object with text and category ({exc})") from exc
        if not isinstance(text, str) or not text.strip() or category not in CATEGORIES:
            raise ValueError(f"line {number}: needs a text and one of {', '.join(CATEGORIES)}")
        examples.append((text, category))
    return examples
