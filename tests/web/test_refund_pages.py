import re
from decimal import Decimal as D

import pytest
from flask import g, render_template
from flask_login import login_user
from sqlalchemy import func, select

from shopcs.actor import Actor
from shopcs.extensions import db
from shopcs.orders.models import Refund
from shopcs.orders.refund_service import RefundRequest, approve_refund, request_refund

from ..builders import NOW, make_order, make_user, refund_limits


def _flashes(client) -> list[tuple[str, str]]:
    with client.session_transaction() as session:
        return list(session.get("_flashes", []))


def _client(app, login, role, name=None):
    """A logged-in client. The tests share one app context, so Flask-Login's cached user in `g` is dropped first.

    It asks for English pages (the default is Chinese): these tests read the English wording.
    """
    g.pop("_login_user", None)
    user = make_user(name or role.replace("_", "-"), role=role)
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(client, user.username)
    return client


def _refunds(order) -> list[Refund]:
    return list(db.session.scalars(select(Refund).where(Refund.order_id == order.id).order_by(Refund.id)))


def _open(client, order, amount="30.00", key="k-1", **extra):
    data = {"reason": "size", "amount": amount, "idempotency_key": key, "note": "", **extra}
    return client.post(f"/orders/{order.order_no}/refunds", data=data)


def _requested(order, amount):
    refund, _ = request_refund(order.order_no, RefundRequest(D(amount), "quality"), Actor("user:amy", "agent"), NOW)
    return refund


def _render(app, template, user, order):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        login_user(user)
        return render_template(template, order=order)


def test_an_agent_opens_a_partial_refund_and_is_sent_back_to_the_order(sqlite_app, login):
    order = make_order(total="100.00")
    client = _client(sqlite_app, login, "agent")
    response = _open(client, order, amount="30.00", with_return="y", note="sleeve torn")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/orders/{order.order_no}#refunds")
    [refund] = _refunds(order)
    assert (refund.amount, refund.reason, refund.with_return, refund.status, refund.note, refund.requested_by) == (
        D("30.00"), "size", True, "requested", "sleeve torn", "user:agent")
    assert ("info", "Refund of CN¥30.00 requested.") in _flashes(client)  # Babel's English for yuan


def test_a_double_submit_with_the_same_idempotency_key_makes_one_refund(sqlite_app, login):
    order = make_order(total="100.00")
    client = _client(sqlite_app, login, "agent")
    _open(client, order, key="same-form")
    _open(client, order, key="same-form")
    assert len(_refunds(order)) == 1
    assert any("already requested" in message for _, message in _flashes(client))
    _open(client, order, key="another-form")
    assert len(_refunds(order)) == 2


@pytest.mark.parametrize("amount, expected", [
    ("", "Enter the amount"), ("abc", "number"), ("-5", "negative"), ("1.234", "CNY has at most 2 decimals"),
    ("100.01", "At most CN¥100.00"), ("0", "above CN¥0.00"),
])
def test_a_bad_amount_is_flashed_and_nothing_is_written(sqlite_app, login, amount, expected):
    order = make_order(total="100.00")
    client = _client(sqlite_app, login, "agent")
    _open(client, order, amount=amount)
    assert _refunds(order) == []
    assert any(category == "error" and expected in message for category, message in _flashes(client)), _flashes(client)


def test_an_unknown_reason_is_refused(sqlite_app, login):
    order = make_order()
    client = _client(sqlite_app, login, "agent")
    _open(client, order, reason="because")
    assert _refunds(order) == [] and _flashes(client)[0][0] == "error"


def test_a_refund_on_an_unknown_order_is_404(sqlite_app, login):
    client = _client(sqlite_app, login, "agent")
    response = client.post("/orders/NOPE/refunds", data={"reason": "size", "amount": "1.00", "idempotency_key": "k"})
    assert response.status_code == 404


@pytest.mark.parametrize("role", ["shipping", "operator"])
def test_shipping_and_operator_may_not_open_or_decide_refunds(sqlite_app, login, role):
    order = make_order(total="100.00")
    refund = _requested(order, "20.00")
    client = _client(sqlite_app, login, role)
    assert _open(client, order, key="x").status_code == 403
    for action in ("approve", "complete", "reject"):
        assert client.post(f"/refunds/{refund.id}/{action}").status_code == 403
    assert client.get(f"/refunds/{refund.id}/reject").status_code == 403
    assert [r.status for r in _refunds(order)] == ["requested"]


