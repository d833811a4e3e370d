"""The queue page's shortcuts change nothing a user sees: texts worked out once per language, links built
without url_for, prebuilt statements, the user read with a prebuilt select."""
import pytest
from flask import g, request, url_for
from jinja2 import ChoiceLoader, DictLoader, UndefinedError

from shopcs.auth.models import User
from shopcs.extensions import db
from shopcs.paging import QueryLinks

from ..builders import make_customer, make_order, make_user


def _page(client, url="/", **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _agent(app, login, name="amy", role="agent"):
    make_user(name, role=role)
    client = app.test_client()
    login(client, name)
    return client


def test_the_queue_speaks_each_request_s_language_whichever_came_first(sqlite_app, login):
    make_order("T100", phone="12345")  # a row with every badge
    client = _agent(sqlite_app, login)
    for _round in range(2):
        english = _page(client, "/?group=flagged", **{"Accept-Language": "en"})
        chinese = _page(client, "/?group=flagged")
        assert "<h1>Order queue</h1>" in english and "Oldest paid first" in english and "check phone" in english
        assert "<h1>订单队列</h1>" in chinese and "Oldest paid first" not in chinese and "check phone" not in chinese
        assert "<th>Promised ship date</th>" in english and "SF Express" in english and "(any address)" in english
        assert "SF Express" not in chinese and "顺丰速运" in chinese


def test_one_user_s_search_never_shows_on_another_user_s_page(sqlite_app, login):
    make_order("T100", recipient="李四", customer=make_customer(name="王芳"))
    amy = _agent(sqlite_app, login)
    searched = _page(amy, "/?q=赵六&province=西藏&unreachable=SF&sort=total")
    assert 'value="赵六"' in searched and 'value="西藏"' in searched and 'value="SF" selected' in searched
    bo = _agent(sqlite_app, login, "bo")
    other = _page(bo, "/")
    assert "赵六" not in other and "西藏" not in other and "selected" not in other.split('name="unreachable"')[1].split("</select>")[0]
    assert 'data-order-no="T100"' in other


@pytest.mark.parametrize("query", [
    "", "group=ship", "q=a b+c&page=3", "q=%E7%8E%8B%E8%8A%B3&province=新疆&unreachable=SF",
    "q=!$'()*,/:;?@%23%25%26%3D~&sort=total", "group=due&page=&sort=newest&extra=x",
])
def test_the_tab_and_pager_links_are_the_ones_url_for_builds(sqlite_app, query):
    with sqlite_app.test_request_context("/?" + query):
        args = request.args.to_dict()
        links = QueryLinks(url_for("orders.queue"), args)
        for changes in ({}, {"group": "ship", "page": None}, {"page": 2}, {"page": 12}):
            merged = {k: v for k, v in {**args, **changes}.items() if v not in (None, "")}
            assert links(**changes) == url_for("orders.queue", **merged), changes


def test_a_deactivated_account_is_let_go_on_its_next_request(sqlite_app, login):
    client = _agent(sqlite_app, login)
    assert client.get("/").status_code == 200
    db.session.query(User).filter_by(username="amy").update({"active": False})
    db.session.commit()
    g.pop("_login_user", None)  # tests share one app context; a real request starts without a user
    answer = client.get("/")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_a_new_role_shows_on_the_next_request(sqlite_app, login):
    client = _agent(sqlite_app, login)
    assert 'data-test="nav-audit"' not in _page(client)
    db.session.query(User).filter_by(username="amy").update({"role": "supervisor"})
    db.session.commit()
    g.pop("_login_user", None)
    assert 'data-test="nav-audit"' in _page(client)


@pytest.mark.parametrize("leak", ["csrf_token()", "request.args", "current_user.username", "session['_user_id']"])
def test_the_parts_every_user_shares_cannot_take_a_request_s_data(sqlite_app, login, monkeypatch, leak):
    client = _agent(sqlite_app, login)
    fixed = DictLoader({"orders/_queue_fixed.html": "{% set title = " + leak + " %}"})
    monkeypatch.setattr(sqlite_app.jinja_env, "loader", ChoiceLoader([fixed, sqlite_app.jinja_env.loader]))
    with pytest.raises(UndefinedError):
        client.get("/")
