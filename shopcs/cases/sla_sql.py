"""sla's rules as SQL conditions on `cases`: built from the same definitions as the Python predicates, so the
reports that count in the database and the pages that judge one case in Python cannot disagree."""
from datetime import datetime

from sqlalchemy import func, literal
from sqlalchemy.sql.elements import ColumnElement

from ..db_types import UTCDateTime
from .models import Case
from .sla import breach_rule


def breached(now: datetime | ColumnElement) -> ColumnElement:
    """sla.is_breached as a condition: answered after the due time, or unanswered and `now` past it. `now` is a
    datetime or a bound parameter of the caller's statement; it is bound as a UTC column value (a bare datetime would
    be compared as written, zone and all)."""
    moment = now if isinstance(now, ColumnElement) else literal(now, UTCDateTime)
    return breach_rule(Case.first_response_due_at, Case.first_responded_at, moment, func.coalesce)
