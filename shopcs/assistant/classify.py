"""Which case category a buyer's message is about: a linear model over character n-grams, trained from labelled
messages (scikit-learn), behind a few unmistakable phrases that decide first (rules.py). Characters, not words: Chinese
needs no word segmentation, and Chinese, English, the two mixed, typos and emoji all read the same way. Pure: no Flask,
no database, no network; the caller trains it (from the starter set, later from the shop's own cases) and keeps it.

Before anything is read the text is normalised: NFKC (full-width letters and digits become plain ones), lower case,
and every run of digits one "0", so that an order or tracking number reads as "a number" whatever its digits.
"""
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import SGDClassifier
from sklearn.pipeline import Pipeline, make_pipeline

from .rules import RULES, Rule, read

CATEGORIES = ("tracking", "payment", "claim", "after_sales", "pre_sale", "complaint")  # the cases' categories
TEXT_MAX = 2000  # characters read: the question is in the first lines, and a pasted essay costs no more
MIN_PER_CATEGORY = 2
# a rule's answer: high, below certainty (the phrases were right on all 170 starter messages they fired on, but that is
# the set they were picked from)
RULE_CONFIDENCE = 0.98
_DIGITS = re.compile(r"[0-9]+")


def normalise(text: str) -> str:
    return _DIGITS.sub("0", unicodedata.normalize("NFKC", text[:TEXT_MAX]).lower())


@dataclass(frozen=True)
class Guess:
    category: str
    confidence: float  # the model's probability, 0 to 1


@dataclass(frozen=True)
class Suggestion:
    category: str
    confidence: float
    alternatives: tuple[Guess, ...]  # the other categories, most likely first


class Classifier:
    """A trained model and the rules (rules.py) that decide before it. `train` builds one; `classify` is cheap (well
    under a millisecond: bench/assistant_bench.py)."""

    def __init__(self, pipeline: Pipeline, rules: tuple[Rule, ...] = RULES):
        self._pipeline = pipeline
        self._rules = rules

    @classmethod
    def train(cls, examples: Iterable[tuple[str, str]], rules: tuple[Rule, ...] = RULES) -> "Classifier":
        """`examples`: (text, category) pairs; `rules`: the phrases that decide first (none: the model alone). Raises
        ValueError for an unknown category, an empty text, or fewer than two categories with MIN_PER_CATEGORY examples
        each."""
        texts, labels = [], []
        for text, category in examples:
            if category not in CATEGORIES:
                raise ValueError(f"unknown category {category!r}")
            if not text or not text.strip():
                raise ValueError("an example has no text")
            texts.append(text)
            labels.append(category)
        if sum(1 for n in Counter(labels).values() if n >= MIN_PER_CATEGORY) < 2:
            raise ValueError(f"needs at least two categories with {MIN_PER_CATEGORY} examples each")
        pipeline = make_pipeline(
            TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), preprocessor=normalise, sublinear_tf=True),
            # logistic regression (log loss: probabilities for the confidence) fitted by SGD: as accurate as lbfgs's
            # and 10-40x faster to train here; n-grams and alpha chosen by 5-fold cross-validation on the starter set
            # alone (bench/README.md, Assistant); seeded, so repeatable
            SGDClassifier(loss="log_loss", alpha=5e-6, max_iter=50, tol=1e-3, random_state=0))
        pipeline.fit(texts, labels)
        return cls(pipeline, rules)

    def without_rules(self) -> "Classifier":
        """The same model with no rule before it: what the rules are measured against."""
        return Classifier(self._pipeline, ())

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(self._pipeline.classes_)

    def classify(self, text: str) -> Suggestion:
        """A rule's category with RULE_CONFIDENCE when one matches (the model's ranking of the others, sharing what is
        left), else the model's most likely category."""
        probabilities = self._pipeline.predict_proba([text])[0]
        ranked = sorted(zip(self._pipeline.classes_, probabilities, strict=True), key=lambda pair: -pair[1])
        decided = read(text[:TEXT_MAX], self._rules) if self._rules else None
        if decided is not None:
            others = [(category, p) for category, p in ranked if category != decided]
            share = (1 - RULE_CONFIDENCE) / (sum(p for _c, p in others) or 1)
            ranked = [(decided, RULE_CONFIDENCE), *((category, p * share) for category, p in others)]
        guesses = [Guess(str(category), round(float(p), 4)) for category, p in ranked]
        return Suggestion(guesses[0].category, guesses[0].confidence, tuple(guesses[1:]))
