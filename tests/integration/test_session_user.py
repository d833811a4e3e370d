"""The logged-in user is read on every request as a plain row (auth/loader.py), on both databases: who they are and
their role as stored, never a deactivated or unknown account; a change to the account goes through its User."""
import pytest

from shopcs.auth.loader import SessionUser, account_of, load_user
from shopcs.auth.models import User
from shopcs.auth.services import AuthError, change_password, end_sessions
from shopcs.extensions import db

from ..builders import PASSWORD, make_user


def test_the_session_s_user_is_the_stored_account_read_only(app):
    stored = make_user("amy", role="after_sales")
    stored.display_name = "Amy Wang"
    db.session.commit()
    user = load_user(stored.get_id())
    assert user == SessionUser(stored.id, "amy", "Amy Wang", "after_sales", True, session_version=0)
    assert user.is_authenticated and user.is_active and not user.is_anonymous
    assert user.get_id() == f"{stored.id}:0" == stored.get_id() and user.label == "Amy Wang"
    with pytest.raises(AttributeError):
        user.role = "admin"  # a page cannot change the account through current_user


def test_unknown_deactivated_and_malformed_ids_log_no_one_in(app):
    stored = make_user("bo")
    stored.active = False
    db.session.commit()
    assert load_user(stored.get_id()) is None
    assert load_user(f"{stored.id + 1000}:0") is None
    # U+0661: an Arabic-Indic 1, a digit to isdigit()
    for malformed in ("", "-1", "1.0", "1 OR 1=1", "\u0661", "9" * 30, "1:", ":0", "1:-1", "1:0:0", "1:" + "9" * 30):
        assert load_user(malformed) is None


def test_a_change_to_the_account_goes_through_its_user(app):
    stored = make_user("cy")
    user = load_user(stored.get_id())
    account = account_of(user)
    assert isinstance(account, User) and account.id == stored.id and account_of(account) is account
    change_password(account, PASSWORD, "a-new-password-123")
    db.session.commit()
    with pytest.raises(AuthError):
        change_password(account_of(load_user(stored.get_id())), PASSWORD, "another-password-456")


def test_a_session_id_of_an_older_version_or_without_one_logs_no_one_in(app):
    stored = make_user("di")
    saved = stored.get_id()
    end_sessions(stored)
    db.session.commit()
    assert stored.session_version == 1 and load_user(stored.get_id()).session_version == 1
    assert load_user(saved) is None
    assert load_user(str(stored.id)) is None  # a session saved before versions existed


def test_a_bump_adds_to_the_stored_version_not_to_the_one_last_read(app):
    stored = make_user("ed")
    assert stored.session_version == 0  # read now; another request then ends the sessions too
    db.session.execute(User.__table__.update().where(User.id == stored.id).values(session_version=User.session_version + 1))
    end_sessions(stored)
    db.session.commit()
    assert stored.session_version == 2
