"""The team report on SQLite and PostgreSQL: each figure on a hand-built week worked out by hand, and a brute-force check.

Week 2026-03-02 (Mon) – 03-08 (Sun), shop times; now = 03-09 10:00. amy and bob are agents, sue a supervisor.
Every reply sent below is on the manual channel and marked given as it is written (a queued reply answers nothing).
  K1 chat tracking 03-02 10:00 (due 10:05): amy replies 10:05, exactly at the due time → met, 300 s
  K2 phone payment 03-03 10:00 (due 10:03): amy logs a reply given at 10:04 → missed, 240 s
  K3 chat complaint, high, 03-04 10:00: escalated at once; bob replies 10:01 (60 s, met); sue acknowledges 10:30;
     bob resolves 11:00
  K4 email claim 03-05 10:00 opened by amy (her case; due 14:00): never answered, overdue now → amy's miss; the breach
     sweep at 15:00 escalates it ("breach")
  K5 chat pre_sale 03-08 23:59: bob replies 03-09 00:01 (120 s, met; his reply falls after the week)
  K6 chat 03-09 00:00 and K7 chat complaint 03-01 23:59: outside the week (K7's breach escalation does not count)
  K8 platform after_sales 03-06 10:00, unowned, never answered: the team's miss, nobody's
  K9 chat tracking 03-07 10:00: the platform token answers 10:02 (120 s, met): the team's, nobody's
  K10 email pre_sale 03-08 20:00 (due Monday 13:00): unanswered but not yet due: counted neither way
  amy notes K1 at 03-08 23:59 (in) and 03-09 00:00 (out).
  Refunds: amy requests ¥50 on O1 03-03 12:00, sue approves 13:00, amy completes 03-04 09:00; bob requests ¥20 on O2
  03-08 23:59 and ¥10 on O3 03-09 00:00 (out).
Team: 8 cases; tracking 2, payment 1, claim 1, after_sales 1, pre_sale 2, complaint 1; chat 4, phone 1, email 2,
platform 1; answered 5 (60, 120, 120, 240, 300): median 120, p90 = 5th = 300; within 4 of 7 (0.5714).
amy: K1 K2 K4; median (240 + 300) / 2 = 270, p90 300; within 1/3. bob: K3 K5; median 90, p90 120; within 2/2.
"""
from datetime import date, datetime, timedelta
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from shopcs.audit.models import AuditEntry
from shopcs.auth.models import User
from shopcs.cases import services
from shopcs.cases.models import Case, CaseEvent
from shopcs.cases.reply_status import mark_given
from shopcs.extensions import db
from shopcs.orders.refund_service import RefundRequest, approve_refund, complete_refund, request_refund
from shopcs.reports.amounts import NO_MONEY, Amounts
from shopcs.reports.team.report import report_json, team_report, week_window
from shopcs.windows import Window, WindowError

from ..builders import make_order, make_user, refund_limits
from ..case_builders import PLATFORM, as_user, make_case

ZONE = "Asia/Shanghai"
WEEK = Window(date(2026, 3, 2), date(2026, 3, 8))


def cny(amount) -> Amounts:
    return Amounts.of({"CNY": D(amount)})


def sh(*parts) -> datetime:
    return datetime(*parts, tzinfo=ZoneInfo(ZONE)).astimezone(ZoneInfo("UTC"))


NOW = sh(2026, 3, 9, 10, 0)


def case_at(when, actor=PLATFORM, **values):
    return make_case(actor=actor, now=when, received_at=when, **values).id


def answer(case_id, body, actor, when):
    """A reply on the manual channel, given to the buyer at once: it answers the case when it is given."""
    event = services.reply(case_id, body, actor, when, outbox_channel="manual")
    mark_given(case_id, event.id, actor, when)


