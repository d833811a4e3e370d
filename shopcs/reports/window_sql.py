"""What the window reports share in SQL: the window's bounds as the parameters "lo" and "hi" (aware UTC, the shop's
first and after-last local midnight), and a statement run with them."""
from sqlalchemy import bindparam

from ..db_types import UTCDateTime
from ..extensions import db
from ..windows import Window

LO, HI = bindparam("lo", type_=UTCDateTime), bindparam("hi", type_=UTCDateTime)


def run_in_window(statement, window: Window, zone: str):
    """Core execution on the session's connection with the window's bounds: rows of plain values, without the ORM's
    per-row work."""
    lo, hi = window.utc_bounds(zone)
    return db.session.connection().execute(statement, {"lo": lo, "hi": hi})
