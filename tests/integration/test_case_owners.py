"""Case owners on SQLite and PostgreSQL: "Take it", the replier becomes the owner, agents' availability and the round
robin that gives a new conversation to the available agent assigned longest ago, at most N open cases each."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from shopcs.audit.models import AuditEntry
from shopcs.auth.models import User
from shopcs.cases import services
from shopcs.cases.models import Case
from shopcs.cases.owners import assign_new_case, set_available, take
from shopcs.cases.settings import load_max_open, save_max_open
from shopcs.conversations.intake import IncomingMessage, receive_message
from shopcs.errors import Conflict, Forbidden, Invalid
from shopcs.extensions import db

from ..builders import NOW, make_user
from ..case_builders import PLATFORM, ZONE, as_user, make_case, row_counts

_seq = iter(range(1, 10_000))


def owner_of(case_id: int) -> int | None:
    db.session.expire_all()
    return db.session.get(Case, case_id).owner_id


def audits(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def new_conversation(minutes: int = 0):
    """A buyer never seen before writes in the chat: a new case, assigned (or not) by the round robin."""
    n = next(_seq)
    received = receive_message(IncomingMessage(channel="chat", external_id=f"m-{n}", body="在吗？",
                                               customer={"external_id": f"buyer-{n}", "name": "买家"}),
                               PLATFORM, NOW + timedelta(minutes=minutes), ZONE, outbox_channel="manual")
    assert received.case_created
    return received.case_id


def available_agent(name: str):
    user = make_user(name)
    set_available(as_user(user), True, NOW)
    return user


# --- taking a case -----------------------------------------------------------------------------------------------

def test_an_agent_takes_an_unowned_case_and_the_timeline_and_audit_say_so(app):
    case, amy = make_case(), make_user("amy")
    take(case.id, as_user(amy), NOW)
    assert owner_of(case.id) == amy.id
    [entry] = audits("case.taken")
    assert entry.actor == "user:amy" and entry.before == {"owner": None}
    assert entry.after == {"case_id": case.id, "owner": "amy", "how": "taken"}
    assert [e.kind for e in db.session.get(Case, case.id).events][-1] == "owner"


def test_a_case_someone_else_owns_is_taken_over_only_by_a_supervisor(app):
    case, amy, bob, lead = make_case(), make_user("amy"), make_user("bob"), make_user("lead", role="supervisor")
    take(case.id, as_user(amy), NOW)
    before = row_counts()
    with pytest.raises(Forbidden):
        take(case.id, as_user(bob), NOW)
    with pytest.raises(Conflict):
        take(case.id, as_user(amy), NOW)
    assert owner_of(case.id) == amy.id and row_counts() == before
    take(case.id, as_user(lead), NOW)
    assert owner_of(case.id) == lead.id and audits("case.taken")[-1].before == {"owner": "amy"}


def test_the_platform_cannot_take_a_case(app):
    case = make_case()
    with pytest.raises(Forbidden):
        take(case.id, PLATFORM, NOW)
    assert owner_of(case.id) is None


def test_a_person_replying_to_an_unowned_case_becomes_its_owner_but_not_of_someone_elses(app):
    unowned, owned = make_case(), make_case()
    amy, bob = make_user("amy"), make_user("bob")
    take(owned.id, as_user(bob), NOW)
    services.reply(unowned.id, "您好", as_user(amy), NOW + timedelta(minutes=1), outbox_channel="manual")
    services.reply(owned.id, "您好", as_user(amy), NOW + timedelta(minutes=1), outbox_channel="manual")
    assert (owner_of(unowned.id), owner_of(owned.id)) == (amy.id, bob.id)
    assert audits("case.taken")[-1].after == {"case_id": unowned.id, "owner": "amy", "how": "reply"}


def test_a_reply_by_the_platform_leaves_the_case_unowned(app):
    case = make_case()
    services.reply(case.id, "自动回复", PLATFORM, NOW + timedelta(minutes=1), outbox_channel="manual")
    assert owner_of(case.id) is None and audits("case.taken") == []


# --- availability and the round robin ------------------------------------------------------------------------------

def test_an_agent_switches_available_and_away_and_each_change_is_audited_once(app):
    amy = make_user("amy")
    set_available(as_user(amy), True, NOW)
    set_available(as_user(amy), True, NOW)
    set_available(as_user(amy), False, NOW)
    assert [(e.before, e.after) for e in audits("user.availability")] == [
        ({"available": False}, {"available": True}), ({"available": True}, {"available": False})]
    assert db.session.get(User, amy.id).available is False


def test_supervisors_and_the_platform_are_never_available_for_assignment(app):
    lead = make_user("lead", role="supervisor")
    for actor in (as_user(lead), PLATFORM):
        with pytest.raises(Forbidden):
            set_available(actor, True, NOW)
    assert audits("user.availability") == []


def test_new_conversations_go_round_robin_to_available_agents_up_to_the_limit_then_wait_unassigned(app):
    save_max_open(2, PLATFORM, NOW)
    amy, bob = available_agent("amy"), available_agent("bob")
    make_user("cat")  # away: never assigned
    owners = [owner_of(new_conversation(minutes)) for minutes in range(5)]
    assert owners == [amy.id, bob.id, amy.id, bob.id, None]
    assert [e.after["owner"] for e in audits("case.assigned")] == ["amy", "bob", "amy", "bob"]
    assert {e.actor for e in audits("case.assigned")} == {"system:assignment"}


def test_a_resolved_case_frees_a_place_and_the_one_assigned_longest_ago_goes_first(app):
    save_max_open(1, PLATFORM, NOW)
    amy, bob = available_agent("amy"), available_agent("bob")
    first, second = new_conversation(0), new_conversation(1)
    assert (owner_of(first), owner_of(second)) == (amy.id, bob.id)
    assert owner_of(new_conversation(2)) is None  # both full
    services.change_status(second, "resolved", as_user(bob), NOW + timedelta(minutes=3))
    services.change_status(first, "resolved", as_user(amy), NOW + timedelta(minutes=3))
    assert owner_of(new_conversation(4)) == amy.id  # amy's turn came before bob's


def test_an_agent_who_goes_away_gets_no_new_conversation_and_zero_turns_assignment_off(app):
    amy = available_agent("amy")
    set_available(as_user(amy), False, NOW)
    assert owner_of(new_conversation()) is None
    set_available(as_user(amy), True, NOW)
    save_max_open(0, PLATFORM, NOW)
    assert owner_of(new_conversation()) is None


def test_a_message_that_continues_a_conversation_does_not_reassign_it(app):
    amy = available_agent("amy")
    received = receive_message(IncomingMessage(channel="chat", external_id="x1", body="在吗？",
                                               customer={"external_id": "buyer-x", "name": "买家"}), PLATFORM, NOW, ZONE,
                                                   outbox_channel="manual")
    set_available(as_user(amy), False, NOW)
    bob = available_agent("bob")
    again = receive_message(IncomingMessage(channel="chat", external_id="x2", body="还在吗？",
                                            customer={"external_id": "buyer-x"}), PLATFORM, NOW, ZONE, outbox_channel="manual")
    assert again.case_id == received.case_id and not again.case_created
    assert owner_of(received.case_id) == amy.id != bob.id


def test_the_limit_setting_is_a_whole_number_from_zero_and_a_bad_value_writes_nothing(app):
    assert load_max_open() == 5
    for bad in ("-1", "2.5", "abc", "", "201"):
        with pytest.raises(Invalid):
            save_max_open(bad, PLATFORM, NOW)
    assert load_max_open() == 5 and audits("case_assignment.settings_changed") == []
    save_max_open("7", PLATFORM, NOW)
    assert load_max_open() == 7 and audits("case_assignment.settings_changed")[0].after == {"max_open": 7}


def test_new_cases_assigned_at_once_never_give_an_agent_more_than_the_limit(app, backend):
    if backend != "postgresql":
        pytest.skip("SQLite serialises writers itself")
    save_max_open(2, PLATFORM, NOW)
    amy = available_agent("amy")
    case_ids = [make_case().id for _ in range(6)]
    start, errors = threading.Barrier(len(case_ids)), []

    def assign(case_id):
        with app.app_context():
            try:
                start.wait()
                assign_new_case(case_id, NOW, 2)
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=assign, args=(case_id,)) for case_id in case_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [owner_of(case_id) for case_id in case_ids].count(amy.id) == 2
    assert len(audits("case.assigned")) == 2
