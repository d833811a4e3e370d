"""Weekly and monthly team reports (duty 11, 周报/月报): per agent and for the team, over shop-local days.

Definitions (the page shows them beside the figures):
- the cases counted: those received in the window (received_at in [first day 00:00, day after the last 00:00));
- a counted case belongs to the agent who gave its first reply (the earliest reply or logged reply by time given,
  then id); an unanswered one to its owner; one answered by a token or unanswered and unowned only to the team;
- volumes by category and channel: the cases counted; complaints: those of category "complaint", by severity and
  by their status now (the outcome);
- first-response time: first reply − received, over the answered cases; median: the middle value (the mean of the
  two middle ones for an even count); p90: nearest rank — the ⌈0.9·n⌉-th smallest value; both exact, shown in
  whole seconds (half to even);
- within target: answered and not breached (sla.breach_rule: first reply <= due time), out of the answered plus the
  unanswered already breached at `now` (the misses still open); a case not yet due and unanswered is not counted
  either way;
- escalations and acknowledgements: those events on the cases counted, by reason;
- activity: the person's own replies, notes, transfers, resolutions (status → resolved) and acknowledgements given
  in the window, whatever case they were on;
- refunds (from the audit log): each refund action in the window with its amount; refunds handled: the distinct
  refunds acted on, each refund's amount counted once (as at the last action on it in the window). Amounts are per
  currency (a refund's is its order's), never summed across currencies.
"""
import calendar
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import Integer, bindparam, case, func, select

from ...audit.models import AuditEntry
from ...auth.models import User
from ...cases.models import Case, CaseEvent
from ...cases.rules import CATEGORIES, CHANNELS
from ...cases.sla_sql import breached
from ...currency import DEFAULT
from ...db_types import UTCDateTime
from ...extensions import db
from ...orders.models import Order
from ...windows import Window, WindowError, parse_day, rate
from ..amounts import NO_MONEY, Amounts
from ..unpaid_recovery import median_microseconds

MAX_DAYS = 366
PERIODS = ("week", "month")
REPLY_KINDS = ("reply", "reply_logged")
REFUND_ACTIONS = ("refund.requested", "refund.approved", "refund.rejected", "refund.completed")
ACTIVITY = {"reply": "replies", "reply_logged": "replies", "note": "notes", "transfer": "transfers",
            "acknowledgement": "acknowledged"}


def week_window(day: date) -> Window:
    monday = day - timedelta(days=day.weekday())
    return Window(monday, monday + timedelta(days=6))


def month_window(day: date) -> Window:
    return Window(day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1]))


def parse_period(period: str | None, day: str | None, today: date) -> Window:
    """?period=week|month&day=YYYY-MM-DD (default: this week, today); raises WindowError naming the bad parameter."""
    fields = {}
    if (period or "week") not in PERIODS:
        fields["period"] = "must be week or month"
    chosen, problem = parse_day(day) if day else (today, None)
    if problem:
        fields["day"] = problem
    if fields:
        raise WindowError(fields)
    return month_window(chosen) if period == "month" else week_window(chosen)


