"""The order queue's table rows as HTML, built in Python with every value escaped.

The queue is the agents' first page and shows fifty orders; as a Jinja loop the rows took two thirds of the
request (expression lookups, filters and escaping per cell), more than its database work. The markup is the one
templates/orders/queue.html rendered; tests/unit/test_order_queue_rows.py pins it and checks that every text of a
row is escaped. Words and the link prefix come from the page's fixed parts (templates/orders/_queue_fixed.html).
"""
from datetime import date
from html import escape  # str in, str out: markupsafe's escape() makes a Markup of each value, twice the cost

from jinja2.utils import url_quote
from markupsafe import Markup

from ..money import format_cny
from ..phone import mask_phone
from ..web import DASH, html_text, local_text
from .queue import QueueRow

PENDING_ADDRESS = ("unpaid", "paid")  # statuses whose address confirmation the row shows


class RowWords:
    """One page's words, links and badges, escaped once: what every row shares."""

    def __init__(self, fixed, status_labels: dict, status_badges: dict, today: date, zone: str):
        self.order_prefix = html_text(fixed.order_prefix)
        self.check_phone = (f' <span class="badge badge-danger" data-test="phone-flag">{html_text(fixed.check_phone)}</span>')
        self.confirmed = f'<span class="badge badge-ok">{html_text(fixed.confirmed)}</span>'
        self.unconfirmed = f'<span class="badge badge-warn">{html_text(fixed.unconfirmed)}</span>'
        self.statuses = {code: f'<span class="badge {escape(status_badges.get(code, ""))}" data-test="order-status">'
                               f"{html_text(label)}</span>" for code, label in status_labels.items()}
        self.today, self.zone = today, zone


def rows_html(rows: list[QueueRow], words: RowWords) -> Markup:
    return Markup("".join([_row(row, words) for row in rows]))


def _row(row: QueueRow, words: RowWords) -> str:
    order_no = escape(row.order_no)
    buyer = escape(row.recipient)
    if row.customer_name and row.customer_name != row.recipient:
        buyer += f' <span class="muted">({escape(row.customer_name)})</span>'
    return (f'<tr data-test="queue-row" data-order-no="{order_no}">'
            f'<td><a href="{words.order_prefix}{escape(url_quote(row.order_no))}" data-test="queue-order-link">{order_no}</a></td>'
            f"<td>{buyer}</td>"
            f'<td data-test="queue-phone">{escape(mask_phone(row.phone))}{"" if row.phone_valid else words.check_phone}</td>'
            f"<td>{escape(row.province)} {escape(row.city)}</td>"
            f"<td>{escape(format_cny(row.total))}</td>"
            f"<td>{local_text(row.paid_at, words.zone)}</td>"
            f"<td>{_status(row, words)}</td>"
            f"<td>{_promise(row, words.today)}</td></tr>\n")


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
