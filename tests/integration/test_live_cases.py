"""The agent's side, live, on SQLite and PostgreSQL: what changed since a cursor, the unread marks and the waiting
count (shopcs/cases/live/service.py)."""
from datetime import timedelta

from shopcs.cases import services
from shopcs.cases.live import service as live
from shopcs.cases.live.service import SETTLE
from shopcs.cases.queue.pages import Viewer

from ..builders import NOW, make_user
from ..case_builders import PLATFORM, as_user, make_case

LATER = NOW + timedelta(minutes=5)


def _owned_case(owner, **values):
    case = make_case(**values)
    services.transfer(case.id, "交给你", PLATFORM, NOW, to_user=owner.id)
    return case


def _buyer_writes(case, body="还在吗？", now=LATER):
    return services.add_customer_message(case.id, body, PLATFORM, now)


def test_a_buyer_message_after_the_cursor_is_a_change_and_unread_until_the_person_sees_it(app):
    agent = make_user("agent-a")
    viewer = Viewer(agent.id, "agent")
    case = make_case()
    cursor = live.live(viewer, None, LATER + SETTLE).cursor
    message = _buyer_writes(case)
    state = live.live(viewer, cursor, LATER)
    assert [(c.case_id, c.last_message_id, c.unread) for c in state.changed] == [(case.id, message.id, True)]
    assert live.unread_among(agent.id, [case.id]) == {case.id}
    live.mark_seen(agent.id, case.id, message.id)
    assert live.unread_among(agent.id, [case.id]) == set()
    assert live.live(viewer, cursor, LATER).changed[0].unread is False


def test_seeing_never_moves_back_and_is_kept_per_person(app):
    first, second = make_user("agent-a"), make_user("agent-b")
    case = make_case()
    message = _buyer_writes(case)
    live.mark_seen(first.id, case.id, message.id)
    live.mark_seen(first.id, case.id, message.id - 1)  # a late poll of an older page
    assert live.unread_among(first.id, [case.id]) == set()
    assert live.unread_among(second.id, [case.id]) == {case.id}


def test_a_case_answered_since_the_buyer_last_wrote_is_not_unread_even_for_who_never_opened_it(app):
    replier, colleague = make_user("agent-a"), make_user("agent-b")
    answered, waiting, logged = make_case(), make_case(), make_case()
    services.reply(answered.id, "您好，已为您查询", as_user(replier), LATER, outbox_channel="manual")
    services.reply(logged.id, "电话已答复", as_user(replier), LATER, send=False, given_at=LATER, outbox_channel="manual")
    assert live.unread_among(colleague.id, [answered.id, waiting.id, logged.id]) == {waiting.id}
    _buyer_writes(answered, now=LATER + timedelta(minutes=1))  # the buyer writes again: news for both
    assert live.unread_among(colleague.id, [answered.id, waiting.id, logged.id]) == {answered.id, waiting.id}
    assert live.unread_among(replier.id, [answered.id]) == {answered.id}


def test_a_note_a_reply_or_a_status_change_is_not_a_buyer_message(app):
    agent = make_user("agent-a")
    case = make_case()
    live.mark_seen(agent.id, case.id, case.events[-1].id)
    cursor = live.live(Viewer(agent.id, "agent"), None, LATER + SETTLE).cursor
    services.add_note(case.id, "客户很急", as_user(agent), LATER)
    services.reply(case.id, "您好，已为您查询", as_user(agent), LATER, outbox_channel="manual")
    assert live.live(Viewer(agent.id, "agent"), cursor, LATER).changed == []
    assert live.unread_among(agent.id, [case.id]) == set()


def test_an_after_sales_person_sees_changes_of_their_team_only(app):
    after_sales = make_user("after-sales-a", role="after_sales")
    agents_case, team_case = make_case(), make_case()
    services.transfer(team_case.id, "请售后处理", PLATFORM, NOW, to_team="after_sales")
    viewer = Viewer(after_sales.id, "after_sales")
    cursor = live.live(viewer, None, LATER + SETTLE).cursor
    _buyer_writes(agents_case)
    mine = _buyer_writes(team_case)
    assert [(c.case_id, c.last_message_id) for c in live.live(viewer, cursor, LATER).changed] == [(team_case.id, mine.id)]


def test_the_waiting_count_is_the_persons_open_cases_whose_latest_message_is_the_buyers(app):
    agent, other = make_user("agent-a"), make_user("agent-b")
    answered, asked_again, noted = _owned_case(agent), _owned_case(agent), _owned_case(agent)
    services.reply(answered.id, "已发货", as_user(agent), LATER, outbox_channel="manual")
    services.reply(asked_again.id, "已发货", as_user(agent), LATER, outbox_channel="manual")
    _buyer_writes(asked_again, now=LATER + timedelta(minutes=1))
    services.add_note(noted.id, "等仓库回复", as_user(agent), LATER)  # a note answers nobody: still waiting
    assert live.waiting_count(agent.id) == 2
    _owned_case(other)
    assert live.waiting_count(other.id) == 1
    services.change_status(noted.id, "resolved", as_user(agent), LATER)
    assert live.waiting_count(agent.id) == 1


def test_the_cursor_does_not_pass_events_too_recent_to_be_surely_committed(app):
    """A transaction that took a lower id may still commit: the cursor stays before events younger than SETTLE, so
    the next call reads them again (the pages skip what they already showed)."""
    agent = make_user("agent-a")
    viewer = Viewer(agent.id, "agent")
    case = make_case()
    cursor = live.live(viewer, None, LATER).cursor
    message = _buyer_writes(case)
    again = live.live(viewer, cursor, LATER + SETTLE / 2)
    assert again.cursor < message.id and [c.case_id for c in again.changed] == [case.id]
    settled = live.live(viewer, again.cursor, LATER + SETTLE * 2)
    assert settled.cursor >= message.id


def test_a_cursor_from_long_ago_reads_a_bounded_range_not_the_history(app, monkeypatch):
    """A page back after hours away (or a hand-made since=0) reads at most BACKLOG events before the cursor."""
    viewer = Viewer(make_user("agent-a").id, "agent")
    old, new = make_case(), make_case()
    monkeypatch.setattr(live, "BACKLOG", 1)
    state = live.live(viewer, 0, LATER + SETTLE)
    assert [change.case_id for change in state.changed] == [new.id] and old.id != new.id
