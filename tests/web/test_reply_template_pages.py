"""The reply template pages: everyone who works cases reads and searches, supervisors and admins write, a
deactivation is confirmed first; and the case page's picker partial."""
import html
import pathlib
import re

import pytest
from flask import g, render_template
from sqlalchemy import func, select

from shopcs.audit.models import AuditEntry
from shopcs.cases.queries import get_case
from shopcs.cases.replies import templates as service
from shopcs.cases.replies.models import ReplyTemplate
from shopcs.extensions import db

from ..builders import NOW, make_user
from ..case_builders import as_user, make_case

ROOT = pathlib.Path(__file__).parents[2]


def _client(app, login, role):
    g.pop("_login_user", None)
    user = make_user(role=role)
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"  # the assertions read the English texts
    login(client, user.username)
    return client


def _template(key="tracking-late", language="zh_CN", title="物流延误", body="您好，{buyer_name}！", category="tracking"):
    actor = as_user(make_user(role="supervisor"))
    return service.create_template({"key": key, "category": category, "language": language, "title": title,
                                    "body": body}, actor, NOW)


def _form(**changes) -> dict:
    data = {"key": "closing-thanks", "category": "", "language": "zh_CN", "title": "结束语",
            "body": "谢谢您，再见！我是{agent_name}。"}
    data.update(changes)
    return data


def _count(model=ReplyTemplate) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("role", ["agent", "after_sales", "shipping"])
def test_people_who_work_cases_read_the_list_but_cannot_change_it(sqlite_app, login, role):
    template = _template()
    client = _client(sqlite_app, login, role)
    page = client.get("/reply-templates/").get_data(as_text=True)
    assert f'data-template-id="{template.id}"' in page and "物流延误" in page
    assert 'data-test="reply-template-new"' not in page and 'data-test="reply-template-edit"' not in page
    for url in ("/reply-templates/new", f"/reply-templates/{template.id}/edit", f"/reply-templates/{template.id}/deactivate"):
        assert client.get(url).status_code == 403, url
        assert client.post(url, data=_form(title="hijacked")).status_code == 403, url
    db.session.expire_all()
    assert db.session.get(ReplyTemplate, template.id).active and _count() == 1


def test_an_operator_does_not_see_the_templates(sqlite_app, login):
    assert _client(sqlite_app, login, "operator").get("/reply-templates/").status_code == 403


def test_a_supervisor_adds_a_template_through_the_form(sqlite_app, login):
    client = _client(sqlite_app, login, "supervisor")
    assert 'data-test="reply-template-form"' in client.get("/reply-templates/new").get_data(as_text=True)
    response = client.post("/reply-templates/new", data=_form())
    assert response.status_code == 302 and response.headers["Location"] == "/reply-templates/"
    template = db.session.scalar(select(ReplyTemplate))
    assert (template.key, template.category, template.body) == ("closing-thanks", None, "谢谢您，再见！我是{agent_name}。")
    assert db.session.scalar(select(AuditEntry.action)) == "reply_template.created"
    assert "结束语" in client.get("/reply-templates/").get_data(as_text=True)


def test_a_template_with_an_unknown_variable_is_refused_with_a_field_error_and_nothing_is_saved(sqlite_app, login):
    client = _client(sqlite_app, login, "supervisor")
    response = client.post("/reply-templates/new", data=_form(body="您好 {buyer_name.__class__} {coupon}"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'data-test="error-body"' in page
    assert "not allowed" in html.unescape(page) and "Nothing was saved" in page
    assert _count() == 0 and _count(AuditEntry) == 0


def test_a_supervisor_edits_a_template_and_the_change_is_audited(sqlite_app, login):
    template = _template()
    client = _client(sqlite_app, login, "supervisor")
    page = client.get(f"/reply-templates/{template.id}/edit").get_data(as_text=True)
    assert 'value="物流延误"' in page and "tracking-late" in page and 'name="key"' not in page
    response = client.post(f"/reply-templates/{template.id}/edit",
                           data=_form(title="物流延误答复", category="tracking", body="您好，运单号 {tracking_no}"))
    assert response.status_code == 302
    db.session.expire_all()
    stored = db.session.get(ReplyTemplate, template.id)
    assert (stored.title, stored.body, stored.key) == ("物流延误答复", "您好，运单号 {tracking_no}", "tracking-late")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "reply_template.updated"))
    assert entry.after == {"key": "tracking-late", "title": "物流延误答复", "body": "您好，运单号 {tracking_no}"}
    assert client.get("/reply-templates/999999/edit").status_code == 404