def the_week():
    amy, bob, sue = make_user("amy"), make_user("bob"), make_user("sue", role="supervisor")
    a, b, s = as_user(amy), as_user(bob), as_user(sue)
    k1 = case_at(sh(2026, 3, 2, 10, 0))
    answer(k1, "您好", a, sh(2026, 3, 2, 10, 5))
    k2 = case_at(sh(2026, 3, 3, 10, 0), channel="phone", category="payment")
    services.reply(k2, "电话答复", a, sh(2026, 3, 3, 11, 0), send=False, given_at=sh(2026, 3, 3, 10, 4), outbox_channel="manual")
    k3 = case_at(sh(2026, 3, 4, 10, 0), category="complaint", severity="high")
    answer(k3, "非常抱歉", b, sh(2026, 3, 4, 10, 1))
    services.acknowledge(k3, s, sh(2026, 3, 4, 10, 30), "已致电客户")
    services.change_status(k3, "resolved", b, sh(2026, 3, 4, 11, 0))
    case_at(sh(2026, 3, 5, 10, 0), a, channel="email", category="claim")
    k5 = case_at(sh(2026, 3, 8, 23, 59), category="pre_sale")
    answer(k5, "您好", b, sh(2026, 3, 9, 0, 1))
    case_at(sh(2026, 3, 9, 0, 0))
    case_at(sh(2026, 3, 1, 23, 59), category="complaint")
    services.escalate_breaches(sh(2026, 3, 5, 15, 0), ZONE, "manual")
    case_at(sh(2026, 3, 6, 10, 0), channel="platform", category="after_sales")
    k9 = case_at(sh(2026, 3, 7, 10, 0))
    answer(k9, "您好", PLATFORM, sh(2026, 3, 7, 10, 2))
    case_at(sh(2026, 3, 8, 20, 0), channel="email", category="pre_sale")
    services.add_note(k1, "回访", a, sh(2026, 3, 8, 23, 59))
    services.add_note(k1, "再回访", a, sh(2026, 3, 9, 0, 0))
    for order_no in ("O1", "O2", "O3"):
        make_order(order_no, placed_at=sh(2026, 3, 1, 9, 0))
    refund, _ = request_refund("O1", RefundRequest(D("50.00"), "quality"), a, sh(2026, 3, 3, 12, 0))
    approve_refund(refund.id, s, sh(2026, 3, 3, 13, 0), refund_limits("10.00"))
    complete_refund(refund.id, a, sh(2026, 3, 4, 9, 0))
    request_refund("O2", RefundRequest(D("20.00"), "quality"), b, sh(2026, 3, 8, 23, 59))
    request_refund("O3", RefundRequest(D("10.00"), "quality"), b, sh(2026, 3, 9, 0, 0))


def test_volumes_first_response_and_target_follow_the_definitions_at_every_edge(app):
    the_week()
    report = team_report(WEEK, ZONE, NOW)
    team, amy, bob = report.team, report.agents["amy"], report.agents["bob"]
    assert team.cases == 8 and dict(team.by_category) == {"tracking": 2, "payment": 1, "claim": 1, "after_sales": 1,
                                                          "pre_sale": 2, "complaint": 1}
    assert dict(team.by_channel) == {"chat": 4, "phone": 1, "email": 2, "platform": 1}
    assert (team.answered, team.median_seconds, team.p90_seconds, team.met, team.target_base) == (5, 120, 300, 4, 7)
    assert str(team.within_target_share) == "0.5714"
    assert (amy.cases, amy.answered, amy.median_seconds, amy.p90_seconds, amy.met, amy.target_base) == (3, 2, 270, 300, 1, 3)
    assert (bob.cases, bob.answered, bob.median_seconds, bob.p90_seconds, bob.met, bob.target_base) == (2, 2, 90, 120, 2, 2)
    assert dict(amy.by_category) == {"tracking": 1, "payment": 1, "claim": 1} and bob.by_channel["chat"] == 2
    assert list(report.agents) == ["amy", "bob", "sue"]


def test_complaints_escalations_activity_and_refunds(app):
    the_week()
    report = team_report(WEEK, ZONE, NOW)
    team, amy, bob, sue = report.team, report.agents["amy"], report.agents["bob"], report.agents["sue"]
    assert dict(team.complaints) == {("high", "resolved"): 1} == dict(bob.complaints) and not amy.complaints
    assert dict(team.escalations) == {"complaint": 1, "breach": 1} and team.acknowledgements == 1
    assert dict(amy.escalations) == {"breach": 1} and dict(bob.escalations) == {"complaint": 1} and bob.acknowledgements == 1
    assert dict(amy.activity) == {"replies": 2, "notes": 1} and dict(bob.activity) == {"replies": 1, "resolved": 1}
    assert dict(sue.activity) == {"acknowledged": 1}
    assert dict(team.activity) == {"replies": 3, "notes": 1, "resolved": 1, "acknowledged": 1}
    assert team.refund_actions == {"refund.requested": (2, cny("70.00")), "refund.approved": (1, cny("50.00")),
                                   "refund.completed": (1, cny("50.00"))}
    assert (team.refunds_handled, team.refund_amount) == (2, cny("70.00"))
    assert [(f.refunds_handled, f.refund_amount) for f in (amy, bob, sue)] == [(1, cny("50.00")), (1, cny("20.00")), (1, cny("50.00"))]
    body = report_json(report, ZONE)
    assert [row["agent"] for row in body["rows"]] == ["amy", "bob", "sue", None]
    assert body["rows"][-1]["within_target_share"] == "0.5714"
    assert body["rows"][-1]["refund_amount"] == [{"currency": "CNY", "amount": "70.00"}]
    assert body["refund_actions"]["refund.approved"] == {"count": 1, "amount": [{"currency": "CNY", "amount": "50.00"}]}


