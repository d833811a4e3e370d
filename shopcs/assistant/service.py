"""The classifier the app asks: the active model version (training.py), trained in this process from that version's
stored examples and the starter set, or from the starter set alone while there is no version. Nothing is pickled: every
worker trains the same model from the same data (the training is seeded), so any worker answers alike.

A worker looks at which version is active at most every CHECK_SECONDS (one small query) and trains again only when it
changed; while one request of the worker trains, the others keep answering with the model they have.
"""
import threading
import time
from dataclasses import dataclass

from sqlalchemy import select

from ..extensions import db
from .classify import Classifier, Suggestion
from .models import AssistantModel
from .training import examples_of, train_with

CHECK_SECONDS = 60


@dataclass(frozen=True)
class _Loaded:
    version_id: int | None  # the AssistantModel row it was trained from; None: the starter set alone
    model: Classifier
    check_after: float  # time.monotonic()


_looking = threading.Lock()  # one thread of the process looks (and trains) at a time
_loaded: _Loaded | None = None


def classifier() -> Classifier:
    """Runs in an app context (it may read the active version)."""
    loaded = _loaded
    if loaded is not None and time.monotonic() < loaded.check_after:
        return loaded.model
    if not _looking.acquire(blocking=loaded is None):  # with a model in hand, never wait for another thread's look
        return loaded.model
    try:
        return _look()
    finally:
        _looking.release()


def _look() -> Classifier:
    global _loaded
    loaded = _loaded  # another thread may have looked while this one waited
    if loaded is not None and time.monotonic() < loaded.check_after:
        return loaded.model
    with db.session.no_autoflush:  # a request's unfinished changes stay its own
        version_id = db.session.scalar(select(AssistantModel.id).where(AssistantModel.active.is_(True))
                                       .order_by(AssistantModel.version.desc()).limit(1))
        if loaded is not None and loaded.version_id == version_id:
            model = loaded.model
        else:
            version = db.session.get(AssistantModel, version_id) if version_id is not None else None
            model = train_with(examples_of(version) if version is not None else [])
    _loaded = _Loaded(version_id, model, time.monotonic() + CHECK_SECONDS)
    return model


def forget_model() -> None:
    """The next call looks at the active version at once instead of within CHECK_SECONDS (and trains it again)."""
    global _loaded
    with _looking:
        _loaded = None


def suggest(text: str) -> Suggestion:
    return classifier().classify(text)