def test_an_admin_may_edit_too(sqlite_app, login):
    template = _template()
    client = _client(sqlite_app, login, "admin")
    assert client.get(f"/reply-templates/{template.id}/edit").status_code == 200
    assert client.post(f"/reply-templates/{template.id}/edit", data=_form(title="改过")).status_code == 302


def test_deactivating_asks_for_confirmation_first(sqlite_app, login):
    template = _template()
    client = _client(sqlite_app, login, "supervisor")
    listing = client.get("/reply-templates/").get_data(as_text=True)
    assert f'href="/reply-templates/{template.id}/deactivate"' in listing
    confirm = client.get(f"/reply-templates/{template.id}/deactivate").get_data(as_text=True)
    assert 'data-test="reply-template-deactivate-confirm"' in confirm and "Deactivate this reply template?" in confirm
    assert 'data-test="reply-template-deactivate-button"' in confirm
    db.session.expire_all()
    assert db.session.get(ReplyTemplate, template.id).active  # looking at the question changes nothing
    response = client.post(f"/reply-templates/{template.id}/deactivate")
    assert response.status_code == 302
    db.session.expire_all()
    assert not db.session.get(ReplyTemplate, template.id).active
    assert db.session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc())) == "reply_template.deactivated"
    assert f'data-template-id="{template.id}"' not in client.get("/reply-templates/").get_data(as_text=True)
    inactive = client.get("/reply-templates/?status=inactive").get_data(as_text=True)
    assert f'data-template-id="{template.id}"' in inactive and 'data-test="reply-template-inactive"' in inactive
    again = client.get(f"/reply-templates/{template.id}/deactivate").get_data(as_text=True)
    assert "already deactivated" in again and 'data-test="reply-template-deactivate-button"' not in again


def test_the_list_is_searched_filtered_and_paginated(sqlite_app, login):
    for number in range(27):
        _template(key=f"t{number}", title=f"物流 {number:02d}")
    _template(key="hello", language="en", title="Greeting", body="Hello <b>{buyer_name}</b>", category="")
    client = _client(sqlite_app, login, "agent")
    first = client.get("/reply-templates/?language=zh_CN").get_data(as_text=True)
    second = client.get("/reply-templates/?language=zh_CN&page=2").get_data(as_text=True)
    assert first.count('data-test="reply-template-row"') == 25 and second.count('data-test="reply-template-row"') == 2
    assert 'data-test="pager-next"' in first and "language=zh_CN" in re.search(r'href="([^"]+)" data-test="pager-next"', first)[1]
    english = client.get("/reply-templates/?q=hello&category=any").get_data(as_text=True)
    assert english.count('data-test="reply-template-row"') == 1 and 'data-key="hello"' in english
    assert "Hello &lt;b&gt;{buyer_name}&lt;/b&gt;" in english  # a template's text is shown, never run
    assert 'data-test="reply-template-empty"' in client.get("/reply-templates/?q=nothing-like-it").get_data(as_text=True)
    assert client.get("/reply-templates/?page=-3&category=nope&language=xx").status_code == 200


def test_the_pages_speak_chinese_by_default(sqlite_app, login):
    client = _client(sqlite_app, login, "supervisor")
    client.environ_base.pop("HTTP_ACCEPT_LANGUAGE")
    assert client.get("/reply-templates/").status_code == 200


def test_the_picker_partial_points_at_the_case_s_templates_and_runs_no_inline_script(sqlite_app):
    case = get_case(make_case().id)
    with sqlite_app.test_request_context("/", headers={"Accept-Language": "en"}):
        partial = render_template("cases/_template_picker.html", case=case)
    assert f'data-url="/cases/{case.id}/templates"' in partial and 'data-target="reply-body"' in partial
    assert 'data-test="template-picker-search"' in partial and '<option value="tracking">' in partial
    scripts = re.findall(r"<script[^>]*>", partial)
    assert scripts == ['<script src="/static/template_picker.js" defer>']
    script = (ROOT / "static" / "template_picker.js").read_text(encoding="utf-8")
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script and "textContent" in script
    assert "setRangeText" in script and '"KeyT"' in script and 'event.key === "/"' in script