def test_refund_amounts_are_per_currency_never_summed_across_currencies(app):
    the_week()
    make_order("U1", placed_at=sh(2026, 3, 1, 9, 0), total="59.45", currency="USD")
    request_refund("U1", RefundRequest(D("12.50"), "quality"), as_user(db.session.get(User, _user("bob"))), sh(2026, 3, 5, 9, 0))
    report = team_report(WEEK, ZONE, NOW)
    both = Amounts.of({"CNY": D("70.00"), "USD": D("12.50")})
    assert (report.team.refunds_handled, report.team.refund_amount) == (3, both)
    assert report.team.refund_actions["refund.requested"] == (3, both)
    assert report.agents["bob"].refund_amount == Amounts.of({"CNY": D("20.00"), "USD": D("12.50")})
    assert report.agents["amy"].refund_amount == cny("50.00")
    body = report_json(report, ZONE)
    assert body["rows"][-1]["refund_amount"] == [{"currency": "CNY", "amount": "70.00"}, {"currency": "USD", "amount": "12.50"}]


def test_the_next_week_and_a_range_over_a_year(app):
    the_week()
    later = team_report(week_window(date(2026, 3, 9)), ZONE, NOW)
    assert later.team.cases == 1 and later.agents["bob"].activity["replies"] == 1 and later.agents["amy"].activity["notes"] == 1
    with pytest.raises(WindowError):
        team_report(Window(date(2025, 1, 1), date(2026, 1, 2)), ZONE, NOW)


# -- brute force ---------------------------------------------------------------------------------------------
START = datetime(2026, 2, 28, 16, 0, tzinfo=ZoneInfo("UTC"))  # 03-01 00:00 in Shanghai
PEOPLE = ("user:amy", "user:bob", "token:shop")
event_st = st.tuples(st.sampled_from(("reply", "reply_logged", "note", "transfer", "status", "escalation", "acknowledgement")),
                     st.sampled_from(PEOPLE), st.integers(0, 3000), st.sampled_from(("resolved", "open", "complaint", "breach")))
case_st = st.tuples(st.integers(0, 20 * 1440), st.integers(0, 30), st.sampled_from(("tracking", "complaint", "pre_sale")),
                    st.sampled_from(("chat", "phone")), st.sampled_from(("normal", "high")),
                    st.sampled_from(("open", "resolved")), st.sampled_from((None, "amy", "bob")), st.lists(event_st, max_size=4))
refund_st = st.tuples(st.sampled_from(PEOPLE), st.sampled_from(("refund.requested", "refund.approved", "refund.completed")),
                      st.integers(1, 3), st.integers(0, 20 * 1440), st.integers(1, 9999))


def _brute(cases, refunds, window, now, users):
    """Plain Python over the generated rows: {scope: figures}, scope "team" or a username."""
    lo, hi = window.utc_bounds(ZONE)
    out = {}

    def f(scope):
        return out.setdefault(scope, {"cases": 0, "cat": {}, "chan": {}, "spans": [], "met": 0, "base": 0, "compl": {}, "esc": {},
                                      "ack": 0, "act": {}, "actions": {}, "refunds": {}})

    def bump(d, k, n=1):
        d[k] = d.get(k, 0) + n
    for c in cases:
        if not lo <= c["received_at"] < hi:
            continue
        replies = [e for e in c["events"] if e["kind"] in ("reply", "reply_logged")]
        first = min(replies, key=lambda e: (e["at"], e["n"])) if replies else None
        who = (first["actor"][5:] if first["actor"].startswith("user:") else None) if first else c["owner"]
        for scope in ("team", who) if who else ("team",):
            g = f(scope)
            g["cases"] += 1
            bump(g["cat"], c["category"])
            bump(g["chan"], c["channel"])
            if first:
                g["spans"].append((first["at"] - c["received_at"]) // timedelta(microseconds=1))
                g["met"] += first["at"] <= c["due"]
            g["base"] += bool(first) or now > c["due"]
            if c["category"] == "complaint":
                bump(g["compl"], (c["severity"], c["status"]))
            for e in c["events"]:
                if e["kind"] == "escalation":
                    bump(g["esc"], e["reason"])
                g["ack"] += e["kind"] == "acknowledgement"
    names = {"reply": "replies", "reply_logged": "replies", "note": "notes", "transfer": "transfers", "acknowledgement": "acknowledged"}
    for c in cases:
        for e in c["events"]:
            if e["actor"][5:] in users and e["actor"].startswith("user:") and lo <= e["at"] < hi:
                name = names.get(e["kind"]) or ("resolved" if e["kind"] == "status" and e["reason"] == "resolved" else None)
                for scope in ("team", e["actor"][5:]) if name else ():
                    bump(f(scope)["act"], name)
    for actor, action, refund_id, at, fen in refunds:
        if lo <= at < hi:
            for scope in ("team", actor[5:]) if actor.startswith("user:") else ("team",):
                count, amount = f(scope)["actions"].get(action, (0, NO_MONEY))
                f(scope)["actions"][action] = (count + 1, amount + cny(D(fen) / 100))
                f(scope)["refunds"][refund_id] = cny(D(fen) / 100)  # an entry without an order: the shop's currency
    return out


def _figures(g):
    return {"cases": g.cases, "cat": dict(g.by_category), "chan": dict(g.by_channel), "spans": sorted(g.spans), "met": g.met,
            "base": g.target_base, "compl": dict(g.complaints), "esc": dict(g.escalations), "ack": g.acknowledgements,
            "act": dict(g.activity), "actions": g.refund_actions, "handled": (g.refunds_handled, g.refund_amount)}


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.lists(case_st, max_size=12), refunds=st.lists(refund_st, max_size=6), first=st.integers(0, 14),
       length=st.integers(1, 10), now_minute=st.integers(0, 30 * 1440))
