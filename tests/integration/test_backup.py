"""`flask --app app backup PATH`: a whole, consistent SQLite copy while the app writes; never a half-written file;
PostgreSQL is pointed to pg_dump (tests/integration/test_pg_backup_restore.py restores such a dump)."""
import os
import sqlite3
import threading

import pytest
from sqlalchemy import func, select

from shopcs.extensions import db
from shopcs.maintenance.backup import BackupError, backup_sqlite
from shopcs.orders.models import Order

from ..builders import make_order
from ..conftest import make_app

SQLITE_HEADER = b"SQLite format 3\x00"


def _rows(path, sql):
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        return connection.execute(sql).fetchall()


def _leftovers(folder):
    return [name for name in os.listdir(folder) if name.endswith(".partial") or name.endswith(("-wal", "-shm", "-journal"))]


class OrderWriter:
    """Places orders on its own connection (its own app context, so its own session) until stopped; each order, its
    customer and its item are one transaction. `committed` lists the order numbers whose commit has returned."""

    def __init__(self, app):
        self.app, self.committed, self.error = app, [], None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="order-writer")

    def _run(self):
        try:
            with self.app.app_context():
                while not self._stop.is_set():
                    self.committed.append(make_order(status="unpaid").order_no)
                db.session.remove()
        except Exception as exc:  # noqa: BLE001 - handed to the test, which fails with it
            self.error = exc

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=30)


def test_a_backup_taken_while_another_connection_writes_is_whole_and_has_every_order_committed_before_it(sqlite_app, tmp_path):
    earlier = {make_order(commit=False).order_no for _ in range(300)}  # enough pages that a copy takes a moment
    db.session.commit()
    runner = sqlite_app.test_cli_runner()
    overlapped = 0
    with OrderWriter(sqlite_app) as writer:
        while len(writer.committed) < 5 and writer.error is None:
            threading.Event().wait(0.01)
        for attempt in range(8):
            before = list(writer.committed)
            copy = tmp_path / f"copy-{attempt}.sqlite3"
            result = runner.invoke(args=["backup", str(copy)])
            after = list(writer.committed)
            assert result.exit_code == 0, result.output
            overlapped += len(after) > len(before)

            assert _rows(copy, "PRAGMA integrity_check") == [("ok",)]
            assert _rows(copy, "PRAGMA foreign_key_check") == []
            copied = {row[0] for row in _rows(copy, "SELECT order_no FROM orders")}
            assert earlier | set(before) <= copied  # every order committed before the backup began
            assert len(copied - earlier - set(after)) <= 1  # and nothing else, but the one whose commit was returning
            # Each order is whole: its item and its customer came with it (one transaction, one snapshot).
            assert _rows(copy, "SELECT count(*) FROM orders o LEFT JOIN order_items i ON i.order_id = o.id "
                               "LEFT JOIN customers c ON c.id = o.customer_id WHERE i.id IS NULL OR c.id IS NULL") == [(0,)]
    assert writer.error is None, writer.error
    assert overlapped >= 1, "no backup ran while the writer committed: the test proved nothing"
    assert _leftovers(tmp_path) == []


def test_the_copy_is_one_file_the_owner_alone_reads(sqlite_app, tmp_path):
    make_order()
    copy = tmp_path / "shop.sqlite3"
    result = sqlite_app.test_cli_runner().invoke(args=["backup", str(copy)])
    assert result.exit_code == 0 and "integrity check ok" in result.output
    assert copy.read_bytes()[:16] == SQLITE_HEADER
    assert _rows(copy, "PRAGMA journal_mode") == [("delete",)]  # no -wal or -shm needed beside it
    assert os.stat(copy).st_mode & 0o777 == 0o600  # buyers' names, phones and addresses
    assert _rows(copy, "SELECT count(*) FROM orders") == [(db.session.scalar(select(func.count()).select_from(Order)),)]


def test_an_existing_file_is_kept_unless_force_is_given(sqlite_app, tmp_path):
    make_order()
    copy = tmp_path / "shop.sqlite3"
    copy.write_bytes(b"last week's backup")
    runner = sqlite_app.test_cli_runner()

    refused = runner.invoke(args=["backup", str(copy)])
    assert refused.exit_code == 1 and "--force" in refused.output
    assert copy.read_bytes() == b"last week's backup" and _leftovers(tmp_path) == []

    forced = runner.invoke(args=["backup", "--force", str(copy)])
    assert forced.exit_code == 0, forced.output
    assert copy.read_bytes()[:16] == SQLITE_HEADER and _rows(copy, "SELECT count(*) FROM orders") == [(1,)]
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("where, says", [("missing/shop.sqlite3", "does not exist"), ("", "is a folder")])
def test_a_target_that_cannot_be_written_is_refused_with_the_reason(sqlite_app, tmp_path, where, says):
    result = sqlite_app.test_cli_runner().invoke(args=["backup", str(tmp_path / where) if where else str(tmp_path)])
    assert result.exit_code == 1 and says in result.output
    assert os.listdir(tmp_path) == []


def test_the_database_itself_is_never_the_target(sqlite_app):
    result = sqlite_app.test_cli_runner().invoke(args=["backup", "--force", db.engine.url.database])
    assert result.exit_code == 1 and "database itself" in result.output


def test_a_missing_database_file_is_an_error_and_creates_nothing(tmp_path):
    with pytest.raises(BackupError, match="no database file"):
        backup_sqlite(str(tmp_path / "nothing.sqlite3"), str(tmp_path / "copy.sqlite3"))
    assert os.listdir(tmp_path) == []


def test_a_copy_that_fails_midway_leaves_no_file_behind(sqlite_app, tmp_path, monkeypatch):
    make_order()

    def broken_backup(self, target, **_options):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr("shopcs.maintenance.backup.sqlite3.connect", _connect_with_broken_backup(broken_backup))
    result = sqlite_app.test_cli_runner().invoke(args=["backup", str(tmp_path / "copy.sqlite3")])
    assert result.exit_code == 1 and "disk I/O error" in result.output
    assert os.listdir(tmp_path) == []


def _connect_with_broken_backup(backup):
    real_connect = sqlite3.connect

    class Broken(sqlite3.Connection):
        pass

    Broken.backup = backup
    return lambda *args, **kwargs: real_connect(*args, factory=Broken, **kwargs)


def test_a_postgresql_database_is_pointed_to_pg_dump_without_its_password(tmp_path):
    application = make_app("postgresql+psycopg://shop:s3cret-pw@db.internal:5433/shopcs")
    result = application.test_cli_runner().invoke(args=["backup", str(tmp_path / "shop.dump")])
    assert result.exit_code == 1
    assert "pg_dump -Fc --no-owner -h db.internal -p 5433 -U shop -d shopcs" in result.output and "pg_restore" in result.output
    assert "s3cret-pw" not in result.output and os.listdir(tmp_path) == []
