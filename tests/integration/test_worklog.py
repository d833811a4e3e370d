"""The work log on SQLite and PostgreSQL: each figure on hand-built data worked out by hand, notes and submission.

Amy is an agent; shop times (Asia/Shanghai). Her day is 2026-03-04.
  C1 chat, received 03-04 09:00, opened by amy; amy replies 09:03 (first: 180 s, due 09:05, met) and 09:10;
     amy transfers it to after-sales at 09:20
  C2 phone, received 10:00 (due 10:03); amy logs at 11:00 a reply given on the phone at 10:03 → answered at its
     given time, exactly at the due time: met, 180 s
  C3 chat, received 03-03 23:50; bob replies 23:55 (first); amy notes at 03-03 23:59 (the 3rd) and 03-04 00:00 (the
     4th), amy replies 00:00:30 (not a first reply)
  C4 chat, received 10:00 (due 10:05); amy replies 10:20 (first: 1200 s, missed), resolves it at 10:30
  C5 chat, received 03-03 22:00; amy logs on the 4th at 09:00 a reply given at 03-03 22:10 → counts on the 3rd
  O1 paid: amy confirms the address 11:00, ships it 11:30; requests a refund of ¥50.00 at 12:00 and approves it 12:10
  O2 paid: bob requests a refund (not amy's); O3 unpaid: amy sends a reminder by hand at 14:00
The 4th: opened 1 (C1); answered 3 (C1 180 s, C2 180 s, C4 1200 s; median 180, 2 within target); resolved 1;
replies 5 (C1 ×2, C2, C3, C4); notes 1; transfers 1; address confirmations 1; shipping notices 1; refunds 1, ¥50.00;
reminders 1. The 3rd: notes 1 (23:59), answered 1 (C5 at its given time 22:10, 600 s).
"""
from datetime import date, datetime, timedelta
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from shopcs.audit.models import AuditEntry
from shopcs.cases import services
from shopcs.errors import Conflict, Forbidden, Invalid
from shopcs.extensions import db
from shopcs.followup.jobs import send_reminder_by_hand
from shopcs.followup.notices import shipping_notices
from shopcs.orders.handling import ShipmentInput, confirm_address, record_shipment
from shopcs.orders.refund_service import RefundRequest, approve_refund, request_refund
from shopcs.reports.amounts import Amounts
from shopcs.reports.team.models import WorkLog
from shopcs.reports.team.worklog import DayFigures, day_figures, get_log, save_notes, submit

from ..builders import make_order, make_user, refund_limits
from ..case_builders import as_user, make_case

ZONE = "Asia/Shanghai"
DAY, EVE = date(2026, 3, 4), date(2026, 3, 3)


def sh(*parts) -> datetime:
    return datetime(*parts, tzinfo=ZoneInfo(ZONE)).astimezone(ZoneInfo("UTC"))


