"""Admins manage accounts (auth/accounts.py) on both databases: every change audited without a password, the
admins' own rules, and a deactivation or reset that takes effect on the account's next request."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from shopcs.actor import Actor
from shopcs.audit.models import AuditEntry
from shopcs.auth import accounts
from shopcs.auth.loader import load_user
from shopcs.auth.models import User
from shopcs.auth.services import AuthError, authenticate, change_password
from shopcs.extensions import db

from ..builders import NOW, PASSWORD, make_user

LATER = NOW + timedelta(minutes=5)


def _fresh_login(user_id: int):
    """The session user of a login made now (the account's current session version)."""
    db.session.expire_all()
    return load_user(db.session.get(User, user_id).get_id())


def _admin(name="root"):
    admin = make_user(name, role="admin")
    return admin, Actor.for_user(admin)


def _entries(action):
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def test_an_admin_creates_an_account_that_must_choose_its_own_password_audited_without_it(app):
    _root, actor = _admin()
    result = accounts.create_account(actor, " wang ", "after_sales", " 王小明 ", "first-pass-123", NOW)
    assert result.generated is None
    user = db.session.scalar(select(User).where(User.username == "wang"))
    assert (user.role, user.display_name, user.active, user.must_change_password) == ("after_sales", "王小明", True, True)
    [entry] = _entries("account.created")
    assert entry.actor == "user:root" and entry.before is None
    assert entry.after == {"account": "wang", "display_name": "王小明", "role": "after_sales"}
    assert "first-pass" not in str(entry.after) and user.password_hash not in str(entry.after)


def test_without_a_password_one_is_generated_returned_once_and_stored_only_hashed(app):
    _root, actor = _admin()
    result = accounts.create_account(actor, "li", "agent", "", "", NOW)
    assert result.generated and result.generated not in result.user.password_hash
    assert authenticate("li", result.generated, LATER).id == result.user.id


def test_a_refused_account_writes_nothing(app):
    _root, actor = _admin()
    accounts.create_account(actor, "li", "agent", "", "a-long-password", NOW)
    for username, role, password, field in (("li", "agent", "another-password", "username"),
                                            ("bad name", "agent", "a-long-password", "username"),
                                            ("zhao", "boss", "a-long-password", "role"), ("zhao", "agent", "short", "password")):
        with pytest.raises(AuthError) as refused:
            accounts.create_account(actor, username, role, "", password, NOW)
        assert refused.value.field == field
    assert db.session.scalar(select(User).where(User.username == "zhao")) is None
    assert len(_entries("account.created")) == 1


def test_a_role_and_display_name_change_is_audited_with_before_and_after_and_read_on_the_next_request(app):
    admin, actor = _admin()
    amy = make_user("amy", role="agent")
    saved = amy.get_id()
    accounts.update_account(actor, admin.id, amy.id, "Amy Wang", "supervisor", LATER)
    assert load_user(saved) is None and _fresh_login(amy.id).role == "supervisor"  # the role change ended the session
    [entry] = _entries("account.updated")
    assert entry.before == {"account": "amy", "display_name": "", "role": "agent"}
    assert entry.after == {"account": "amy", "display_name": "Amy Wang", "role": "supervisor"}
    accounts.update_account(actor, admin.id, amy.id, "Amy Wang", "supervisor", LATER)  # nothing changed: no entry
    assert len(_entries("account.updated")) == 1


def test_an_admin_cannot_demote_or_deactivate_themselves_and_nothing_changes(app):
    admin, actor = _admin()
    make_user("boss", role="admin")
    with pytest.raises(AuthError, match="your own"):
        accounts.update_account(actor, admin.id, admin.id, "Root", "agent", LATER)
    with pytest.raises(AuthError, match="your own"):
        accounts.set_active(actor, admin.id, admin.id, False, LATER)
    db.session.expire_all()
    assert (admin.role, admin.display_name, admin.active) == ("admin", "", True)
    assert _entries("account.updated") == [] and _entries("account.deactivated") == []


def test_the_last_active_admin_stays_an_admin(app):
    admin, _actor = _admin()
    other = make_user("boss", role="admin")
    accounts.set_active(Actor.for_user(other), other.id, admin.id, False, LATER)
    with pytest.raises(AuthError, match="last active admin"):
        accounts.update_account(Actor.system("cli"), None, other.id, "", "agent", LATER)
    assert db.session.get(User, other.id).role == "admin"


def test_a_deactivated_account_is_logged_out_on_its_next_request_and_can_be_reactivated(app):
    admin, actor = _admin()
    amy = make_user("amy")
    saved = amy.get_id()
    assert load_user(saved) is not None
    accounts.set_active(actor, admin.id, amy.id, False, LATER)
    assert load_user(saved) is None and _fresh_login(amy.id) is None
    assert authenticate("amy", PASSWORD, LATER) is None
    accounts.set_active(actor, admin.id, amy.id, False, LATER)  # already inactive: no second entry
    accounts.set_active(actor, admin.id, amy.id, True, LATER)
    assert load_user(saved) is None and _fresh_login(amy.id).active
    [off] = _entries("account.deactivated")
    [on] = _entries("account.reactivated")
    assert (off.before, off.after) == ({"account": "amy", "active": True}, {"account": "amy", "active": False})
    assert on.after == {"account": "amy", "active": True}


def test_a_reset_replaces_the_password_and_forces_a_change_that_the_user_s_own_password_ends(app):
    admin, actor = _admin()
    amy = make_user("amy")
    saved = amy.get_id()
    result = accounts.reset_password(actor, amy.id, "", LATER)
    assert load_user(saved) is None
    assert authenticate("amy", PASSWORD, LATER) is None
    assert authenticate("amy", result.generated, LATER) is not None
    assert _fresh_login(amy.id).must_change_password
    [entry] = _entries("account.password_reset")
    assert entry.actor == "user:root" and result.generated not in str(entry.after) and "hash" not in str(entry.after)
    with pytest.raises(AuthError) as same:
        change_password(db.session.get(User, amy.id), result.generated, result.generated)
    assert same.value.field == "new"
    change_password(db.session.get(User, amy.id), result.generated, "my-own-password")
    assert not _fresh_login(amy.id).must_change_password


def test_a_reset_to_a_chosen_password_checks_it_first(app):
    admin, actor = _admin()
    amy = make_user("amy")
    with pytest.raises(AuthError) as refused:
        accounts.reset_password(actor, amy.id, "short", LATER)
    assert refused.value.field == "password" and _entries("account.password_reset") == []
    assert accounts.reset_password(actor, amy.id, "chosen-by-admin", LATER).generated is None
    assert authenticate("amy", "chosen-by-admin", LATER) is not None


def test_a_login_records_when_it_happened(app):
    amy = make_user("amy")
    assert amy.last_login_at is None
    authenticate("amy", PASSWORD, LATER)
    assert db.session.get(User, amy.id).last_login_at == LATER
    authenticate("amy", "wrong password", LATER + timedelta(hours=1))
    assert db.session.get(User, amy.id).last_login_at == LATER


def test_the_list_is_by_user_name_filtered_by_role_and_state_and_paged(app):
    for name, role in (("cy", "agent"), ("al", "agent"), ("bo", "shipping"), ("di", "agent")):
        make_user(name, role=role)
    db.session.get(User, db.session.scalar(select(User.id).where(User.username == "di"))).active = False
    db.session.commit()
    every = accounts.accounts_page(accounts.AccountFilter(), 1)
    assert [u.username for u in every.rows] == ["al", "bo", "cy", "di"] and every.total == 4
    active_agents = accounts.accounts_page(accounts.AccountFilter(role="agent", state="active"), 1)
    assert [u.username for u in active_agents.rows] == ["al", "cy"]
    inactive = accounts.accounts_page(accounts.AccountFilter(state="inactive"), 1)
    assert [u.username for u in inactive.rows] == ["di"]
    second = accounts.accounts_page(accounts.AccountFilter(), 2, per_page=3)
    assert [u.username for u in second.rows] == ["di"] and second.pages == 2


def test_unknown_filter_values_are_no_filter():
    chosen = accounts.AccountFilter.from_args({"role": "boss", "state": "gone"})
    assert chosen == accounts.AccountFilter() and chosen.args() == {}
    assert accounts.AccountFilter.from_args({"role": "agent", "state": "inactive"}).args() == {"role": "agent", "state": "inactive"}


def test_the_cli_resets_a_password_through_the_same_rules_and_audit(app):
    make_user("root", role="admin")
    runner = app.test_cli_runner()
    short = runner.invoke(args=["users", "reset-password", "root", "--password-stdin"], input="short\n")
    assert short.exit_code != 0 and "at least 8 characters" in short.output
    unknown = runner.invoke(args=["users", "reset-password", "nobody", "--password-stdin"], input="long enough pw\n")
    assert unknown.exit_code != 0 and "No user named 'nobody'" in unknown.output
    done = runner.invoke(args=["users", "reset-password", "root", "--password-stdin"], input="long enough pw\n")
    assert done.exit_code == 0, done.output
    db.session.expire_all()
    assert authenticate("root", "long enough pw", LATER).must_change_password
    assert [e.actor for e in _entries("account.password_reset")] == ["system:cli"]
