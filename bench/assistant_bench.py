"""The assistant's sorting (issue 18): trained on the starter set that ships in shopcs/assistant/data/, measured on
messages it never saw (bench/data/assistant_heldout.jsonl, written apart from it). Prints the share sorted as a
person sorted them (the rules of shopcs/assistant/rules.py, then the model; and the model alone), each category's
precision and recall, the confusion matrix, and the time of one classify call.

    .venv/bin/python -m bench.assistant_bench [--rounds 5]

Bars: at least 90 % right; one classify p95 <= 20 ms (each message alone, as a request classifies it). Exit 1 on a
miss.
"""
import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from shopcs.assistant.classify import CATEGORIES, Classifier
from shopcs.assistant.starter import read_examples, starter_examples

from .followup_common import percentile

HELD_OUT = Path(__file__).resolve().parent / "data" / "assistant_heldout.jsonl"
ACCURACY_BAR, P95_BAR_MS = 0.90, 20.0


def confusion(pairs: list[tuple[str, str]]) -> str:
    """Rows: the person's category; columns: the assistant's."""
    counts = Counter(pairs)
    width = max(len(c) for c in CATEGORIES) + 2
    lines = ["person \\ assistant".ljust(width + 6) + "".join(c[:10].rjust(12) for c in CATEGORIES)]
    for truth in CATEGORIES:
        lines.append(truth.ljust(width + 6) + "".join(str(counts[(truth, guess)]).rjust(12) for guess in CATEGORIES))
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="times each held-out message is classified for timing")
    args = parser.parse_args(argv)
    train = starter_examples()
    held_out = read_examples(HELD_OUT.read_text(encoding="utf-8").splitlines())
    started = time.perf_counter()
    model = Classifier.train(train)
    trained_in = time.perf_counter() - started
    pairs, times = [], []
    for text, truth in held_out:
        pairs.append((truth, model.classify(text).category))
    for _ in range(args.rounds):
        for text, _truth in held_out:
            started = time.perf_counter()
            model.classify(text)
            times.append((time.perf_counter() - started) * 1000)
    right = sum(truth == guess for truth, guess in pairs)
    accuracy = right / len(pairs)
    alone = model.without_rules()
    right_alone = sum(truth == alone.classify(text).category for text, truth in held_out)
    changed = sum(model.classify(text).category != alone.classify(text).category for text, _truth in held_out)
    print(f"trained on {len(train)} starter messages in {trained_in:.2f} s; {len(held_out)} held-out messages")
    print(f"sorted as a person sorted them: {right}/{len(pairs)} = {accuracy:.1%} (bar {ACCURACY_BAR:.0%}); "
          f"the model alone, without the rules: {right_alone}/{len(pairs)} ({changed} categories differ)")
    for category in CATEGORIES:
        truth_n = sum(t == category for t, _g in pairs)
        guess_n = sum(g == category for _t, g in pairs)
        hits = sum(t == g == category for t, g in pairs)
        print(f"  {category:12} precision {hits / guess_n if guess_n else float('nan'):.2f}  "
              f"recall {hits / truth_n if truth_n else float('nan'):.2f}  (n={truth_n})")
    print(confusion(pairs))
    slow = percentile(times, 95)
    print(f"one classify: p50 {statistics.median(times):.2f} ms, p95 {slow:.2f} ms (bar {P95_BAR_MS:.0f} ms), "
          f"n={len(times)}")
    checks = [(f"accuracy >= {ACCURACY_BAR:.0%}", accuracy >= ACCURACY_BAR), (f"p95 <= {P95_BAR_MS:.0f} ms", slow <= P95_BAR_MS)]
    for name, passed in checks:
        print(f"{'PASS' if passed else 'FAIL'}  {name}")
    return 0 if all(passed for _name, passed in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