def test_an_agent_cannot_approve_above_the_limit_but_a_supervisor_can(sqlite_app, login):
    order = make_order(total="500.00")
    refund = _requested(order, "250.00")
    agent = _client(sqlite_app, login, "agent")
    response = agent.post(f"/refunds/{refund.id}/approve")
    assert response.status_code == 302
    assert db.session.get(Refund, refund.id, populate_existing=True).status == "requested"
    assert any(c == "error" and "supervisor" in m and "¥200.00" in m for c, m in _flashes(agent))

    supervisor = _client(sqlite_app, login, "supervisor")
    supervisor.post(f"/refunds/{refund.id}/approve")
    approved = db.session.get(Refund, refund.id, populate_existing=True)
    assert approved.status == "approved" and approved.decided_by == "user:supervisor"


def test_an_agent_approves_within_the_limit_and_completes(sqlite_app, login):
    order = make_order(total="100.00")
    refund = _requested(order, "100.00")
    client = _client(sqlite_app, login, "after_sales")
    client.post(f"/refunds/{refund.id}/approve")
    client.post(f"/refunds/{refund.id}/complete")
    done = db.session.get(Refund, refund.id, populate_existing=True)
    assert done.status == "completed" and done.completed_at is not None


def test_completing_a_refund_that_is_not_approved_is_flashed_not_a_500(sqlite_app, login):
    order = make_order()
    refund = _requested(order, "10.00")
    client = _client(sqlite_app, login, "agent")
    response = client.post(f"/refunds/{refund.id}/complete")
    assert response.status_code == 302 and _flashes(client)[0][0] == "error"
    assert db.session.get(Refund, refund.id, populate_existing=True).status == "requested"


def test_rejecting_asks_for_confirmation_first_then_records_the_note(sqlite_app, login):
    order = make_order()
    refund = _requested(order, "10.00")
    client = _client(sqlite_app, login, "agent")
    page = client.get(f"/refunds/{refund.id}/reject?next=/refunds")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-test="reject-form"' in html and order.order_no in html
    assert db.session.get(Refund, refund.id).status == "requested"
    response = client.post(f"/refunds/{refund.id}/reject", data={"note": "buyer withdrew", "next": "/refunds"})
    assert response.headers["Location"] == "/refunds"
    rejected = db.session.get(Refund, refund.id, populate_existing=True)
    assert rejected.status == "rejected" and "buyer withdrew" in rejected.note


def test_the_return_address_after_a_decision_never_leaves_the_site(sqlite_app, login):
    order = make_order()
    refund = _requested(order, "10.00")
    client = _client(sqlite_app, login, "supervisor")
    response = client.post(f"/refunds/{refund.id}/reject", data={"next": "//evil.example/"})
    assert response.headers["Location"].endswith(f"/orders/{order.order_no}#refunds")


def test_a_decision_on_an_unknown_refund_is_404(sqlite_app, login):
    client = _client(sqlite_app, login, "supervisor")
    assert client.post("/refunds/999/approve").status_code == 404
    assert client.get("/refunds/999/reject").status_code == 404


def test_the_partial_shows_refunds_the_maximum_and_a_form_with_a_fresh_key(sqlite_app):
    order = make_order(total="300.00")
    big = _requested(order, "250.00")
    agent = make_user("amy", role="agent")
    html = _render(sqlite_app, "orders/_refunds.html", agent, order)
    assert f'data-test="refund-row" data-refund-id="{big.id}" data-status="requested"' in html
    assert "needs supervisor" in html and "Quality problem" in html and "¥250.00" in html
    assert 'data-test="refundable">CN¥50.00<' in html
    assert 'data-test="refund-approve"' not in html and 'data-test="refund-reject"' in html
    assert html.count('<option value="') == 8 and "Changed mind" in html
    key = re.search(r'name="idempotency_key"[^>]*value="([0-9a-f]{32})"', html)
    other = _render(sqlite_app, "orders/_refunds.html", agent, order)
    assert key and key.group(1) not in other


def test_the_partial_offers_approval_to_a_supervisor_and_nothing_to_shipping(sqlite_app):
    order = make_order(total="300.00")
    _requested(order, "250.00")
    supervisor_html = _render(sqlite_app, "orders/_refunds.html", make_user("sam", role="supervisor"), order)
    assert 'data-test="refund-approve"' in supervisor_html
    shipping_html = _render(sqlite_app, "orders/_refunds.html", make_user("sid", role="shipping"), order)
    assert 'data-test="refund-row"' in shipping_html
    for marker in ("refund-approve", "refund-reject", "refund-form"):
        assert f'data-test="{marker}"' not in shipping_html


