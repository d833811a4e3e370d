"""Bulk writers: SQLite executemany with the journal off, PostgreSQL COPY through psycopg.

Values arrive in the database's own terms (integer fen, naive UTC datetimes). SQLite gets the exact
text SQLAlchemy would have stored ("YYYY-MM-DD HH:MM:SS.ffffff"), so the app reads and compares
the generated rows exactly like rows it wrote itself.
"""
from datetime import date, datetime
from operator import itemgetter

from sqlalchemy import Boolean, Date, DateTime, Table, text
from sqlalchemy.engine import Engine
from sqlalchemy.schema import CreateTable

from shopcs.orders.previous_payment import refresh_all


def _sqlite_time(value: datetime) -> str:
    return value.isoformat(" ", "microseconds")


def _sqlite_date(value: date) -> str:
    return value.isoformat()


class TableShape:
    """The column order for one table: what the generator fills, plus scalar defaults for the rest."""

    def __init__(self, table: Table, keys: list[str], sqlite: bool):
        self.table = table
        extras = []
        for column in table.columns:
            if column.name in keys or (column.primary_key and column.autoincrement in (True, "auto")):
                continue
            default = column.default.arg if column.default is not None and column.default.is_scalar else None
            if default is None and not column.nullable:
                raise SystemExit(f"bench/story.py does not fill {table.name}.{column.name}; teach it that column.")
            extras.append((column.name, default))
        self.columns = list(keys) + [name for name, _ in extras]
        self.extras = tuple(default for _, default in extras)
        self.get = itemgetter(*keys)
        self.converters = []
        if sqlite:
            for index, name in enumerate(self.columns):
                impl = getattr(table.c[name].type, "impl_instance", table.c[name].type)
                if isinstance(impl, DateTime):
                    self.converters.append((index, _sqlite_time))
                elif isinstance(impl, Date):
                    self.converters.append((index, _sqlite_date))
                elif isinstance(impl, Boolean):
                    self.converters.append((index, int))

    def tuples(self, rows: list[dict]) -> list[tuple]:
        out, get, extras, converters = [], self.get, self.extras, self.converters
        for row in rows:
            values = get(row) + extras
            if converters:
                values = list(values)
                for index, convert in converters:
                    if values[index] is not None:
                        values[index] = convert(values[index])
            out.append(tuple(values))
        return out


class BulkWriter:
    def __init__(self, engine: Engine, metadata):
        self.engine, self.metadata = engine, metadata
        self.sqlite = engine.dialect.name == "sqlite"
        self.shapes: dict[str, TableShape] = {}
        self.raw = engine.raw_connection()
        cursor = self.raw.cursor()
        if self.sqlite:
            for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-400000", "temp_store=MEMORY"):
                cursor.execute(f"PRAGMA {pragma}")
        else:
            cursor.execute("SET synchronous_commit TO off")
        cursor.close()
        self.raw.commit()

    def create_tables(self) -> None:
        """Tables, keys and constraints now; secondary indexes after the load (much faster)."""
        with self.engine.begin() as conn:
            for table in self.metadata.sorted_tables:
                conn.execute(CreateTable(table))

    def write(self, table_name: str, rows: list[dict]) -> None:
        if not rows:
            return
        shape = self.shapes.get(table_name)
        if shape is None:
            shape = self.shapes[table_name] = TableShape(self.metadata.tables[table_name], list(rows[0]), self.sqlite)
        values = shape.tuples(rows)
        cursor = self.raw.cursor()
        if self.sqlite:
            marks = ", ".join("?" * len(shape.columns))
            cursor.executemany(f"INSERT INTO {table_name} ({', '.join(shape.columns)}) VALUES ({marks})", values)
        else:
            with cursor.copy(f"COPY {table_name} ({', '.join(shape.columns)}) FROM STDIN") as copy:
                for value in values:
                    copy.write_row(value)
        cursor.close()

    def commit(self) -> None:
        self.raw.commit()

    def finish(self, analyze: bool = True) -> None:
        """Indexes, each order's previous payment (the app keeps it on every write; a bulk load fills it once),
        PostgreSQL sequences past the generated ids, and planner statistics."""
        self.raw.commit()
        self.raw.close()
        with self.engine.begin() as conn:
            for table in self.metadata.sorted_tables:
                for index in table.indexes:
                    index.create(conn)
            if "orders" in self.metadata.tables:
                refresh_all(conn)
            if not self.sqlite:
                for table in self.metadata.sorted_tables:
                    if "id" in table.c and table.c.id.primary_key:
                        conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                          f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"))
        if analyze:
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("ANALYZE" if self.sqlite else "VACUUM ANALYZE"))
