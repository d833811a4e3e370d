"""The supervisors' complaints review and the missed-target counts, on hand-built cases, on SQLite and PostgreSQL.

NOW is 10:00 on Wednesday 2026-03-04 in Shanghai; the window is 1–4 March (shop days), so it starts at
2026-02-28 16:00 UTC. Chat is open 08:00–24:00 by default: a chat case received at 10:00 is due five minutes later.
"""
from datetime import date, datetime, timedelta, timezone

from shopcs.cases import services
from shopcs.cases.settings import save_sla_settings
from shopcs.cases.supervision.breaches import BreachRow, breach_counts, breaches_json, breaches_statement
from shopcs.cases.supervision.complaints import ComplaintFilter, complaint_counts, complaint_rows, review_json
from shopcs.extensions import db
from shopcs.windows import Window

from ..builders import NOW, make_user
from ..case_builders import PLATFORM, answer, as_user, make_case

ZONE = "Asia/Shanghai"
WINDOW = Window(date(2026, 3, 1), date(2026, 3, 4))
WINDOW_START = datetime(2026, 2, 28, 16, 0, tzinfo=timezone.utc)


def _complaints():
    """A handled critical complaint, a high one waiting for the supervisor, a low one answered late, one at the
    window's first instant and one a second before it, and a tracking question that is no complaint."""
    boss = as_user(make_user("lead", role="supervisor"))
    handled = make_case(category="complaint", severity="critical", received_at=NOW - timedelta(hours=1), now=NOW - timedelta(hours=1))
    answer(handled.id, "非常抱歉，我们马上核实。", boss, NOW - timedelta(minutes=58))
    services.acknowledge(handled.id, boss, NOW - timedelta(minutes=50), "已致电买家道歉，补发")
    services.change_status(handled.id, "resolved", boss, NOW - timedelta(minutes=30))
    waiting = make_case(category="complaint", severity="high", received_at=NOW - timedelta(hours=2))
    late = make_case(category="complaint", severity="low", received_at=NOW - timedelta(days=3), channel="email")
    answer(late.id, "您好", PLATFORM, NOW)
    first = make_case(category="complaint", received_at=WINDOW_START)
    before = make_case(category="complaint", received_at=WINDOW_START - timedelta(seconds=1))
    question = make_case(category="tracking", received_at=NOW - timedelta(hours=1))
    return {"handled": handled.id, "waiting": waiting.id, "late": late.id, "first": first.id, "before": before.id,
            "question": question.id}


def test_the_review_lists_every_complaint_of_the_window_with_its_follow_up(app):
    ids = _complaints()
    rows = {row.id: row for row in complaint_rows(WINDOW, ZONE, ComplaintFilter())}
    assert list(rows) == [ids["handled"], ids["waiting"], ids["late"], ids["first"]]  # newest first
    handled = rows[ids["handled"]]
    assert (handled.severity, handled.status, handled.escalation_reason) == ("critical", "resolved", "complaint")
    assert handled.first_response_seconds == 120 and not handled.late(NOW)
    assert (handled.acknowledged_by, handled.acknowledged_at) == ("user:lead", NOW - timedelta(minutes=50))
    assert handled.acknowledgement_note == "已致电买家道歉，补发" and handled.resolved_at == NOW - timedelta(minutes=30)
    assert not handled.awaiting_acknowledgement
    waiting = rows[ids["waiting"]]
    assert waiting.awaiting_acknowledgement and waiting.acknowledged_by is None and waiting.late(NOW)
    assert rows[ids["late"]].late(NOW) and rows[ids["late"]].escalated_at is None


def test_the_counts_are_by_severity_and_status_over_the_whole_window(app):
    _complaints()
    counts = complaint_counts(WINDOW, ZONE)
    assert counts.cells == {("critical", "resolved"): 1, ("high", "new"): 1, ("low", "open"): 1, ("normal", "new"): 1}
    assert (counts.of_severity("high"), counts.of_status("new"), counts.total) == (1, 2, 4)


