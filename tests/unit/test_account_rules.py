"""The account rules shared by the accounts pages and `flask users` (auth/rules.py), and generated passwords."""
import re
from types import SimpleNamespace

import pytest

from shopcs.auth.passwords import generated_password
from shopcs.auth.rules import (
    MIN_PASSWORD_LENGTH,
    AuthError,
    check_admin_change,
    check_password,
    checked_display_name,
    checked_role,
    checked_username,
)


@pytest.mark.parametrize("name", ["amy", "after_sales", "li.wei", "shop-2", "ops@shop", "A" * 64])
def test_a_user_name_of_letters_digits_and_a_few_signs_is_taken_trimmed(name):
    assert checked_username(f"  {name} ") == name


@pytest.mark.parametrize("name", ["", "   ", "A" * 65, "two words", "王小明", "-dash-first", "semi;colon", "tab\tname"])
def test_a_user_name_outside_the_format_is_refused_on_the_username_field(name):
    with pytest.raises(AuthError) as refused:
        checked_username(name)
    assert refused.value.field == "username" and "64 characters" in str(refused.value)


def test_a_display_name_is_trimmed_its_inner_spaces_collapsed_and_kept_to_100_characters():
    assert checked_display_name("  王  小明 ") == "王 小明" and checked_display_name(None) == ""
    assert checked_display_name("x" * 100) == "x" * 100
    with pytest.raises(AuthError) as refused:
        checked_display_name("x" * 101)
    assert refused.value.field == "display_name" and str(refused.value) == "A display name has at most 100 characters."


def test_only_the_six_roles_are_known():
    assert checked_role("after_sales") == "after_sales"
    with pytest.raises(AuthError) as refused:
        checked_role("boss")
    assert refused.value.field == "role" and "'boss'" in str(refused.value) and "supervisor" in str(refused.value)


def test_a_password_needs_eight_to_two_hundred_characters_and_names_its_field():
    check_password("x" * MIN_PASSWORD_LENGTH)
    check_password("x" * 200)
    for bad in ("", None, "x" * 7, "x" * 201):
        with pytest.raises(AuthError) as refused:
            check_password(bad, "new")
        assert refused.value.field == "new"
    with pytest.raises(AuthError, match="at least 8 characters"):
        check_password("short")


def test_a_refusal_is_english_for_the_cli_and_translated_with_its_values_for_a_page():
    refused = AuthError("The password needs at least %(count)s characters.", "password", count=8)
    assert str(refused) == "The password needs at least 8 characters."
    assert refused.translated(lambda text, **values: "至少 %(count)s 个字符" % values) == "至少 8 个字符"


def _account(id, role="admin", active=True):
    return SimpleNamespace(id=id, role=role, active=active)


def test_an_admin_may_not_demote_or_deactivate_themselves():
    me = _account(1)
    for new_role, new_active in (("agent", True), ("admin", False)):
        with pytest.raises(AuthError, match="your own"):
            check_admin_change(1, me, new_role, new_active, other_active_admins=3)
    check_admin_change(1, me, "admin", True, other_active_admins=0)  # a display-name change of one's own


def test_the_last_active_admin_cannot_be_demoted_or_deactivated_by_anyone():
    last = _account(2)
    for new_role, new_active in (("supervisor", True), ("admin", False)):
        with pytest.raises(AuthError, match="last active admin"):
            check_admin_change(None, last, new_role, new_active, other_active_admins=0)
        check_admin_change(1, last, new_role, new_active, other_active_admins=1)


def test_other_accounts_and_inactive_admins_may_change_freely():
    check_admin_change(1, _account(2, role="agent"), "admin", True, other_active_admins=0)
    check_admin_change(1, _account(2, role="agent"), "agent", False, other_active_admins=0)
    check_admin_change(None, _account(2, active=False), "agent", False, other_active_admins=0)


def test_a_generated_password_is_long_readable_in_groups_and_different_each_time():
    passwords = {generated_password() for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        assert re.fullmatch(r"[a-km-np-zA-HJ-NP-Z2-9]{4}(-[a-km-np-zA-HJ-NP-Z2-9]{4}){2}-[a-km-np-zA-HJ-NP-Z2-9]{2}", password)
        check_password(password)
