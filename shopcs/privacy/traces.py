"""The buyer's data in what ShopCS keeps about its own work: the audit trail's before and after values, and the
examples the assistant's stored model versions learnt from. Inside the caller's transaction (erase.py)."""
import json

from sqlalchemy import func, or_, select

from ..assistant.classify import TEXT_MAX
from ..assistant.models import AssistantModel
from ..audit.models import AuditEntry
from ..cases.models import Case
from ..extensions import db
from .rules import scrubbed
from .scrub import Scope

OPT_ACTIONS = ("customer.opt_out", "customer.opt_in")


def _entries_about(scope: Scope, external_id: str | None) -> list[AuditEntry]:
    """Entries on the buyer's orders; entries on their cases that have no order (every case entry names its case);
    their opt-outs and opt-ins, which name their external id (None: erased before, those already name the alias)."""
    found: dict[int, AuditEntry] = {}
    queries = []
    if external_id is not None:
        queries.append(select(AuditEntry).where(AuditEntry.order_id.is_(None), AuditEntry.action.in_(OPT_ACTIONS),
                                                AuditEntry.after["customer"].as_string() == external_id))
    if scope.order_ids:
        queries.append(select(AuditEntry).where(AuditEntry.order_id.in_(scope.order_ids)))
    if scope.case_ids:
        since = db.session.scalar(select(func.min(Case.created_at)).where(Case.id.in_(scope.case_ids)))
        queries.append(select(AuditEntry).where(AuditEntry.order_id.is_(None), AuditEntry.at >= since,
                                                AuditEntry.after["case_id"].as_integer().in_(scope.case_ids)))
    for query in queries:
        for entry in db.session.scalars(query):
            found[entry.id] = entry
    return list(found.values())


def erase_audit(scope: Scope, external_id: str | None, alias: str, text: str) -> int:
    """Who did what and when stays; the buyer's values in it become `text`, their id the pseudonym `alias`."""
    changed = 0
    for entry in _entries_about(scope, external_id):
        before, after = (scrubbed(entry.before, external_id, alias, text), scrubbed(entry.after, external_id, alias, text))
        if (before, after) != (entry.before, entry.after):
            entry.before, entry.after = before, after  # new dicts: the JSON columns are written again
            changed += 1
    return changed


def first_messages(scope: Scope) -> set[str]:
    """The buyer's cases' first messages as the assistant's training reads them (training.shop_examples)."""
    if not scope.case_ids:
        return set()
    bodies = db.session.scalars(select(Case.body).where(Case.id.in_(scope.case_ids), Case.body != ""))
    return {text for body in bodies if (text := body.strip()[:TEXT_MAX])}


def erase_examples(texts: set[str]) -> int:
    """Removes those messages from every stored model version's examples (a version keeps the texts it learnt
    from); returns how many example lines went. Only versions that hold one of them are read."""
    if not texts:
        return 0
    needles = [json.dumps(text, ensure_ascii=False) for text in texts]
    holding = select(AssistantModel).where(or_(*(AssistantModel.examples.contains(n, autoescape=True) for n in needles)))
    removed = 0
    for version in db.session.scalars(holding):
        kept = [line for line in version.examples.splitlines() if line.strip()]
        remaining = [line for line in kept if json.loads(line).get("text") not in texts]
        removed += len(kept) - len(remaining)
        version.examples = "".join(line + "\n" for line in remaining)
        version.example_count = len(remaining)
    return removed
