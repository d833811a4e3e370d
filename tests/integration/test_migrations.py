"""`flask db upgrade` builds, from nothing, exactly the schema the models describe, on both databases."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from shopcs.extensions import db

from .. import databases
from ..conftest import _url_for, make_app


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request, tmp_path, database_urls):
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


def test_migrations_create_the_schema_the_models_describe(empty_database_url):
    app = make_app(empty_database_url)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        db.engine.dispose()
    assert diff == []
