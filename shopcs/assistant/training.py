"""The assistant learns from the shop's own cases (issue 18): every resolved or closed case the assistant read gives its
first message and the category the agent kept. `retrain` (the scheduler's daily job, `flask assistant retrain`) trains
a new version from the starter set and those examples, measures it, stores it and activates it when it is not worse;
every version stays, so `activate` can go back to one.

The measure: a fixed fifth of the shop's examples is held aside, never learnt from by any version. Which fifth is decided
by a checksum of each normalised text (`held_aside`), not by position, so a message stays on its side from one run to
the next, and the new version and the active one are measured on the same messages, neither having seen them. The
price: a fifth of the shop's corrections teach nothing.
"""
import json
import zlib
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..actor import Actor
from ..audit.services import record
from ..cases.models import Case
from ..cases.rules import FINISHED
from ..extensions import db
from .classify import CATEGORIES, TEXT_MAX, Classifier, normalise
from .models import AssistantModel
from .starter import read_examples, starter_examples

SHOP_EXAMPLES_MAX = 20_000  # the newest corrected cases learnt from: enough to follow the shop, and trained in seconds
HELD_ASIDE_EVERY = 5
RETRAIN_ACTOR = Actor.system("assistant")
# the newest versions kept (each holds its examples: up to about 1 MB), besides the active one: a daily retrain can go
# back more than a week; older ones are deleted when a new one is stored
KEEP_VERSIONS = 10


def shop_examples(limit: int = SHOP_EXAMPLES_MAX) -> list[tuple[str, str]]:
    """(first message, kept category) of the newest `limit` finished cases the assistant read, newest first; a text
    seen again counts once, with its newest category."""
    rows = db.session.execute(
        select(Case.body, Case.category)
        .where(Case.suggested_category.is_not(None), Case.status.in_(FINISHED))
        .order_by(Case.id.desc()).limit(limit))
    examples: dict[str, str] = {}
    for body, category in rows:
        text = (body or "").strip()[:TEXT_MAX]
        if text and category in CATEGORIES:
            examples.setdefault(text, category)
    return list(examples.items())


def held_aside(text: str) -> bool:
    """One message in HELD_ASIDE_EVERY, the same ones every run: measured on, never learnt from."""
    return zlib.crc32(normalise(text).encode("utf-8")) % HELD_ASIDE_EVERY == 0


def train_with(shop: list[tuple[str, str]]) -> Classifier:
    """The model of a version: the starter set, then the version's own examples (seeded: every process trains alike)."""
    return Classifier.train([*starter_examples(), *shop])


def accuracy_of(model: Classifier, examples: list[tuple[str, str]]) -> float | None:
    if not examples:
        return None
    return round(sum(model.classify(text).category == category for text, category in examples) / len(examples), 4)


def examples_of(version: AssistantModel) -> list[tuple[str, str]]:
    return read_examples(version.examples.splitlines())


def as_lines(examples: list[tuple[str, str]]) -> str:
    return "".join(json.dumps({"text": text, "category": category}, ensure_ascii=False) + "\n"
                   for text, category in examples)


def active_version() -> AssistantModel | None:
    return db.session.scalar(select(AssistantModel).where(AssistantModel.active.is_(True))
                             .order_by(AssistantModel.version.desc()).limit(1))


def versions() -> list[AssistantModel]:
    """Every stored version, newest first."""
    return list(db.session.scalars(select(AssistantModel).order_by(AssistantModel.version.desc())))


def retrain(now: datetime, actor: Actor = RETRAIN_ACTOR) -> AssistantModel | None:
    """A new version when the shop's examples changed since the newest one; active when it sorts the held-aside
    examples at least as well as the active version (or, with none, the starter set alone). None: nothing new, or
    another run stored the same version at the same moment."""
    examples = shop_examples()
    learnt = [pair for pair in examples if not held_aside(pair[0])]
    measured_on = [pair for pair in examples if held_aside(pair[0])]
    newest = db.session.scalar(select(AssistantModel).order_by(AssistantModel.version.desc()).limit(1))
    lines = as_lines(learnt)
    if not learnt or (newest is not None and newest.examples == lines):
        return None
    current = active_version()
    accuracy = accuracy_of(train_with(learnt), measured_on)
    baseline = accuracy_of(train_with(examples_of(current) if current else []), measured_on)
    model = AssistantModel(version=(newest.version + 1) if newest else 1, active=False, examples=lines,
                           example_count=len(learnt), accuracy=accuracy, created_at=now, created_by=actor.label)
    try:
        db.session.add(model)
        db.session.flush()  # the unique version: another retrain may have stored this number first
    except IntegrityError:
        db.session.rollback()
        return None
    record(actor, "assistant.model_trained", now, after={
        "version": model.version, "example_count": model.example_count, "held_aside": len(measured_on),
        "accuracy": accuracy, "active_accuracy": baseline, "active_version": current.version if current else None})
    if accuracy is None or accuracy >= baseline:  # nothing held aside yet: nothing says the new one is worse
        _make_active(model, current, actor, now)
    prune_versions()
    db.session.commit()
    return model


def prune_versions(keep: int = KEEP_VERSIONS) -> int:
    """Deletes the versions older than the newest `keep`, never the active one; the caller commits."""
    newest = select(AssistantModel.id).order_by(AssistantModel.version.desc()).limit(keep)
    stale = list(db.session.scalars(select(AssistantModel).where(
        AssistantModel.active.is_(False), AssistantModel.id.not_in(newest.scalar_subquery()))))
    for model in stale:
        db.session.delete(model)
    return len(stale)


def retrain_job(now: datetime) -> dict:
    """The scheduler's daily run."""
    model = retrain(now)
    if model is None:
        return {"new_version": None}
    return {"new_version": model.version, "active": model.active, "examples": model.example_count,
            "accuracy": model.accuracy}


class VersionError(ValueError):
    pass


def activate(version: int, actor: Actor, now: datetime) -> AssistantModel:
    """Make a stored version the one the workers use (within a minute: service.CHECK_SECONDS); audited."""
    model = db.session.scalar(select(AssistantModel).where(AssistantModel.version == version))
    if model is None:
        raise VersionError(f"there is no assistant model version {version}")
    current = active_version()
    if current is not None and current.id == model.id:
        return model
    _make_active(model, current, actor, now)
    db.session.commit()
    return model


def _make_active(model: AssistantModel, current: AssistantModel | None, actor: Actor, now: datetime) -> None:
    db.session.execute(update(AssistantModel).where(AssistantModel.active.is_(True), AssistantModel.id != model.id)
                       .values(active=False))
    model.active, model.activated_at = True, now
    record(actor, "assistant.model_activated", now,
           before={"version": current.version if current else None}, after={"version": model.version})
