"""The word index built from scratch for every case, from the texts as they are: for a database loaded in bulk (the
benches) or an index to be checked or repaired. Runs on a Core connection in the caller's transaction."""
import time
from collections.abc import Callable, Iterator
from itertools import repeat

from sqlalchemy import Connection, text

from .rules import KINDS, case_grams

BATCH = 20_000  # cases read at a time
STAGING = "case_words_build"


def _texts(conn: Connection, batch: int) -> Iterator[list[tuple[int, list[str]]]]:
    """(case id, [subject, message, …]) for every case, a batch of cases at a time, in id order."""
    kinds = ", ".join(f"'{kind}'" for kind in KINDS)
    low, high = conn.execute(text("SELECT min(id), max(id) FROM cases")).one()
    if low is None:
        return
    for start in range(low, high + 1, batch):
        bounds = {"lo": start, "hi": start + batch}
        texts = {case_id: [subject] for case_id, subject in
                 conn.execute(text("SELECT id, subject FROM cases WHERE id >= :lo AND id < :hi"), bounds)}
        for case_id, body in conn.execute(text(f"SELECT case_id, body FROM case_events WHERE case_id >= :lo AND "
                                               f"case_id < :hi AND kind IN ({kinds})"), bounds):
            texts[case_id].append(body)
        yield list(texts.items())


def _write(conn: Connection, rows: list[tuple[int, int]]) -> None:
    if conn.dialect.name == "postgresql":
        with conn.connection.driver_connection.cursor().copy(f"COPY {STAGING} (gram, case_id) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        conn.connection.driver_connection.executemany(f"INSERT INTO {STAGING} (gram, case_id) VALUES (?, ?)", rows)


def rebuild(conn: Connection, batch: int = BATCH, log: Callable[[str], None] = lambda _: None) -> int:
    """Empties case_words and fills it again; returns its rows. The grams go to a staging table first and then into
    case_words in key order: B-tree pages filled one after the other instead of inserts all over the index."""
    started = time.perf_counter()
    conn.execute(text(f"DROP TABLE IF EXISTS {STAGING}"))
    conn.execute(text(f"CREATE TABLE {STAGING} (gram BIGINT NOT NULL, case_id INTEGER NOT NULL)"))
    written = 0
    for number, cases in enumerate(_texts(conn, batch), 1):
        rows = []
        for case_id, texts in cases:
            rows.extend(zip(case_grams(texts), repeat(case_id)))
        _write(conn, rows)
        written += len(rows)
        if number % 10 == 0:
            log(f"case words: {written:,} grams of cases up to {cases[-1][0]:,} in {time.perf_counter() - started:.1f} s")
    conn.execute(text("DELETE FROM case_words"))
    conn.execute(text(f"INSERT INTO case_words (gram, case_id) SELECT gram, case_id FROM {STAGING} "
                      f"ORDER BY gram, case_id"))
    conn.execute(text(f"DROP TABLE {STAGING}"))
    log(f"case words: {written:,} rows in {time.perf_counter() - started:.1f} s")
    return written
