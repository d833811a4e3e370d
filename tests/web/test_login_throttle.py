"""Login throttling (shopcs.auth.throttle): a name locked per address, never everywhere; a limit per address across
names answered 429 with Retry-After; the count atomic under parallel guesses, in memory and in Redis."""
import threading
import uuid

import pytest
from flask import g
from limits.storage import storage_from_string

from shopcs.auth import throttle
from shopcs.extensions import limiter

from ..builders import PASSWORD, make_user
from ..databases import in_ci

HOME, AWAY, OTHER = "10.0.0.1", "10.0.0.2", "10.0.0.3"


def _post(client, name, password, address):
    g.pop("_login_user", None)  # tests share one app context: forget the previous client's user
    return client.post("/login", data={"username": name, "password": password}, environ_base={"REMOTE_ADDR": address},
                       headers={"Accept-Language": "en"})


def test_five_wrong_passwords_lock_the_name_from_that_address_only(sqlite_app):
    make_user("amy")
    client = sqlite_app.test_client()
    for _ in range(4):
        assert _post(client, "amy", "wrong", AWAY).status_code == 401
    fifth = _post(client, "amy", "wrong", AWAY)  # the last try says so at once
    assert fifth.status_code == 429 and "This name is locked here for 15 minutes" in fifth.get_data(as_text=True)
    locked = _post(client, "amy", PASSWORD, AWAY)  # even the right password waits: no more guesses from there
    assert locked.status_code == 429
    assert 1 <= int(locked.headers["Retry-After"]) <= 15 * 60
    assert _post(sqlite_app.test_client(), "amy", PASSWORD, HOME).status_code == 302  # the owner, at their desk


def test_a_lock_does_not_tell_whether_the_name_exists(sqlite_app):
    client = sqlite_app.test_client()
    for _ in range(4):
        assert _post(client, "nobody-here", "wrong", AWAY).status_code == 401
    assert _post(client, "nobody-here", "wrong", AWAY).status_code == 429


def test_a_successful_login_starts_the_count_afresh(sqlite_app):
    make_user("amy")
    for _ in range(4):
        assert _post(sqlite_app.test_client(), "amy", "wrong", HOME).status_code == 401
    assert _post(sqlite_app.test_client(), "amy", PASSWORD, HOME).status_code == 302
    for _ in range(4):
        assert _post(sqlite_app.test_client(), "amy", "wrong", HOME).status_code == 401
    assert _post(sqlite_app.test_client(), "amy", PASSWORD, HOME).status_code == 302


def test_one_address_trying_many_names_is_answered_429_with_retry_after(sqlite_app):
    sqlite_app.config["SHOPCS_LOGIN_LIMIT_PER_ADDRESS"] = "20 per 10 minutes"
    make_user("amy")
    client = sqlite_app.test_client()
    for number in range(20):
        assert _post(client, f"guess{number}", "wrong", AWAY).status_code == 401
    refused = _post(client, "amy", PASSWORD, AWAY)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 600
    assert "Too many login attempts from this address" in refused.get_data(as_text=True)
    assert _post(client, "amy", PASSWORD, OTHER).status_code == 302  # another address is not held back
    assert client.get("/login", environ_base={"REMOTE_ADDR": AWAY}).status_code in (200, 302)  # only tries count


def _tries_let_through(app, storage_uri: str, name: str, parallel: int = 32) -> int:
    """`parallel` threads each try the name once from one address at the same moment; how many tries were made."""
    app.config["RATELIMIT_STORAGE_URI"] = storage_uri
    limiter.init_app(app)
    start, made = threading.Barrier(parallel), []

    def guess():
        with app.test_request_context("/login", method="POST", environ_base={"REMOTE_ADDR": AWAY}):
            start.wait()
            made.append(throttle.take_try(name))

    threads = [threading.Thread(target=guess) for _ in range(parallel)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(made)


def test_parallel_guesses_get_exactly_the_allowed_tries_in_memory(sqlite_app):
    assert _tries_let_through(sqlite_app, "memory://", "amy") == 5


REDIS_URI = "redis://127.0.0.1:6379/0"


def test_parallel_guesses_get_exactly_the_allowed_tries_in_redis_shared_by_workers(sqlite_app):
    try:
        storage_from_string(REDIS_URI).check() or pytest.fail("Redis did not answer")
    except Exception as exc:  # noqa: BLE001 - any connection failure has the same meaning here
        if in_ci():
            pytest.fail(f"Redis is required under CI and cannot be reached: {exc}", pytrace=False)
        pytest.skip(f"Redis not reachable: {exc}")
    name = f"amy-{uuid.uuid4().hex}"  # the server is shared: a name no other run uses
    assert _tries_let_through(sqlite_app, REDIS_URI, name) == 5
    with sqlite_app.test_request_context("/login", method="POST", environ_base={"REMOTE_ADDR": HOME}):
        assert throttle.take_try(name)  # the same name from another address is still free
