"""The cases' stored settings: first-response targets (key "sla"), the words of an exaggerated promise
(key "promise_words"), the automatic assignment's limit (key "max_open_per_agent") and how the assistant's reading is
used (key "assistant"), kept as JSON in the shop settings' area "cases", each change audited."""
import json
from datetime import datetime
from functools import lru_cache

from flask_babel import lazy_gettext as _l

from ..actor import Actor
from ..audit.services import record
from ..errors import Invalid
from ..extensions import db
from ..settings import store
from .replies.promises import DEFAULT_WORDS, parse_words
from .rules import TriageSettings, parse_triage
from .sla import SlaSettings, parse_sla_settings

AREA = "cases"
SLA_KEY = "sla"
WORDS_KEY = "promise_words"
ASSIGN_KEY = "max_open_per_agent"
TRIAGE_KEY = "assistant"
ACTION_ASSIGNMENT = "case_assignment.settings_changed"
ACTION_TRIAGE = "case_assistant.settings_changed"
DEFAULT_MAX_OPEN = 5  # an agent's open cases before the round robin passes them over; 0: no automatic assignment
MAX_OPEN_LIMIT = 200


def _save(key: str, value, actor: Actor, now: datetime, action: str, before: dict, after: dict) -> None:
    store.write(AREA, {key: value}, actor.label, now)
    record(actor, action, now, before=before, after=after)
    db.session.commit()


def load_sla_settings() -> SlaSettings:
    """Read on every case page and queue: the stored text is parsed once per distinct value (exact: a change is a
    new text)."""
    text = store.read_text(AREA, SLA_KEY)
    return SlaSettings.default() if text is None else _parsed_sla(text)


@lru_cache(maxsize=16)
def _parsed_sla(text: str) -> SlaSettings:
    return parse_sla_settings(json.loads(text))


def save_sla_settings(values: dict, actor: Actor, now: datetime) -> SlaSettings:
    """Validates everything first (Invalid names each bad field; nothing is written), then saves and audits."""
    new = parse_sla_settings(values)
    old_json, new_json = load_sla_settings().as_json(), new.as_json()
    changed = [name for name in new_json if old_json.get(name) != new_json[name]]
    if changed:
        _save(SLA_KEY, new_json, actor, now, "case_sla.settings_changed",
              {name: old_json.get(name) for name in changed}, {name: new_json[name] for name in changed})
    return new


def load_promise_words() -> tuple[str, ...]:
    stored = store.read(AREA, WORDS_KEY)
    return tuple(DEFAULT_WORDS) if stored is None else tuple(stored)


def save_promise_words(words: str | list[str], actor: Actor, now: datetime) -> tuple[str, ...]:
    """One word per line or comma-separated (a list is taken as lines); Invalid {"words": why} writes nothing."""
    new = parse_words("\n".join(words) if isinstance(words, (list, tuple)) else words)
    old = load_promise_words()
    if new != old:
        _save(WORDS_KEY, list(new), actor, now, "case_promise_words.settings_changed",
              {"words": list(old)}, {"words": list(new)})
    return new


def load_max_open() -> int:
    stored = store.read(AREA, ASSIGN_KEY)
    return DEFAULT_MAX_OPEN if stored is None else int(stored)


def save_max_open(value, actor: Actor, now: datetime) -> int:
    """A whole number from 0 (no automatic assignment) to MAX_OPEN_LIMIT; Invalid {"max_open": why} writes nothing."""
    text = str(value).strip()
    if not (text.isascii() and text.isdigit() and int(text) <= MAX_OPEN_LIMIT):
        raise Invalid(_l("The assignment setting is not valid."),
                      {"max_open": f"must be a whole number from 0 to {MAX_OPEN_LIMIT}"})
    new, old = int(text), load_max_open()
    if new != old:
        _save(ASSIGN_KEY, new, actor, now, ACTION_ASSIGNMENT, {"max_open": old}, {"max_open": new})
    return new


def load_triage() -> TriageSettings:
    stored = store.read(AREA, TRIAGE_KEY)
    return TriageSettings() if stored is None else parse_triage(stored)


def save_triage(values: dict, actor: Actor, now: datetime) -> TriageSettings:
    """Invalid names each bad field and writes nothing; an unchanged value writes no trace."""
    new = parse_triage(values)
    old_json, new_json = load_triage().as_json(), new.as_json()
    changed = [name for name in new_json if old_json[name] != new_json[name]]
    if changed:
        _save(TRIAGE_KEY, new_json, actor, now, ACTION_TRIAGE,
              {name: old_json[name] for name in changed}, {name: new_json[name] for name in changed})
    return new
