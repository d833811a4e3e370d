"""The case queue's rows and tabs, built in Python (shopcs/cases/queue/rows.py): the markup the page and
static/cases.js rely on, and every text escaped, whatever it holds."""
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from jinja2.utils import url_quote
from markupsafe import Markup

from shopcs.cases.queue.pages import CaseQuery, CaseRow
from shopcs.cases.queue.rows import rows_html, tabs_html
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
    severity_labels={"high": "High"}, status_labels={"open": "Open"},
    severity_badge={"high": Markup('<span class="badge badge-warn" data-test="case-severity" data-severity="high">High</span>')}.get,
    status_badge={"open": Markup('<span class="badge" data-test="case-status" data-status="open">Open</span>')}.get,
    team_badge=Markup('<span class="badge badge-muted" data-test="case-team">{}</span>').format,
    tab_labels={"mine": Markup("Mine"), "unassigned": Markup("Unassigned"), "team": Markup("My team"),
                "unanswered": Markup("Unanswered"),
                "escalated": Markup("Escalated"), "open": Markup("All open"), "search": Markup("Search results")},
    team_labels={"agents": "Agents", "after_sales": "After-sales & returns"}, visitor="Storefront chat visitor",
    suggestion="Assistant: {category} {percent}%",
)


def a_row(**changes) -> CaseRow:
    values = dict(id=7, subject="Where is my parcel?", category="tracking", channel="chat", severity="high", status="open",
                  team="agents", received_at=RECEIVED, first_response_due_at=RECEIVED + timedelta(minutes=5),
                  first_responded_at=None, escalated_at=None, escalation_acknowledged_at=None, customer_name="李四",
                  customer_key="taobao-li4", customer_phone="13812345678", order_no="T-1001", owner="Amy")
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
        "#7", "Where is my parcel? escalated", "Tracking", "Chat", "High", "Open After-sales & returns", "李四 138****5678",
        "T-1001", "Amy", "4 min left"]


def test_missing_customer_order_and_owner_show_a_dash():
    cells = cells_of(render(a_row(customer_name=None, customer_phone=None, order_no=None, owner=None))).cells
    assert cells[6:9] == ["—", "—", "—"]


def test_a_storefront_chat_visitor_without_a_name_is_named_so_and_anyone_else_without_one_is_a_dash():
    visitor = a_row(customer_name=None, customer_key="widget:0123abcd", customer_phone=None)
    assert cells_of(render(visitor)).cells[6] == "Storefront chat visitor"
    assert cells_of(render(a_row(customer_name="王芳", customer_key="widget:0123abcd"))).cells[6].startswith("王芳")
    assert cells_of(render(a_row(customer_name=None, customer_key="api-buyer-9", customer_phone=None))).cells[6] == "—"


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
    # attributes too: nothing leaves its quotes, and the order link's value reads back as given
    assert parsed.attrs[0] == ("tr", {"data-test": "case-row", "data-case-id": "7"})
    assert ("a", {"href": "/orders/" + url_quote(order_no), "data-test": "case-order-link"}) in parsed.attrs
    plain = cells_of(render(a_row(customer_phone=None)))
    assert [(tag, set(attrs)) for tag, attrs in parsed.attrs] == [(tag, set(attrs)) for tag, attrs in plain.attrs]


def test_an_unknown_code_shows_as_stored_and_escaped():
    cells = cells_of(render(a_row(category="<new>", channel="fax"))).cells
    assert cells[2:4] == ["<new>", "fax"]


COUNTS = {"mine": 3, "unassigned": 5, "team": 12, "unanswered": 0, "escalated": 2, "open": 40}


def link(**changes) -> str:
    """Stands for the page's QueryLinks: the changed parameters, in order, None dropped."""
    args = {"q": "a&b", **changes}
    return "/cases/?" + "&".join(f"{name}={value}" for name, value in args.items() if value is not None)


def test_the_tabs_carry_their_counts_and_mark_the_current_one():
    html = str(tabs_html(CaseQuery(tab="team", team="after_sales"), COUNTS, link, FIXED))
    assert html.split("\n") == [
        '<a href="/cases/?tab=mine" data-test="case-tab-mine" data-count="3">Mine <span class="badge badge-warn">3</span></a>',
        '<a href="/cases/?tab=unassigned" data-test="case-tab-unassigned" data-count="5">Unassigned '
        '<span class="badge badge-warn">5</span></a>',
        '<a href="/cases/?tab=team" data-test="case-tab-team" data-count="12" class="active" aria-current="page">'
        'My team · After-sales &amp; returns <span class="badge badge-warn">12</span></a>',
        '<a href="/cases/?tab=unanswered" data-test="case-tab-unanswered" data-count="0">Unanswered '
        '<span class="badge badge-muted">0</span></a>',
        '<a href="/cases/?tab=escalated" data-test="case-tab-escalated" data-count="2">Escalated '
        '<span class="badge badge-danger">2</span></a>',
        '<a href="/cases/?tab=open" data-test="case-tab-open" data-count="40">All open <span class="badge badge-warn">40</span></a>']


def test_a_search_adds_its_own_current_tab_with_the_search_s_link_escaped():
    html = str(tabs_html(CaseQuery(tab="search", q="a&b"), COUNTS, link, FIXED))
    assert 'class="active"' not in html.split("\n")[0]
    assert html.split("\n")[-1] == ('<a href="/cases/?q=a&amp;b" class="active" aria-current="page" '
                                     'data-test="case-tab-search">Search results</a>')


def test_the_assistants_category_shows_only_where_the_agents_differs():
    assert "case-suggestion" not in render(a_row(suggested_category="tracking", suggested_confidence=0.9))
    assert "case-suggestion" not in render(a_row())  # a case from before the assistant
    html = render(a_row(category="claim", suggested_category="tracking", suggested_confidence=0.874))
    assert '<div class="muted queue-suggestion" data-test="case-suggestion">Assistant: Tracking 87%</div>' in html
