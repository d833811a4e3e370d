"""The supervisors' review of complaints ("对投诉内容进行登记和统计", duty 10): every case of category "complaint"
received in a window of shop-local days, with its follow-up — first answer, escalation, who acknowledged it, when
and what they wrote, resolution — and the counts by severity and status.

Every query starts from ix_cases_category_received (category = 'complaint', received_at in the window). The
acknowledgement shown is the case's latest "acknowledgement" event, found by ix_case_events_case.
"""
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from ...auth.models import User
from ...extensions import db
from ...orders.models import Customer, Order
from ...timeutil import to_local
from ...windows import Window
from ..models import Case, CaseEvent
from ..rules import SEVERITIES, STATUSES
from ..sla import is_breached

CATEGORY = "complaint"
MAX_EXPORT_ROWS = 100_000
COLUMNS = ("id", "received_at", "channel", "severity", "status", "subject", "customer", "order_no", "owner",
           "first_response_due_at", "first_responded_at", "first_response_seconds", "late", "escalated_at",
           "escalation_reason", "acknowledged_by", "acknowledged_at", "acknowledgement_note", "resolved_at")


@dataclass(frozen=True)
class ComplaintFilter:
    severity: str = ""
    status: str = ""
    unacknowledged: bool = False  # escalated and still waiting for a supervisor's acknowledgement

    def args(self) -> dict[str, str]:
        """As query-string parameters, for the pager and the export links."""
        chosen = {"severity": self.severity, "status": self.status, "unacknowledged": "1" if self.unacknowledged else ""}
        return {name: value for name, value in chosen.items() if value}


def filter_from_args(args) -> ComplaintFilter:
    """Unknown values are ignored: a hand-edited link shows every complaint rather than an error."""
    return ComplaintFilter(severity=args.get("severity", "") if args.get("severity") in SEVERITIES else "",
                           status=args.get("status", "") if args.get("status") in STATUSES else "",
                           unacknowledged=args.get("unacknowledged") in ("1", "on", "true"))


class ComplaintRow(NamedTuple):
    id: int
    subject: str
    channel: str
    severity: str
    status: str
    received_at: datetime
    first_response_due_at: datetime
    first_responded_at: datetime | None
    escalated_at: datetime | None
    escalation_reason: str | None
    escalation_acknowledged_at: datetime | None
    resolved_at: datetime | None
    customer_name: str | None
    order_no: str | None
    owner: str | None
    acknowledged_by: str | None  # of the latest acknowledgement event: an actor label such as "user:alice"
    acknowledged_at: datetime | None
    acknowledgement_note: str | None

    @property
    def first_response_seconds(self) -> int | None:
        return None if self.first_responded_at is None else int((self.first_responded_at - self.received_at).total_seconds())

    @property
    def awaiting_acknowledgement(self) -> bool:
        return self.escalated_at is not None and self.escalation_acknowledged_at is None

    def late(self, now: datetime) -> bool:
        return is_breached(self.first_response_due_at, self.first_responded_at, now)


def _in_window(window: Window, zone: str) -> list:
    start, end = window.utc_bounds(zone)
    return [Case.category == CATEGORY, Case.received_at >= start, Case.received_at < end]


def _chosen(chosen: ComplaintFilter) -> list:
    where = [getattr(Case, name) == getattr(chosen, name) for name in ("severity", "status") if getattr(chosen, name)]
    if chosen.unacknowledged:
        where += [Case.escalated_at.is_not(None), Case.escalation_acknowledged_at.is_(None)]
    return where


@dataclass(frozen=True)
class ComplaintCounts:
    cells: dict[tuple[str, str], int]  # (severity, status): complaints

    def get(self, severity: str, status: str) -> int:
        return self.cells.get((severity, status), 0)

    def of_severity(self, severity: str) -> int:
        return sum(n for (s, _t), n in self.cells.items() if s == severity)

    def of_status(self, status: str) -> int:
        return sum(n for (_s, t), n in self.cells.items() if t == status)

    @property
    def total(self) -> int:
        return sum(self.cells.values())


def complaint_counts(window: Window, zone: str) -> ComplaintCounts:
    """Over the whole window, whatever the filters: the review's overview."""
    statement = (select(Case.severity, Case.status, func.count()).where(*_in_window(window, zone))
                 .group_by(Case.severity, Case.status))
    return ComplaintCounts({(severity, status): count for severity, status, count in db.session.execute(statement)})


def complaints_statement(window: Window, zone: str, chosen: ComplaintFilter):
    """The review's rows, newest first; page it with reports.page_support.page_of or run it for an export."""
    ack = aliased(CaseEvent)
    latest_ack = (select(func.max(CaseEvent.id)).where(CaseEvent.case_id == Case.id, CaseEvent.kind == "acknowledgement")
                  .correlate(Case).scalar_subquery())
    return (select(Case.id, Case.subject, Case.channel, Case.severity, Case.status, Case.received_at,
                   Case.first_response_due_at, Case.first_responded_at, Case.escalated_at, Case.escalation_reason,
                   Case.escalation_acknowledged_at, Case.resolved_at, Customer.name, Order.order_no,
                   func.coalesce(func.nullif(User.display_name, ""), User.username), ack.actor, ack.occurred_at, ack.body)
            .select_from(Case)
            .outerjoin(Customer, Customer.id == Case.customer_id).outerjoin(Order, Order.id == Case.order_id)
            .outerjoin(User, User.id == Case.owner_id).outerjoin(ack, ack.id == latest_ack)
            .where(*_in_window(window, zone), *_chosen(chosen))
            .order_by(Case.received_at.desc(), Case.id.desc()))


def complaint_rows(window: Window, zone: str, chosen: ComplaintFilter) -> list[ComplaintRow]:
    found = db.session.execute(complaints_statement(window, zone, chosen).limit(MAX_EXPORT_ROWS))
    return [ComplaintRow(*row) for row in found]


def _iso(moment: datetime | None, zone: str) -> str | None:
    return None if moment is None else to_local(moment, zone).isoformat(timespec="seconds")


def row_json(row: ComplaintRow, zone: str, now: datetime) -> dict:
    """Times in the shop's zone with their offset (ISO 8601), so a spreadsheet shows the shop's clock."""
    return {"id": row.id, "received_at": _iso(row.received_at, zone), "channel": row.channel, "severity": row.severity,
            "status": row.status, "subject": row.subject, "customer": row.customer_name, "order_no": row.order_no,
            "owner": row.owner, "first_response_due_at": _iso(row.first_response_due_at, zone),
            "first_responded_at": _iso(row.first_responded_at, zone), "first_response_seconds": row.first_response_seconds,
            "late": row.late(now), "escalated_at": _iso(row.escalated_at, zone), "escalation_reason": row.escalation_reason,
            "acknowledged_by": row.acknowledged_by.split(":", 1)[-1] if row.acknowledged_by else None,
            "acknowledged_at": _iso(row.acknowledged_at, zone), "acknowledgement_note": row.acknowledgement_note,
            "resolved_at": _iso(row.resolved_at, zone)}


def review_json(window: Window, zone: str, chosen: ComplaintFilter, now: datetime) -> dict:
    counts = complaint_counts(window, zone)
    return {"start": window.start.isoformat(), "end": window.end.isoformat(), "filters": chosen.args(),
            "complaints": counts.total,
            "counts": [{"severity": s, "status": t, "complaints": counts.get(s, t)}
                       for s in SEVERITIES for t in STATUSES if (s, t) in counts.cells],
            "rows": [row_json(row, zone, now) for row in complaint_rows(window, zone, chosen)]}
