"""The supervisors' case settings page: response targets per channel and the promise words, saved and audited;
every bad value refused with nothing saved; roles; CSRF. Saving runs on SQLite and PostgreSQL."""
import re
from datetime import timedelta

import pytest

from shopcs.cases.models import Case
from shopcs.cases.replies.promises import DEFAULT_WORDS
from shopcs.cases.rules import TriageSettings
from shopcs.cases.settings import load_promise_words, load_sla_settings, load_triage
from shopcs.cases.sla import SlaSettings
from shopcs.extensions import db

from ..builders import NOW
from ..case_builders import make_case
from ..case_page_builders import ENGLISH, audit_actions, client_as
from ..conftest import csrf_token_from


def targets_form(**changes) -> dict:
    """The targets form as a browser posts the defaults (ticked days repeated, unticked boxes absent); a change
    of None leaves the field out."""
    data = {"amber_percent": "40"}
    for channel, target in SlaSettings.default().targets.items():
        hours = target.hours
        data.update({f"{channel}.minutes": str(target.minutes), f"{channel}.opens": hours.opens.strftime("%H:%M"),
                     f"{channel}.closes": hours.closes.strftime("%H:%M"),
                     f"{channel}.weekdays": [str(day) for day in sorted(hours.weekdays)]})
        if hours.public_holidays_off:
            data[f"{channel}.public_holidays_off"] = "true"
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def post(client, url, data):
    return client.post(url, data=data, headers=ENGLISH)


def test_only_supervisors_and_admins_open_or_change_the_settings(sqlite_app, login):
    for role in ("supervisor", "admin"):
        client, _user = client_as(sqlite_app, login, role)
        assert client.get("/cases/settings").status_code == 200
    for role in ("agent", "after_sales", "shipping", "operator"):
        client, _user = client_as(sqlite_app, login, role)
        assert client.get("/cases/settings").status_code == 403
        assert post(client, "/cases/settings", targets_form(**{"chat.minutes": "9"})).status_code == 403
        assert post(client, "/cases/settings/promise-words", {"words": "保证"}).status_code == 403
    assert load_sla_settings() == SlaSettings.default() and audit_actions() == []


def test_the_page_says_what_each_target_means_and_that_a_change_applies_to_new_cases(sqlite_app, login):
    client, _user = client_as(sqlite_app, login, "supervisor")
    page = client.get("/cases/settings", headers=ENGLISH).get_data(as_text=True)
    assert "240 minutes of working time, Monday–Friday 09:00–18:00, public holidays off" in page
    assert "5 minutes of working time, every day 08:00–24:00" in page
    assert "applies to cases received after the change" in page
    assert 'value="保证"' not in page and "保证\n绝对" in page  # the words, one per line
    assert re.search(r'data-test="email-day-4"\s+checked', page) and not re.search(r'data-test="email-day-5"\s+checked', page)


def test_saved_targets_are_audited_and_the_next_case_is_due_by_them(app, login):
    client, _user = client_as(app, login, "supervisor")
    before = make_case()
    assert before.first_response_due_at == NOW + timedelta(minutes=5)
    form = targets_form(**{"chat.minutes": "30", "chat.opens": "00:00", "amber_percent": "25",
                           "email.public_holidays_off": None, "email.weekdays": ["0", "1", "2", "3", "4", "5"]})
    response = post(client, "/cases/settings", form)
    assert response.status_code == 302 and response.headers["Location"].endswith("/cases/settings")
    settings = load_sla_settings()
    assert settings.targets["chat"].minutes == 30 and str(settings.amber_share) == "0.25"
    assert settings.targets["email"].hours.public_holidays_off is False  # an unticked box is saved as off
    assert settings.targets["email"].hours.weekdays == frozenset(range(6))
    assert audit_actions() == ["case.created", "case_sla.settings_changed"]
    assert make_case().first_response_due_at == NOW + timedelta(minutes=30)
    db.session.expire_all()
    assert db.session.get(Case, before.id).first_response_due_at == NOW + timedelta(minutes=5)  # an earlier case keeps its due time
    page = client.get("/cases/settings", headers=ENGLISH).get_data(as_text=True)
    assert "30 minutes of working time, every day round the clock" in page
    assert "Monday–Saturday 09:00–18:00" in page


BAD_VALUES = [
    ({"chat.minutes": "0"}, "chat-minutes"),
    ({"chat.minutes": "ten"}, "chat-minutes"),
    ({"phone.minutes": "10081"}, "phone-minutes"),
    ({"email.opens": "18:00", "email.closes": "09:00"}, "email-closes"),
    ({"email.opens": "25:00"}, "email-opens"),
    ({"platform.weekdays": None}, "platform-weekdays"),
    ({"platform.weekdays": ["7"]}, "platform-weekdays"),
    ({"email.minutes": "2500", "email.weekdays": ["0"]}, "email-minutes"),  # more than four weeks of its hours
    ({"amber_percent": "101"}, "amber_percent"),
    ({"amber_percent": ""}, "amber_percent"),
]


