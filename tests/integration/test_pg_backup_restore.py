"""PostgreSQL backups as the README gives them: `pg_dump -Fc`, then `pg_restore` into a fresh database, which has
every order, item and customer, and takes new orders (its sequences came along)."""
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from sqlalchemy import create_engine, make_url, text

from shopcs.extensions import db

from .. import databases
from ..builders import make_customer, make_order
from ..conftest import _url_for, make_app

RESTORED_DB = databases.PG_TEST_DB + "_restored"
SNAPSHOT = text("SELECT o.order_no, o.status, o.total, o.currency, c.external_id, c.name, count(i.id) AS items "
                "FROM orders o JOIN customers c ON c.id = o.customer_id LEFT JOIN order_items i ON i.order_id = o.id "
                "GROUP BY o.order_no, o.status, o.total, o.currency, c.external_id, c.name ORDER BY o.order_no")


@pytest.fixture
def backend():
    return "postgresql"


def _unavailable(reason: str):
    if databases.in_ci():
        pytest.fail(f"{reason} (required under CI)", pytrace=False)
    pytest.skip(reason)


def _major(version_text: str) -> int:
    return int(re.search(r"(\d+)(?:\.\d+)?", version_text).group(1))


@pytest.fixture
def pg_tools():
    """pg_dump and pg_restore, of a major version at least the server's (pg_dump refuses a newer server)."""
    tools = {name: shutil.which(name) for name in ("pg_dump", "pg_restore")}
    if not all(tools.values()):
        _unavailable("pg_dump and pg_restore are not installed (Debian: postgresql-client)")
    server = _major(db.session.scalar(text("SHOW server_version")))
    version = subprocess.run([tools["pg_dump"], "--version"], capture_output=True, text=True, check=True).stdout
    client = _major(version.split("(PostgreSQL)")[-1])  # "pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)"
    if client < server:
        _unavailable(f"pg_dump {client} cannot dump a PostgreSQL {server} server: install postgresql-client-{server}")
    return tools


@pytest.fixture
def restored_url(database_urls):
    """An empty database to restore into, dropped afterwards."""
    base = _url_for("postgresql", database_urls).rsplit("/", 1)[0]
    admin = create_engine(databases.PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{RESTORED_DB}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{RESTORED_DB}"'))
    try:
        yield f"{base}/{RESTORED_DB}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{RESTORED_DB}" WITH (FORCE)'))
        admin.dispose()


def _libpq(url: str) -> str:
    """The app's SQLAlchemy URL as the connection string pg_dump and pg_restore take."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def test_a_pg_dump_restored_with_pg_restore_into_a_fresh_database_has_every_order(app, database_urls, pg_tools,
                                                                                   restored_url, tmp_path):
    for number in range(40):
        buyer = make_customer(name=f"买家{number}", email=f"buyer{number}@example.com")
        make_order(customer=buyer, status=("unpaid", "paid", "shipped", "completed")[number % 4],
                   total=str(Decimal("19.90") + number), currency="USD" if number % 10 == 0 else "CNY")
    with db.engine.connect() as conn:
        original = conn.execute(SNAPSHOT).all()
    assert len(original) == 40

    dump = tmp_path / "shopcs.dump"
    source = _libpq(_url_for("postgresql", database_urls))
    dumped = subprocess.run([pg_tools["pg_dump"], "-Fc", "--no-owner", "-f", str(dump), source],
                            capture_output=True, text=True, timeout=300)
    assert dumped.returncode == 0, dumped.stderr
    restored = subprocess.run([pg_tools["pg_restore"], "--no-owner", "--exit-on-error", "--single-transaction",
                               "-d", _libpq(restored_url), str(dump)], capture_output=True, text=True, timeout=300)
    assert restored.returncode == 0, restored.stderr

    copy_app = make_app(restored_url)
    with copy_app.app_context():
        try:
            with db.engine.connect() as conn:
                assert conn.execute(SNAPSHOT).all() == original
            placed = make_order(order_no="AFTER-RESTORE")  # the id sequences came along: no clash with a restored row
            assert placed.id > max(row.id for row in db.session.execute(text("SELECT id FROM orders WHERE order_no <> 'AFTER-RESTORE'")))
        finally:
            db.session.remove()
            db.engine.dispose()