def test_the_filters_narrow_the_rows_but_not_the_counts(app):
    ids = _complaints()
    assert [r.id for r in complaint_rows(WINDOW, ZONE, ComplaintFilter(severity="low"))] == [ids["late"]]
    assert [r.id for r in complaint_rows(WINDOW, ZONE, ComplaintFilter(status="new"))] == [ids["waiting"], ids["first"]]
    assert [r.id for r in complaint_rows(WINDOW, ZONE, ComplaintFilter(unacknowledged=True))] == [ids["waiting"]]
    body = review_json(WINDOW, ZONE, ComplaintFilter(severity="critical"), NOW)
    assert body["complaints"] == 4 and [row["id"] for row in body["rows"]] == [ids["handled"]]
    row = body["rows"][0]
    assert row["acknowledged_by"] == "lead" and row["received_at"] == "2026-03-04T09:00:00+08:00"
    assert row["first_response_seconds"] == 120 and row["late"] is False


def test_a_second_escalation_waits_for_its_own_acknowledgement_and_shows_the_last_note(app):
    boss = as_user(make_user("lead", role="supervisor"))
    case = make_case(category="complaint", severity="high")
    services.acknowledge(case.id, boss, NOW + timedelta(minutes=1), "看过了")
    services.escalate_breaches(NOW + timedelta(minutes=10), ZONE, "manual")  # still unanswered: escalated again for the breach
    row = complaint_rows(WINDOW, ZONE, ComplaintFilter(unacknowledged=True))[0]
    assert row.id == case.id and row.escalation_reason == "breach" and row.awaiting_acknowledgement
    assert row.acknowledgement_note == "看过了"  # what was done about the first one stays visible


def _edge_cases():
    """Chat round the clock, 5 minutes: received at NOW − 10 min, so due at NOW − 5 min."""
    save_sla_settings({"chat.opens": "00:00", "chat.closes": "00:00", "chat.weekdays": "0,1,2,3,4,5,6"}, PLATFORM, NOW)
    received, due = NOW - timedelta(minutes=10), NOW - timedelta(minutes=5)
    on_time, a_second_late, unanswered_late = (make_case(received_at=received) for _ in range(3))
    answer(on_time.id, "您好", PLATFORM, due)
    answer(a_second_late.id, "您好", PLATFORM, due + timedelta(seconds=1))
    due_now = make_case(received_at=NOW - timedelta(minutes=5))  # unanswered, due exactly now: not yet missed
    phone_late = make_case(channel="phone", received_at=NOW - timedelta(hours=1))  # 09:00, phone opens at 09:00
    old = make_case(received_at=WINDOW_START - timedelta(minutes=30))  # missed, but received before the window
    return {"on_time": on_time.id, "a_second_late": a_second_late.id, "unanswered_late": unanswered_late.id,
            "due_now": due_now.id, "phone_late": phone_late.id, "old": old.id}


def test_a_breach_is_an_answer_after_the_due_time_or_no_answer_past_it(app):
    ids = _edge_cases()
    listed = [BreachRow(*row).id for row in db.session.execute(breaches_statement(WINDOW, ZONE, NOW))]
    assert sorted(listed) == sorted([ids["a_second_late"], ids["unanswered_late"], ids["phone_late"]])
    assert ids["on_time"] not in listed and ids["due_now"] not in listed and ids["old"] not in listed
    assert [BreachRow(*row).id for row in db.session.execute(breaches_statement(WINDOW, ZONE, NOW, "phone"))] == [ids["phone_late"]]


def test_breaches_are_counted_with_their_share_of_the_cases_received_per_channel(app):
    _edge_cases()
    total, lines = breach_counts(WINDOW, ZONE, NOW)
    by_channel = {line.channel: (line.cases, line.breaches, line.share) for line in lines}
    assert by_channel["chat"][:2] == (4, 2) and str(by_channel["chat"][2]) == "0.5000"
    assert by_channel["phone"][:2] == (1, 1) and by_channel["email"] == (0, 0, None)
    assert (total.cases, total.breaches, str(total.share)) == (5, 3, "0.6000")
    body = breaches_json(WINDOW, ZONE, NOW)
    late = next(row for row in body["rows"] if row["channel"] == "chat" and row["answered"])
    assert late["late_by_seconds"] == 1 and body["breaches"] == 3


def test_an_unanswered_case_counts_as_missed_only_once_its_due_time_has_passed(app):
    ids = _edge_cases()
    assert breach_counts(WINDOW, ZONE, NOW - timedelta(minutes=6))[0].breaches == 2  # the chat case was not due yet
    answer(ids["due_now"], "您好", PLATFORM, NOW + timedelta(seconds=1))
    assert breach_counts(WINDOW, ZONE, NOW + timedelta(seconds=1))[0].breaches == 4