def the_day():
    amy, bob = make_user("amy"), make_user("bob")
    a, b = as_user(amy), as_user(bob)
    c1 = make_case(actor=a, now=sh(2026, 3, 4, 9, 0), received_at=sh(2026, 3, 4, 9, 0))
    services.reply(c1.id, "您好", a, sh(2026, 3, 4, 9, 3), outbox_channel="manual")
    services.reply(c1.id, "还有别的问题吗？", a, sh(2026, 3, 4, 9, 10), outbox_channel="manual")
    services.transfer(c1.id, "退款问题", a, sh(2026, 3, 4, 9, 20), to_team="after_sales")
    c2 = make_case(channel="phone", now=sh(2026, 3, 4, 10, 0), received_at=sh(2026, 3, 4, 10, 0))
    services.reply(c2.id, "电话已答复", a, sh(2026, 3, 4, 11, 0), send=False, given_at=sh(2026, 3, 4, 10, 3), outbox_channel="manual")
    c3 = make_case(now=sh(2026, 3, 3, 23, 50), received_at=sh(2026, 3, 3, 23, 50))
    services.reply(c3.id, "您好", b, sh(2026, 3, 3, 23, 55), outbox_channel="manual")
    services.add_note(c3.id, "明早跟进", a, sh(2026, 3, 3, 23, 59))
    services.add_note(c3.id, "已跟进", a, sh(2026, 3, 4, 0, 0))
    services.reply(c3.id, "早上好", a, sh(2026, 3, 4, 0, 0, 30), outbox_channel="manual")
    c4 = make_case(now=sh(2026, 3, 4, 10, 0), received_at=sh(2026, 3, 4, 10, 0))
    services.reply(c4.id, "抱歉久等", a, sh(2026, 3, 4, 10, 20), outbox_channel="manual")
    services.change_status(c4.id, "resolved", a, sh(2026, 3, 4, 10, 30))
    c5 = make_case(now=sh(2026, 3, 3, 22, 0), received_at=sh(2026, 3, 3, 22, 0))
    services.reply(c5.id, "微信已答复", a, sh(2026, 3, 4, 9, 0), send=False, given_at=sh(2026, 3, 3, 22, 10), outbox_channel="manual")
    o1 = make_order("O1", placed_at=sh(2026, 3, 4, 8, 0))
    o2 = make_order("O2", placed_at=sh(2026, 3, 4, 8, 0))
    o3 = make_order("O3", status="unpaid", placed_at=sh(2026, 3, 4, 13, 0))
    confirm_address("O1", "phone", a, sh(2026, 3, 4, 11, 0), {})
    record_shipment("O1", ShipmentInput("SF", "SF1234567890123", DAY), a, sh(2026, 3, 4, 11, 30), DAY, {}, shipping_notices("manual"))
    refund, _ = request_refund("O1", RefundRequest(D("50.00"), "quality"), a, sh(2026, 3, 4, 12, 0))
    approve_refund(refund.id, a, sh(2026, 3, 4, 12, 10), refund_limits("100.00"))
    request_refund("O2", RefundRequest(D("30.00"), "quality"), b, sh(2026, 3, 4, 12, 0))
    send_reminder_by_hand("O3", a, sh(2026, 3, 4, 14, 0))
    return amy, bob, {"c1": c1.id, "c2": c2.id, "c3": c3.id, "c4": c4.id, "c5": c5.id, "o1": o1, "o2": o2, "o3": o3}


def counts(figures: DayFigures) -> dict:
    return {name: figures.count(name) for name in figures.items}


def test_each_figure_of_the_day_counts_what_the_person_did_that_shop_day(app):
    amy, _bob, ids = the_day()
    figures = day_figures(amy, DAY, ZONE)
    assert counts(figures) == {"opened": 1, "answered": 3, "resolved": 1, "replies": 5, "notes": 1, "transfers": 1,
                               "address_confirmations": 1, "shipping_notices": 1, "refunds": 1, "reminders": 1}
    assert [item.case_id for item in figures.items["opened"]] == [ids["c1"]]
    assert [(i.case_id, i.seconds, i.met) for i in figures.items["answered"]] == [
        (ids["c1"], 180, True), (ids["c2"], 180, True), (ids["c4"], 1200, False)]
    assert figures.median_first_response == 180 and figures.within_target == 2
    assert figures.refund_amount == Amounts.of({"CNY": D("50.00")})
    assert [i.detail for i in figures.items["refunds"]] == ["refund.requested", "refund.approved"]
    assert {i.order_no for key in ("address_confirmations", "shipping_notices", "refunds") for i in figures.items[key]} == {"O1"}
    assert [i.order_no for i in figures.items["reminders"]] == ["O3"]
    assert [i.case_id for i in figures.items["resolved"]] == [ids["c4"]]


def test_actions_at_2359_and_0000_fall_on_different_days_and_a_logged_reply_counts_at_its_given_time(app):
    amy, bob, ids = the_day()
    eve = day_figures(amy, EVE, ZONE)
    assert [i.at for i in eve.items["notes"]] == [sh(2026, 3, 3, 23, 59)]
    assert [i.at for i in day_figures(amy, DAY, ZONE).items["notes"]] == [sh(2026, 3, 4, 0, 0)]
    assert [(i.case_id, i.seconds, i.detail) for i in eve.items["answered"]] == [(ids["c5"], 600, "reply_logged")]
    assert [i.case_id for i in day_figures(bob, EVE, ZONE).items["answered"]] == [ids["c3"]]
    assert counts(day_figures(bob, DAY, ZONE))["refunds"] == 1 and counts(day_figures(amy, date(2026, 3, 5), ZONE)) == dict.fromkeys(
        counts(eve), 0)


def test_an_even_number_of_first_responses_has_the_mean_of_the_two_middle_ones_as_median(app):
    amy = make_user("amy")
    for minutes in (1, 2, 4, 10):
        case = make_case(now=sh(2026, 3, 4, 9, 0), received_at=sh(2026, 3, 4, 9, 0))
        services.reply(case.id, "您好", as_user(amy), sh(2026, 3, 4, 9, minutes, 0, 500_000), outbox_channel="manual")
    assert day_figures(amy, DAY, ZONE).median_first_response == 180  # (120.5 + 240.5) / 2 = 180.5 → 180 (half to even)


