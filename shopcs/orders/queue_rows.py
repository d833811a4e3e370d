"""The order queue's table rows as HTML, built in Python with every value escaped.

The queue is the agents' first page and shows fifty orders; as a Jinja loop the rows took two thirds of the
request (expression lookups, filters and escaping per cell), more than its database work. The markup is the one
templates/orders/queue.html rendered; tests/unit/test_order_queue_rows.py pins it and checks that every text of a
row is escaped. Words and the link prefix come from the page's fixed parts (templates/orders/_queue_fixed.html).
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from html import escape  # str in, str out: markupsafe's escape() makes a Markup of each value, twice the cost

from babel import Locale
from jinja2.utils import url_quote
from markupsafe import Markup

from ..countries import country_name, is_abroad
from ..currency import format_amount
from ..phone import mask_phone
from ..web import DASH, html_text, local_text
from .queue import QueueRow

PENDING_ADDRESS = ("unpaid", "paid")  # statuses whose address confirmation the row shows


class RowWords:
    """One page's words, links and badges, escaped once: what every row shares."""

    def __init__(self, fixed, status_labels: dict, status_badges: dict, today: date, zone: str, locale: str = "zh_CN"):
        self.order_prefix = html_text(fixed.order_prefix)
        self.check_phone = (f' <span class="badge badge-danger" data-test="phone-flag">{html_text(fixed.check_phone)}</span>')
        self.confirmed = f'<span class="badge badge-ok">{html_text(fixed.confirmed)}</span>'
        self.unconfirmed = f'<span class="badge badge-warn">{html_text(fixed.unconfirmed)}</span>'
        self.statuses = {code: f'<span class="badge {escape(status_badges.get(code, ""))}" data-test="order-status">'
                               f"{html_text(label)}</span>" for code, label in status_labels.items()}
        self.today, self.zone = today, zone
        self.locale = Locale.parse(locale)  # the reader's, for the totals; parsed once: Babel parses a name at each call


@dataclass(frozen=True)
class UnpaidWords:
    """What the Unpaid tab's rows add: the reminders sent (of the cap) and the time left before ShopCS closes the order.

    `sent`: reminders sent by order id (followup.queries.reminders_sent); `reminders(sent, cap)`, `hours(n)`, `minutes(n)` and
    `closing_now` are the page's words in its language (ngettext where a number is shown)."""

    now: datetime
    auto_close: timedelta
    cap: int
    sent: dict[int, int]
    reminders: Callable[[int, int], str]
    hours: Callable[[int], str]
    minutes: Callable[[int], str]
    closing_now: str


def rows_html(rows: list[QueueRow], words: RowWords, unpaid: UnpaidWords | None = None) -> Markup:
    if unpaid is not None:
        return Markup("".join([_unpaid_row(row, words, unpaid) for row in rows]))
    return Markup("".join([_row(row, words) for row in rows]))


def _order_cells(row: QueueRow, words: RowWords) -> str:
    """The row's start and its first five cells, which every tab shows: order no., buyer, phone, destination, total."""
    order_no = escape(row.order_no)
    buyer = escape(row.recipient)
    if row.customer_name and row.customer_name != row.recipient:
        buyer += f' <span class="muted">({escape(row.customer_name)})</span>'
    return (f'<tr data-test="queue-row" data-order-no="{order_no}">'
            f'<td><a href="{words.order_prefix}{escape(url_quote(row.order_no))}" data-test="queue-order-link">{order_no}</a></td>'
            f'<td translate="no">{buyer}</td>'
            f'<td data-test="queue-phone">{escape(mask_phone(row.phone))}{"" if row.phone_valid else words.check_phone}</td>'
            f"<td>{_destination(row, words)}</td>"
            f"<td>{escape(format_amount(row.total, row.currency, words.locale))}</td>")


def _destination(row: QueueRow, words: RowWords) -> str:
    """浙江省 杭州市 at home; abroad the city and the country in the reader's language (Portland, 美国)."""
    if not is_abroad(row.country):
        return f"{escape(row.province)} {escape(row.city)}"
    return f'<span translate="no">{escape(row.city)}</span>, {escape(country_name(row.country, words.locale))}'


def _row(row: QueueRow, words: RowWords) -> str:
    return (f"{_order_cells(row, words)}"
            f"<td>{local_text(row.paid_at, words.zone)}</td>"
            f"<td>{_status(row, words)}</td>"
            f"<td>{_promise(row, words.today)}</td></tr>\n")


def _unpaid_row(row: QueueRow, words: RowWords, unpaid: UnpaidWords) -> str:
    sent = unpaid.sent.get(row.id, 0)
    badge = "badge-ok" if sent else "badge-muted"
    return (f"{_order_cells(row, words)}"
            f"<td>{local_text(row.placed_at, words.zone)}</td>"
            f'<td data-test="queue-reminders" data-sent="{sent}"><span class="badge {badge}">'
            f"{html_text(unpaid.reminders(sent, unpaid.cap))}</span></td>"
            f'<td data-test="queue-closes-in">{_closes_in(row.placed_at + unpaid.auto_close - unpaid.now, unpaid)}</td></tr>\n')


def _closes_in(left: timedelta, unpaid: UnpaidWords) -> str:
    """Whole hours left (rounded down), minutes in the last hour; red within 6 hours, amber within a day."""
    minutes = int(left.total_seconds() // 60)
    if minutes <= 0:
        return f'<span class="badge badge-danger">{html_text(unpaid.closing_now)}</span>'
    text = unpaid.hours(minutes // 60) if minutes >= 60 else unpaid.minutes(minutes)
    badge = "badge-danger" if minutes < 6 * 60 else "badge-warn" if minutes < 24 * 60 else "badge-muted"
    return f'<span class="badge {badge}">{html_text(text)}</span>'


def _status(row: QueueRow, words: RowWords) -> str:
    status = words.statuses.get(row.status) or (f'<span class="badge " data-test="order-status">'
                                                f"{escape(row.status)}</span>")
    if row.status not in PENDING_ADDRESS:
        return status
    return f"{status} {words.confirmed if row.address_confirmed_at else words.unconfirmed}"


def _promise(row: QueueRow, today: date) -> str:
    promised = row.promised_ship_date
    if not promised:
        return DASH
    if promised < today and row.status == "paid":
        badge = "badge-danger"
    else:
        badge = "badge-warn" if promised == today else "badge-muted"
    return f'<span class="badge {badge}">{promised.isoformat()}</span>'
