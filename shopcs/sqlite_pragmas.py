"""SQLite settings for a web app and a scheduler sharing one file.

WAL lets the web workers read while the scheduler writes (a rollback journal blocks readers during each
write), and synchronous=NORMAL makes a commit an append to the log instead of two fsyncs: the database
cannot be corrupted, and a power cut may forget the last commits — for the outbox that means a message
sent again with the same idempotency key, never a lost one that was recorded as sent and not sent.
"""
from sqlalchemy import event
from sqlalchemy.engine import Engine

PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL")


def apply_to(engine: Engine) -> None:
    """Run PRAGMAS on every new connection of a SQLite engine; other databases are left alone."""
    if engine.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
        return

    @event.listens_for(engine, "connect")
    def _set_pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        for pragma in PRAGMAS:
            cursor.execute(pragma)
        cursor.close()