def test_submitting_freezes_the_figures_locks_the_notes_and_leaves_a_trace(app):
    amy, _bob, ids = the_day()
    save_notes(amy, DAY, "  今天处理了退款。\r\n明天跟进 C3。 ", as_user(amy), sh(2026, 3, 4, 17, 0), ZONE)
    assert get_log(amy, DAY).notes == "今天处理了退款。\n明天跟进 C3。" and get_log(amy, DAY).submitted_at is None
    log = submit(amy, DAY, as_user(amy), sh(2026, 3, 4, 18, 0), ZONE)
    assert log.submitted_at == sh(2026, 3, 4, 18, 0)
    frozen = DayFigures.from_json(log.summary)
    assert frozen == day_figures(amy, DAY, ZONE) and log.summary["counts"]["answered"] == 3
    assert log.summary["refund_amount"] == [{"currency": "CNY", "amount": "50.00"}]
    assert log.summary["median_first_response_seconds"] == 180
    services.add_note(ids["c1"], "later", as_user(amy), sh(2026, 3, 4, 19, 0))  # the snapshot does not change
    assert DayFigures.from_json(get_log(amy, DAY).summary) == frozen
    with pytest.raises(Conflict):
        save_notes(amy, DAY, "changed", as_user(amy), sh(2026, 3, 4, 19, 0), ZONE)
    with pytest.raises(Conflict):
        submit(amy, DAY, as_user(amy), sh(2026, 3, 4, 19, 0), ZONE)
    assert get_log(amy, DAY).notes == "今天处理了退款。\n明天跟进 C3。"
    entries = db.session.execute(select(AuditEntry.action, AuditEntry.actor).where(AuditEntry.action.like("worklog.%"))
                                 .order_by(AuditEntry.id)).all()
    assert entries == [("worklog.notes_saved", "user:amy"), ("worklog.submitted", "user:amy")]
    trace = db.session.scalar(select(AuditEntry.after).where(AuditEntry.action == "worklog.submitted"))
    assert trace["refund_amount"] == ["50.00 CNY"]


def test_a_days_refund_amount_is_per_currency_and_frozen_with_its_currencies(app):
    amy, _bob, _ids = the_day()
    make_order("U1", placed_at=sh(2026, 3, 4, 8, 0), total="59.45", currency="USD")
    request_refund("U1", RefundRequest(D("12.50"), "quality"), as_user(amy), sh(2026, 3, 4, 15, 0))
    figures = day_figures(amy, DAY, ZONE)
    assert figures.count("refunds") == 2
    assert figures.refund_amount == Amounts.of({"CNY": D("50.00"), "USD": D("12.50")})
    assert [(i.order_no, i.amount, i.currency) for i in figures.items["refunds"]] == [
        ("O1", D("50.00"), "CNY"), ("O1", D("50.00"), "CNY"), ("U1", D("12.50"), "USD")]
    log = submit(amy, DAY, as_user(amy), sh(2026, 3, 4, 18, 0), ZONE)
    assert log.summary["refund_amount"] == [{"currency": "CNY", "amount": "50.00"}, {"currency": "USD", "amount": "12.50"}]
    assert DayFigures.from_json(log.summary) == figures


def test_bad_notes_someone_elses_log_and_a_future_day_are_refused_and_change_nothing(app):
    amy, bob = make_user("amy"), make_user("bob")
    now = sh(2026, 3, 4, 17, 0)
    with pytest.raises(Invalid) as too_long:
        save_notes(amy, DAY, "字" * 5001, as_user(amy), now, ZONE)
    assert "notes" in too_long.value.fields
    with pytest.raises(Forbidden):
        save_notes(amy, DAY, "hi", as_user(bob), now, ZONE)
    with pytest.raises(Forbidden):
        submit(amy, DAY, as_user(bob), now, ZONE)
    with pytest.raises(Invalid):
        submit(amy, date(2026, 3, 5), as_user(amy), now, ZONE)
    assert db.session.scalar(select(func.count()).select_from(WorkLog)) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0
    save_notes(amy, DAY, "字" * 5000, as_user(amy), now, ZONE)
    save_notes(amy, DAY - timedelta(days=1), "yesterday", as_user(amy), now, ZONE)
    assert db.session.scalar(select(func.count()).select_from(WorkLog)) == 2
