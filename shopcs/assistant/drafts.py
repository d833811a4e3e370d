"""Draft the answer (issue 18): the few reply templates that best fit a case's latest buyer message, already filled
with the case's variables, for the agent to choose from (the agent still sends).

What is offered, and in which order:
- the language: the buyer's, read from the message itself (any Han character: Chinese; Latin letters only: English);
  when the message does not tell (digits, emoji), the agent's UI language, as the template picker puts it first;
- only templates that fill completely: a template using a variable this case has no value for (no shipment, so no
  tracking number) is left out, so a suggestion never shows a bare "{tracking_no}";
- the templates of the message's suggested category first, then those of the case's own category (the tie-break
  when the two differ), then the general ones (no category); other categories are not offered;
- within each of those groups, the more similar to the message first (`similarity`), then by title.

The pure parts (language, fit, similarity, order) take plain values; `case_drafts` loads the rows and asks them.
"""
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import or_

from ..cases.replies.models import LANGUAGES, ReplyTemplate
from ..cases.replies.rules import check_template, render, variables_used
from ..cases.replies.templates import search_statement, values_for
from ..extensions import db
from .classify import normalise
from .service import suggest

LIMIT = 3
BUYER_MESSAGE = "customer_message"
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[a-z]")
_FIELD = re.compile(r"\{\{|\}\}|\{[^{}]*\}")


# ---- pure ----

def message_language(text: str) -> str | None:
    """"zh_CN" for a message with any Han character, "en" for one with Latin letters and none, else None (unknown)."""
    if _HAN.search(text or ""):
        return "zh_CN"
    if _LATIN.search(unicodedata.normalize("NFKC", text or "").lower()):
        return "en"
    return None


def draft_language(message: str, ui_language: str) -> str:
    """The buyer's language if the message tells it, else the UI's (a language templates are written in)."""
    return message_language(message) or (ui_language if ui_language in LANGUAGES else LANGUAGES[0])


def fills(body: str, values: dict[str, str]) -> bool:
    """True when the template is valid and every variable it uses has a non-blank value for this case."""
    return not check_template(body) and all((values.get(name) or "").strip() for name in variables_used(body))


def bigrams(text: str) -> set[str]:
    """The character pairs of `text` after the classifier's normalisation (NFKC, lower case, every number "0"),
    letters and digits only: "我的快递" gives {我的, 的快, 快递}; "Where is" gives {wh, he, er, re, ei, is}."""
    letters = "".join(char for char in normalise(text) if char.isalnum())
    return {letters[i:i + 2] for i in range(len(letters) - 1)}


def similarity(message: str, text: str) -> float:
    """How much two texts share, 0 to 1: the Dice coefficient of their character bigrams, 2·|A∩B| / (|A|+|B|).
    Characters rather than words, as the classifier reads them: Chinese needs no word segmentation. Plain on purpose:
    it only orders templates already chosen by category, it does not choose them."""
    a, b = bigrams(message), bigrams(text)
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def category_tier(category: str | None, suggested: str | None, case_category: str | None) -> int | None:
    """0: the message's suggested category; 1: the case's own; 2: a general template; None: not offered."""
    if category is None:
        return 2
    if category == suggested:
        return 0
    if category == case_category:
        return 1
    return None


def _template_text(template) -> str:
    """A template's title and body as words, its {variables} left out: they name fields, not what the buyer says."""
    return template.title + "\n" + _FIELD.sub(" ", template.body)


def rank_templates(templates: Iterable, message: str, suggested: str | None, case_category: str | None) -> list:
    """The templates (anything with category, title, body, id) offered for `message`, best first; see the module."""
    ranked = []
    for template in templates:
        tier = category_tier(template.category, suggested, case_category)
        if tier is not None:
            score = similarity(message, _template_text(template))
            ranked.append(((tier, -score, template.title, template.id or 0), template))
    return [template for _key, template in sorted(ranked, key=lambda pair: pair[0])]


def latest_buyer_message(events: Sequence, first_message: str) -> str:
    """The body of the last customer message in the timeline (events in order), else the case's first message."""
    event = _latest_buyer_event(events)
    return event.body if event is not None else first_message or ""


def _latest_buyer_event(events: Sequence):
    for event in reversed(events):
        if event.kind == BUYER_MESSAGE and (event.body or "").strip():
            return event
    return None


def stored_reading(events: Sequence) -> tuple[str, float] | None:
    """The assistant's reading kept with the latest buyer message when it was written (cases.inputs.Reading), so the
    panel says what the timeline says; None for a message from before the assistant."""
    event = _latest_buyer_event(events)
    reading = (event.data or {}).get("reading") if event is not None else None
    return (reading["category"], reading["confidence"]) if reading else None


# ---- with the database ----

@dataclass(frozen=True)
class Drafts:
    category: str | None  # the assistant's reading of the latest buyer message; None for an empty message
    confidence: float | None  # its probability, 0 to 1
    replies: list[dict]  # [{"template": key, "title", "text"}], best first


def case_drafts(case, agent, ui_language: str, limit: int = LIMIT) -> Drafts:
    """The suggested category of the case's latest buyer message (as read when it came; a message from before the
    assistant is read now by service.suggest) and up to `limit` templates filled for the case (`agent`: a User or an
    Actor, for {agent_name}). Reads only."""
    message = latest_buyer_message(case.events, case.body)
    reading = stored_reading(case.events)
    if reading is None and message.strip():
        suggestion = suggest(message)
        reading = (suggestion.category, suggestion.confidence)
    suggested = reading[0] if reading else None
    language = draft_language(message, ui_language)
    wanted = [code for code in (suggested, case.category) if code]
    statement = search_statement(language=language).where(
        or_(ReplyTemplate.category.in_(wanted), ReplyTemplate.category.is_(None)))
    values = values_for(case, agent, language)
    usable = [template for template in db.session.scalars(statement) if fills(template.body, values)]
    replies = [{"template": template.key, "title": template.title, "text": render(template.body, values)}
               for template in rank_templates(usable, message, suggested, case.category)[:max(limit, 0)]]
    return Drafts(suggested, reading[1] if reading else None, replies)


def reply_suggestions(case, agent, ui_language: str, limit: int = LIMIT) -> list[dict]:
    """[{"template": key, "title", "text"}]: the `limit` best templates for the case's latest buyer message, filled."""
    return case_drafts(case, agent, ui_language, limit).replies
