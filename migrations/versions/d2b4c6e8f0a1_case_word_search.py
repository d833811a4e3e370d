"""case word search index

case_words (gram, case_id), its primary key the index: every pair of characters (and last character) of each case's
subject and messages (customer_message, reply, reply_logged, assistant_reply), lower-cased one character at a time,
as a number (first code point × 0x110000 + second; 0 for the end of a text). The queue's word search looks terms up
in it instead of reading every case (shopcs/cases/wordsearch). SQLite keeps it WITHOUT ROWID. No foreign key: it is
derived data, like an index.

Filled here from the existing texts: read a batch of cases at a time, cut in Python with a copy of the rules as they
are at this revision (shopcs/cases/wordsearch/rules.py, fold and text_grams), written to a staging table and moved
into case_words in key order. Minutes for a million cases (bench/README.md, "Word search").

Revision ID: d2b4c6e8f0a1
Revises: d1a3c5e7f9b0
Create Date: 2026-12-08 00:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd2b4c6e8f0a1'
down_revision = 'd1a3c5e7f9b0'
branch_labels = None
depends_on = None

SPAN = 0x110000
KINDS = "'customer_message', 'reply', 'reply_logged', 'assistant_reply'"
STAGING = "case_words_build"
BATCH = 20_000


def _fold(text):
    if "İ" in text or "Σ" in text:
        return "".join(c.lower()[0] for c in text)
    return text.lower()


def _grams(texts):
    grams = set()
    for text in texts:
        codes = [ord(c) for c in _fold(text)]
        if codes:
            grams.update(a * SPAN + b for a, b in zip(codes, codes[1:]))
            grams.add(codes[-1] * SPAN)
    return grams


def _write(conn, rows):
    if conn.dialect.name == "postgresql":
        with conn.connection.driver_connection.cursor().copy(f"COPY {STAGING} (gram, case_id) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        conn.connection.driver_connection.executemany(f"INSERT INTO {STAGING} (gram, case_id) VALUES (?, ?)", rows)


def _fill(conn):
    low, high = conn.execute(sa.text("SELECT min(id), max(id) FROM cases")).one()
    if low is None:
        return
    conn.execute(sa.text(f"CREATE TABLE {STAGING} (gram BIGINT NOT NULL, case_id INTEGER NOT NULL)"))
    for start in range(low, high + 1, BATCH):
        bounds = {"lo": start, "hi": start + BATCH}
        texts = {case_id: [subject] for case_id, subject in
                 conn.execute(sa.text("SELECT id, subject FROM cases WHERE id >= :lo AND id < :hi"), bounds)}
        for case_id, body in conn.execute(sa.text(f"SELECT case_id, body FROM case_events WHERE case_id >= :lo "
                                                  f"AND case_id < :hi AND kind IN ({KINDS})"), bounds):
            texts[case_id].append(body)
        _write(conn, [(gram, case_id) for case_id, case_texts in texts.items() for gram in _grams(case_texts)])
    conn.execute(sa.text(f"INSERT INTO case_words (gram, case_id) SELECT gram, case_id FROM {STAGING} "
                         f"ORDER BY gram, case_id"))
    conn.execute(sa.text(f"DROP TABLE {STAGING}"))


def upgrade():
    op.create_table('case_words',
                    sa.Column('gram', sa.BigInteger(), autoincrement=False, nullable=False),
                    sa.Column('case_id', sa.Integer(), autoincrement=False, nullable=False),
                    sa.PrimaryKeyConstraint('gram', 'case_id'),
                    sqlite_with_rowid=False)
    _fill(op.get_bind())


def downgrade():
    op.drop_table('case_words')
