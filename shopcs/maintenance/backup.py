"""A consistent copy of the shop's SQLite database while the app runs: SQLite's online backup API.

The copy is taken in one step, so it is one read transaction's snapshot: every committed order is in it whole,
and in WAL mode (sqlite_pragmas) the web workers and the scheduler go on writing meanwhile. It is written under a
temporary name beside the target, checked, and renamed at the end, so a file at the target's name is always a whole
backup, never a half-written one. PostgreSQL is backed up with its own tools (pg_dump, pg_restore), which this
module names instead of doing a partial job.
"""
import os
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from urllib.parse import quote

from sqlalchemy.engine import URL


class BackupError(Exception):
    """The backup was not made; the message says why and what to do. Nothing is left at the target."""


@dataclass(frozen=True)
class BackupResult:
    source: str
    target: str
    size_bytes: int
    seconds: float


PG_DUMP_ADVICE = (
    "This database is PostgreSQL: back it up with PostgreSQL's own tool, pg_dump (consistent while the app runs), "
    "for example:\n  pg_dump -Fc --no-owner {connection} -f shopcs-$(date +%Y%m%d-%H%M).dump\n"
    "and restore with pg_restore into an empty database (README.md, \"Backups\").")


def sqlite_source(url: URL) -> str:
    """The SQLite file behind the app's database URL; a BackupError naming the right tool for anything else."""
    backend = url.get_backend_name()
    if backend == "postgresql":
        raise BackupError(PG_DUMP_ADVICE.format(connection=_pg_connection_flags(url)))
    if backend != "sqlite":
        raise BackupError(f"This database is {backend}: back it up with its own tools; this command copies SQLite files only.")
    if url.database in (None, "", ":memory:"):
        raise BackupError("This SQLite database lives in memory: there is no file to back up.")
    return url.database


def _pg_connection_flags(url: URL) -> str:
    """pg_dump's connection flags for the app's URL, without its password (pg_dump reads ~/.pgpass or PGPASSWORD)."""
    flags = [f"-h {url.host}" if url.host else "", f"-p {url.port}" if url.port else "",
             f"-U {url.username}" if url.username else "", f"-d {url.database}" if url.database else ""]
    return " ".join(flag for flag in flags if flag)


def backup_sqlite(source: str, target: str, *, force: bool = False) -> BackupResult:
    """Copy the SQLite database at `source` to `target` while other connections read and write it.

    Refuses a target that exists unless `force`. The copy is a single file (rollback journal, not WAL), passes
    `PRAGMA integrity_check`, and is readable by its owner only (it holds buyers' personal data).
    """
    source, target = os.path.abspath(source), os.path.abspath(target)
    _check_paths(source, target, force)
    started = time.monotonic()
    folder = os.path.dirname(target)
    handle, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".partial", dir=folder)
    os.close(handle)
    try:
        _copy(source, temporary)
        _fsync(temporary)
        _publish(temporary, target, force)
        _fsync(folder)
    except BaseException:
        _remove(temporary)
        raise
    return BackupResult(source=source, target=target, size_bytes=os.path.getsize(target), seconds=time.monotonic() - started)


def _check_paths(source: str, target: str, force: bool) -> None:
    if not os.path.isfile(source):
        raise BackupError(f"There is no database file at {source}.")
    if os.path.isdir(target):
        raise BackupError(f"{target} is a folder: give the backup's file name, such as {os.path.join(target, 'shopcs.sqlite3')}.")
    if not os.path.isdir(os.path.dirname(target)):
        raise BackupError(f"The folder {os.path.dirname(target)} does not exist.")
    if os.path.exists(target):
        if os.path.samefile(source, target):
            raise BackupError("The backup cannot replace the database itself: give another path.")
        if not force:
            raise BackupError(f"{target} already exists: give another path, or add --force to replace it.")


def _copy(source: str, temporary: str) -> None:
    """One backup step of every page (-1): one snapshot, even while others commit; then checked and made a single file."""
    # mode=rw: a wrong path is an error, never a new empty database
    with _closing(sqlite3.connect(f"file:{quote(source)}?mode=rw", uri=True, timeout=30)) as origin, \
            _closing(sqlite3.connect(temporary)) as copy:
        try:
            origin.backup(copy, pages=-1)
        except sqlite3.Error as exc:
            raise BackupError(f"SQLite could not copy {source}: {exc}.") from exc
        copy.execute("PRAGMA journal_mode=DELETE")  # the copy stands alone: no -wal or -shm beside it
        problems = [row[0] for row in copy.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise BackupError(f"The copy of {source} failed SQLite's integrity check: {'; '.join(problems[:5])}.")


class _closing:
    """sqlite3's own `with` commits but does not close; this closes."""

    def __init__(self, connection: sqlite3.Connection):
        self.connection = connection

    def __enter__(self) -> sqlite3.Connection:
        return self.connection

    def __exit__(self, *exc) -> None:
        self.connection.close()


def _publish(temporary: str, target: str, force: bool) -> None:
    """Give the finished copy its name. Without `force`, a hard link does it atomically and fails if a file of
    that name appeared meanwhile (os.replace would overwrite it)."""
    if force:
        os.replace(temporary, target)
        return
    try:
        os.link(temporary, target)
    except FileExistsError:
        raise BackupError(f"{target} appeared while the backup was made: give another path, or add --force.") from None
    except OSError:  # a file system without hard links: check, then rename
        if os.path.exists(target):
            raise BackupError(f"{target} appeared while the backup was made: give another path, or add --force.") from None
        os.replace(temporary, target)
        return
    os.unlink(temporary)


def _fsync(path: str) -> None:
    """The copy (and then its name, the folder's entry) on disk before we say it is done."""
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _remove(temporary: str) -> None:
    for path in (temporary, temporary + "-journal", temporary + "-wal", temporary + "-shm"):
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
