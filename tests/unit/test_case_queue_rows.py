"""The case queue's rows, built in Python (shopcs/cases/queue_rows.py): the markup the page and static/cases.js rely
on, and every text of a row escaped, whatever it holds."""
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from shopcs.cases.page_queries import CaseRow
from shopcs.cases.queue_rows import rows_html
from shopcs.cases.view_support import ClockView

from ..html_cells import cells_of

UTC = timezone.utc
RECEIVED = datetime(2026, 3, 4, 2, 0, tzinfo=UTC)
class FixedParts:
    """Stands for the fixed_parts() module of cases/_queue_fixed.html (hashable by identity, like it)."""

    def __init__(self, **parts):
        self.__dict__.update(parts)


FIXED = FixedParts(
    case_prefix="/cases/", order_prefix="/orders/", escalated=Markup("escalated"),
    category_labels={"tracking": "Tracking"}, channel_labels={"chat": "Chat"},
    severity_badges={"high": Markup('<span class="badge badge-warn" data-test="case-severity" data-severity="high">High</span>')},
    status_badges={"open": Markup('<span class="badge" data-test="case-status" data-status="open">Open</span>')},
    team_badges={"after_sales": Markup('<span class="badge badge-muted" data-test="case-team">After-sales</span>')},
)


def a_row(**changes) -> CaseRow:
    values = dict(id=7, subject="Where is my parcel?", category="tracking", channel="chat", severity="high", status="open",
                  team="agents", received_at=RECEIVED, first_response_due_at=RECEIVED + timedelta(minutes=5),
                  first_responded_at=None, escalated_at=None, escalation_acknowledged_at=None, customer_name="李四",
                  customer_phone="13812345678", order_no="T-1001", owner="Amy")
    return CaseRow(**{**values, **changes})


def render(row: CaseRow) -> str:
    clock = ClockView("ok", "4 min left", row.received_at, row.first_response_due_at, Decimal("0.4"))
    return str(rows_html([row], {row.id: clock}, FIXED))


def test_a_row_links_the_case_and_order_and_masks_the_phone():
    html = render(a_row(team="after_sales", escalated_at=RECEIVED))
    assert html.startswith('<tr data-test="case-row" data-case-id="7">')
    assert '<a href="/cases/7" data-test="case-link">#7</a>' in html
    assert '<a href="/orders/T-1001" data-test="case-order-link">T-1001</a>' in html
    assert '<span class="muted" data-test="case-phone">138****5678</span>' in html
    assert 'data-test="case-escalated">escalated</span>' in html and 'data-test="case-team">After-sales' in html
    assert 'data-test="case-clock" data-level="ok" data-clock data-received="2026-03-04T02:00:00+00:00"' in html
    assert [cell.strip() for cell in cells_of(html).cells] == [
        "#7", "Where is my parcel? escalated", "Tracking", "Chat", "High", "Open After-sales", "李四 138****5678",
        "T-1001", "Amy", "4 min left"]


def test_missing_customer_order_and_owner_show_a_dash():
    cells = cells_of(render(a_row(customer_name=None, customer_phone=None, order_no=None, owner=None))).cells
    assert cells[6:9] == ["—", "—", "—"]


def test_an_order_number_is_quoted_in_its_link():
    assert 'href="/orders/A%20B%3F%23" data-test="case-order-link">A B?#</a>' in render(a_row(order_no="A B?#"))


HOSTILE = st.text(alphabet=st.sampled_from('<>&"\'/=ab 中'), min_size=1, max_size=30)


@given(subject=HOSTILE, name=HOSTILE, order_no=HOSTILE, owner=HOSTILE)
def test_every_text_of_a_row_is_escaped(subject, name, order_no, owner):
    parsed = cells_of(render(a_row(subject=subject, customer_name=name, customer_phone=None, order_no=order_no,
                                   owner=owner)))
    assert parsed.tags == ["tr", "td", "a", "td", "a", "td", "td", "td", "span", "td", "span", "td", "td", "a", "td",
                           "td", "span"]
    assert parsed.cells[1] == subject and parsed.cells[6] == name and parsed.cells[7] == order_no
    assert parsed.cells[8] == owner


def test_an_unknown_code_shows_as_stored_and_escaped():
    cells = cells_of(render(a_row(category="<new>", channel="fax"))).cells
    assert cells[2:4] == ["<new>", "fax"]