def test_the_report_equals_a_brute_force_computation_over_all_rows(app, data, refunds, first, length, now_minute):
    for model in (AuditEntry, CaseEvent, Case):
        db.session.execute(delete(model))
    for name in ("amy", "bob"):
        if _user(name) is None:
            make_user(name)
    ids = {name: _user(name) for name in ("amy", "bob")}
    cases, n = [], 0
    for minute, due_after, category, channel, severity, status, owner, events in data:
        received = START + timedelta(minutes=minute, seconds=minute % 7)
        rows = []
        for kind, actor, after, reason in events:
            n += 1
            at = received + timedelta(minutes=after // 100)
            data_ = {"status": {"before": "open", "after": reason}} if kind == "status" else {"reason": reason}
            rows.append({"n": n, "kind": kind, "actor": actor, "at": at, "reason": reason, "data": data_})
        replies = [r["at"] for r in rows if r["kind"] in ("reply", "reply_logged")]
        case = Case(category=category, channel=channel, severity=severity, status=status, subject="s", body="b",
                    owner_id=ids[owner] if owner else None, team="agents", received_at=received,
                    first_response_due_at=received + timedelta(minutes=due_after), first_responded_at=min(replies, default=None),
                    created_by="token:shop", created_at=received, updated_at=received, lock_version=0)
        case.events = [CaseEvent(kind=r["kind"], actor=r["actor"], body="", occurred_at=r["at"], created_at=r["at"], data=r["data"])
                       for r in rows]
        db.session.add(case)
        db.session.flush()
        cases.append({"received_at": received, "due": case.first_response_due_at, "category": category, "channel": channel,
                      "severity": severity, "status": status, "owner": owner, "events": rows})
    generated = []
    for actor, action, refund_id, minute, fen in refunds:
        at = START + timedelta(minutes=minute)
        db.session.add(AuditEntry(at=at, actor=actor, action=action, after={"refund_id": refund_id, "amount": str(D(fen) / 100)}))
        db.session.flush()
        generated.append((actor, action, refund_id, at, fen))
    db.session.commit()
    window = Window(date(2026, 3, 1) + timedelta(days=first), date(2026, 3, 1) + timedelta(days=first + length - 1))
    now = START + timedelta(minutes=now_minute)
    report = team_report(window, ZONE, now)
    generated.sort(key=lambda r: r[3])
    expected = _brute(cases, generated, window, now, {"amy", "bob"})
    found = {"team": report.team, **report.agents}
    assert set(found) == set(expected) | {"team"}
    empty = {"cases": 0, "cat": {}, "chan": {}, "spans": [], "met": 0, "base": 0, "compl": {}, "esc": {}, "ack": 0, "act": {},
             "actions": {}, "refunds": {}}
    for scope, g in found.items():
        want = expected.get(scope, empty)
        refunds = want.pop("refunds")
        assert _figures(g) == {**want, "spans": sorted(want["spans"]),
                               "handled": (len(refunds), sum(refunds.values(), NO_MONEY))}, scope

def _user(name):
    return db.session.scalar(select(User.id).where(User.username == name))
