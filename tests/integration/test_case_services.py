"""Case services on SQLite and PostgreSQL: creation and its clock, replies, transfers, status, escalation, roles."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from shopcs.actor import Actor
from shopcs.audit.models import AuditEntry
from shopcs.cases import services
from shopcs.cases.models import Case
from shopcs.cases.queries import get_case, team_cases
from shopcs.cases.reply_status import mark_given
from shopcs.cases.rules import CaseRuleError
from shopcs.cases.settings import load_promise_words, save_promise_words, save_sla_settings
from shopcs.errors import Conflict, Forbidden, Invalid, NotFound
from shopcs.extensions import db
from shopcs.followup.settings import save_settings
from shopcs.notify.models import OutboxMessage
from shopcs.timeutil import to_local

from ..builders import NOW, make_order, make_user
from ..case_builders import PLATFORM, ZONE, as_user, case_input, escalations, make_case, row_counts


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_a_chat_case_received_in_business_hours_is_due_five_minutes_later(app):
    case = make_case(received_at=NOW - timedelta(minutes=1))
    assert case.status == "new" and case.team == "agents" and case.owner_id is None
    assert case.first_response_due_at == NOW + timedelta(minutes=4)
    assert [(e.kind, e.occurred_at) for e in get_case(case.id).events] == [("customer_message", NOW - timedelta(minutes=1))]
    assert actions() == ["case.created"]


def test_a_case_for_an_order_belongs_to_the_orders_customer_and_an_agent_owns_the_case_they_open(app):
    order = make_order("T1")
    agent = make_user("amy")
    case = make_case(actor=as_user(agent), order_no="T1")
    assert (case.order_id, case.customer_id, case.owner_id) == (order.id, order.customer_id, agent.id)


def test_an_unknown_order_is_not_found_and_writes_nothing(app):
    before = row_counts()
    with pytest.raises(NotFound):
        make_case(order_no="NOPE")
    assert row_counts() == before


def test_html_in_a_reply_is_stored_as_typed_and_queued_for_the_customer(app):
    case = make_case()
    html = '<script>alert("x")</script> 您好，<b>已发货</b>'
    event = services.reply(case.id, html, PLATFORM, NOW + timedelta(minutes=2), outbox_channel="manual")
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "case_reply"))
    assert event.kind == "reply" and event.body == html and message.body == html
    assert message.customer_id == case.customer_id and message.dedupe_key == f"case_reply:{event.id}"
    case = get_case(case.id)
    assert case.status == "open" and case.first_responded_at is None  # queued on the manual channel: not answered yet


def test_a_reply_given_on_the_phone_stops_the_clock_at_the_time_it_was_given(app):
    case = make_case()
    given = NOW + timedelta(minutes=3)
    event = services.reply(case.id, "电话里已说明", PLATFORM, NOW + timedelta(minutes=30), send=False,
                           given_at=given, channel="phone", outbox_channel="manual")
    assert (event.kind, event.occurred_at, event.channel) == ("reply_logged", given, "phone")
    assert get_case(case.id).first_responded_at == given
    assert db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.kind == "case_reply")) is None
    services.reply(case.id, "later", PLATFORM, NOW + timedelta(minutes=40), outbox_channel="manual")
    assert get_case(case.id).first_responded_at == given  # the first answer stopped the clock


@pytest.mark.parametrize("given_at, field", [
    (None, "given_at"), (NOW + timedelta(hours=1), "given_at"), (NOW - timedelta(minutes=1), "given_at"),
    (NOW.replace(tzinfo=None), "given_at"),
])
def test_a_logged_reply_needs_a_time_between_the_message_and_now(app, given_at, field):
    case = make_case()
    before = row_counts()
    with pytest.raises(Invalid) as caught:
        services.reply(case.id, "ok", PLATFORM, NOW + timedelta(minutes=5), send=False, given_at=given_at, outbox_channel="manual")
    assert field in caught.value.fields and row_counts() == before
    assert get_case(case.id).first_responded_at is None


def test_a_resolved_case_is_reopened_and_forgets_when_it_was_resolved_and_closed(app):
    case = make_case()
    services.change_status(case.id, "resolved", PLATFORM, NOW + timedelta(minutes=1))
    with pytest.raises(CaseRuleError):
        services.reply(case.id, "too late", PLATFORM, NOW + timedelta(minutes=2), outbox_channel="manual")
    closed = services.change_status(case.id, "closed", PLATFORM, NOW + timedelta(minutes=3))
    assert closed.resolved_at == NOW + timedelta(minutes=1) and closed.closed_at == NOW + timedelta(minutes=3)
    reopened = services.change_status(case.id, "open", PLATFORM, NOW + timedelta(minutes=4))
    assert (reopened.status, reopened.resolved_at, reopened.closed_at) == ("open", None, None)
    assert actions()[-3:] == ["case.status", "case.status", "case.reopened"]


def test_a_move_the_rules_forbid_is_a_conflict_and_changes_nothing(app):
    case = make_case()
    with pytest.raises(Conflict):
        services.change_status(case.id, "closed", PLATFORM, NOW)
    with pytest.raises(Invalid):
        services.change_status(case.id, "lost", PLATFORM, NOW)
    assert get_case(case.id).status == "new" and len(get_case(case.id).events) == 1


def test_a_customer_writing_again_reopens_a_resolved_case(app):
    case = make_case()
    services.change_status(case.id, "resolved", PLATFORM, NOW)
    services.add_customer_message(case.id, "还是没收到", PLATFORM, NOW + timedelta(hours=1))
    assert get_case(case.id).status == "open" and get_case(case.id).resolved_at is None


def test_a_case_transferred_to_after_sales_waits_in_that_teams_inbox_with_the_note(app):
    case = make_case()
    services.transfer(case.id, "买家要退货，请处理", as_user(make_user(role="agent")), NOW, to_team="after_sales")
    assert [c.id for c in team_cases("after_sales")[0]] == [case.id] and team_cases("agents") == ([], 0)
    event = get_case(case.id).events[-1]
    assert event.kind == "transfer" and event.body == "买家要退货，请处理"
    assert event.data == {"before": {"team": "agents", "owner": None}, "after": {"team": "after_sales", "owner": None}}
    with pytest.raises(Invalid):  # a hand-over says what the receiver must do
        services.transfer(case.id, " ", PLATFORM, NOW, to_team="shipping")


def test_a_shipping_user_cannot_change_an_after_sales_case_but_a_supervisor_can(app):
    case = make_case()
    services.transfer(case.id, "退货", PLATFORM, NOW, to_team="after_sales")
    shipper = as_user(make_user("sam", role="shipping"))
    before = row_counts()
    for attempt in (lambda: services.add_note(case.id, "mine now", shipper, NOW),
                    lambda: services.reply(case.id, "hi", shipper, NOW, outbox_channel="manual"),
                    lambda: services.change_status(case.id, "resolved", shipper, NOW),
                    lambda: services.transfer(case.id, "take it", shipper, NOW, to_team="shipping")):
        with pytest.raises(Forbidden):
            attempt()
    assert row_counts() == before
    services.add_note(case.id, "checked", as_user(make_user(role="after_sales")), NOW)
    services.change_status(case.id, "resolved", as_user(make_user(role="supervisor")), NOW)
    assert get_case(case.id).status == "resolved"


def test_a_shipping_user_may_work_a_case_handed_to_them(app):
    case = make_case()
    shipper = make_user("sam", role="shipping")
    services.transfer(case.id, "请查一下发货", PLATFORM, NOW, to_user=shipper.id)
    assert (get_case(case.id).team, get_case(case.id).owner.username) == ("shipping", "sam")
    services.reply(case.id, "今天发出", as_user(shipper), NOW, outbox_channel="manual")


def test_an_operator_cannot_work_cases(app):
    with pytest.raises(Forbidden):
        make_case(actor=as_user(make_user(role="operator")))


def test_a_serious_complaint_goes_to_the_supervisors_at_once_and_only_once(app):
    case = make_case(category="complaint", severity="high")
    assert (case.escalation_reason, case.escalated_at) == ("complaint", NOW)
    assert [m.dedupe_key for m in escalations()] == [f"case_escalation:{case.id}:complaint"]
    assert escalations()[0].customer_id is None and escalations()[0].order_id is None  # never to the buyer
    for severity in ("critical", "normal", "high"):
        services.change_severity(case.id, severity, PLATFORM, NOW + timedelta(minutes=1), ZONE, outbox_channel="manual")
    assert len(escalations()) == 1
    assert [e.kind for e in get_case(case.id).events].count("escalation") == 1


def test_an_escalation_note_names_the_severity_and_the_due_time_in_the_shops_language_and_zone(app):
    case, late = make_case(category="complaint", severity="high"), make_case()
    services.escalate_breaches(NOW + timedelta(hours=1), ZONE, "manual")
    sent = {m.dedupe_key: m for m in escalations()}
    complaint, breach = sent[f"case_escalation:{case.id}:complaint"], sent[f"case_escalation:{late.id}:breach"]
    assert f"工单 #{case.id}（高）" in complaint.body and "high" not in complaint.body
    due = to_local(get_case(late.id).first_response_due_at, "Asia/Shanghai").strftime("%Y-%m-%d %H:%M")
    assert f"（{due}）" in breach.body and "UTC" not in breach.body
    assert [e.body for e in get_case(case.id).events if e.kind == "escalation"][0] == complaint.body


def test_an_escalation_note_is_in_english_when_the_shop_writes_english(app):
    save_settings({"locale": "en"}, PLATFORM, NOW)
    case = make_case(category="complaint", severity="critical")
    assert f"Case #{case.id} (Critical)" in escalations()[0].body


def test_raising_a_complaints_severity_escalates_it(app):
    case = make_case(category="complaint")
    assert case.escalated_at is None and escalations() == []
    services.change_severity(case.id, "critical", PLATFORM, NOW + timedelta(minutes=1), ZONE, outbox_channel="manual")
    assert get_case(case.id).escalation_reason == "complaint" and len(escalations()) == 1


def test_the_breach_sweep_run_twice_escalates_each_late_case_once(app):
    late, answered, queued = make_case(), make_case(), make_case()
    event = services.reply(answered.id, "您好", PLATFORM, NOW + timedelta(minutes=1), outbox_channel="manual")
    mark_given(answered.id, event.id, PLATFORM, NOW + timedelta(minutes=2))
    services.reply(queued.id, "您好", PLATFORM, NOW + timedelta(minutes=1), outbox_channel="manual")  # never given: still unanswered
    assert services.escalate_breaches(NOW + timedelta(minutes=4), ZONE, "manual") == {"escalated": 0}
    assert services.escalate_breaches(NOW + timedelta(minutes=6), ZONE, "manual") == {"escalated": 2}
    assert services.escalate_breaches(NOW + timedelta(minutes=7), ZONE, "manual") == {"escalated": 0}
    assert sorted(m.dedupe_key for m in escalations()) == sorted(f"case_escalation:{c.id}:breach" for c in (late, queued))
    assert get_case(answered.id).escalated_at is None


def test_a_serious_complaint_that_also_breaches_goes_up_again_for_the_breach(app):
    case = make_case(category="complaint", severity="critical")
    services.escalate_breaches(NOW + timedelta(minutes=10), ZONE, "manual")
    assert [m.dedupe_key.rsplit(":", 1)[1] for m in escalations()] == ["complaint", "breach"]
    assert get_case(case.id).escalation_reason == "breach"


def test_only_a_supervisor_acknowledges_an_escalation_and_says_what_was_done(app):
    case = make_case(category="complaint", severity="high")
    with pytest.raises(Forbidden):
        services.acknowledge(case.id, as_user(make_user(role="agent")), NOW, "seen")
    boss = as_user(make_user("lead", role="supervisor"))
    with pytest.raises(Invalid):
        services.acknowledge(case.id, boss, NOW, "")
    done = services.acknowledge(case.id, boss, NOW + timedelta(minutes=3), "已致电买家道歉，补发")
    assert (done.escalation_acknowledged_at, done.escalation_acknowledged_by) == (NOW + timedelta(minutes=3), "user:lead")
    assert get_case(case.id).events[-1].body == "已致电买家道歉，补发"
    with pytest.raises(Conflict):
        services.acknowledge(case.id, boss, NOW, "again")


def test_saved_response_targets_are_audited_and_set_the_next_due_time(app):
    save_sla_settings({"chat.minutes": "10"}, PLATFORM, NOW)
    assert make_case().first_response_due_at == NOW + timedelta(minutes=10)
    assert actions()[0] == "case_sla.settings_changed"
    with pytest.raises(Invalid):
        save_sla_settings({"chat.minutes": "0"}, PLATFORM, NOW)


def test_promise_words_are_saved_and_audited(app):
    save_promise_words("保证\n绝对", PLATFORM, NOW)
    assert load_promise_words() == ("保证", "绝对") and actions() == ["case_promise_words.settings_changed"]
    save_promise_words(["保证", "绝对"], PLATFORM, NOW)
    assert actions() == ["case_promise_words.settings_changed"]  # nothing changed, nothing recorded


def test_a_case_created_with_bad_fields_names_each_and_writes_nothing(app):
    before = row_counts()
    with pytest.raises(Invalid) as caught:
        services.create_case(case_input(category="gossip", channel="fax", subject="", body="x" * 5001,
                                        received_at=NOW + timedelta(hours=1)), PLATFORM, NOW, ZONE, outbox_channel="manual")
    assert set(caught.value.fields) == {"category", "channel", "subject", "body", "received_at"}
    assert row_counts() == before


def test_two_agents_replying_at_once_both_land_and_the_first_reply_stops_the_clock(app, backend):
    if backend != "postgresql":
        pytest.skip("SQLite serialises writers itself")
    case_id = make_case().id
    errors = []

    def answer(minutes):
        with app.app_context():
            try:
                services.reply(case_id, f"reply {minutes}", Actor(label=f"user:a{minutes}", role="agent"),
                               NOW + timedelta(minutes=5), send=False, given_at=NOW + timedelta(minutes=minutes), outbox_channel="manual")
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=answer, args=(minutes,)) for minutes in (1, 2, 3, 4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.session.expire_all()
    case = db.session.get(Case, case_id)
    assert errors == [] and [e.kind for e in case.events].count("reply_logged") == 4
    assert case.first_responded_at == NOW + timedelta(minutes=1)