@pytest.mark.parametrize(("changes", "error"), BAD_VALUES)
def test_every_kind_of_bad_target_is_refused_with_the_field_named_and_nothing_saved(sqlite_app, login, changes, error):
    client, _user = client_as(sqlite_app, login, "supervisor")
    response = post(client, "/cases/settings", targets_form(**{"chat.minutes": "9", **changes}))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and f'data-test="error-{error}"' in page
    assert "Nothing was saved" in page
    assert load_sla_settings() == SlaSettings.default() and audit_actions() == []


def test_a_refused_form_shows_what_was_typed(sqlite_app, login):
    client, _user = client_as(sqlite_app, login, "supervisor")
    page = post(client, "/cases/settings", targets_form(**{"chat.minutes": "0", "phone.minutes": "7"})).get_data(as_text=True)
    assert 'name="phone.minutes" value="7"' in page and "Enter a whole number of minutes from 1 to 10080." in page


def test_promise_words_are_saved_one_per_line_and_audited(app, login):
    client, _user = client_as(app, login, "supervisor")
    response = post(client, "/cases/settings/promise-words", {"words": "保证\r\n 绝对 \n\nGuarantee\nguarantee"})
    assert response.status_code == 302
    assert load_promise_words() == ("保证", "绝对", "Guarantee") and audit_actions() == ["case_promise_words.settings_changed"]


@pytest.mark.parametrize(("words", "message"), [
    ("\n".join(f"词{n}" for n in range(101)), "At most 100 words, one per line."),
    ("保证\n" + "长" * 31, "is longer than 30 characters."),
])
def test_too_many_or_too_long_promise_words_are_refused_and_nothing_is_saved(sqlite_app, login, words, message):
    client, _user = client_as(sqlite_app, login, "supervisor")
    response = post(client, "/cases/settings/promise-words", {"words": words})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'data-test="error-words"' in page and message in page
    assert "词100" in page or "长" * 31 in page  # what was typed stays in the box
    assert load_promise_words() == DEFAULT_WORDS and audit_actions() == []


def test_a_post_without_the_csrf_token_is_refused(csrf_app, login):
    client, _user = client_as(csrf_app, login, "supervisor")
    assert post(client, "/cases/settings", targets_form(**{"chat.minutes": "9"})).status_code == 400
    assert post(client, "/cases/settings/promise-words", {"words": "保证"}).status_code == 400
    assert load_sla_settings() == SlaSettings.default()
    token = csrf_token_from(client.get("/cases/settings").get_data(as_text=True))
    assert post(client, "/cases/settings", {**targets_form(**{"chat.minutes": "9"}), "csrf_token": token}).status_code == 302
    assert load_sla_settings().targets["chat"].minutes == 9


def test_the_queue_links_supervisors_to_the_settings_and_the_reviews_but_not_agents(sqlite_app, login):
    client, _user = client_as(sqlite_app, login, "supervisor")
    page = client.get("/cases/", headers=ENGLISH).get_data(as_text=True)
    for link in ('href="/cases/settings"', 'href="/complaints/"', 'href="/cases/breaches"'):
        assert link in page
    agent, _user = client_as(sqlite_app, login, "agent")
    assert 'href="/cases/settings"' not in agent.get("/cases/").get_data(as_text=True)


# ---- the assistant's settings ----

def test_the_assistant_settings_are_saved_audited_and_refused_whole_when_bad(app, login):
    client, _user = client_as(app, login, "supervisor")
    page = client.get("/cases/settings", headers=ENGLISH).get_data(as_text=True)
    assert page.count('data-test="assistant-settings"') == 1 and 'data-test="min-confidence"' in page
    assert 'value="60"' in page and re.search(r'data-test="auto-answer"\s+checked', page)
    assert re.search(r'<option value="pre_sale" selected>', page)
    bad = post(client, "/cases/settings/assistant",
               {"min_confidence": "150", "default_category": "nonsense", "auto_answer": ["false"]})
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "Enter a whole number from 0 to 100." in text and "Choose a category." in text
    assert 'value="150"' in text  # what was typed stays in the form
    assert load_triage() == TriageSettings() and audit_actions() == []
    saved = post(client, "/cases/settings/assistant",
                 {"min_confidence": "85", "default_category": "payment", "auto_answer": ["false"]})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/cases/settings#assistant")
    assert load_triage() == TriageSettings(85, "payment", False)  # the unticked box sent only its hidden "false"
    post(client, "/cases/settings/assistant",
         {"min_confidence": "85", "default_category": "payment", "auto_answer": ["false"]})  # unchanged: no trace
    post(client, "/cases/settings/assistant",
         {"min_confidence": "85", "default_category": "payment", "auto_answer": ["false", "true"]})
    assert load_triage().auto_answer is True
    assert audit_actions() == ["case_assistant.settings_changed", "case_assistant.settings_changed"]


def test_the_assistant_settings_need_the_forms_token(csrf_app, login):
    client, _user = client_as(csrf_app, login, "supervisor")
    form = {"min_confidence": "10", "default_category": "payment"}
    assert post(client, "/cases/settings/assistant", form).status_code == 400
    assert load_triage() == TriageSettings()
    token = csrf_token_from(client.get("/cases/settings").get_data(as_text=True))
    assert post(client, "/cases/settings/assistant", {**form, "csrf_token": token}).status_code == 302
    assert load_triage().min_confidence == 10