def p90_microseconds(spans: list[int]) -> int | None:
    """Nearest rank: the ⌈0.9·n⌉-th smallest value, in whole seconds (half to even); of 10 values, the 9th."""
    if not spans:
        return None
    return round(Fraction(sorted(spans)[-(-9 * len(spans) // 10) - 1], 1_000_000))


@dataclass
class Figures:
    cases: int = 0
    by_category: Counter = field(default_factory=Counter)
    by_channel: Counter = field(default_factory=Counter)
    spans: list = field(default_factory=list)  # first-response times in microseconds
    met: int = 0
    target_base: int = 0
    complaints: Counter = field(default_factory=Counter)  # (severity, status) → cases
    escalations: Counter = field(default_factory=Counter)  # reason → events
    acknowledgements: int = 0
    activity: Counter = field(default_factory=Counter)  # replies, notes, transfers, resolved, acknowledged
    refund_actions: dict = field(default_factory=dict)  # action → (count, Amounts)
    refunds_handled: int = 0
    refund_amount: Amounts = NO_MONEY

    @property
    def answered(self) -> int:
        return len(self.spans)

    @property
    def median_seconds(self) -> int | None:
        return median_microseconds(self.spans)

    @property
    def p90_seconds(self) -> int | None:
        return p90_microseconds(self.spans)

    @property
    def within_target_share(self) -> Decimal | None:
        return rate(self.met, self.target_base)


@dataclass
class TeamReport:
    window: Window
    period: str
    team: Figures
    agents: dict  # username → Figures, in username order
    names: dict  # username → display label


_LO, _HI, _NOW = (bindparam(name, type_=UTCDateTime) for name in ("lo", "hi", "now"))
_FIRST_ACTOR = (select(CaseEvent.actor).where(CaseEvent.case_id == Case.id, CaseEvent.kind.in_(REPLY_KINDS))
                .order_by(CaseEvent.occurred_at, CaseEvent.id).limit(1).correlate(Case).scalar_subquery())
_IN_WINDOW = (Case.category.in_(bindparam("categories", expanding=True)), Case.received_at >= _LO, Case.received_at < _HI)
# ix_cases_category_received: each category's range of received_at; the first reply by ix_case_events_case
COHORT = (select(Case.id, Case.category, Case.channel, Case.severity, Case.status, Case.received_at, Case.first_response_due_at,
                 Case.first_responded_at, breached(_NOW).label("breached"),
                 _FIRST_ACTOR.label("first_actor"), User.username)
          .outerjoin(User, User.id == Case.owner_id).where(*_IN_WINDOW))
ESCALATIONS = (select(CaseEvent.case_id, CaseEvent.kind, CaseEvent.data).join(Case, Case.id == CaseEvent.case_id)
               .where(*_IN_WINDOW, CaseEvent.kind.in_(("escalation", "acknowledgement"))))
_RESOLVED = case((CaseEvent.data[("status", "after")].as_string() == "resolved", 1), else_=0)
ACTIVITY_STATEMENT = (  # ix_case_events_actor: each person's range of occurred_at
    select(CaseEvent.actor, CaseEvent.kind, func.count(), func.sum(_RESOLVED, type_=Integer))
    .where(CaseEvent.actor.in_(bindparam("labels", expanding=True)), CaseEvent.occurred_at >= _LO, CaseEvent.occurred_at < _HI,
           CaseEvent.kind.in_((*ACTIVITY, "status")))
    .group_by(CaseEvent.actor, CaseEvent.kind))
REFUNDS = (select(AuditEntry.actor, AuditEntry.action, AuditEntry.after, Order.currency)  # ix_audit_entries_at
           .outerjoin(Order, Order.id == AuditEntry.order_id)
           .where(AuditEntry.at >= _LO, AuditEntry.at < _HI, AuditEntry.action.in_(REFUND_ACTIONS)).order_by(AuditEntry.at, AuditEntry.id))


def _username(label: str | None) -> str | None:
    return label[5:] if label and label.startswith("user:") else None


_MICROSECOND = timedelta(microseconds=1)
# COHORT's columns by position: reading them by name (row.category) made the weekly report 40 % slower (10k cases on
# SQLite, 5,377 counted: 75 → 115 ms in process, issue 16's bench), more than the figures themselves cost.
(_C_ID, _C_CATEGORY, _C_CHANNEL, _C_SEVERITY, _C_STATUS, _C_RECEIVED, _C_DUE, _C_RESPONDED, _C_BREACHED, _C_FIRST_ACTOR,
 _C_OWNER) = range(11)


def _add_cases(figures: Figures, rows: list) -> None:
    """The counted cases' figures, a group of rows at a time (Counter.update counts in C)."""
    figures.cases += len(rows)
    figures.by_category.update(row[_C_CATEGORY] for row in rows)
    figures.by_channel.update(row[_C_CHANNEL] for row in rows)
    answered = [row for row in rows if row[_C_RESPONDED] is not None]
    figures.spans.extend((row[_C_RESPONDED] - row[_C_RECEIVED]) // _MICROSECOND for row in answered)
    figures.met += sum(1 for row in answered if not row[_C_BREACHED])
    figures.target_base += len(answered) + sum(1 for row in rows if row[_C_RESPONDED] is None and row[_C_BREACHED])
    figures.complaints.update((row[_C_SEVERITY], row[_C_STATUS]) for row in rows if row[_C_CATEGORY] == "complaint")


def _add_refunds(figures: Figures, entries: list) -> None:
    """entries: (action, the audit entry's after, the refund's order's currency)."""
    last = {}
    for action, after, currency in entries:
        money = Amounts.of([(currency or DEFAULT, Decimal(str((after or {}).get("amount") or "0")))])
        count, total = figures.refund_actions.get(action, (0, NO_MONEY))
        figures.refund_actions[action] = (count + 1, total + money)
        last[(after or {}).get("refund_id")] = money
    figures.refunds_handled, figures.refund_amount = len(last), sum(last.values(), NO_MONEY)


def team_report(window: Window, zone: str, now: datetime, period: str = "week") -> TeamReport:
    if window.days > MAX_DAYS:
        raise WindowError({"end": f"the range must be at most {MAX_DAYS} days"})
    lo, hi = window.utc_bounds(zone)
    connection, bounds = db.session.connection(), {"lo": lo, "hi": hi}
    names = {username: display or username for username, display in db.session.execute(select(User.username, User.display_name))}
    team, agents = Figures(), {}

    def agent(username: str) -> Figures:
        figures = agents.get(username)
        return figures if figures is not None else agents.setdefault(username, Figures())

    owner_of, by_person = {}, {}
    cohort = connection.execute(COHORT, {**bounds, "now": now, "categories": list(CATEGORIES)}).all()
    for row in cohort:
        who = _username(row[_C_FIRST_ACTOR]) if row[_C_FIRST_ACTOR] else row[_C_OWNER]
        owner_of[row[_C_ID]] = who
        if who:
            by_person.setdefault(who, []).append(row)
    _add_cases(team, cohort)
    for who, rows in by_person.items():
        _add_cases(agent(who), rows)
    for case_id, kind, data in connection.execute(ESCALATIONS, {**bounds, "categories": list(CATEGORIES)}):
        for figures in (team, agents.get(owner_of.get(case_id))):
            if figures is not None and kind == "escalation":
                figures.escalations[(data or {}).get("reason")] += 1
            elif figures is not None:
                figures.acknowledgements += 1
    for actor, kind, count, resolved in connection.execute(ACTIVITY_STATEMENT, {**bounds, "labels": [f"user:{n}" for n in names]}):
        name, value = (ACTIVITY[kind], count) if kind in ACTIVITY else ("resolved", resolved or 0)
        for figures in (team, agent(_username(actor))) if value else ():
            figures.activity[name] += value
    every, refunds = [], {}
    for actor, action, after, currency in connection.execute(REFUNDS, bounds):
        every.append((action, after, currency))
        refunds.setdefault(actor, []).append((action, after, currency))
    _add_refunds(team, every)
    for actor, entries in refunds.items():
        if _username(actor):
            _add_refunds(agent(_username(actor)), entries)
    return TeamReport(window, period, team, dict(sorted(agents.items())), names)


def columns() -> tuple[str, ...]:
    """The CSV's columns: one row per agent, then the team's."""
    return ("scope", "agent", "cases", *(f"category_{c}" for c in CATEGORIES), *(f"channel_{c}" for c in CHANNELS), "answered",
            "median_first_response_seconds", "p90_first_response_seconds", "within_target", "target_base", "within_target_share",
            "complaints", "escalations", "acknowledgements", "replies", "notes", "transfers", "resolved", "acknowledged",
            "refunds_handled", "refund_amount")


def row_json(scope: str, agent: str | None, f: Figures) -> dict:
    share = f.within_target_share
    return {"scope": scope, "agent": agent, "cases": f.cases, **{f"category_{c}": f.by_category[c] for c in CATEGORIES},
            **{f"channel_{c}": f.by_channel[c] for c in CHANNELS}, "answered": f.answered,
            "median_first_response_seconds": f.median_seconds, "p90_first_response_seconds": f.p90_seconds, "within_target": f.met,
            "target_base": f.target_base, "within_target_share": None if share is None else str(share),
            "complaints": sum(f.complaints.values()), "escalations": sum(f.escalations.values()),
            "acknowledgements": f.acknowledgements, **{k: f.activity[k] for k in ("replies", "notes", "transfers", "resolved",
                                                                                     "acknowledged")},
            "refunds_handled": f.refunds_handled, "refund_amount": f.refund_amount.as_json()}


def report_json(report: TeamReport, zone: str) -> dict:
    team = report.team
    return {"period": report.period, "start": report.window.start.isoformat(), "end": report.window.end.isoformat(), "zone": zone,
            "rows": [row_json("agent", name, f) for name, f in report.agents.items()] + [row_json("team", None, team)],
            "complaints": [{"severity": s, "status": st, "cases": n} for (s, st), n in sorted(team.complaints.items())],
            "escalations_by_reason": {str(reason): n for reason, n in sorted(team.escalations.items(), key=str)},
            "refund_actions": {action: {"count": n, "amount": amount.as_json()}
                               for action, (n, amount) in sorted(team.refund_actions.items())}}
