"""Reply templates (话术): find, write and fill them with a case's variables (duty 12).

Every change is checked first (a template with an unknown variable or a "{x.__class__}" writes nothing), then
written and audited in one commit. Filling is rules.render: plain substitution, never str.format.
"""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from ...actor import Actor
from ...audit.services import changes, record
from ...auth.models import User
from ...currency import DEFAULT
from ...errors import Invalid, NotFound
from ...extensions import db
from ..timeline import MAX_DB_ID
from .fields import parse_fields, picker_order, reply_values
from .models import LANGUAGES, ReplyTemplate
from .rules import render

QUERY_MAX = 100
AGREED_REFUNDS = ("approved", "completed")  # the refunds {refund_amount} speaks of
EDITABLE = ("category", "language", "title", "body")


# ---- reading ----

def _like(column, text: str):
    return func.lower(column).contains(text.lower(), autoescape=True)


def search_statement(q: str = "", category: str | None = None, language: str | None = None, *,
                     active: bool | None = True, with_general: bool = False):
    """Templates whose title or body contains `q` (any case), of `category` ("any": the general ones; with
    `with_general` a category also brings the general ones) and `language`."""
    stmt = select(ReplyTemplate)
    q = (q or "").strip()[:QUERY_MAX]
    if q:
        stmt = stmt.where(or_(_like(ReplyTemplate.title, q), _like(ReplyTemplate.body, q)))
    if category == "any":
        stmt = stmt.where(ReplyTemplate.category.is_(None))
    elif category:
        wanted = ReplyTemplate.category == category
        stmt = stmt.where(or_(wanted, ReplyTemplate.category.is_(None)) if with_general else wanted)
    if language:
        stmt = stmt.where(ReplyTemplate.language == language)
    if active is not None:
        stmt = stmt.where(ReplyTemplate.active.is_(active))
    return stmt


def search_templates(q: str = "", category: str | None = None, language: str | None = None, *,
                     active: bool | None = True, page: int = 1, per_page: int = 25):
    """A page of templates (Flask-SQLAlchemy pagination), by language, category and title."""
    stmt = search_statement(q, category, language, active=active).order_by(
        ReplyTemplate.language, ReplyTemplate.category, ReplyTemplate.title, ReplyTemplate.id)
    return db.paginate(stmt, page=max(page, 1), per_page=per_page, error_out=False, count=True)


def list_templates(q: str = "", category: str | None = None, language: str | None = None, *,
                   with_general: bool = False, limit: int = 200) -> list[ReplyTemplate]:
    """Active templates, for the picker."""
    stmt = search_statement(q, category, language, with_general=with_general).order_by(ReplyTemplate.id).limit(limit)
    return list(db.session.scalars(stmt))


def get_template(template_id: int) -> ReplyTemplate:
    template = None
    if isinstance(template_id, int) and 1 <= template_id <= MAX_DB_ID:
        template = db.session.get(ReplyTemplate, template_id)
    if template is None:
        raise NotFound(_l("No reply template %(id)s.", id=template_id))
    return template


# ---- writing ----

def _key_taken(key: str, language: str, except_id: int | None = None) -> bool:
    stmt = select(ReplyTemplate.id).where(ReplyTemplate.key == key, ReplyTemplate.language == language)
    if except_id is not None:
        stmt = stmt.where(ReplyTemplate.id != except_id)
    return db.session.scalar(stmt.limit(1)) is not None


def _key_error() -> Invalid:
    return Invalid(_l("The reply template is not valid."),
                   {"key": _l("is already used by another template in this language")})


def _commit() -> None:
    try:
        db.session.commit()
    except IntegrityError as exc:  # another request took the key between the check and the write
        db.session.rollback()
        raise _key_error() from exc


def _snapshot(template: ReplyTemplate) -> dict:
    return {"key": template.key, "language": template.language, "category": template.category,
            "title": template.title, "body": template.body}


