"""Cases as the API shows them: times as aware UTC ISO strings, texts as stored (the reader escapes them)."""
from datetime import datetime

from ..apischema.shapes import out_int, out_obj, out_text, out_time
from ..orders.serializers import iso
from .models import Case, CaseEvent
from .rules import CATEGORIES, CHANNELS, SEVERITIES, STATUSES, TEAMS
from .sla import is_breached


def event_json(event: CaseEvent) -> dict:
    return {"id": event.id, "kind": event.kind, "actor": event.actor, "body": event.body, "channel": event.channel,
            "occurred_at": iso(event.occurred_at), "created_at": iso(event.created_at), "data": event.data}


def case_json(case: Case, now: datetime, with_events: bool = True) -> dict:
    out = {
        "id": case.id, "category": case.category, "channel": case.channel, "severity": case.severity,
        "status": case.status, "subject": case.subject, "body": case.body,
        "order_no": case.order.order_no if case.order else None,
        "customer": case.customer.external_id if case.customer else None,
        "team": case.team, "owner": case.owner.username if case.owner else None,
        "received_at": iso(case.received_at), "first_response_due_at": iso(case.first_response_due_at),
        "first_responded_at": iso(case.first_responded_at),
        "breached": is_breached(case.first_response_due_at, case.first_responded_at, now),
        "resolved_at": iso(case.resolved_at), "closed_at": iso(case.closed_at),
        "escalated_at": iso(case.escalated_at), "escalation_reason": case.escalation_reason,
        "escalation_acknowledged_at": iso(case.escalation_acknowledged_at),
        "escalation_acknowledged_by": case.escalation_acknowledged_by,
        "created_by": case.created_by, "created_at": iso(case.created_at), "updated_at": iso(case.updated_at),
    }
    if with_events:
        out["events"] = [event_json(event) for event in case.events]
    return out


def _one_of(values, nullable: bool = False) -> dict:
    return {"type": ["string", "null"] if nullable else "string", "enum": [*values, None] if nullable else list(values)}


EVENT_OUT = out_obj({"id": out_int(), "kind": out_text(), "actor": out_text(), "body": out_text(),
                     "channel": out_text(nullable=True), "occurred_at": out_time(nullable=False),
                     "created_at": out_time(nullable=False), "data": {"type": ["object", "null"]}})
CASE_SUMMARY_OUT = out_obj({
    "id": out_int(), "category": _one_of(CATEGORIES), "channel": _one_of(CHANNELS), "severity": _one_of(SEVERITIES),
    "status": _one_of(STATUSES), "subject": out_text(), "body": out_text(), "order_no": out_text(nullable=True),
    "customer": out_text(nullable=True), "team": _one_of(TEAMS), "owner": out_text(nullable=True),
    "received_at": out_time(nullable=False), "first_response_due_at": out_time(nullable=False),
    "first_responded_at": out_time(), "breached": {"type": "boolean"}, "resolved_at": out_time(),
    "closed_at": out_time(), "escalated_at": out_time(), "escalation_reason": out_text(nullable=True),
    "escalation_acknowledged_at": out_time(), "escalation_acknowledged_by": out_text(nullable=True),
    "created_by": out_text(), "created_at": out_time(nullable=False), "updated_at": out_time(nullable=False),
})  # a case in the API's list: without its timeline
CASE_OUT = {**CASE_SUMMARY_OUT, "properties": {**CASE_SUMMARY_OUT["properties"],
                                               "events": {"type": "array", "items": EVENT_OUT}},
            "required": [*CASE_SUMMARY_OUT["required"], "events"]}
