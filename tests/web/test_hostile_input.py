"""No page answers 500 to hostile input: the pages' counterpart of the API's schemathesis fuzz.

Every route of the URL map is walked as each role, with hostile path parameters (huge, negative and zero ids,
overlong, CR/LF and non-UTF-8 text) and, on every page, hostile values for every query parameter the views read
(extreme dates, NaN, huge numbers, CR/LF, overlong and non-UTF-8 text). The POST routes get the same values in every
form field the app's forms and views read. The full walk runs as an admin (who passes every role check) on SQLite
and PostgreSQL (an id past the integer range is a PostgreSQL error); each other role walks with the sharpest values
on SQLite. The app is in testing mode, so a server error propagates here as the exception itself.
"""
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import url_for
from flask_wtf import FlaskForm

import shopcs
from shopcs.extensions import db

from ..builders import PASSWORD, client_as, make_order, make_user
from ..case_builders import make_case
from ..page_catalogue import ROLES

HOSTILE_IDS = ("99999999999999999999", "2147483648", "-1", "0")
HOSTILE_TEXT = ("%ff%fe", "a%0d%0aLocation:%20//evil.example", "x" * 2000, "NaN")
HOSTILE_VALUES = ("9999-12-31", "0001-01-01", "99999999999999999999", "-1", "NaN", "sNaN", "-Infinity", "1e999",
                  "%0d%0a//evil.example", "/%0d%0a/evil.example", "%ff%fe", "x" * 2000)


@dataclass(frozen=True)
class Hostile:
    """What the walk sends: in path parameters, in every query parameter (twice more with valid choices), in forms."""
    path: tuple[str, ...]
    query: tuple[str, ...]
    form: tuple[str, ...]


EVERYTHING = Hostile(HOSTILE_IDS + HOSTILE_TEXT, HOSTILE_VALUES + HOSTILE_VALUES[:2], HOSTILE_VALUES)
# Admins pass every role check, so the full walk as an admin reaches every view; each other role, on SQLite, gets
# the values most likely to break a view (a role's own branches: its filters, its restricted pages).
SHARPEST = Hostile(("99999999999999999999", "%ff%fe"), ("9999-12-31", "sNaN", "/%0d%0a/evil.example", "%ff%fe",
                                                         "9999-12-31"), ("9999-12-31", "sNaN", "%ff%fe"))
SKIPPED = {"static", "auth.logout", "auth.login", "web.set_language"}  # logging out would end the walk; login: below
_SOURCES = Path(shopcs.__file__).parent


def _names(pattern: str) -> list[str]:
    found = {name for path in _SOURCES.rglob("*.py") for name in re.findall(pattern, path.read_text(encoding="utf-8"))}
    return sorted(found)


def _form_fields() -> list[str]:
    forms, pending = set(), [FlaskForm]
    while pending:
        for sub in pending.pop().__subclasses__():
            forms.add(sub)
            pending.append(sub)
    fields = {name for form in forms for name in dir(form) if hasattr(getattr(form, name), "field_class")}
    return sorted(fields | set(_names(r'form\.get(?:list)?\(\s*"(\w+)"')) - {"csrf_token"})


QUERY_NAMES = _names(r'args\.get(?:list)?\(\s*"(\w+)"')


def _seed() -> dict:
    order = make_order()
    case = make_case(order_no=order.order_no)
    return {"order_no": order.order_no, "case_id": case.id, "external_id": order.customer.external_id,
            "user_id": make_user("someone-else").id}


def _url(rule, values: dict, name: str | None = None, text: str = "") -> str:
    """The rule's path with its arguments from `values` (a real id, else 1), and argument `name` as hostile `text`."""
    def fill(match):
        return text if match.group(2) == name else str(values.get(match.group(2), 1))
    return re.sub(r"<(?:(\w+):)?(\w+)>", fill, rule.rule)


def _hostile_paths(rule, values: dict, texts: tuple[str, ...]) -> list[str]:
    return [_url(rule, values, name, text) for name in rule.arguments - (rule.defaults or {}).keys() for text in texts]


CHOICES = {"period": ("week", "month"), "format": ("csv", "json")}  # so that a bad day is reached past a good choice