def test_the_partial_offers_no_form_when_nothing_is_left_to_refund(sqlite_app):
    order = make_order(total="50.00")
    _requested(order, "50.00")
    html = _render(sqlite_app, "orders/_refunds.html", make_user("amy", role="agent"), order)
    assert 'data-test="refund-form"' not in html and 'data-test="refund-nothing-left"' in html


def test_the_refund_list_shows_waiting_and_approved_refunds_with_order_links(sqlite_app, login):
    order = make_order(total="500.00")
    waiting = _requested(order, "250.00")
    approved = _requested(order, "20.00")
    approve_refund(approved.id, Actor("user:sam", "supervisor"), NOW, refund_limits())
    client = _client(sqlite_app, login, "after_sales")
    html = client.get("/refunds").get_data(as_text=True)
    assert f'data-refund-id="{waiting.id}" data-status="requested"' in html
    assert f'data-refund-id="{approved.id}"' not in html
    assert f'/orders/{order.order_no}#refunds' in html and 'data-test="needs-supervisor"' in html
    approved_html = client.get("/refunds?status=approved").get_data(as_text=True)
    assert f'data-refund-id="{approved.id}" data-status="approved"' in approved_html
    assert 'data-test="refund-complete"' in approved_html


def test_the_refund_list_pages_and_shows_an_empty_state(sqlite_app, login):
    client = _client(sqlite_app, login, "supervisor")
    assert 'data-test="refunds-empty"' in client.get("/refunds").get_data(as_text=True)
    order = make_order(total="9999.00")
    for number in range(51):
        request_refund(order.order_no, RefundRequest(D("1.00"), "size", idempotency_key=f"k{number}"),
                       Actor("user:a", "agent"), NOW)
    first = client.get("/refunds").get_data(as_text=True)
    second = client.get("/refunds?page=2").get_data(as_text=True)
    assert first.count('data-test="refund-row"') == 50 and second.count('data-test="refund-row"') == 1


def test_agents_and_shipping_do_not_see_the_refund_list(sqlite_app, login):
    assert _client(sqlite_app, login, "agent").get("/refunds").status_code == 403
    assert _client(sqlite_app, login, "shipping").get("/refunds").status_code == 403


def test_refund_count_is_unchanged_by_a_forbidden_request(sqlite_app, login):
    order = make_order()
    _client(sqlite_app, login, "operator").post(f"/orders/{order.order_no}/refunds",
                                                 data={"reason": "size", "amount": "1.00", "idempotency_key": "k"})
    assert db.session.scalar(select(func.count()).select_from(Refund)) == 0


def test_an_agent_who_approved_200_on_an_order_sees_the_next_200_as_needing_a_supervisor(sqlite_app, login):
    order = make_order(total="1000.00")
    first, second = _requested(order, "200.00"), _requested(order, "199.00")
    agent = _client(sqlite_app, login, "agent")
    assert 'data-test="needs-supervisor"' not in agent.get("/orders/" + order.order_no).get_data(as_text=True)
    agent.post(f"/refunds/{first.id}/approve")
    page = agent.get("/orders/" + order.order_no).get_data(as_text=True)
    row = page[page.index(f'data-refund-id="{second.id}"'):]
    assert 'data-test="needs-supervisor"' in row[:row.index("</li>")] and 'data-test="refund-approve"' not in page
    confirm = agent.get(f"/refunds/{second.id}/approve").get_data(as_text=True)
    assert 'data-test="approve-form"' not in confirm and "already approved CN¥200.00 on this order" in confirm
    agent.post(f"/refunds/{second.id}/approve")
    assert db.session.get(Refund, second.id, populate_existing=True).status == "requested"
    assert any(c == "error" and "already approved CN¥200.00" in m for c, m in _flashes(agent))
    colleague = _client(sqlite_app, login, "agent", name="bob")
    assert f'data-refund-id="{second.id}"' in colleague.get("/orders/" + order.order_no).get_data(as_text=True)
    colleague.post(f"/refunds/{second.id}/approve")
    assert db.session.get(Refund, second.id, populate_existing=True).decided_by == "user:bob"


