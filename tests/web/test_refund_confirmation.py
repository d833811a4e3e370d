"""Approving a refund asks first, as rejecting does; the refund tabs count; "needs supervisor" only while it waits."""
from decimal import Decimal as D

from shopcs.actor import Actor
from shopcs.extensions import db
from shopcs.orders.models import Refund
from shopcs.orders.refund_service import RefundRequest, approve_refund, complete_refund, reject_refund, request_refund

from ..builders import NOW, PASSWORD, make_order, make_user, refund_limits


def _client(app, login, role):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(client, make_user(role.replace("_", "-"), role=role).username, PASSWORD)
    return client


def _requested(order, amount, key=None):
    refund, _ = request_refund(order.order_no, RefundRequest(D(amount), "quality", idempotency_key=key),
                               Actor("user:amy", "agent"), NOW)
    return refund


def _status(refund) -> str:
    return db.session.get(Refund, refund.id, populate_existing=True).status


def test_the_approve_button_opens_a_confirmation_page_that_changes_nothing(sqlite_app, login):
    order = make_order(total="100.00")
    refund = _requested(order, "30.00")
    client = _client(sqlite_app, login, "agent")
    order_page = client.get(f"/orders/{order.order_no}").get_data(as_text=True)
    assert f'<form method="get" action="/refunds/{refund.id}/approve"' in order_page
    page = client.get(f"/refunds/{refund.id}/approve?next=/orders/{order.order_no}%23refunds")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-test="approve-form"' in html and "¥30.00" in html
    assert f'href="/orders/{order.order_no}#refunds" data-test="approve-cancel"' in html
    assert _status(refund) == "requested"


def test_confirming_the_approval_approves_and_returns_to_where_the_user_came_from(sqlite_app, login):
    order = make_order(total="100.00")
    refund = _requested(order, "30.00")
    client = _client(sqlite_app, login, "agent")
    html = client.get(f"/refunds/{refund.id}/approve?next=/refunds").get_data(as_text=True)
    assert 'name="next" type="hidden" value="/refunds"' in html
    response = client.post(f"/refunds/{refund.id}/approve", data={"next": "/refunds"})
    assert response.status_code == 302 and response.headers["Location"] == "/refunds"
    assert _status(refund) == "approved"


def test_the_confirmation_page_offers_no_approval_to_whom_may_not_give_it(sqlite_app, login):
    order = make_order(total="500.00")
    big = _requested(order, "250.00")
    html = _client(sqlite_app, login, "agent").get(f"/refunds/{big.id}/approve").get_data(as_text=True)
    assert 'data-test="approve-form"' not in html and 'data-test="approve-needs-supervisor"' in html
    assert _client(sqlite_app, login, "shipping").get(f"/refunds/{big.id}/approve").status_code == 403
    assert _client(sqlite_app, login, "supervisor").get("/refunds/999/approve").status_code == 404


def test_a_decided_refund_is_not_offered_for_approval_again(sqlite_app, login):
    order = make_order(total="100.00")
    refund = _requested(order, "30.00")
    reject_refund(refund.id, Actor("user:sam", "supervisor"), NOW, "")
    html = _client(sqlite_app, login, "supervisor").get(f"/refunds/{refund.id}/approve").get_data(as_text=True)
    assert 'data-test="approve-form"' not in html and "no longer waiting" in html


def test_the_refund_tabs_count_the_refunds_waiting_in_each(sqlite_app, login):
    order = make_order(total="900.00")
    for number in range(3):
        _requested(order, "10.00", key=f"k{number}")
    approve_refund(_requested(order, "20.00", key="a").id, Actor("user:sam", "supervisor"), NOW, refund_limits())
    done = _requested(order, "5.00", key="d")
    approve_refund(done.id, Actor("user:sam", "supervisor"), NOW, refund_limits())
    complete_refund(done.id, Actor("user:sam", "supervisor"), NOW)
    html = _client(sqlite_app, login, "supervisor").get("/refunds?status=approved").get_data(as_text=True)
    assert 'data-test="tab-count-requested">3<' in html and 'data-test="tab-count-approved">1<' in html


def test_needs_supervisor_shows_only_while_the_refund_waits_for_a_decision(sqlite_app, login):
    order = make_order(total="900.00")
    waiting, approved = _requested(order, "250.00", key="w"), _requested(order, "300.00", key="a")
    rejected = _requested(order, "210.00", key="r")
    approve_refund(approved.id, Actor("user:sam", "supervisor"), NOW, refund_limits())
    reject_refund(rejected.id, Actor("user:sam", "supervisor"), NOW, "")
    client = _client(sqlite_app, login, "supervisor")
    html = client.get(f"/orders/{order.order_no}").get_data(as_text=True)
    rows = {int(chunk.split('data-refund-id="', 1)[1].split('"', 1)[0]): chunk
            for chunk in html.split('data-test="refund-row"')[1:]}  # each row's markup, up to the next row
    assert 'data-test="needs-supervisor"' in rows[waiting.id]
    assert 'data-test="needs-supervisor"' not in rows[approved.id] + rows[rejected.id]
    approved_tab = client.get("/refunds?status=approved").get_data(as_text=True)
    assert f'data-refund-id="{approved.id}"' in approved_tab and 'data-test="needs-supervisor"' not in approved_tab
