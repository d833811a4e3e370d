"""Which case category a buyer's message is about: a linear model over character n-grams, trained from labelled
messages (scikit-learn). Characters, not words: Chinese needs no word segmentation, and Chinese, English, the two
mixed, typos and emoji all read the same way. Pure: no Flask, no database, no network; the caller trains it (from the
starter set, later from the shop's own cases) and keeps it.

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

CATEGORIES = ("tracking", "payment", "claim", "after_sales", "pre_sale", "complaint")  # the cases' categories
TEXT_MAX = 2000  # characters read: the question is in the first lines, and a pasted essay costs no more
MIN_PER_CATEGORY = 2
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
    """A trained model. `train` builds one; `classify` is cheap (well under a millisecond: bench/assistant_bench.py)."""

    def __init__(self, pipeline: Pipeline):
        self._pipeline = pipeline

    @classmethod
    def train(cls, examples: Iterable[tuple[str, str]]) -> "Classifier":
        """`examples`: (text, category) pairs. Raises ValueError for an unknown category, an empty text, or fewer
        than two categories with MIN_PER_CATEGORY examples each."""
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
        return cls(pipeline)

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(self._pipeline.classes_)

    def classify(self, text: str) -> Suggestion:
        probabilities = self._pipeline.predict_proba([text])[0]
        ranked = sorted(zip(self._pipeline.classes_, probabilities, strict=True), key=lambda pair: -pair[1])
        guesses = [Guess(str(category), round(float(p), 4)) for category, p in ranked]
        return Suggestion(guesses[0].category, guesses[0].confidence, tuple(guesses[1:]))