def _query(value: str, turn: int) -> str:
    """Every query parameter the views read set to `value`; every other turn, the choices set to a valid one."""
    chosen = {name: options[turn // 2 % len(options)] for name, options in CHOICES.items()} if turn % 2 else {}
    return "&".join(f"{name}={chosen.get(name, value)}" for name in QUERY_NAMES)


def _walk(app, client, values: dict, hostile: Hostile) -> list[str]:
    form_fields = _form_fields()
    failures = []

    def hit(method: str, url: str, **kwargs):
        try:
            response = client.open(url, method=method, headers={"Accept-Language": "zh-CN"}, **kwargs)
        except Exception as exc:  # noqa: BLE001 - any exception is the 500 this test is about
            failures.append(f"{method} {url[:160]} raised {type(exc).__name__}: {str(exc)[:160]}")
            db.session.rollback()
            return
        if response.status_code >= 500:
            failures.append(f"{method} {url[:160]} answered {response.status_code}")

    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in SKIPPED:
            continue
        fixed = {**values, **(rule.defaults or {})}
        for path in _hostile_paths(rule, fixed, hostile.path):
            hit("GET" if "GET" in rule.methods else "POST", path)
        if "GET" in rule.methods:
            base = _url(rule, fixed)
            for turn, value in enumerate(hostile.query):
                hit("GET", f"{base}?{_query(value, turn)}")
        if "POST" in rule.methods and not rule.rule.startswith(("/api/", "/webhooks/")):
            for value in hostile.form:
                hit("POST", _url(rule, fixed), data={name: value.replace("%0d%0a", "\r\n") for name in form_fields})
    return failures


def test_no_route_answers_500_to_hostile_paths_queries_or_forms_of_an_admin(app, login):
    values = _seed()
    client = client_as(app, login, "admin")
    failures = _walk(app, client, values, EVERYTHING)
    assert not failures, "\n".join(failures)
    assert client.get("/worklog/?day=2026-03-04").status_code == 200  # still logged in: the walk reached every route


@pytest.mark.parametrize("role", [role for role in ROLES if role != "admin"])
def test_no_route_answers_500_to_the_sharpest_hostile_input_of_each_role(sqlite_app, login, role):
    values = _seed()
    client = client_as(sqlite_app, login, role)
    failures = _walk(sqlite_app, client, values, SHARPEST)
    assert not failures, "\n".join(failures)
    assert client.get("/worklog/?day=2026-03-04").status_code == (403 if role == "operator" else 200)  # still logged in


@pytest.mark.parametrize("target", ["/cases/\r\n/evil.example", "/\n/evil.example", "/orders\r\nSet-Cookie: x=1",
                                    "/\t/evil.example"])
def test_login_and_the_language_switch_never_redirect_to_a_target_with_cr_lf_or_tab(app, target):
    make_user("agent-1")
    with app.test_request_context():
        queue = url_for("orders.queue")
    client = app.test_client()
    assert client.post("/login", query_string={"next": target},
                       data={"username": "agent-1", "password": PASSWORD}).headers["Location"] == queue
    assert client.post("/lang/en", data={"next": target}).headers["Location"] == queue
    assert client.post("/lang/en", data={"next": "/cases/"}).headers["Location"] == "/cases/"


def test_an_id_past_the_databases_integer_range_or_below_one_is_not_found(app, login):
    seeded = _seed()
    client = client_as(app, login, "admin")
    for path in (f"/cases/{seeded['case_id']}/claim/photos/99999999999999999999", "/refunds/2147483648/approve",
                 "/refunds/0/reject", "/reply-templates/-1/edit", "/accounts/99999999999999999999"):
        assert client.get(path).status_code == 404, path
    for path in ("/refunds/99999999999999999999/complete", "/notes/99999999999999999999/done",
                 "/reports/alerts/99999999999999999999/done", "/followup/promotions/99999999999999999999/delete"):
        assert client.post(path).status_code == 404, path
    assert client.get(f"/cases/{seeded['case_id']}").status_code == 200  # an id in range still opens its page


def test_a_day_at_the_calendars_ends_is_explained_not_a_server_error(sqlite_app, login):
    agent, boss = client_as(sqlite_app, login, "agent"), client_as(sqlite_app, login, "supervisor")
    for day in ("9999-12-31", "0001-01-01", "1899-12-31"):
        answer = agent.get(f"/worklog/?day={day}", headers={"Accept-Language": "en"})
        assert answer.status_code == 422 and "from 1900-01-01 to 9998-12-31" in answer.get_data(as_text=True)
        assert agent.post("/worklog/notes", data={"day": day, "notes": "n"}).status_code == 422
        assert agent.post("/worklog/submit", data={"day": day}).status_code == 422
        assert boss.get(f"/reports/team?period=week&day={day}").status_code == 422
        assert boss.get(f"/reports/team/export?period=month&day={day}&format=csv").status_code == 422
    assert boss.get("/reports/team?period=week&day=9998-12-31").status_code == 200  # the last day a window holds


@pytest.mark.parametrize("value", ["sNaN", "NaN", "Infinity", "-inf"])
def test_the_alert_settings_refuse_a_number_that_is_not_finite(sqlite_app, login, value):
    client = client_as(sqlite_app, login, "operator")
    answer = client.post("/reports/alerts", data={"threshold_percent": value, "spike_factor": value, "spike_min_orders": "5",
                                                  "channel": "manual"}, headers={"Accept-Language": "en"})
    assert answer.status_code == 422 and answer.get_data(as_text=True).count("Enter a number.") == 2


def test_operators_neither_read_nor_write_work_logs(sqlite_app, login):
    client = client_as(sqlite_app, login, "operator")
    assert client.get("/worklog/").status_code == 403
    assert client.post("/worklog/notes", data={"day": "2026-03-04", "notes": "n"}).status_code == 403
    assert client.post("/worklog/submit", data={"day": "2026-03-04"}).status_code == 403