def test_with_four_eyes_on_the_requester_is_sent_to_someone_else_in_both_languages(sqlite_app, login):
    sqlite_app.config["SHOPCS_REFUND_FOUR_EYES_ABOVE"] = D("50.00")
    order = make_order(total="500.00")
    supervisor = _client(sqlite_app, login, "supervisor")
    _open(supervisor, order, amount="80.00")
    [refund] = _refunds(order)
    listing = supervisor.get("/refunds").get_data(as_text=True)
    assert 'data-test="needs-other-person"' in listing and 'data-test="refund-approve"' not in listing
    confirm = supervisor.get(f"/refunds/{refund.id}/approve").get_data(as_text=True)
    assert 'data-test="approve-needs-other-person"' in confirm and "someone other than the person who requested" in confirm
    supervisor.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    assert "申请人以外" in supervisor.get(f"/refunds/{refund.id}/approve").get_data(as_text=True)
    supervisor.post(f"/refunds/{refund.id}/approve")
    assert db.session.get(Refund, refund.id, populate_existing=True).status == "requested"
    _client(sqlite_app, login, "agent").post(f"/refunds/{refund.id}/approve")
    assert db.session.get(Refund, refund.id, populate_existing=True).status == "approved"


# Orders in any currency (issue 19)

def test_a_usd_orders_refunds_are_shown_in_dollars_in_each_language(sqlite_app, login):
    order = make_order(total="120.00", currency="USD")
    refund = _requested(order, "59.45")
    supervisor = _client(sqlite_app, login, "supervisor")
    english = supervisor.get("/orders/" + order.order_no).get_data(as_text=True)
    assert 'data-test="refundable">$60.55<' in english and '<strong class="refund-amount">$59.45</strong>' in english
    assert 'data-test="confirm-amount">$59.45<' in supervisor.get(f"/refunds/{refund.id}/approve").get_data(as_text=True)
    supervisor.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    chinese = supervisor.get("/orders/" + order.order_no).get_data(as_text=True)
    assert 'data-test="refundable">US$60.55<' in chinese and '<strong class="refund-amount">US$59.45</strong>' in chinese
    assert 'data-test="confirm-amount">US$59.45<' in supervisor.get(f"/refunds/{refund.id}/approve").get_data(as_text=True)


def test_a_jpy_refund_with_decimals_is_flashed_naming_jpy_and_nothing_is_written(sqlite_app, login):
    order = make_order(total="5000", currency="JPY")
    client = _client(sqlite_app, login, "agent")
    _open(client, order, amount="12.50")
    assert _refunds(order) == [] and ("error", "Amount: JPY has no decimals") in _flashes(client)
    _open(client, order, amount="1200", key="k-2")
    assert [r.amount for r in _refunds(order)] == [D("1200")] and ("info", "Refund of ¥1,200 requested.") in _flashes(client)


def test_the_refund_list_shows_each_refund_in_its_orders_currency_and_the_limits_of_those_currencies(app, login):
    app.config["SHOPCS_REFUND_APPROVAL_LIMITS"] = {"USD": D("30.00")}
    cny, usd, eur = (make_order(total="500.00"), make_order(total="100.00", currency="USD"),
                     make_order(total="100.00", currency="EUR"))
    in_yuan, in_dollars, in_euros = _requested(cny, "150.00"), _requested(usd, "40.00"), _requested(eur, "5.00")
    listing = _client(app, login, "after_sales").get("/refunds").get_data(as_text=True)

    def row(refund):
        start = listing.index(f'data-refund-id="{refund.id}"')
        return listing[start:listing.index("</tr>", start)]

    assert "CN¥150.00" in row(in_yuan) and "$40.00" in row(in_dollars) and "€5.00" in row(in_euros)
    assert 'data-test="needs-supervisor"' not in row(in_yuan)
    assert 'data-test="needs-supervisor"' in row(in_dollars) and 'data-test="needs-supervisor"' in row(in_euros)
    assert "An agent approves at most CN¥200.00, $30.00 per order in total" in listing
    assert "No approval limit is set for EUR: a supervisor approves those refunds." in listing


def test_an_agent_is_told_a_supervisor_approves_a_refund_in_a_currency_without_a_limit(sqlite_app, login):
    order = make_order(total="100.00", currency="EUR")
    refund = _requested(order, "5.00")
    agent = _client(sqlite_app, login, "agent", name="bob")
    confirm = agent.get(f"/refunds/{refund.id}/approve").get_data(as_text=True)
    assert 'data-test="approve-needs-supervisor"' in confirm and "No approval limit is set for EUR" in confirm
    agent.post(f"/refunds/{refund.id}/approve")
    assert db.session.get(Refund, refund.id, populate_existing=True).status == "requested"
    _client(sqlite_app, login, "supervisor").post(f"/refunds/{refund.id}/approve")
    assert db.session.get(Refund, refund.id, populate_existing=True).status == "approved"
