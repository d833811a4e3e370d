"""50 refund requests at once, over HTTP, against a gunicorn server on PostgreSQL; two approvals at once by one person."""
import os
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
import requests
from sqlalchemy import select

from shopcs.actor import Actor
from shopcs.errors import Forbidden
from shopcs.extensions import db
from shopcs.orders.models import Refund
from shopcs.orders.refund_service import RefundRequest, approve_refund, request_refund

from ..builders import NOW, make_order, make_token, refund_limits
from ..conftest import _url_for

pytestmark = pytest.mark.slow
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def backend():
    return "postgresql"


@pytest.fixture
def server(app, database_urls):
    port = _free_port()
    env = dict(os.environ, SHOPCS_DATABASE_URL=_url_for("postgresql", database_urls), SHOPCS_SECRET_KEY="concurrency-test")
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    proc = subprocess.Popen([gunicorn, "-w", "4", "--threads", "8", "-b", f"127.0.0.1:{port}", "app:app"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            if requests.get(base + "/healthz", timeout=1).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("gunicorn did not start: " + proc.stderr.read().decode()[-2000:])
    try:
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stderr.close()


def _fire(requests_args):
    with ThreadPoolExecutor(max_workers=50) as pool:
        return list(pool.map(lambda args: requests.post(**args, timeout=30), requests_args))


def _refunds_of(order_id):
    db.session.expire_all()
    return list(db.session.scalars(select(Refund).where(Refund.order_id == order_id)))


def test_fifty_identical_refund_requests_at_once_make_exactly_one_refund(server):
    secret = make_token()
    order = make_order(total="300.00")
    headers = {"Authorization": f"Bearer {secret}", "Idempotency-Key": "same-request-1"}
    body = {"amount": "120.00", "reason": "quality", "with_return": False, "note": "once"}
    url = f"{server}/api/v1/orders/{order.order_no}/refunds"
    responses = _fire([{"url": url, "json": body, "headers": headers}] * 50)
    assert sorted({r.status_code for r in responses}) == [200, 201]
    assert [r.status_code for r in responses].count(201) == 1
    assert len({r.json()["id"] for r in responses}) == 1
    assert len(_refunds_of(order.id)) == 1


def test_fifty_identical_requests_without_a_key_also_make_one_refund(server):
    secret = make_token()
    order = make_order(total="300.00")
    url = f"{server}/api/v1/orders/{order.order_no}/refunds"
    body = {"amount": "50.00", "reason": "size"}
    responses = _fire([{"url": url, "json": body, "headers": {"Authorization": f"Bearer {secret}"}}] * 50)
    assert all(r.status_code in (200, 201) for r in responses)
    assert len(_refunds_of(order.id)) == 1


def test_fifty_different_refund_requests_at_once_never_refund_more_than_was_paid(server):
    secret = make_token()
    order = make_order(total="300.00")
    url = f"{server}/api/v1/orders/{order.order_no}/refunds"
    calls = [{"url": url, "json": {"amount": f"{10 + i}.00", "reason": "other"},
              "headers": {"Authorization": f"Bearer {secret}", "Idempotency-Key": f"k-{i}"}} for i in range(50)]
    responses = _fire(calls)
    assert {r.status_code for r in responses} <= {201, 422}
    refunds = _refunds_of(order.id)
    assert len(refunds) == [r.status_code for r in responses].count(201) > 1
    assert sum(r.amount for r in refunds) <= Decimal("300.00")


def test_two_approvals_by_one_agent_on_one_order_at_once_do_not_both_pass(app):
    """Each alone is within the limit; together they are not. The order's lock makes the second see the first."""
    agent = Actor("user:amy", "agent")
    order = make_order(total="1000.00")
    ids = [request_refund(order.order_no, RefundRequest(Decimal("150.00"), "quality", idempotency_key=f"c-{i}"), agent, NOW)[0].id
           for i in range(2)]
    outcomes, barrier = [], threading.Barrier(2)

    def approve(refund_id):
        with app.app_context():
            try:
                barrier.wait()
                approve_refund(refund_id, agent, NOW, refund_limits())
                outcomes.append("approved")
            except Forbidden:
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=approve, args=(refund_id,)) for refund_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["approved", "refused"]
    assert sorted(r.status for r in _refunds_of(order.id)) == ["approved", "requested"]