def create_template(values: dict, actor: Actor, now: datetime) -> ReplyTemplate:
    fields = parse_fields(values)
    if _key_taken(fields.key, fields.language):
        raise _key_error()
    template = ReplyTemplate(key=fields.key, category=fields.category, language=fields.language, title=fields.title,
                             body=fields.body, active=True, created_at=now, created_by=actor.label, updated_at=now,
                             updated_by=actor.label)
    db.session.add(template)
    record(actor, "reply_template.created", now, after=_snapshot(template))
    _commit()
    return template


def update_template(template_id: int, values: dict, actor: Actor, now: datetime) -> ReplyTemplate:
    """Changes category, language, title and body (the key stays: it names the answer). Nothing changed: no trace."""
    template = get_template(template_id)
    fields = parse_fields(values, with_key=False)
    new_values = {name: getattr(fields, name) for name in EDITABLE}
    before, after = changes(template, list(EDITABLE), new_values)
    if not after:
        return template
    if "language" in after and _key_taken(template.key, fields.language, except_id=template.id):
        raise _key_error()
    for name, value in after.items():
        setattr(template, name, value)
    template.updated_at, template.updated_by = now, actor.label
    record(actor, "reply_template.updated", now, before={"key": template.key, **before},
           after={"key": template.key, **after})
    _commit()
    return template


def deactivate_template(template_id: int, actor: Actor, now: datetime) -> ReplyTemplate:
    """Hidden from the picker, kept for the record; deactivating twice changes nothing."""
    template = get_template(template_id)
    if template.active:
        template.active, template.updated_at, template.updated_by = False, now, actor.label
        record(actor, "reply_template.deactivated", now, before={"key": template.key, "active": True},
               after={"key": template.key, "language": template.language, "active": False})
        db.session.commit()
    return template


# ---- filling ----

def _agent_name(agent) -> str:
    """A User's display name; an Actor's is looked up (the platform has none)."""
    if agent is None:
        return ""
    if isinstance(agent, Actor):
        if agent.is_platform or not agent.label.startswith("user:"):
            return ""
        user = db.session.scalar(select(User).where(User.username == agent.display))
        return user.label if user is not None else agent.display
    return getattr(agent, "label", "") or ""


def values_for(case, agent=None, language: str = "zh_CN") -> dict[str, str]:
    """The variables of `case` and its order: the latest shipment, the latest refund the shop agreed to (approved or
    completed: a refund only requested is not yet one to tell the buyer about, and the templates say it "has been
    made"), and the agent (a User or an Actor) writing the reply. The carrier's name is in `language`."""
    order = case.order
    shipment = order.shipments[-1] if order is not None and order.shipments else None
    refunds = [refund for refund in order.refunds if refund.status in AGREED_REFUNDS] if order is not None else []
    customer_name = case.customer.name if case.customer is not None else ""
    return reply_values(
        case_no=case.id, buyer_name=customer_name or (order.recipient if order is not None else ""),
        order_no=order.order_no if order is not None else "",
        carrier=shipment.carrier if shipment else None, tracking_no=shipment.tracking_no if shipment else "",
        ship_date=shipment.shipped_on if shipment else None,
        refund_amount=refunds[-1].amount if refunds else None, currency=order.currency if order is not None else DEFAULT,
        agent_name=_agent_name(agent), language=language)


def render_for(template: ReplyTemplate, case, agent=None) -> str:
    """The template filled for `case` as plain text (the caller escapes it where it shows it as HTML)."""
    return render(template.body, values_for(case, agent, template.language))


def rendered_for_case(case, agent, ui_language: str, q: str = "", category: str | None = None,
                      limit: int = 50) -> list[dict]:
    """The picker's list: [{id, title, category, language, text}], the UI's language first (picker_order)."""
    templates = picker_order(list_templates(q, category or None, with_general=True), ui_language, case.category)
    values = {language: values_for(case, agent, language) for language in LANGUAGES}
    rows = []
    for template in templates:
        try:
            text = render(template.body, values[template.language])
        except ValueError:  # stored before a variable was withdrawn: not offered until a supervisor fixes it
            continue
        rows.append({"id": template.id, "title": template.title, "category": template.category,
                     "language": template.language, "text": text})
    return rows[:limit]
