"""The logged-in user is read on every request as a plain row (auth/loader.py), on both databases: who they are and
their role as stored, never a deactivated or unknown account; a change to the account goes through its User."""
import pytest

from shopcs.auth.loader import SessionUser, account_of, load_user
from shopcs.auth.models import User
from shopcs.auth.services import AuthError, change_password
from shopcs.extensions import db

from ..builders import PASSWORD, make_user


def test_the_session_s_user_is_the_stored_account_read_only(app):
    stored = make_user("amy", role="after_sales")
    stored.display_name = "Amy Wang"
    db.session.commit()
    user = load_user(str(stored.id))
    assert user == SessionUser(stored.id, "amy", "Amy Wang", "after_sales", True)
    assert user.is_authenticated and user.is_active and not user.is_anonymous
    assert user.get_id() == str(stored.id) and user.label == "Amy Wang"
    with pytest.raises(AttributeError):
        user.role = "admin"  # a page cannot change the account through current_user


def test_unknown_deactivated_and_malformed_ids_log_no_one_in(app):
    stored = make_user("bo")
    stored.active = False
    db.session.commit()
    assert load_user(str(stored.id)) is None
    assert load_user(str(stored.id + 1000)) is None
    for malformed in ("", "-1", "1.0", "1 OR 1=1", "\u0661", "9" * 30):  # U+0661: an Arabic-Indic 1, a digit to isdigit()
        assert load_user(malformed) is None


def test_a_change_to_the_account_goes_through_its_user(app):
    stored = make_user("cy")
    user = load_user(str(stored.id))
    account = account_of(user)
    assert isinstance(account, User) and account.id == stored.id and account_of(account) is account
    change_password(account, PASSWORD, "a-new-password-123")
    db.session.commit()
    with pytest.raises(AuthError):
        change_password(account_of(load_user(str(stored.id))), PASSWORD, "another-password-456")
