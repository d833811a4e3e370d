"""Cookies carry the Secure flag unless switched off (SHOPCS_SECURE_COOKIES=0, as the demo on plain http does) or
debugging; form tokens expire (issue 21)."""
import pytest

from shopcs.config import CSRF_TOKEN_HOURS, load_config


def _secure(env) -> tuple[bool, bool]:
    config = load_config("/tmp", env=env)
    return config["SESSION_COOKIE_SECURE"], config["REMEMBER_COOKIE_SECURE"]


def test_cookies_are_secure_by_default():
    assert _secure({}) == (True, True)


@pytest.mark.parametrize("env", [{"SHOPCS_SECURE_COOKIES": "0"}, {"FLASK_DEBUG": "1"}, {"FLASK_DEBUG": "true"}])
def test_plain_http_or_debugging_sends_cookies_without_the_flag(env):
    assert _secure(env) == (False, False)


@pytest.mark.parametrize("debug", ["0", "false", "no", ""])
def test_a_debug_flag_that_is_off_keeps_cookies_secure(debug):
    assert _secure({"FLASK_DEBUG": debug}) == (True, True)


def test_the_variable_wins_over_debugging():
    assert _secure({"FLASK_DEBUG": "1", "SHOPCS_SECURE_COOKIES": "1"}) == (True, True)


def test_form_tokens_expire_after_eight_hours():
    assert CSRF_TOKEN_HOURS == 8 and load_config("/tmp", env={})["WTF_CSRF_TIME_LIMIT"] == 8 * 3600
