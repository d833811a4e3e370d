"""Bench databases and gunicorn servers: create, fill, prepare, start, stop."""
import functools
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime, timezone

import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GUNICORN = os.path.join(os.path.dirname(sys.executable), "gunicorn")
BENCH_USER, BENCH_PASSWORD = "bench-agent", "bench-password-" + "x" * 8
REAL_APP, BASELINE_APP = "app:app", "bench.baseline_app:create_app()"


def database_url(backend: str, size: int, workdir: str, pg_admin_url: str) -> str:
    if backend == "sqlite":
        return "sqlite:///" + os.path.join(workdir, f"bench-{size}.sqlite3")
    return make_url(pg_admin_url).set(database=f"shopcs_bench_{size}").render_as_string(hide_password=False)


def order_count(url: str) -> int | None:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM orders")).scalar()
    except Exception:  # noqa: BLE001 - no database or no table: nothing to reuse
        return None
    finally:
        engine.dispose()


def create_pg_database(url: str, pg_admin_url: str) -> None:
    name = make_url(url).database
    admin = create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def drop_pg_database(url: str, pg_admin_url: str) -> None:
    admin = create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


@functools.cache
def prepare(url: str, secret_key: str) -> str:
    """Creates the bench agent (through the app's own service) and returns a buyer's phone to search for."""
    from shopcs import create_app
    from shopcs.auth.models import User
    from shopcs.auth.services import create_user
    from shopcs.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secret_key})
    with app.app_context():
        if db.session.query(User).filter_by(username=BENCH_USER).first() is None:
            create_user(BENCH_USER, "agent", BENCH_PASSWORD, datetime.now(timezone.utc))
        phone = search_phone(db.session)
        db.session.remove()
        db.engine.dispose()
    return phone


def search_phone(session, matches: int = 5) -> str:
    """The newest buyer's phone that finds `matches` orders, so every table size searches for a page
    of the same length (a typical repeat buyer); the newest order's phone when no buyer has that many."""
    phone = session.execute(text("SELECT phone FROM orders WHERE phone_valid = :valid GROUP BY phone "
                                 "HAVING count(*) = :n ORDER BY max(id) DESC LIMIT 1"),
                            {"valid": True, "n": matches}).scalar()
    return phone or session.execute(text("SELECT phone FROM orders WHERE phone_valid = :valid ORDER BY id DESC LIMIT 1"),
                                    {"valid": True}).scalar()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """One gunicorn (sync workers unless `extra` says otherwise) serving `app_spec` on the given database."""

    def __init__(self, app_spec: str, url: str, secret_key: str, workers: int, log_path: str, extra=(),
                 prefix=()):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        # plain http on loopback (cookies without Secure); every bench agent logs in from 127.0.0.1
        env = dict(os.environ, SHOPCS_DATABASE_URL=url, SHOPCS_SECRET_KEY=secret_key, PYTHONPATH=ROOT,
                   SHOPCS_SECURE_COOKIES="0", SHOPCS_LOGIN_LIMIT_PER_ADDRESS="100000 per minute")
        env.pop("FLASK_DEBUG", None)
        self.log = open(log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [*prefix, GUNICORN, "-w", str(workers), "-b", f"127.0.0.1:{self.port}", "--chdir", ROOT, *extra, app_spec],
            env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn on {self.base} exited; see {self.log.name}")
            try:
                if requests.get(self.base + "/healthz", timeout=10).status_code == 200:
                    return
            except (requests.ConnectionError, requests.Timeout):
                pass
            time.sleep(0.2)
        raise SystemExit(f"gunicorn on {self.base} did not answer within {timeout:.0f} s; see {self.log.name}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def new_secret_key() -> str:
    return secrets.token_hex(32)
