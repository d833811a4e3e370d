"""Fixtures: `app` runs once per database (SQLite and PostgreSQL); `client`, `login`, builders."""
import os
import re

import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import delete

from shopcs import create_app
from shopcs.extensions import db

from . import databases

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def database_urls(tmp_path_factory):
    urls = {"sqlite": "sqlite:///" + str(tmp_path_factory.mktemp("db") / "shopcs-test.sqlite3")}
    yield urls
    if "postgresql" in urls:
        databases.drop_pg_database()


@pytest.fixture(scope="session")
def _schemas():
    return set()


def _url_for(backend, database_urls):
    if backend not in database_urls:
        database_urls[backend] = databases.create_pg_database()
    return database_urls[backend]


# In production each request has an app context, and so a `g`, of its own. The fixtures keep one app context open
# for the tests' database session, and a request (a client's or a test_request_context) reuses an open app context:
# so that Flask-Babel's locale, Flask-Login's user and a page's cached translations do not carry over from one request
# (or client) to the next, the test apps empty `g` when a request ends, and their clients also when one starts.


def _empty_g(*_exc):
    if has_app_context():
        for name in list(g):
            g.pop(name)


class FreshClient(FlaskClient):
    def open(self, *args, **kwargs):
        _empty_g()  # what the test itself left in g outside a request
        return super().open(*args, **kwargs)


def make_app(url, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "SHOPCS_TIMEZONE": "Asia/Shanghai",
    }
    config.update(overrides)
    application = create_app(config)
    application.test_client_class = FreshClient
    application.teardown_request(_empty_g)
    return application


def _empty_all_tables():
    db.session.rollback()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(delete(table))
    db.session.commit()


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture
def app_config():
    """Override in a test module to change the app's configuration."""
    return {}


def _app_on(url, _schemas, **config):
    """An app on `url` with a fresh schema the first time and empty tables every time after."""
    application = make_app(url, **config)
    with application.app_context():
        if url not in _schemas:
            db.drop_all()
            db.create_all()
            _schemas.add(url)
        else:
            _empty_all_tables()
        yield application
        _empty_all_tables()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(backend, database_urls, _schemas, app_config):
    yield from _app_on(_url_for(backend, database_urls), _schemas, **app_config)


@pytest.fixture
def sqlite_app(database_urls, _schemas, app_config):
    """For page tests that need one database only."""
    yield from _app_on(database_urls["sqlite"], _schemas, **app_config)


@pytest.fixture
def csrf_app(database_urls, _schemas):
    """SQLite, with CSRF protection on as in production."""
    yield from _app_on(database_urls["sqlite"], _schemas, WTF_CSRF_ENABLED=True)


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, "no csrf_token in the page"
    return match.group(1)


@pytest.fixture
def login():
    """login(client, user, password) logs in through the real form."""

    def do_login(client, username, password="correct horse battery"):
        g.pop("_login_user", None)  # tests share one app context: forget the previous client's user
        page = client.get("/login").get_data(as_text=True)
        token = csrf_token_from(page) if 'name="csrf_token"' in page else ""
        return client.post("/login", data={"username": username, "password": password, "csrf_token": token})

    return do_login


os.environ.setdefault("SHOPCS_SECRET_KEY", "test-secret-key")
