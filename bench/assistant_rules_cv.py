"""Do the assistant's rules (shopcs/assistant/rules.py) pay? 5-fold cross-validation on the starter set alone (never the
held-out set): each fold's model is trained on the other four and read with and without the rules. Prints the accuracy
both ways, each rule category's precision where it fired, and every phrase that changed an answer (won: the rule was
right where the model alone was wrong; lost: the other way round).

    .venv/bin/python -m bench.assistant_rules_cv [--folds 5] [--seed 0]

Exit 1 when the rules make the accuracy worse.
"""
import argparse
import statistics
import sys
import unicodedata
from collections import Counter

from sklearn.model_selection import StratifiedKFold

from shopcs.assistant.classify import TEXT_MAX, Classifier
from shopcs.assistant.rules import PHRASES, RULES, read
from shopcs.assistant.starter import starter_examples


def phrase_of(text: str, category: str) -> str:
    plain = unicodedata.normalize("NFKC", text[:TEXT_MAX]).lower()
    words = dict(PHRASES)[category]
    return next((p for p in words if p.lower() in plain), "?")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0, help="the folds' shuffle")
    args = parser.parse_args(argv)
    examples = starter_examples()
    texts, labels = [t for t, _c in examples], [c for _t, c in examples]
    plain_scores, ruled_scores = [], []
    fired, fired_right, won, lost = Counter(), Counter(), Counter(), Counter()
    folds = StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=args.seed)
    for train_index, test_index in folds.split(texts, labels):
        ruled = Classifier.train([examples[i] for i in train_index], rules=RULES)
        plain = ruled.without_rules()
        plain_right = ruled_right = 0
        for i in test_index:
            text, truth = examples[i]
            alone, with_rules = plain.classify(text).category, ruled.classify(text).category
            plain_right += alone == truth
            ruled_right += with_rules == truth
            decided = read(text[:TEXT_MAX])
            if decided is not None:
                fired[decided] += 1
                fired_right[decided] += decided == truth
                if alone != with_rules:
                    (won if with_rules == truth else lost)[(decided, phrase_of(text, decided))] += 1
        plain_scores.append(plain_right / len(test_index))
        ruled_scores.append(ruled_right / len(test_index))

    def line(name, scores):
        return f"{name:24} {statistics.mean(scores):.1%} ± {statistics.stdev(scores):.1%}  " \
               f"(folds {', '.join(f'{s:.1%}' for s in scores)})"

    print(f"{len(examples)} starter messages, {args.folds}-fold cross-validation (shuffle seed {args.seed})")
    print(line("classifier alone", plain_scores))
    print(line("rules, then classifier", ruled_scores))
    print("rules fired (precision where they fired):")
    for category, _words in PHRASES:
        print(f"  {category:12} {fired[category]:4}  right {fired_right[category]:4}  "
              f"({fired_right[category] / fired[category] if fired[category] else float('nan'):.1%})")
    for name, counts in (("won", won), ("lost", lost)):
        print(f"answers the rules {name}: {sum(counts.values())}  "
              + ", ".join(f"{p!r}->{c} {n}" for (c, p), n in counts.most_common()))
    return 0 if statistics.mean(ruled_scores) >= statistics.mean(plain_scores) else 1


if __name__ == "__main__":
    sys.exit(main())
