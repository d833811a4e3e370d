"""The classifier the app asks: trained from the starter set the first time a process needs it, then kept for the
life of the process (a fraction of a second to train: bench/README.md, Assistant). Every worker trains the same
model from the same data (the training is seeded), so any worker answers alike."""
import threading

from .classify import Classifier, Suggestion
from .starter import starter_examples

_lock = threading.Lock()
_model: Classifier | None = None


def classifier() -> Classifier:
    global _model
    with _lock:
        if _model is None:
            _model = Classifier.train(starter_examples())
        return _model


def suggest(text: str) -> Suggestion:
    return classifier().classify(text)
