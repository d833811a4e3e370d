"""Fixtures shared by the integration tests."""
import pytest
from sqlalchemy import create_engine, text

from .. import databases
from ..conftest import _url_for


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request, tmp_path, database_urls):
    """A database with nothing in it, for `flask db upgrade` from the start: a SQLite file, or a fresh PostgreSQL one."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
        return
    base = _url_for("postgresql", database_urls).rsplit("/", 1)[0]
    name = databases.PG_TEST_DB + "_mig"
    admin = create_engine(databases.PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield f"{base}/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
