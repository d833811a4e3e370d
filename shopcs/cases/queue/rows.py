"""The case queue's tabs and table rows as HTML, built in Python with every value escaped.

A queue page shows fifty rows. As a Jinja loop each row cost about 20 µs of expression lookups and escaping, more
than its share of the database work, and most of what kept the page from its speed goal (bench/README.md, "Cases");
the five tabs, each a link with the page's parameters and a count, cost as much as the rows of a search's page.
The markup is what templates/cases/queue.html rendered before; tests/unit/test_case_queue_rows.py pins it and checks
that every text is escaped. Words, badges and link prefixes come from the page's fixed parts
(templates/cases/_queue_fixed.html, rendered once per language), escaped once per language here.
"""
from functools import lru_cache
from html import escape  # str in, str out: markupsafe's escape() makes a Markup of each value, twice the cost
from typing import NamedTuple

from flask import current_app
from jinja2.utils import url_quote
from markupsafe import Markup

from ...notify.widget import MESSAGE_PREFIX
from ...phone import mask_phone
from ...web import DASH, html_text
from ..view_support import ClockView
from .pages import SEARCH, TABS, CaseQuery, CaseRow


class RowParts(NamedTuple):
    """One language's words and links for the rows and tabs, escaped: what every page shares."""
    case_prefix: str
    order_prefix: str
    escalated: str
    categories: dict
    channels: dict
    severity_badges: dict
    status_badges: dict
    team_badges: dict
    tab_labels: dict
    team_labels: dict
    visitor: str
    suggestion: str  # "Assistant: {category} {percent}%" as escaped text, with the two places to fill


@lru_cache(maxsize=32)
def row_parts(fixed) -> RowParts:
    """`fixed`: the fixed_parts() module of cases/_queue_fixed.html (one per language and script root)."""
    return RowParts(html_text(fixed.case_prefix), html_text(fixed.order_prefix), html_text(fixed.escalated),
                    {code: html_text(label) for code, label in fixed.category_labels.items()},
                    {code: html_text(label) for code, label in fixed.channel_labels.items()},
                    {code: str(fixed.severity_badge(code)) for code in fixed.severity_labels},
                    {code: str(fixed.status_badge(code)) for code in fixed.status_labels},
                    {code: str(fixed.team_badge(label)) for code, label in fixed.team_labels.items()},
                    {tab: html_text(label) for tab, label in fixed.tab_labels.items()},
                    {team: html_text(label) for team, label in fixed.team_labels.items()}, html_text(fixed.visitor),
                    html_text(fixed.suggestion))


def tabs_html(query: CaseQuery, counts: dict[str, int], link, fixed) -> Markup:
    """The tabs with their counts, the current one marked, and "Search results" while a search is shown. `link`:
    the page's QueryLinks (the URL with some parameters changed)."""
    parts = row_parts(fixed)
    tabs = [_tab(tab, query, counts[tab], escape(link(tab=tab, q=None, page=None)), parts) for tab in TABS]
    if query.tab == SEARCH:
        tabs.append(f'<a href="{escape(link())}" class="active" aria-current="page" data-test="case-tab-search">'
                    f"{parts.tab_labels[SEARCH]}</a>")
    return Markup("\n".join(tabs))


def _tab(tab: str, query: CaseQuery, count: int, href: str, parts: RowParts) -> str:
    current = ' class="active" aria-current="page"' if query.tab == tab else ""
    label = f"{parts.tab_labels[tab]} · {parts.team_labels[query.team]}" if tab == "team" else parts.tab_labels[tab]
    badge = ("badge-danger" if tab == "escalated" else "badge-warn") if count else "badge-muted"
    return (f'<a href="{href}" data-test="case-tab-{tab}" data-count="{count}"{current}>'
            f'{label} <span class="badge {badge}">{count}</span></a>')


def rows_html(rows: list[CaseRow], clocks: dict[int, ClockView], fixed, unread: set[int] = frozenset(),
              unread_label: str = "") -> Markup:
    """`unread`: the ids of the rows with a buyer message the viewer has not seen, marked with a dot titled
    `unread_label` (escaped text) that static/live.js also adds and removes."""
    parts = row_parts(fixed)
    dot = f'<span class="unread-dot" data-test="case-unread" title="{unread_label}"></span>'
    return Markup("".join([_row(row, clocks[row.id], parts, fixed, dot if row.id in unread else "") for row in rows]))


def _row(row: CaseRow, clock: ClockView, parts: RowParts, fixed, dot: str = "") -> str:
    link = f"{parts.case_prefix}{row.id}"
    escalated = (f' <span class="badge badge-danger" data-test="case-escalated">{parts.escalated}</span>'
                 if row.escalated_at and not row.escalation_acknowledged_at else "")
    team = f" {_team_badge(row.team, parts, fixed)}" if row.team != "agents" else ""
    phone = (f' <span class="muted" data-test="case-phone">{escape(mask_phone(row.customer_phone))}</span>'
             if row.customer_phone else "")
    order = (f'<a href="{parts.order_prefix}{escape(url_quote(row.order_no))}" data-test="case-order-link">'
             f"{escape(row.order_no)}</a>" if row.order_no else DASH)
    return (f'<tr data-test="case-row" data-case-id="{row.id}">'
            f'<td><a href="{link}" data-test="case-link">#{row.id}</a>{dot}</td>'
            f'<td><a href="{link}" translate="no">{escape(row.subject)}</a>{escalated}</td>'
            f"<td>{_word(parts.categories, row.category)}{_suggestion(row, parts)}</td>"
            f"<td>{_word(parts.channels, row.channel)}</td>"
            f"<td>{_badge(parts.severity_badges, row.severity, 'severity_badge')}</td>"
            f"<td>{_badge(parts.status_badges, row.status, 'status_badge')}{team}</td>"
            f"<td>{_customer(row, parts)}{phone}</td><td>{order}</td><td>{escape(row.owner or DASH)}</td>"
            f"<td>{clock.html()}</td></tr>\n")


def _customer(row: CaseRow, parts: RowParts) -> str:
    """The buyer's name; a storefront chat visitor who gave none is named so, as on the case page."""
    if row.customer_name:
        return escape(row.customer_name)
    return parts.visitor if (row.customer_key or "").startswith(MESSAGE_PREFIX) else DASH


def _suggestion(row: CaseRow, parts: RowParts) -> str:
    """The assistant's category, where the agent's differs from it: a hint to look again, or a correction made."""
    if not row.suggested_category or row.suggested_category == row.category or row.suggested_confidence is None:
        return ""
    text = parts.suggestion.replace("{category}", _word(parts.categories, row.suggested_category)).replace(
        "{percent}", str(round(row.suggested_confidence * 100)))
    return f'<div class="muted queue-suggestion" data-test="case-suggestion">{text}</div>'


def _word(words: dict, code: str) -> str:
    """An unknown code shows as stored, as the label filters do."""
    word = words.get(code)
    return word if word is not None else escape(code)


def _badge(badges: dict, code: str, macro: str) -> str:
    """A known code's badge as rendered once per language; any other through cases/_clock.html's macro."""
    badge = badges.get(code)
    if badge is None:
        badge = getattr(current_app.jinja_env.get_template("cases/_clock.html").module, macro)(code)
    return str(badge)


def _team_badge(team: str, parts: RowParts, fixed) -> str:
    badge = parts.team_badges.get(team)
    return badge if badge is not None else str(fixed.team_badge(fixed.team_labels[team]))
