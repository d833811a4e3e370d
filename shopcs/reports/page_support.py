"""What every report page shares: its default window, the ?start=&end= it reads, paging."""
from dataclasses import dataclass
from datetime import timedelta

from flask import request
from sqlalchemy import func, select

from ..app_config import shop_zone
from ..extensions import db
from ..paging import PageCount, page_number
from ..timeutil import local_date, utcnow
from ..windows import ROLLING_DAYS, Window, parse_window

PER_PAGE = 50


def default_window() -> Window:
    """The platforms' "30-day" figures: the 30 shop-local days ending yesterday."""
    yesterday = local_date(utcnow(), shop_zone()) - timedelta(days=1)
    return Window(yesterday - timedelta(days=ROLLING_DAYS - 1), yesterday)


def window_from_args() -> Window:
    """?start=&end=, or the default window when both are missing; raises WindowError."""
    if not request.args.get("start") and not request.args.get("end"):
        return default_window()
    return parse_window(request.args.get("start"), request.args.get("end"))


@dataclass(frozen=True)
class RowsPage(PageCount):
    """Paging facts for the shared pager macro; the rows come separately (page_of)."""

    page: int
    per_page: int
    total: int


def page_of(statement, per_page: int = PER_PAGE) -> tuple[RowsPage, list]:
    """The ?page= of the statement's rows; a page past the end is the last page."""
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    last_page = RowsPage(page=1, per_page=per_page, total=total).pages
    pagination = RowsPage(page=min(page_number(request.args), last_page), per_page=per_page, total=total)
    return pagination, db.session.execute(statement.limit(per_page).offset(pagination.offset)).all()


def percent(rate) -> str:
    """0.0375 → "3.75%"; no rate (nothing to divide by) → "—"."""
    return "—" if rate is None else f"{rate * 100:.2f}%"


def clock(seconds) -> str:
    """3930 → "1:05:30" (hours:minutes:seconds); none → "—"."""
    if seconds is None:
        return "—"
    minutes, second = divmod(int(seconds), 60)
    hours, minute = divmod(minutes, 60)
    return f"{hours}:{minute:02d}:{second:02d}"
