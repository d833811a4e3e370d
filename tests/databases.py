"""The two databases every database test runs on: SQLite (a temp file) and the machine's PostgreSQL."""
import os

import pytest
from sqlalchemy import create_engine, text

PG_ADMIN_URL = os.environ.get("SHOPCS_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PG_TEST_DB = os.environ.get("SHOPCS_TEST_PG_DB", f"shopcs_test_{os.getpid()}")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def create_pg_database() -> str:
    """A fresh database for this test run; unreachable PostgreSQL skips locally and fails under CI."""
    try:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{PG_TEST_DB}"'))
            conn.execute(text(f'CREATE DATABASE "{PG_TEST_DB}"'))
        admin.dispose()
    except Exception as exc:  # noqa: BLE001 - any connection failure has the same meaning here
        if in_ci():
            pytest.fail(f"PostgreSQL is required under CI and cannot be reached: {exc}", pytrace=False)
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_TEST_DB


def drop_pg_database() -> None:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{PG_TEST_DB}" WITH (FORCE)'))
    admin.dispose()
